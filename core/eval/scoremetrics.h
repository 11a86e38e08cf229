#pragma once
// Metrics from predicted class probabilities (definitions as in scikit-learn 1.2.1).
#include "common/result.h"
#include "eval/ranking.h"

#include <QJsonObject>
#include <QStringList>
#include <QVector>

#include <optional>

namespace lepton {

// N samples x K classes, row-major.
struct ProbabilityMatrix
{
    int rows = 0, cols = 0;
    QVector<double> values;
    double at(int row, int col) const { return values[row * cols + col]; }
    QVector<double> column(int col) const;
    // Index of the first largest probability in the row (numpy argmax).
    int argmax(int row) const;
};

// Fails unless the sizes agree, K >= 2, N >= 1, labels lie in [0, K) and every probability is
// finite and in [0, 1]; the message names the offending sample.
Status checkProbabilities(const QVector<int> &truth, const ProbabilityMatrix &probs);

// sklearn top_k_accuracy_score(labels=range(K)). Ties rank the higher class index first (sklearn
// reverses a stable ascending sort). With K == 2 and k == 1, sklearn's binary rule applies:
// predict class 1 when P(class 1) > 0.5.
Result<double> topKAccuracy(const QVector<int> &truth, const ProbabilityMatrix &probs, int k);

// sklearn log_loss(labels=range(K)) with its default eps of 1.2.1 ("auto" = float64 machine
// epsilon, 2.22e-16): clip to [eps, 1 - eps], renormalize each row, mean of -log p(true class).
Result<double> logLoss(const QVector<int> &truth, const ProbabilityMatrix &probs);

// sklearn calibration_curve(strategy='uniform') for a binary problem; bins without samples are
// left out, as sklearn does. expectedCalibrationError (ECE) is
//     sum over non-empty bins of  count_b / N * |probTrue_b - probPred_b|,
// i.e. the bin-count-weighted gap between observed frequency and mean predicted probability.
struct CalibrationCurve
{
    QVector<double> probTrue, probPred;
    QVector<qint64> counts;
    double expectedCalibrationError = 0;
};
Result<CalibrationCurve> calibrationCurve(const QVector<int> &positive, const QVector<double> &probs,
                                          int bins = 10);
// Top-label (confidence) calibration: probability = the row's top-1 probability, positive = the
// argmax class is the true class. Used for binary and multi-class alike.
Result<CalibrationCurve> confidenceCalibration(const QVector<int> &truth, const ProbabilityMatrix &probs,
                                               int bins = 10);

// One class against the rest.
struct ClassRanking
{
    std::optional<RocCurve> roc;
    std::optional<double> rocAuc;
    std::optional<PrecisionRecallCurve> pr;
    std::optional<double> averagePrecision;
    QString undefined; // why the curves are missing (class absent, or every sample is this class)
};

struct ScoreMetrics
{
    double top1Accuracy = 0;
    std::optional<double> top5Accuracy; // only when K > 5
    double logLoss = 0;
    QVector<ClassRanking> perClass;
    // Macro ROC AUC / AP average only the classes whose curve is defined (sklearn raises instead);
    // the others are listed in skippedClasses. Empty when no class is defined.
    std::optional<double> macroRocAuc, macroAveragePrecision;
    QVector<int> skippedClasses;
    // Micro: all K one-vs-rest problems pooled (sklearn average='micro' on label_binarize(y)).
    RocCurve microRoc;
    double microRocAuc = 0;
    double microAveragePrecision = 0;
    CalibrationCurve calibration;
    QJsonObject toJson(bool withCurves = true) const;
};

// All of the above. Fails only on malformed input (see checkProbabilities); metrics that are
// undefined for this split are reported in ClassRanking::undefined / skippedClasses instead.
// classNames (optional) are used in the messages.
Result<ScoreMetrics> computeScoreMetrics(const QVector<int> &truth, const ProbabilityMatrix &probs,
                                         const QStringList &classNames = {});

} // namespace lepton
