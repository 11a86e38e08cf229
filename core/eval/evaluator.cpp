#include "eval/evaluator.h"

#include "data/internal/tensors.h"
#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"

#include <QElapsedTimer>
#include <QJsonDocument>

namespace lepton {

using namespace Internal;

namespace {

QString describe(const DatasetInfo &d)
{
    return QStringLiteral("dataset #%1 '%2'").arg(d.id).arg(d.name);
}

QString shapeText(const DatasetInfo &d)
{
    return QStringLiteral("%1×%2×%3").arg(d.channels).arg(d.height).arg(d.width);
}

} // namespace

Result<QVector<int>> mapClassesByName(const DatasetInfo &modelDataset, const DatasetInfo &dataset)
{
    QVector<int> mapping;
    QStringList unknown;
    for (const QString &name : dataset.classes) {
        const int index = modelDataset.classes.indexOf(name);
        if (index < 0)
            unknown.append(QStringLiteral("'%1'").arg(name));
        mapping.append(index);
    }
    if (!unknown.isEmpty())
        return Result<QVector<int>>::failure(
            QStringLiteral("%1 has class(es) %2 that the model (trained on %3, classes %4) does not know")
                .arg(describe(dataset), unknown.join(QStringLiteral(", ")), describe(modelDataset),
                     modelDataset.classes.join(QStringLiteral(", "))));
    return mapping;
}

Result<QVector<int>> checkDatasetCompatible(const DatasetInfo &modelDataset, const DatasetInfo &dataset)
{
    if (dataset.channels != modelDataset.channels || dataset.height != modelDataset.height
        || dataset.width != modelDataset.width)
        return Result<QVector<int>>::failure(
            QStringLiteral("%1 has %2 inputs (C×H×W) but the model, trained on %3, takes %4")
                .arg(describe(dataset), shapeText(dataset), describe(modelDataset), shapeText(modelDataset)));
    return mapClassesByName(modelDataset, dataset);
}

Result<EvaluationOutcome> evaluateModel(const QString &projectPath, qint64 modelVersionId,
                                        const EvaluationTarget &target, const ProgressFn &progress,
                                        const CancelToken &cancel)
{
    using R = Result<EvaluationOutcome>;
    QElapsedTimer timer;
    timer.start();
    auto opened = openModelVersion(projectPath, modelVersionId);
    if (!opened)
        return R::failure(opened.error());
    ProjectStore &store = *opened->store;
    const LoadedModel *loaded = &opened->model;
    const QStringList classes = loaded->dataset.classes;
    DatasetInfo dataset = loaded->dataset;
    if (target.datasetId > 0 && target.datasetId != dataset.id) {
        auto other = store.dataset(target.datasetId);
        if (!other)
            return R::failure(other.error());
        dataset = other.value();
    }
    const bool regression = loaded->dataset.isRegression();
    if (regression != dataset.isRegression())
        return R::failure(QStringLiteral("cannot evaluate model version %1 on %2: %3")
                              .arg(modelVersionId)
                              .arg(describe(dataset),
                                   regression ? QStringLiteral("the model predicts '%1' (regression) and the dataset has classes")
                                                    .arg(loaded->dataset.targetName)
                                              : QStringLiteral("the model is a classifier and the dataset is a regression "
                                                               "dataset (target '%1')")
                                                    .arg(dataset.targetName)));
    auto mapping = checkDatasetCompatible(loaded->dataset, dataset);
    if (!mapping)
        return R::failure(QStringLiteral("cannot evaluate model version %1 on %2: %3")
                              .arg(modelVersionId).arg(describe(dataset), mapping.error()));
    const QString scope = target.split ? splitName(*target.split) : QStringLiteral("all");
    QVector<PredictionRecord> predictions;
    try {
        // One split, or all three one after another; loadSplit applies the dataset's preprocessing
        // exactly as training and export see it.
        QVector<Split> splits;
        if (target.split)
            splits = {*target.split};
        else
            splits = {Split::Train, Split::Validation, Split::Test};
        QVector<SplitTensors> parts;
        QVector<SampleRecord> samples;
        qint64 n = 0;
        for (Split split : splits) {
            auto data = loadSplit(store, dataset, split);
            if (!data)
                return R::failure(data.error());
            // Same order as loadSplit (by sample id).
            auto records = store.samples(dataset.id, split, false);
            if (!records)
                return R::failure(records.error());
            if (records->size() != data->size())
                return R::failure(QStringLiteral("the %1 split of %2 changed while it was read")
                                      .arg(splitName(split), describe(dataset)));
            n += data->size();
            samples += records.value();
            parts.append(std::move(data).value());
        }
        if (n == 0)
            return R::failure(target.split ? QStringLiteral("the %1 split of %2 is empty").arg(scope, describe(dataset))
                                           : QStringLiteral("%1 has no samples").arg(describe(dataset)));
        const int classCount = classes.size();
        predictions.reserve(n);
        torch::NoGradGuard noGrad;
        constexpr qint64 chunk = 512;
        qint64 done = 0;
        for (const SplitTensors &data : parts) {
            for (qint64 start = 0; start < data.size(); start += chunk) {
                if (cancel.isCancelled())
                    return R::failure(QStringLiteral("evaluation cancelled"));
                const qint64 end = std::min(start + chunk, data.size());
                const torch::Tensor logits = loaded->module->forward(data.images.slice(0, start, end));
                if (regression) {
                    const torch::Tensor values = logits.reshape({-1}).to(torch::kDouble).contiguous();
                    const torch::Tensor targets = data.targets.slice(0, start, end).to(torch::kDouble).contiguous();
                    for (int64_t i = 0; i < values.size(0); ++i) {
                        const SampleRecord &s = samples.at(done + i);
                        PredictionRecord r;
                        r.sampleId = s.id;
                        r.sample = s.path;
                        r.targetValue = targets.data_ptr<double>()[i];
                        r.predictedValue = values.data_ptr<double>()[i];
                        predictions.append(std::move(r));
                    }
                    done += end - start;
                    report(progress, done, n, QStringLiteral("evaluate"));
                    continue;
                }
                const torch::Tensor pred = logits.argmax(1);
                const auto p = pred.accessor<int64_t, 1>();
                const torch::Tensor t = data.labels.slice(0, start, end);
                const auto ta = t.accessor<int64_t, 1>();
                const bool scored = logits.dim() == 2 && logits.size(1) == classCount;
                torch::Tensor soft;
                if (scored)
                    soft = logits.to(torch::kDouble).softmax(1).contiguous();
                for (int64_t i = 0; i < p.size(0); ++i) {
                    const SampleRecord &s = samples.at(done + i);
                    if (ta[i] < 0 || ta[i] >= mapping->size())
                        return R::failure(QStringLiteral("sample %1 ('%2') of %3 has label %4 outside its %5 classes")
                                              .arg(s.id).arg(s.path, describe(dataset)).arg(ta[i]).arg(mapping->size()));
                    PredictionRecord r;
                    r.sampleId = s.id;
                    r.sample = s.path;
                    r.truth = mapping->at(int(ta[i]));
                    r.predicted = int(p[i]);
                    if (scored) {
                        const double *row = soft.data_ptr<double>() + i * classCount;
                        r.scores = QVector<double>(row, row + classCount);
                    }
                    predictions.append(std::move(r));
                }
                done += end - start;
                report(progress, done, n, QStringLiteral("evaluate"));
            }
        }
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("evaluating model version %1: %2").arg(modelVersionId).arg(describeException(e)));
    }
    auto computed = regression ? regressionEvaluationFromPredictions(loaded->dataset.targetName, predictions)
                               : evaluationFromPredictions(classes, predictions);
    if (!computed)
        return R::failure(QStringLiteral("evaluating model version %1: %2").arg(modelVersionId).arg(computed.error()));
    EvaluationOutcome out = std::move(computed).value();
    out.modelVersionId = modelVersionId;
    out.split = target.split.value_or(Split::Test);
    out.allSplits = !target.split;
    out.datasetId = dataset.id;
    out.datasetName = dataset.name;
    if (auto model = store.modelVersion(modelVersionId))
        out.modelName = model->name;
    EvaluationInfo info;
    info.modelVersionId = modelVersionId;
    info.datasetId = dataset.id;
    info.split = scope;
    info.regression = regression;
    info.accuracy = out.metrics.accuracy;
    info.macroF1 = out.metrics.macroF1;
    info.metricsJson = QString::fromUtf8(QJsonDocument(storedMetricsJson(out)).toJson(QJsonDocument::Compact));
    auto id = store.addEvaluation(info, out.predictions);
    if (!id)
        return R::failure(id.error());
    out.evaluationId = id.value();
    out.created = QDateTime::currentDateTimeUtc();
    out.seconds = timer.elapsed() / 1000.0;
    return out;
}

} // namespace lepton
