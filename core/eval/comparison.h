#pragma once
// Two evaluations of the same classes side by side (e.g. a model and its compressed child):
// headline metrics and per-class precision / recall / F1 with the change from A to B.
#include "common/result.h"
#include "eval/evaluation.h"

#include <optional>

namespace lepton {

struct MetricDelta
{
    QString name;
    std::optional<double> a, b; // empty when the metric is undefined for that evaluation
    std::optional<double> delta() const
    {
        return a && b ? std::optional<double>(*b - *a) : std::nullopt;
    }
};

struct ClassDelta
{
    QString className;
    ClassMetrics a, b;
    double precisionDelta() const { return b.precision - a.precision; }
    double recallDelta() const { return b.recall - a.recall; }
    double f1Delta() const { return b.f1 - a.f1; }
};

struct EvaluationComparison
{
    QVector<MetricDelta> summary; // accuracy, balanced accuracy, macro F1, kappa, log loss, ECE, ROC AUC
    QVector<ClassDelta> perClass;
};

// Fails when the two evaluations do not share the same class list.
Result<EvaluationComparison> compareEvaluations(const EvaluationOutcome &a, const EvaluationOutcome &b);

} // namespace lepton
