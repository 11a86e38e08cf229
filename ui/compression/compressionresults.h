#pragma once
// The price of a compression: before/after table (parameters, weights, stored size, latency,
// throughput, accuracy, macro F1), per-class F1 changes (the evaluation comparison), and accuracy
// against size over every version of the model with the Pareto front highlighted.
#include "compress/compressor.h"
#include "compress/modelfamily.h"

#include <QWidget>

class QChartView;
class QLabel;
class QPushButton;
class QScatterSeries;
class QTableWidget;

namespace lepton {

class ComparisonView;
class ProjectStore;

// What the user asked for on the wizard's goal page; the results page says whether each was met.
struct CompressionGoals
{
    double maxDrop = 0.01;        // test accuracy drop, as a fraction
    qint64 targetBytes = 0;       // weights at most this (0: no size goal)
    double latencyRatio = 0;      // latency at most this fraction of the source's (0: no latency goal)
};

class CompressionResults : public QWidget
{
    Q_OBJECT

public:
    explicit CompressionResults(QWidget *parent = nullptr);

    // Fills everything from the outcome, the goals, the model's versions (measured by
    // measureModelFamily()) and the project (the evaluations behind the per-class comparison).
    void setOutcome(const CompressionOutcome &outcome, const CompressionGoals &goals,
                    const QVector<FamilyPoint> &family, const ProjectStore &store);

    QTableWidget *beforeAfterTable() const { return m_table; }
    ComparisonView *comparison() const { return m_comparison; }
    QChartView *tradeOffView() const { return m_chart; }
    QChartView *latencyView() const { return m_latencyChart; }
    QScatterSeries *paretoSeries() const { return m_pareto; }
    QScatterSeries *otherSeries() const { return m_others; }
    QScatterSeries *latencyParetoSeries() const { return m_latencyPareto; }
    QScatterSeries *latencyOtherSeries() const { return m_latencyOthers; }
    QLabel *goalsLabel() const { return m_goals; }
    const QVector<FamilyPoint> &family() const { return m_family; }
    QPushButton *exportButton() const { return m_export; }
    QLabel *notes() const { return m_notes; }

signals:
    void exportRequested(qint64 modelVersionId);

private:
    void fillTable(const CompressionOutcome &o);
    void fillGoals(const CompressionOutcome &o, const CompressionGoals &goals);
    // One accuracy-vs-cost chart over m_family: cost in KiB of weights or in ms per sample.
    void fillChart(QChartView *view, bool latency, qint64 resultId);

    qint64 m_result = 0;
    QVector<FamilyPoint> m_family;
    QTableWidget *m_table;
    QLabel *m_notes;
    ComparisonView *m_comparison;
    QChartView *m_chart;
    QScatterSeries *m_pareto = nullptr;
    QScatterSeries *m_others = nullptr;
    QChartView *m_latencyChart;
    QScatterSeries *m_latencyPareto = nullptr;
    QScatterSeries *m_latencyOthers = nullptr;
    QLabel *m_goals;
    QPushButton *m_export;
};

} // namespace lepton
