#pragma once
// Two evaluations side by side: headline metrics and per-class precision / recall / F1 with the
// change from A to B (green better, red worse). Reusable wherever two model versions are weighed,
// e.g. a model against its compressed child.
#include "eval/comparison.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace lepton {

class ComparisonView : public QWidget
{
    Q_OBJECT

public:
    explicit ComparisonView(QWidget *parent = nullptr);

    // Returns false and shows the reason when the evaluations cannot be compared.
    bool setEvaluations(const EvaluationOutcome &a, const EvaluationOutcome &b);
    void clear(const QString &message = {});
    const EvaluationComparison &comparison() const { return m_comparison; }

    QTableWidget *summaryTable() const { return m_summary; }
    QTableWidget *classTable() const { return m_classes; }

private:
    EvaluationComparison m_comparison;
    QLabel *m_title;
    QTableWidget *m_summary;
    QTableWidget *m_classes;
};

} // namespace lepton
