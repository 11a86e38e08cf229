#pragma once
// The monitored metric of each finished trial against one hyperparameter: a scatter chart with a
// log x axis for learning rate and weight decay, optimizers as categories, the best trial marked.
#include "train/sweep.h"

#include <QWidget>

class QAbstractAxis;
class QChart;
class QChartView;
class QScatterSeries;

namespace lepton {

namespace Internal {
// A trial's value of a sweepable hyperparameter (optimizer: its index in sweepOptimizers()).
double trialValue(const SweepTrial &trial, const QString &name);
QString trialValueText(const SweepTrial &trial, const QString &name);
QString hyperparameterTitle(const QString &name);
const QStringList &sweepOptimizers();
} // namespace Internal

class SweepScatter : public QWidget
{
    Q_OBJECT

public:
    explicit SweepScatter(QWidget *parent = nullptr);

    // Finished trials only; bestRunId is highlighted.
    void setTrials(const QVector<SweepTrial> &trials, const QString &monitor, const QString &parameter,
                   qint64 bestRunId);
    void clear();

    QChartView *view() const { return m_view; }
    QScatterSeries *trialSeries() const { return m_trials; }
    QScatterSeries *bestSeries() const { return m_best; }
    bool hasLogAxis() const { return m_log; }

signals:
    void trialClicked(qint64 runId);

private:
    void setAxes(QAbstractAxis *x, QAbstractAxis *y);

    QChartView *m_view;
    QChart *m_chart;
    QScatterSeries *m_trials;
    QScatterSeries *m_best;
    QVector<qint64> m_pointRuns;   // run of each point of m_trials, in order
    bool m_log = false;
};

} // namespace lepton
