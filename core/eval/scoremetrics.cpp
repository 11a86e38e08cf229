#include "eval/scoremetrics.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <limits>

namespace lepton {

QVector<double> ProbabilityMatrix::column(int col) const
{
    QVector<double> out(rows);
    for (int r = 0; r < rows; ++r)
        out[r] = at(r, col);
    return out;
}

int ProbabilityMatrix::argmax(int row) const
{
    int best = 0;
    for (int c = 1; c < cols; ++c)
        if (at(row, c) > at(row, best))
            best = c;
    return best;
}

Status checkProbabilities(const QVector<int> &truth, const ProbabilityMatrix &probs)
{
    if (probs.cols < 2)
        return Status::failure(QStringLiteral("probability metrics need at least 2 classes, got %1").arg(probs.cols));
    if (probs.rows < 1)
        return Status::failure(QStringLiteral("probability metrics need at least one sample"));
    if (probs.values.size() != qsizetype(probs.rows) * probs.cols)
        return Status::failure(QStringLiteral("probability matrix holds %1 values, expected %2 x %3")
                                   .arg(probs.values.size()).arg(probs.rows).arg(probs.cols));
    if (truth.size() != probs.rows)
        return Status::failure(QStringLiteral("%1 true labels but %2 probability rows").arg(truth.size()).arg(probs.rows));
    for (int i = 0; i < probs.rows; ++i) {
        if (truth[i] < 0 || truth[i] >= probs.cols)
            return Status::failure(QStringLiteral("sample %1: label %2 is outside [0, %3)").arg(i).arg(truth[i]).arg(probs.cols));
        for (int c = 0; c < probs.cols; ++c) {
            const double p = probs.at(i, c);
            if (!std::isfinite(p) || p < 0 || p > 1)
                return Status::failure(QStringLiteral("sample %1, class %2: probability %3 is not in [0, 1]")
                                           .arg(i).arg(c).arg(p));
        }
    }
    return success();
}

Result<double> topKAccuracy(const QVector<int> &truth, const ProbabilityMatrix &probs, int k)
{
    if (auto ok = checkProbabilities(truth, probs); !ok)
        return Result<double>::failure(ok);
    if (k < 1)
        return Result<double>::failure(QStringLiteral("top-k accuracy needs k >= 1, got %1").arg(k));
    qint64 hits = 0;
    for (int i = 0; i < probs.rows; ++i) {
        const int t = truth[i];
        if (probs.cols == 2) {
            hits += k >= 2 || int(probs.at(i, 1) > 0.5) == t;
            continue;
        }
        // Rank of the true class in sklearn's order: higher score first, ties by higher index.
        int above = 0;
        for (int c = 0; c < probs.cols; ++c)
            above += probs.at(i, c) > probs.at(i, t) || (probs.at(i, c) == probs.at(i, t) && c > t);
        hits += above < k;
    }
    return double(hits) / double(probs.rows);
}

Result<double> logLoss(const QVector<int> &truth, const ProbabilityMatrix &probs)
{
    if (auto ok = checkProbabilities(truth, probs); !ok)
        return Result<double>::failure(ok);
    constexpr double eps = std::numeric_limits<double>::epsilon();
    double total = 0;
    for (int i = 0; i < probs.rows; ++i) {
        double rowSum = 0;
        for (int c = 0; c < probs.cols; ++c)
            rowSum += std::clamp(probs.at(i, c), eps, 1 - eps);
        total -= std::log(std::clamp(probs.at(i, truth[i]), eps, 1 - eps) / rowSum);
    }
    return total / double(probs.rows);
}

Result<CalibrationCurve> calibrationCurve(const QVector<int> &positive, const QVector<double> &probs, int bins)
{
    using R = Result<CalibrationCurve>;
    if (bins < 1)
        return R::failure(QStringLiteral("calibration curve needs at least one bin, got %1").arg(bins));
    if (positive.size() != probs.size() || probs.isEmpty())
        return R::failure(QStringLiteral("calibration curve: %1 labels and %2 probabilities").arg(positive.size()).arg(probs.size()));
    // Interior edges i / bins as numpy.linspace makes them; a probability on an edge goes to the
    // lower bin (numpy.searchsorted side='left').
    const double step = 1.0 / bins;
    QVector<double> sums(bins, 0.0), trues(bins, 0.0);
    QVector<qint64> counts(bins, 0);
    for (int i = 0; i < probs.size(); ++i) {
        const double p = probs[i];
        if (!std::isfinite(p) || p < 0 || p > 1)
            return R::failure(QStringLiteral("calibration curve: probability %1 of sample %2 is not in [0, 1]").arg(p).arg(i));
        int bin = 0;
        while (bin < bins - 1 && double(bin + 1) * step < p)
            ++bin;
        sums[bin] += p;
        trues[bin] += positive[i] ? 1.0 : 0.0;
        ++counts[bin];
    }
    CalibrationCurve curve;
    for (int b = 0; b < bins; ++b) {
        if (!counts[b])
            continue;
        curve.probTrue.append(trues[b] / double(counts[b]));
        curve.probPred.append(sums[b] / double(counts[b]));
        curve.counts.append(counts[b]);
        curve.expectedCalibrationError += double(counts[b]) / double(probs.size())
                                          * std::abs(curve.probTrue.last() - curve.probPred.last());
    }
    return curve;
}

Result<CalibrationCurve> confidenceCalibration(const QVector<int> &truth, const ProbabilityMatrix &probs, int bins)
{
    if (auto ok = checkProbabilities(truth, probs); !ok)
        return Result<CalibrationCurve>::failure(ok);
    QVector<int> correct(probs.rows);
    QVector<double> confidence(probs.rows);
    for (int i = 0; i < probs.rows; ++i) {
        const int top = probs.argmax(i);
        correct[i] = top == truth[i];
        confidence[i] = probs.at(i, top);
    }
    return calibrationCurve(correct, confidence, bins);
}

Result<ScoreMetrics> computeScoreMetrics(const QVector<int> &truth, const ProbabilityMatrix &probs,
                                         const QStringList &classNames)
{
    using R = Result<ScoreMetrics>;
    if (auto ok = checkProbabilities(truth, probs); !ok)
        return R::failure(ok);
    const int k = probs.cols;
    const auto name = [&](int c) { return c < classNames.size() ? classNames[c] : QString::number(c); };
    ScoreMetrics m;
    m.top1Accuracy = topKAccuracy(truth, probs, 1).value();
    if (k > 5)
        m.top5Accuracy = topKAccuracy(truth, probs, 5).value();
    m.logLoss = logLoss(truth, probs).value();

    QVector<qint64> support(k, 0);
    for (int t : truth)
        ++support[t];
    m.perClass.resize(k);
    double rocSum = 0, apSum = 0;
    int defined = 0;
    for (int c = 0; c < k; ++c) {
        ClassRanking &cr = m.perClass[c];
        if (support[c] == 0 || support[c] == probs.rows) {
            const int only = support[c] ? c : truth.first();
            if (k == 2)
                cr.undefined = QStringLiteral("binary ROC and precision-recall need both classes present; "
                                              "only class '%1' occurs").arg(name(only));
            else if (support[c] == 0)
                cr.undefined = QStringLiteral("ROC AUC and average precision for class '%1' are undefined: "
                                              "the class is absent from the split").arg(name(c));
            else
                cr.undefined = QStringLiteral("ROC AUC and average precision for class '%1' are undefined: "
                                              "every sample in the split is of this class").arg(name(c));
            m.skippedClasses.append(c);
            continue;
        }
        QVector<int> positive(probs.rows);
        for (int i = 0; i < probs.rows; ++i)
            positive[i] = truth[i] == c;
        const QVector<double> scores = probs.column(c);
        cr.roc = rocCurve(positive, scores).value();
        cr.rocAuc = areaUnderCurve(cr.roc->fpr, cr.roc->tpr).value();
        cr.pr = precisionRecallCurve(positive, scores).value();
        cr.averagePrecision = averagePrecision(*cr.pr);
        rocSum += *cr.rocAuc;
        apSum += *cr.averagePrecision;
        ++defined;
    }
    if (defined > 0) {
        m.macroRocAuc = rocSum / defined;
        m.macroAveragePrecision = apSum / defined;
    }

    // With K >= 2 and N >= 1 the pooled one-hot matrix always holds both 0s and 1s.
    QVector<int> oneHot(probs.values.size(), 0);
    for (int i = 0; i < probs.rows; ++i)
        oneHot[i * k + truth[i]] = 1;
    m.microRoc = rocCurve(oneHot, probs.values).value();
    m.microRocAuc = areaUnderCurve(m.microRoc.fpr, m.microRoc.tpr).value();
    m.microAveragePrecision = averagePrecision(precisionRecallCurve(oneHot, probs.values).value());
    m.calibration = confidenceCalibration(truth, probs).value();
    return m;
}

namespace {

QJsonArray toArray(const QVector<double> &v)
{
    QJsonArray a;
    for (double x : v)
        a.append(x);
    return a;
}

QJsonValue orNull(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QJsonObject rocJson(const RocCurve &r)
{
    return {{"fpr", toArray(r.fpr)}, {"tpr", toArray(r.tpr)}, {"thresholds", toArray(r.thresholds)}};
}

} // namespace

QJsonObject ScoreMetrics::toJson(bool withCurves) const
{
    QJsonArray rocAucs, aps, skipped, undefinedNotes, rocCurves, prCurves;
    for (const ClassRanking &c : perClass) {
        rocAucs.append(orNull(c.rocAuc));
        aps.append(orNull(c.averagePrecision));
        if (!c.undefined.isEmpty())
            undefinedNotes.append(c.undefined);
        rocCurves.append(c.roc ? QJsonValue(rocJson(*c.roc)) : QJsonValue(QJsonValue::Null));
        prCurves.append(c.pr ? QJsonValue(QJsonObject{{"precision", toArray(c.pr->precision)},
                                                      {"recall", toArray(c.pr->recall)},
                                                      {"thresholds", toArray(c.pr->thresholds)}})
                             : QJsonValue(QJsonValue::Null));
    }
    for (int c : skippedClasses)
        skipped.append(c);
    QJsonArray counts;
    for (qint64 n : calibration.counts)
        counts.append(double(n));
    QJsonObject json{{"top1_accuracy", top1Accuracy},
                     {"log_loss", logLoss},
                     {"roc_auc_per_class", rocAucs},
                     {"roc_auc_macro", orNull(macroRocAuc)},
                     {"roc_auc_micro", microRocAuc},
                     {"average_precision_per_class", aps},
                     {"average_precision_macro", orNull(macroAveragePrecision)},
                     {"average_precision_micro", microAveragePrecision},
                     {"auc_skipped_classes", skipped},
                     {"auc_undefined", undefinedNotes},
                     {"expected_calibration_error", calibration.expectedCalibrationError},
                     {"calibration", QJsonObject{{"bins", 10},
                                                 {"prob_true", toArray(calibration.probTrue)},
                                                 {"prob_pred", toArray(calibration.probPred)},
                                                 {"counts", counts}}}};
    if (top5Accuracy)
        json.insert(QLatin1String("top5_accuracy"), *top5Accuracy);
    if (withCurves) {
        json.insert(QLatin1String("roc_curves"), rocCurves);
        json.insert(QLatin1String("roc_curve_micro"), rocJson(microRoc));
        json.insert(QLatin1String("pr_curves"), prCurves);
    }
    return json;
}

} // namespace lepton
