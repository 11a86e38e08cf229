#include "eval/ranking.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lepton {

namespace {

// Cumulative false/true positive counts at each distinct score, highest score first
// (sklearn _binary_clf_curve without sample weights).
struct BinaryCounts
{
    QVector<double> fps, tps, thresholds;
};

Result<BinaryCounts> binaryCounts(const QVector<int> &positive, const QVector<double> &scores,
                                  const char *what)
{
    using R = Result<BinaryCounts>;
    if (positive.size() != scores.size())
        return R::failure(QStringLiteral("%1: %2 labels but %3 scores")
                              .arg(QLatin1String(what)).arg(positive.size()).arg(scores.size()));
    if (scores.isEmpty())
        return R::failure(QStringLiteral("%1: no samples").arg(QLatin1String(what)));
    qint64 positives = 0;
    for (int i = 0; i < scores.size(); ++i) {
        if (!std::isfinite(scores[i]))
            return R::failure(QStringLiteral("%1: score of sample %2 is not finite")
                                  .arg(QLatin1String(what)).arg(i));
        positives += positive[i] ? 1 : 0;
    }
    if (positives == 0 || positives == scores.size())
        return R::failure(QStringLiteral("%1 needs both classes present; only the %2 class occurs")
                              .arg(QLatin1String(what),
                                   positives ? QStringLiteral("positive") : QStringLiteral("negative")));
    QVector<int> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
    BinaryCounts c;
    double tp = 0;
    for (int i = 0; i < order.size(); ++i) {
        tp += positive[order[i]] ? 1 : 0;
        const bool lastOfValue = i + 1 == order.size() || scores[order[i + 1]] != scores[order[i]];
        if (lastOfValue) {
            c.tps.append(tp);
            c.fps.append(double(i + 1) - tp);
            c.thresholds.append(scores[order[i]]);
        }
    }
    return c;
}

} // namespace

Result<RocCurve> rocCurve(const QVector<int> &positive, const QVector<double> &scores)
{
    auto counts = binaryCounts(positive, scores, "ROC curve");
    if (!counts)
        return Result<RocCurve>::failure(counts);
    const BinaryCounts &c = counts.value();
    const int n = c.fps.size();
    // drop_intermediate: keep the ends and every point where fps or tps bends.
    QVector<int> keep;
    for (int i = 0; i < n; ++i) {
        const bool corner = n <= 2 || i == 0 || i == n - 1
                            || (c.fps[i + 1] - 2 * c.fps[i] + c.fps[i - 1]) != 0
                            || (c.tps[i + 1] - 2 * c.tps[i] + c.tps[i - 1]) != 0;
        if (corner)
            keep.append(i);
    }
    const double fpTotal = c.fps.last(), tpTotal = c.tps.last();
    RocCurve roc;
    roc.fpr.append(0);
    roc.tpr.append(0);
    roc.thresholds.append(c.thresholds[keep.first()] + 1);
    for (int i : keep) {
        roc.fpr.append(c.fps[i] / fpTotal);
        roc.tpr.append(c.tps[i] / tpTotal);
        roc.thresholds.append(c.thresholds[i]);
    }
    return roc;
}

Result<PrecisionRecallCurve> precisionRecallCurve(const QVector<int> &positive,
                                                  const QVector<double> &scores)
{
    auto counts = binaryCounts(positive, scores, "precision-recall curve");
    if (!counts)
        return Result<PrecisionRecallCurve>::failure(counts);
    const BinaryCounts &c = counts.value();
    PrecisionRecallCurve pr;
    const double tpTotal = c.tps.last();
    for (int i = c.tps.size() - 1; i >= 0; --i) {
        const double predicted = c.tps[i] + c.fps[i];
        pr.precision.append(predicted != 0 ? c.tps[i] / predicted : 0.0);
        pr.recall.append(c.tps[i] / tpTotal);
        pr.thresholds.append(c.thresholds[i]);
    }
    pr.precision.append(1.0);
    pr.recall.append(0.0);
    return pr;
}

Result<double> areaUnderCurve(const QVector<double> &x, const QVector<double> &y)
{
    using R = Result<double>;
    if (x.size() != y.size())
        return R::failure(QStringLiteral("area under curve: %1 x values but %2 y values").arg(x.size()).arg(y.size()));
    if (x.size() < 2)
        return R::failure(QStringLiteral("area under curve needs at least 2 points, got %1").arg(x.size()));
    bool increasing = true, decreasing = true;
    for (int i = 1; i < x.size(); ++i) {
        increasing = increasing && x[i] >= x[i - 1];
        decreasing = decreasing && x[i] <= x[i - 1];
    }
    if (!increasing && !decreasing)
        return R::failure(QStringLiteral("area under curve: x is neither increasing nor decreasing"));
    double area = 0;
    for (int i = 1; i < x.size(); ++i)
        area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0;
    return (increasing ? 1.0 : -1.0) * area;
}

double averagePrecision(const PrecisionRecallCurve &curve)
{
    double ap = 0;
    for (int i = 0; i + 1 < curve.recall.size(); ++i)
        ap -= (curve.recall[i + 1] - curve.recall[i]) * curve.precision[i];
    return ap;
}

} // namespace lepton
