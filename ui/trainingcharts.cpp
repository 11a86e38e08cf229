#include "trainingcharts.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QValueAxis>

#include <cmath>

namespace lepton {

namespace {

QLineSeries *makeSeries(const QString &name, const QString &objectName, const QColor &color,
                        qreal width, bool points)
{
    auto series = new QLineSeries;
    series->setName(name);
    series->setObjectName(objectName);
    QPen pen(color);
    pen.setWidthF(width);
    series->setPen(pen);
    series->setPointsVisible(points);
    return series;
}

QValueAxis *makeAxis(const QString &title, double min, double max, const QString &format)
{
    auto axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setRange(min, max);
    axis->setLabelFormat(format);
    return axis;
}

QChartView *makeView(const QString &title, const QString &objectName)
{
    auto chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto view = new QChartView(chart);
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 200);
    return view;
}

// Whole-epoch ticks, at most about ten of them.
void setEpochTicks(QValueAxis *axis, int epochs)
{
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(std::max(1, (epochs + 9) / 10));
}

void attach(QChart *chart, QLineSeries *series, QValueAxis *x, QValueAxis *y)
{
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
}

} // namespace

TrainingCharts::TrainingCharts(QWidget *parent)
    : QWidget(parent)
    , m_lossView(makeView(tr("Loss"), "lossChart"))
    , m_accuracyView(makeView(tr("Accuracy"), "accuracyChart"))
    , m_batchLoss(makeSeries(tr("batch loss"), "batchLossSeries", QColor(160, 190, 230), 1.0, false))
    , m_trainLoss(makeSeries(tr("train loss"), "trainLossSeries", QColor(31, 119, 180), 2.5, true))
    , m_valLoss(makeSeries(tr("validation loss"), "valLossSeries", QColor(255, 127, 14), 2.5, true))
    , m_trainAccuracy(
          makeSeries(tr("train accuracy"), "trainAccuracySeries", QColor(31, 119, 180), 2.5, true))
    , m_valAccuracy(makeSeries(tr("validation accuracy"), "valAccuracySeries",
                               QColor(255, 127, 14), 2.5, true))
    , m_lossX(makeAxis(tr("epoch"), 0, 1, "%d"))
    , m_lossY(makeAxis(tr("loss"), 0, 1, "%.2f"))
    , m_accuracyX(makeAxis(tr("epoch"), 0, 1, "%d"))
    , m_accuracyY(makeAxis(tr("accuracy"), 0, 1, "%.2f"))
{
    QChart *loss = m_lossView->chart();
    loss->addAxis(m_lossX, Qt::AlignBottom);
    loss->addAxis(m_lossY, Qt::AlignLeft);
    attach(loss, m_batchLoss, m_lossX, m_lossY);
    attach(loss, m_trainLoss, m_lossX, m_lossY);
    attach(loss, m_valLoss, m_lossX, m_lossY);

    QChart *accuracy = m_accuracyView->chart();
    accuracy->addAxis(m_accuracyX, Qt::AlignBottom);
    accuracy->addAxis(m_accuracyY, Qt::AlignLeft);
    attach(accuracy, m_trainAccuracy, m_accuracyX, m_accuracyY);
    attach(accuracy, m_valAccuracy, m_accuracyX, m_accuracyY);

    auto layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_lossView);
    layout->addWidget(m_accuracyView);
}

void TrainingCharts::clear(int plannedEpochs)
{
    for (QLineSeries *s : {m_batchLoss, m_trainLoss, m_valLoss, m_trainAccuracy, m_valAccuracy})
        s->clear();
    m_maxLoss = 0;
    const int epochs = std::max(1, plannedEpochs);
    m_lossX->setRange(0, epochs);
    m_accuracyX->setRange(0, epochs);
    setEpochTicks(m_lossX, epochs);
    setEpochTicks(m_accuracyX, epochs);
    m_lossY->setRange(0, 1);
    m_accuracyY->setRange(0, 1);
}

void TrainingCharts::growEpochAxes(double x)
{
    if (x > m_lossX->max()) {
        const int epochs = int(std::ceil(x));
        for (QValueAxis *axis : {m_lossX, m_accuracyX}) {
            axis->setMax(epochs);
            setEpochTicks(axis, epochs);
        }
    }
}

void TrainingCharts::growLossAxis(double loss)
{
    if (!std::isfinite(loss) || loss <= m_maxLoss)
        return;
    m_maxLoss = loss;
    m_lossY->setRange(0, std::max(1.0, loss * 1.05));
    m_lossY->applyNiceNumbers();   // round tick labels (0.5 steps, not 0.66)
}

void TrainingCharts::addBatchLoss(double x, double loss)
{
    m_batchLoss->append(x, loss);
    growEpochAxes(x);
    growLossAxis(loss);
}

void TrainingCharts::addEpoch(int epoch, double trainLoss, double valLoss, double trainAccuracy,
                              double valAccuracy)
{
    m_trainLoss->append(epoch, trainLoss);
    m_valLoss->append(epoch, valLoss);
    m_trainAccuracy->append(epoch, trainAccuracy);
    m_valAccuracy->append(epoch, valAccuracy);
    growEpochAxes(epoch);
    growLossAxis(std::max(trainLoss, valLoss));
}

} // namespace lepton
