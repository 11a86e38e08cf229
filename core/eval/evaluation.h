#pragma once
// An evaluation as the dock, the reports and the CLI see it: the per-sample predictions of a model
// version on a split and every metric computed from them. Stored evaluations are rebuilt from the
// project's predictions, so nothing here needs the model again.
#include "common/result.h"
#include "eval/metrics.h"
#include "eval/regressionmetrics.h"
#include "eval/scoremetrics.h"
#include "project/projectstore.h"

#include <QDateTime>

#include <optional>

namespace lepton {

struct EvaluationOutcome
{
    qint64 evaluationId = 0;
    qint64 modelVersionId = 0;
    QString modelName;
    Split split = Split::Test;
    bool allSplits = false;   // every sample of the dataset, not one split
    qint64 datasetId = 0;     // the dataset evaluated (may differ from the model's own)
    QString datasetName;
    qint64 samples = 0;
    ClassificationMetrics metrics;       // classification models
    // Regression models (task "regression"): MAE, RMSE, R² of predictedValue vs targetValue; the
    // classification fields are then empty.
    bool regression = false;
    RegressionMetrics regressionMetrics;
    QString targetName;
    // From softmax probabilities: top-k, log loss, ROC/PR, calibration. Empty when they could not
    // be computed (e.g. fewer than 2 classes), with the reason in scoresError.
    std::optional<ScoreMetrics> scores;
    QString scoresError;
    QStringList classes;
    // One per sample in split order. Empty for evaluations stored before schema version 3; their
    // metrics are rebuilt from the stored confusion matrix and scoresError says why curves are missing.
    QVector<PredictionRecord> predictions;
    QDateTime created;
    double seconds = 0;

    bool hasPredictions() const { return !predictions.isEmpty(); }
    // "test", "validation", "train" or "all": what is stored in evaluations.split.
    QString scopeName() const { return allSplits ? QStringLiteral("all") : splitName(split); }
};

// Metrics of `predictions` over `classes`. Fails when a label lies outside the classes (naming the
// sample); rows whose scores are not one per class leave the score metrics out, with the reason.
Result<EvaluationOutcome> evaluationFromPredictions(const QStringList &classes,
                                                    const QVector<PredictionRecord> &predictions);

// Regression metrics of `predictions` (targetValue vs predictedValue). Fails on no samples or a
// non-finite value (naming the sample).
Result<EvaluationOutcome> regressionEvaluationFromPredictions(const QString &targetName,
                                                              const QVector<PredictionRecord> &predictions);

// A stored evaluation with its predictions, model name and classes.
Result<EvaluationOutcome> loadEvaluation(const ProjectStore &store, qint64 evaluationId);

// Everything about an evaluation as one JSON object (the `lepton eval --json` output and the
// JSON report): the classification metrics at top level, the score metrics under "scores".
QJsonObject evaluationJson(const EvaluationOutcome &e, bool withCurves);

// The compact form stored in evaluations.metrics_json (score metrics flattened, no curves).
QJsonObject storedMetricsJson(const EvaluationOutcome &e);

} // namespace lepton
