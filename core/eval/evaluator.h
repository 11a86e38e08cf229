#pragma once
// Runs a model version over a split of its dataset and stores the metrics in the project.
#include "common/progress.h"
#include "common/result.h"
#include "eval/metrics.h"
#include "eval/scoremetrics.h"
#include "project/records.h"

namespace lepton {

struct EvaluationOutcome
{
    qint64 evaluationId = 0;
    qint64 modelVersionId = 0;
    Split split = Split::Test;
    qint64 samples = 0;
    ClassificationMetrics metrics;
    // From softmax probabilities: top-k, log loss, ROC/PR, calibration. Empty when they could not
    // be computed (e.g. fewer than 2 classes), with the reason in scoresError.
    std::optional<ScoreMetrics> scores;
    QString scoresError;
    QStringList classes;
    double seconds = 0;
};

Result<EvaluationOutcome> evaluateModel(const QString &projectPath, qint64 modelVersionId,
                                        Split split = Split::Test, const ProgressFn &progress = {},
                                        const CancelToken &cancel = {});

} // namespace lepton
