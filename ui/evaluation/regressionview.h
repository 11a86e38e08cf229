#pragma once
// A regression evaluation: predicted vs true scatter (with the y = x line of perfect predictions)
// and every sample's error in a sortable table, largest first.
#include <QWidget>

class QChartView;
class QLabel;
class QTableWidget;

namespace lepton {

struct EvaluationOutcome;

class RegressionView : public QWidget
{
    Q_OBJECT

public:
    explicit RegressionView(QWidget *parent = nullptr);

    void setEvaluation(const EvaluationOutcome &e);
    void clear();

    // For tests.
    QChartView *chartView() const { return m_chart; }
    QTableWidget *errorTable() const { return m_table; }
    int plottedPoints() const { return m_plotted; }

private:
    QChartView *m_chart;
    QTableWidget *m_table;
    QLabel *m_note;
    int m_plotted = 0;
};

} // namespace lepton
