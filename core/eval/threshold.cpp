#include "eval/threshold.h"

#include <cmath>

namespace lepton {

Result<BinaryThresholdMetrics> binaryThresholdMetrics(const QVector<PredictionRecord> &predictions,
                                                      int positiveClass, double threshold)
{
    using R = Result<BinaryThresholdMetrics>;
    if (positiveClass != 0 && positiveClass != 1)
        return R::failure(QStringLiteral("the positive class of a binary task is 0 or 1, not %1").arg(positiveClass));
    if (!std::isfinite(threshold))
        return R::failure(QStringLiteral("the decision threshold is not a finite number"));
    if (predictions.isEmpty())
        return R::failure(QStringLiteral("no predictions to threshold"));
    BinaryThresholdMetrics m;
    m.positiveClass = positiveClass;
    m.threshold = threshold;
    m.confusion = ConfusionMatrix(2);
    const int negativeClass = 1 - positiveClass;
    for (qsizetype i = 0; i < predictions.size(); ++i) {
        const PredictionRecord &p = predictions[i];
        if (p.scores.size() != 2)
            return R::failure(QStringLiteral("sample %1 ('%2') has %3 scores; a threshold needs a binary task")
                                  .arg(i).arg(p.sample).arg(p.scores.size()));
        if (p.truth != 0 && p.truth != 1)
            return R::failure(QStringLiteral("sample %1 ('%2'): true class %3 is not 0 or 1").arg(i).arg(p.sample).arg(p.truth));
        const bool predictedPositive = p.scores[positiveClass] >= threshold;
        const bool isPositive = p.truth == positiveClass;
        m.confusion.add(p.truth, predictedPositive ? positiveClass : negativeClass);
        if (predictedPositive)
            ++(isPositive ? m.truePositives : m.falsePositives);
        else
            ++(isPositive ? m.falseNegatives : m.trueNegatives);
    }
    const double tp = double(m.truePositives);
    const double predictedPositive = tp + double(m.falsePositives);
    const double actualPositive = tp + double(m.falseNegatives);
    m.precision = predictedPositive > 0 ? tp / predictedPositive : 0.0;
    m.recall = actualPositive > 0 ? tp / actualPositive : 0.0;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
    m.accuracy = (tp + double(m.trueNegatives)) / double(predictions.size());
    return m;
}

} // namespace lepton
