#include "eval/evaluation.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace lepton {

Result<EvaluationOutcome> evaluationFromPredictions(const QStringList &classes,
                                                    const QVector<PredictionRecord> &predictions)
{
    using R = Result<EvaluationOutcome>;
    const int k = classes.size();
    if (k < 1)
        return R::failure(QStringLiteral("an evaluation needs at least one class"));
    if (predictions.isEmpty())
        return R::failure(QStringLiteral("an evaluation needs at least one sample"));
    EvaluationOutcome out;
    out.classes = classes;
    out.predictions = predictions;
    out.samples = predictions.size();
    ConfusionMatrix cm(k);
    QVector<int> truth;
    truth.reserve(predictions.size());
    ProbabilityMatrix probs;
    probs.cols = k;
    probs.values.reserve(predictions.size() * k);
    for (qsizetype i = 0; i < predictions.size(); ++i) {
        const PredictionRecord &p = predictions[i];
        const QString where = QStringLiteral("sample %1 ('%2')").arg(i).arg(p.sample);
        if (p.truth < 0 || p.truth >= k)
            return R::failure(QStringLiteral("%1: true class %2 is not one of the %3 classes").arg(where).arg(p.truth).arg(k));
        if (p.predicted < 0 || p.predicted >= k)
            return R::failure(QStringLiteral("%1: predicted class %2 is not one of the %3 classes").arg(where).arg(p.predicted).arg(k));
        cm.add(p.truth, p.predicted);
        truth.append(p.truth);
        if (p.scores.size() == k && out.scoresError.isEmpty())
            probs.values += p.scores;
        else if (out.scoresError.isEmpty())
            out.scoresError = QStringLiteral("%1 has %2 scores for %3 classes").arg(where).arg(p.scores.size()).arg(k);
    }
    out.metrics = computeClassificationMetrics(cm);
    if (out.scoresError.isEmpty()) {
        probs.rows = int(predictions.size());
        if (auto scores = computeScoreMetrics(truth, probs, classes))
            out.scores = std::move(scores).value();
        else
            out.scoresError = scores.error();
    }
    return out;
}

Result<EvaluationOutcome> regressionEvaluationFromPredictions(const QString &targetName,
                                                              const QVector<PredictionRecord> &predictions)
{
    using R = Result<EvaluationOutcome>;
    QVector<double> truth, predicted;
    truth.reserve(predictions.size());
    predicted.reserve(predictions.size());
    for (const PredictionRecord &p : predictions) {
        truth.append(p.targetValue);
        predicted.append(p.predictedValue);
    }
    auto metrics = computeRegressionMetrics(truth, predicted);
    if (!metrics)
        return R::failure(metrics.error());
    EvaluationOutcome out;
    out.regression = true;
    out.regressionMetrics = metrics.value();
    out.targetName = targetName;
    out.predictions = predictions;
    out.samples = predictions.size();
    return out;
}

namespace {

// Evaluations stored before predictions were kept: the confusion matrix is all there is.
Result<EvaluationOutcome> fromStoredMetrics(const EvaluationInfo &info, const QStringList &classes)
{
    const QJsonObject o = QJsonDocument::fromJson(info.metricsJson.toUtf8()).object();
    const QJsonArray rows = o.value(QLatin1String("confusion_matrix")).toArray();
    const int k = classes.size();
    if (rows.size() != k)
        return Result<EvaluationOutcome>::failure(
            QStringLiteral("evaluation #%1: the stored metrics have no %2 x %2 confusion matrix").arg(info.id).arg(k));
    ConfusionMatrix cm(k);
    for (int t = 0; t < k; ++t) {
        const QJsonArray row = rows[t].toArray();
        for (int p = 0; p < k && p < row.size(); ++p)
            for (qint64 n = row[p].toInteger(); n > 0; --n)
                cm.add(t, p);
    }
    EvaluationOutcome out;
    out.classes = classes;
    out.metrics = computeClassificationMetrics(cm);
    out.samples = cm.total();
    out.scoresError = QStringLiteral("evaluation #%1 was stored before per-sample scores were kept; "
                                     "evaluate the model again for curves, calibration and the sample gallery")
                          .arg(info.id);
    return out;
}

} // namespace

Result<EvaluationOutcome> loadEvaluation(const ProjectStore &store, qint64 evaluationId)
{
    using R = Result<EvaluationOutcome>;
    auto info = store.evaluation(evaluationId);
    if (!info)
        return R::failure(info.error());
    auto model = store.modelVersion(info->modelVersionId);
    if (!model)
        return R::failure(model.error());
    // Labels are stored in the model's class indices, so the model's dataset names the classes.
    auto dataset = store.dataset(model->datasetId);
    if (!dataset)
        return R::failure(dataset.error());
    const qint64 evaluatedId = info->datasetId > 0 ? info->datasetId : model->datasetId;
    auto evaluated = evaluatedId == dataset->id ? Result<DatasetInfo>(dataset.value()) : store.dataset(evaluatedId);
    auto predictions = store.predictions(evaluationId);
    if (!predictions)
        return R::failure(predictions.error());
    auto out = dataset->isRegression()    ? regressionEvaluationFromPredictions(dataset->targetName, predictions.value())
               : predictions->isEmpty() ? fromStoredMetrics(info.value(), dataset->classes)
                                        : evaluationFromPredictions(dataset->classes, predictions.value());
    if (!out)
        return R::failure(QStringLiteral("evaluation #%1: %2").arg(evaluationId).arg(out.error()));
    out->evaluationId = evaluationId;
    out->modelVersionId = info->modelVersionId;
    out->modelName = model->name;
    out->allSplits = info->split == QLatin1String("all");
    if (!out->allSplits)
        parseSplit(info->split, &out->split);
    out->datasetId = evaluatedId;
    out->datasetName = evaluated ? evaluated->name : QStringLiteral("#%1 (deleted)").arg(evaluatedId);
    out->created = info->created;
    return out;
}

namespace {

// Regression evaluations: the task, the target's name and MAE, RMSE, R² at top level.
QJsonObject regressionJson(const EvaluationOutcome &e)
{
    QJsonObject o = e.regressionMetrics.toJson();
    o.insert(QLatin1String("task"), QStringLiteral("regression"));
    o.insert(QLatin1String("target"), e.targetName);
    o.insert(QLatin1String("samples"), double(e.samples));
    return o;
}

} // namespace

QJsonObject evaluationJson(const EvaluationOutcome &e, bool withCurves)
{
    QJsonObject o = e.regression ? regressionJson(e) : e.metrics.toJson();
    o.insert(QLatin1String("evaluation_id"), e.evaluationId);
    o.insert(QLatin1String("model_version_id"), e.modelVersionId);
    o.insert(QLatin1String("model_name"), e.modelName);
    o.insert(QLatin1String("split"), e.scopeName());
    o.insert(QLatin1String("dataset_id"), e.datasetId);
    o.insert(QLatin1String("dataset_name"), e.datasetName);
    o.insert(QLatin1String("samples"), double(e.samples));
    if (e.created.isValid())
        o.insert(QLatin1String("created"), e.created.toString(Qt::ISODateWithMs));
    if (e.regression)
        return o;
    o.insert(QLatin1String("classes"), QJsonArray::fromStringList(e.classes));
    if (e.scores)
        o.insert(QLatin1String("scores"), e.scores->toJson(withCurves));
    else
        o.insert(QLatin1String("scores_error"), e.scoresError);
    return o;
}

QJsonObject storedMetricsJson(const EvaluationOutcome &e)
{
    if (e.regression)
        return regressionJson(e);
    QJsonObject json = e.metrics.toJson();
    json.insert(QLatin1String("classes"), QJsonArray::fromStringList(e.classes));
    json.insert(QLatin1String("samples"), double(e.samples));
    if (e.scores) {
        const QJsonObject scoreJson = e.scores->toJson(false);
        for (auto it = scoreJson.begin(); it != scoreJson.end(); ++it)
            json.insert(it.key(), it.value());
    } else {
        json.insert(QLatin1String("scores_error"), e.scoresError);
    }
    return json;
}

} // namespace lepton
