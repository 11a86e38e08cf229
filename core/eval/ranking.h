#pragma once
// Threshold curves for one binary problem (a class against the rest), reproducing scikit-learn
// 1.2.1: roc_curve(drop_intermediate=True), precision_recall_curve, auc, average_precision_score.
// Tied scores form a single threshold, as sklearn's _binary_clf_curve does.
#include "common/result.h"

#include <QVector>

namespace lepton {

struct RocCurve
{
    QVector<double> fpr, tpr;
    // Decreasing; the first is max(score) + 1 so the curve starts at (0, 0), as in sklearn.
    QVector<double> thresholds;
};

struct PrecisionRecallCurve
{
    // precision/recall have one more entry than thresholds: the final (recall 0, precision 1).
    QVector<double> precision, recall;
    QVector<double> thresholds; // increasing
};

// positive[i] != 0 marks sample i as the positive class. Both curves need positives and negatives;
// otherwise the failure says which one is missing (sklearn would return NaN or a warning).
Result<RocCurve> rocCurve(const QVector<int> &positive, const QVector<double> &scores);
Result<PrecisionRecallCurve> precisionRecallCurve(const QVector<int> &positive,
                                                  const QVector<double> &scores);

// Trapezoidal area under a monotonic curve (sklearn.metrics.auc).
Result<double> areaUnderCurve(const QVector<double> &x, const QVector<double> &y);
// Step-wise (not interpolated) average precision: sum (R_n - R_{n-1}) P_n.
double averagePrecision(const PrecisionRecallCurve &curve);

} // namespace lepton
