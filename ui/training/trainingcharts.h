#pragma once
// Learning curves: loss (per batch raw + smoothed, per epoch train and validation), accuracy and
// macro F1 (train and validation), learning rate per batch; other runs overlaid for comparison.
// Data is buffered and drawn with replace() of decimated points at most 10 times a second
// (Qt 6.4's per-point append is quadratic in the series length).
#include <QPointF>
#include <QtNumeric>
#include <QVector>
#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QTimer;
class QValueAxis;

namespace lepton {

struct EpochRecord;

// Curves of another run shown next to the current one.
struct RunCurves
{
    QString label;                  // "run #3"
    QVector<EpochRecord> epochs;
};

class TrainingCharts : public QWidget
{
    Q_OBJECT

public:
    explicit TrainingCharts(QWidget *parent = nullptr);
    ~TrainingCharts() override;

    void clear(int plannedEpochs);
    // Regression runs: the second chart shows R² (train and validation) instead of accuracy and
    // F1, and the loss is the MSE. Kept across clear().
    void setRegression(bool regression);
    bool isRegression() const { return m_regression; }
    // x is the position in epochs (epoch - 1 + batch / batchesPerEpoch).
    void addBatch(double x, double loss, double learningRate);
    void addBatchLoss(double x, double loss) { addBatch(x, loss, qQNaN()); }
    void addEpoch(int epoch, double trainLoss, double valLoss, double trainAccuracy, double valAccuracy,
                  double trainF1 = qQNaN(), double valF1 = qQNaN());
    // A stored run: its epochs and per-batch traces.
    void showEpochs(const QVector<EpochRecord> &epochs, int plannedEpochs);
    // Validation curves of other runs over the current ones (empty: none).
    void setComparison(const QVector<RunCurves> &runs);
    // Draws buffered data now (otherwise done by a timer at <= 10 Hz).
    void flush();

    QChartView *lossView() const { return m_lossView; }
    QChartView *accuracyView() const { return m_accuracyView; }
    QChartView *learningRateView() const { return m_rateView; }
    QLineSeries *batchLossSeries() const { return m_batchLoss; }
    QLineSeries *smoothedLossSeries() const { return m_smoothLoss; }
    QLineSeries *trainLossSeries() const { return m_trainLoss; }
    QLineSeries *valLossSeries() const { return m_valLoss; }
    QLineSeries *trainAccuracySeries() const { return m_trainAccuracy; }
    QLineSeries *valAccuracySeries() const { return m_valAccuracy; }
    QLineSeries *learningRateSeries() const { return m_rate; }
    int comparisonSeriesCount() const { return int(m_overlay.size()); }
    qint64 bufferedBatches() const { return m_batchPoints.size(); }

private:
    void scheduleFlush();
    void setEpochRange(double epochs);
    int plotWidth(QChartView *view) const;

    QChartView *m_lossView;
    QChartView *m_accuracyView;
    QChartView *m_rateView;
    QLineSeries *m_batchLoss;
    QLineSeries *m_smoothLoss;
    QLineSeries *m_trainLoss;
    QLineSeries *m_valLoss;
    QLineSeries *m_trainAccuracy;
    QLineSeries *m_valAccuracy;
    QLineSeries *m_valF1;
    QLineSeries *m_rate;
    QValueAxis *m_lossX, *m_lossY, *m_accuracyX, *m_accuracyY, *m_rateX, *m_rateY;
    QVector<QLineSeries *> m_overlay;
    bool m_regression = false;
    QTimer *m_flushTimer;

    QVector<QPointF> m_batchPoints, m_ratePoints;
    QVector<QPointF> m_epochTrainLoss, m_epochValLoss, m_epochTrainAcc, m_epochValAcc, m_epochValF1;
    double m_epochs = 1;
    bool m_dirty = false;
};

} // namespace lepton
