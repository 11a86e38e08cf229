#include "eval/evaluator.h"

#include "data/internal/tensors.h"
#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"

#include <QElapsedTimer>
#include <QJsonArray>
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
    EvaluationOutcome out;
    out.modelVersionId = modelVersionId;
    out.split = split;
    out.classes = loaded->dataset.classes;
    try {
        auto data = loadSplit(store, loaded->dataset, split);
        if (!data)
            return R::failure(data.error());
        if (data->size() == 0)
            return R::failure(QStringLiteral("the %1 split of dataset '%2' is empty")
                                  .arg(splitName(split), loaded->dataset.name));
        const int classCount = loaded->dataset.classes.size();
        ConfusionMatrix cm(classCount);
        QVector<int> truth;
        ProbabilityMatrix probs;
        probs.cols = classCount;
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
            for (int64_t i = 0; i < p.size(0); ++i)
                cm.add(int(ta[i]), int(p[i]));
            if (logits.dim() == 2 && logits.size(1) == classCount) {
                const torch::Tensor soft = logits.to(torch::kDouble).softmax(1).contiguous();
                const double *sp = soft.data_ptr<double>();
                for (int64_t i = 0; i < soft.numel(); ++i)
                    probs.values.append(sp[i]);
                for (int64_t i = 0; i < soft.size(0); ++i)
                    truth.append(int(ta[i]));
                probs.rows += int(soft.size(0));
            }
            report(progress, end, data->size(), QStringLiteral("evaluate"));
        }
        out.samples = data->size();
        out.metrics = computeClassificationMetrics(cm);
        if (probs.rows != data->size()) {
            out.scoresError = QStringLiteral("the model's output does not have one score per class (%1 classes)")
                                  .arg(classCount);
        } else if (auto scores = computeScoreMetrics(truth, probs, out.classes)) {
            out.scores = std::move(scores).value();
        } else {
            out.scoresError = scores.error();
        }
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("evaluating model version %1: %2").arg(modelVersionId).arg(describeException(e)));
    }
    EvaluationInfo info;
    info.modelVersionId = modelVersionId;
    info.split = splitName(split);
    info.accuracy = out.metrics.accuracy;
    info.macroF1 = out.metrics.macroF1;
    QJsonObject json = out.metrics.toJson();
    json.insert(QLatin1String("classes"), QJsonArray::fromStringList(out.classes));
    json.insert(QLatin1String("samples"), double(out.samples));
    if (out.scores) {
        const QJsonObject scoreJson = out.scores->toJson();
        for (auto it = scoreJson.begin(); it != scoreJson.end(); ++it)
            json.insert(it.key(), it.value());
    } else {
        json.insert(QLatin1String("scores_error"), out.scoresError);
    }
    info.metricsJson = QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
    auto id = store.addEvaluation(info);
    if (!id)
        return R::failure(id.error());
    out.evaluationId = id.value();
    out.seconds = timer.elapsed() / 1000.0;
    return out;
}

} // namespace lepton
