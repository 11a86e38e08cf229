#include "eval/comparison.h"

namespace lepton {

namespace {

struct SummaryValues
{
    std::optional<double> accuracy, balanced, macroF1, kappa, logLoss, ece, rocAuc;
};

SummaryValues summaryOf(const EvaluationOutcome &e)
{
    SummaryValues v;
    v.accuracy = e.metrics.accuracy;
    v.balanced = e.metrics.balancedAccuracy;
    v.macroF1 = e.metrics.macroF1;
    v.kappa = e.metrics.kappa;
    if (e.scores) {
        v.logLoss = e.scores->logLoss;
        v.ece = e.scores->calibration.expectedCalibrationError;
        v.rocAuc = e.scores->macroRocAuc;
    }
    return v;
}

} // namespace

Result<EvaluationComparison> compareEvaluations(const EvaluationOutcome &a, const EvaluationOutcome &b)
{
    if (a.classes != b.classes)
        return Result<EvaluationComparison>::failure(
            QStringLiteral("evaluations #%1 and #%2 have different classes (%3 vs %4); only evaluations of "
                           "the same classes can be compared")
                .arg(a.evaluationId).arg(b.evaluationId)
                .arg(a.classes.join(QLatin1Char(',')), b.classes.join(QLatin1Char(','))));
    const SummaryValues sa = summaryOf(a), sb = summaryOf(b);
    EvaluationComparison c;
    c.summary = {{QStringLiteral("Accuracy"), sa.accuracy, sb.accuracy},
                 {QStringLiteral("Balanced accuracy"), sa.balanced, sb.balanced},
                 {QStringLiteral("Macro F1"), sa.macroF1, sb.macroF1},
                 {QStringLiteral("Cohen's kappa"), sa.kappa, sb.kappa},
                 {QStringLiteral("Log loss"), sa.logLoss, sb.logLoss},
                 {QStringLiteral("ECE"), sa.ece, sb.ece},
                 {QStringLiteral("ROC AUC (macro)"), sa.rocAuc, sb.rocAuc}};
    for (int i = 0; i < a.classes.size(); ++i)
        c.perClass.append({a.classes[i], a.metrics.perClass.value(i), b.metrics.perClass.value(i)});
    return c;
}

} // namespace lepton
