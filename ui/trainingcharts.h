#pragma once
// Live learning curves: loss (per batch, and per epoch for train and validation) and accuracy.
#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace lepton {

class TrainingCharts : public QWidget
{
    Q_OBJECT

public:
    explicit TrainingCharts(QWidget *parent = nullptr);

    void clear(int plannedEpochs);
    // x is the position in epochs (epoch - 1 + batch / batchesPerEpoch).
    void addBatchLoss(double x, double loss);
    void addEpoch(int epoch, double trainLoss, double valLoss, double trainAccuracy,
                  double valAccuracy);

    QChartView *lossView() const { return m_lossView; }
    QChartView *accuracyView() const { return m_accuracyView; }
    QLineSeries *batchLossSeries() const { return m_batchLoss; }
    QLineSeries *trainLossSeries() const { return m_trainLoss; }
    QLineSeries *valLossSeries() const { return m_valLoss; }
    QLineSeries *trainAccuracySeries() const { return m_trainAccuracy; }
    QLineSeries *valAccuracySeries() const { return m_valAccuracy; }

private:
    void growEpochAxes(double x);
    void growLossAxis(double loss);

    QChartView *m_lossView;
    QChartView *m_accuracyView;
    QLineSeries *m_batchLoss;
    QLineSeries *m_trainLoss;
    QLineSeries *m_valLoss;
    QLineSeries *m_trainAccuracy;
    QLineSeries *m_valAccuracy;
    QValueAxis *m_lossX;
    QValueAxis *m_lossY;
    QValueAxis *m_accuracyX;
    QValueAxis *m_accuracyY;
    double m_maxLoss = 0;
};

} // namespace lepton
