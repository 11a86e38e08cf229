#pragma once
// Binary decisions at a chosen threshold: "positive" when the positive class's score is at least
// the threshold (the convention of sklearn's threshold curves). Drives the dock's threshold slider.
#include "common/result.h"
#include "eval/metrics.h"
#include "project/projectstore.h"

namespace lepton {

struct BinaryThresholdMetrics
{
    int positiveClass = 1;
    double threshold = 0.5;
    qint64 truePositives = 0, falsePositives = 0, falseNegatives = 0, trueNegatives = 0;
    double precision = 0, recall = 0, f1 = 0, accuracy = 0; // 0/0 counts as 0 (zero_division=0)
    ConfusionMatrix confusion; // 2 x 2 in class order, rows true, columns predicted
};

// Needs a two-class evaluation whose predictions carry both scores; fails naming the sample otherwise.
Result<BinaryThresholdMetrics> binaryThresholdMetrics(const QVector<PredictionRecord> &predictions,
                                                      int positiveClass, double threshold);

} // namespace lepton
