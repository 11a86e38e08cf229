#include "eval/evaluator.h"

#include "data/internal/tensors.h"
#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"

#include <QElapsedTimer>
#include <QJsonDocument>

namespace lepton {

using namespace Internal;

Result<EvaluationOutcome> evaluateModel(const QString &projectPath, qint64 modelVersionId, Split split,
                                        const ProgressFn &progress, const CancelToken &cancel)
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
    QVector<PredictionRecord> predictions;
    try {
        auto data = loadSplit(store, loaded->dataset, split);
        if (!data)
            return R::failure(data.error());
        if (data->size() == 0)
            return R::failure(QStringLiteral("the %1 split of dataset '%2' is empty")
                                  .arg(splitName(split), loaded->dataset.name));
        // Same order as loadSplit (by sample id).
        auto samples = store.samples(loaded->dataset.id, split, false);
        if (!samples)
            return R::failure(samples.error());
        if (samples->size() != data->size())
            return R::failure(QStringLiteral("the %1 split changed while it was read").arg(splitName(split)));
        const int classCount = classes.size();
        predictions.reserve(samples->size());
        torch::NoGradGuard noGrad;
        constexpr qint64 chunk = 512;
        for (qint64 start = 0; start < data->size(); start += chunk) {
            if (cancel.isCancelled())
                return R::failure(QStringLiteral("evaluation cancelled"));
            const qint64 end = std::min(start + chunk, data->size());
            const torch::Tensor logits = loaded->module->forward(data->images.slice(0, start, end));
            const torch::Tensor pred = logits.argmax(1);
            const auto p = pred.accessor<int64_t, 1>();
            const auto t = data->labels.slice(0, start, end);
            const auto ta = t.accessor<int64_t, 1>();
            const bool scored = logits.dim() == 2 && logits.size(1) == classCount;
            torch::Tensor soft;
            if (scored)
                soft = logits.to(torch::kDouble).softmax(1).contiguous();
            for (int64_t i = 0; i < p.size(0); ++i) {
                const SampleRecord &s = samples->at(start + i);
                PredictionRecord r;
                r.sampleId = s.id;
                r.sample = s.path;
                r.truth = int(ta[i]);
                r.predicted = int(p[i]);
                if (scored) {
                    const double *row = soft.data_ptr<double>() + i * classCount;
                    r.scores = QVector<double>(row, row + classCount);
                }
                predictions.append(std::move(r));
            }
            report(progress, end, data->size(), QStringLiteral("evaluate"));
        }
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("evaluating model version %1: %2").arg(modelVersionId).arg(describeException(e)));
    }
    auto computed = evaluationFromPredictions(classes, predictions);
    if (!computed)
        return R::failure(QStringLiteral("evaluating model version %1: %2").arg(modelVersionId).arg(computed.error()));
    EvaluationOutcome out = std::move(computed).value();
    out.modelVersionId = modelVersionId;
    out.split = split;
    if (auto model = store.modelVersion(modelVersionId))
        out.modelName = model->name;
    EvaluationInfo info;
    info.modelVersionId = modelVersionId;
    info.split = splitName(split);
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
