#pragma once
// Classification metrics from true and predicted labels (definitions as in scikit-learn).
#include <QJsonObject>
#include <QVector>

#include <optional>

namespace lepton {

class ConfusionMatrix
{
public:
    ConfusionMatrix(int classCount = 0);
    static ConfusionMatrix fromLabels(const QVector<int> &truth, const QVector<int> &predicted,
                                      int classCount);
    void add(int truth, int predicted);
    int classCount() const { return m_classes; }
    qint64 at(int truth, int predicted) const { return m_counts[truth * m_classes + predicted]; }
    qint64 total() const;
    qint64 rowSum(int truth) const;
    qint64 columnSum(int predicted) const;

private:
    int m_classes = 0;
    QVector<qint64> m_counts;
};

struct ClassMetrics
{
    double precision = 0, recall = 0, f1 = 0;
    qint64 support = 0;
};

struct ClassificationMetrics
{
    double accuracy = 0;
    // Mean recall over the classes that occur in the truth (sklearn's balanced_accuracy_score).
    double balancedAccuracy = 0;
    double macroPrecision = 0, macroRecall = 0, macroF1 = 0;
    double microPrecision = 0, microRecall = 0, microF1 = 0;
    double weightedPrecision = 0, weightedRecall = 0, weightedF1 = 0; // weighted by support
    // Cohen's kappa; empty when undefined (chance agreement is total, e.g. a single class
    // everywhere), with the reason in kappaUndefined.
    std::optional<double> kappa;
    QString kappaUndefined;
    QVector<ClassMetrics> perClass;
    ConfusionMatrix confusion;
    // Row-normalized confusion (sklearn normalize='true'); a class absent from the truth gets a
    // zero row, as sklearn's nan_to_num does.
    double normalizedAt(int truth, int predicted) const;
    QJsonObject toJson() const;
};

// Undefined precision/recall (0/0) count as 0, as scikit-learn's zero_division=0.
ClassificationMetrics computeClassificationMetrics(const ConfusionMatrix &confusion);

} // namespace lepton
