#pragma once
// ROC and precision-recall charts, one curve per class (one vs rest) with AUC / AP in the legend.
// Clicking a legend entry hides or shows that class in both charts. Curves are decimated for display.
#include <QVector>
#include <QWidget>

class QChart;
class QChartView;
class QLabel;
class QLineSeries;

namespace lepton {

struct EvaluationOutcome;

class CurveCharts : public QWidget
{
    Q_OBJECT

public:
    explicit CurveCharts(QWidget *parent = nullptr);

    void setEvaluation(const EvaluationOutcome &e);
    void clear(const QString &reason = {});
    // Shows or hides class `index` in both charts (as a legend click does).
    void setClassVisible(int index, bool visible);
    bool isClassVisible(int index) const;

    QChartView *rocView() const { return m_rocView; }
    QChartView *prView() const { return m_prView; }
    // Per class; null where the curve is undefined for the split.
    QLineSeries *rocSeries(int index) const { return m_roc.value(index); }
    QLineSeries *prSeries(int index) const { return m_pr.value(index); }

private:
    void connectLegend(QChart *chart);

    QChartView *m_rocView;
    QChartView *m_prView;
    QLabel *m_note;
    QVector<QLineSeries *> m_roc, m_pr;
    QVector<bool> m_visible;
};

} // namespace lepton
