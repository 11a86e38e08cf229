#include "training/trainingcharts.h"

#include "training/decimation.h"

#include "project/records.h"

#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QLineSeries>
#include <QTimer>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace lepton {

namespace {

constexpr int kFlushIntervalMs = 100;   // <= 10 redraws a second
constexpr double kSmoothing = 0.9;

QLineSeries *makeSeries(const QString &name, const QString &objectName, const QColor &color, qreal width,
                        bool points)
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

QValueAxis *makeAxis(const QString &title, const QString &format)
{
    auto axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setRange(0, 1);
    axis->setLabelFormat(format);
    return axis;
}

QChartView *makeView(const QString &title, const QString &objectName, QValueAxis *x, QValueAxis *y)
{
    auto chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    auto view = new QChartView(chart);
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(160, 120);
    return view;
}

void attach(QChartView *view, QLineSeries *series, QValueAxis *x, QValueAxis *y)
{
    view->chart()->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
}

// Whole-epoch ticks, at most about ten of them.
void setEpochTicks(QValueAxis *axis, int epochs)
{
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(std::max(1, (epochs + 9) / 10));
}

std::pair<double, double> yRange(std::initializer_list<const QVector<QPointF> *> sets)
{
    double lo = qInf(), hi = -qInf();
    for (const QVector<QPointF> *set : sets)
        for (const QPointF &p : *set)
            if (std::isfinite(p.y())) {
                lo = std::min(lo, p.y());
                hi = std::max(hi, p.y());
            }
    return {lo, hi};
}

} // namespace

TrainingCharts::TrainingCharts(QWidget *parent)
    : QWidget(parent)
    , m_batchLoss(makeSeries(tr("batch loss"), "batchLossSeries", QColor(170, 200, 235), 1.0, false))
    , m_smoothLoss(makeSeries(tr("batch loss (smoothed)"), "smoothedLossSeries", QColor(60, 110, 180), 1.5, false))
    , m_trainLoss(makeSeries(tr("train loss"), "trainLossSeries", QColor(31, 119, 180), 2.5, true))
    , m_valLoss(makeSeries(tr("validation loss"), "valLossSeries", QColor(255, 127, 14), 2.5, true))
    , m_trainAccuracy(makeSeries(tr("train accuracy"), "trainAccuracySeries", QColor(31, 119, 180), 2.5, true))
    , m_valAccuracy(makeSeries(tr("validation accuracy"), "valAccuracySeries", QColor(255, 127, 14), 2.5, true))
    , m_valF1(makeSeries(tr("validation macro F1"), "valF1Series", QColor(44, 160, 44), 1.5, true))
    , m_rate(makeSeries(tr("learning rate"), "learningRateSeries", QColor(148, 103, 189), 1.5, false))
    , m_lossX(makeAxis(tr("epoch"), "%d"))
    , m_lossY(makeAxis(tr("loss"), "%.2f"))
    , m_accuracyX(makeAxis(tr("epoch"), "%d"))
    , m_accuracyY(makeAxis(tr("accuracy / F1"), "%.2f"))
    , m_rateX(makeAxis(tr("epoch"), "%d"))
    , m_rateY(makeAxis(tr("learning rate"), "%.2g"))
    , m_flushTimer(new QTimer(this))
{
    m_lossView = makeView(tr("Loss"), "lossChart", m_lossX, m_lossY);
    m_accuracyView = makeView(tr("Accuracy"), "accuracyChart", m_accuracyX, m_accuracyY);
    m_rateView = makeView(tr("Learning rate"), "learningRateChart", m_rateX, m_rateY);
    for (QLineSeries *s : {m_batchLoss, m_smoothLoss, m_trainLoss, m_valLoss})
        attach(m_lossView, s, m_lossX, m_lossY);
    for (QLineSeries *s : {m_trainAccuracy, m_valAccuracy, m_valF1})
        attach(m_accuracyView, s, m_accuracyX, m_accuracyY);
    attach(m_rateView, m_rate, m_rateX, m_rateY);
    m_rateView->chart()->legend()->hide();
    // The chart's title names the curve: axis titles would only take the little height it has.
    m_rateX->setTitleVisible(false);
    m_rateY->setTitleVisible(false);

    auto layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_lossView, 0, 0);
    layout->addWidget(m_accuracyView, 0, 1);
    layout->addWidget(m_rateView, 1, 0, 1, 2);
    layout->setRowStretch(0, 2);
    layout->setRowStretch(1, 1);

    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(kFlushIntervalMs);
    connect(m_flushTimer, &QTimer::timeout, this, &TrainingCharts::flush);
    clear(1);
}

TrainingCharts::~TrainingCharts() = default;

void TrainingCharts::setEpochRange(double epochs)
{
    m_epochs = std::max(1.0, std::ceil(epochs));
    for (QValueAxis *axis : {m_lossX, m_accuracyX, m_rateX}) {
        axis->setRange(0, m_epochs);
        setEpochTicks(axis, int(m_epochs));
    }
}

void TrainingCharts::clear(int plannedEpochs)
{
    m_batchPoints.clear();
    m_ratePoints.clear();
    for (QVector<QPointF> *v : {&m_epochTrainLoss, &m_epochValLoss, &m_epochTrainAcc, &m_epochValAcc, &m_epochValF1})
        v->clear();
    for (QLineSeries *s : {m_batchLoss, m_smoothLoss, m_trainLoss, m_valLoss, m_trainAccuracy, m_valAccuracy, m_valF1, m_rate})
        s->clear();
    setComparison({});
    setEpochRange(plannedEpochs);
    m_lossY->setRange(0, 1);
    m_accuracyY->setRange(m_regression ? -1 : 0, 1);
    m_rateY->setRange(0, 1);
    m_dirty = false;
}

void TrainingCharts::setRegression(bool regression)
{
    m_regression = regression;
    m_trainAccuracy->setName(regression ? tr("train R²") : tr("train accuracy"));
    m_valAccuracy->setName(regression ? tr("validation R²") : tr("validation accuracy"));
    m_valF1->setVisible(!regression);
    m_accuracyView->chart()->setTitle(regression ? tr("R² (1 is perfect)") : tr("Accuracy"));
    m_accuracyY->setTitleText(regression ? tr("R²") : tr("accuracy / F1"));
    m_lossY->setTitleText(regression ? tr("loss (MSE)") : tr("loss"));
    m_accuracyY->setRange(regression ? -1 : 0, 1);
}

void TrainingCharts::scheduleFlush()
{
    m_dirty = true;
    if (!m_flushTimer->isActive())
        m_flushTimer->start();
}

void TrainingCharts::addBatch(double x, double loss, double learningRate)
{
    m_batchPoints.append(QPointF(x, loss));
    if (std::isfinite(learningRate))
        m_ratePoints.append(QPointF(x, learningRate));
    scheduleFlush();
}

void TrainingCharts::addEpoch(int epoch, double trainLoss, double valLoss, double trainAccuracy, double valAccuracy,
                              double trainF1, double valF1)
{
    Q_UNUSED(trainF1)
    m_epochTrainLoss.append(QPointF(epoch, trainLoss));
    m_epochValLoss.append(QPointF(epoch, valLoss));
    m_epochTrainAcc.append(QPointF(epoch, trainAccuracy));
    m_epochValAcc.append(QPointF(epoch, valAccuracy));
    if (std::isfinite(valF1))
        m_epochValF1.append(QPointF(epoch, valF1));
    scheduleFlush();
    flush();   // epoch points are few; show them at once
}

void TrainingCharts::showEpochs(const QVector<EpochRecord> &epochs, int plannedEpochs)
{
    clear(plannedEpochs);
    for (const EpochRecord &e : epochs) {
        const int batches = int(e.batchLosses.size());
        for (int b = 0; b < batches; ++b)
            addBatch(e.epoch - 1 + double(b + 1) / batches, e.batchLosses[b],
                     b < e.batchLearningRates.size() ? double(e.batchLearningRates[b]) : qQNaN());
        m_epochTrainLoss.append(QPointF(e.epoch, e.trainLoss));
        m_epochValLoss.append(QPointF(e.epoch, e.valLoss));
        m_epochTrainAcc.append(QPointF(e.epoch, m_regression ? e.trainR2 : e.trainAccuracy));
        m_epochValAcc.append(QPointF(e.epoch, m_regression ? e.valR2 : e.valAccuracy));
        if (!m_regression)
            m_epochValF1.append(QPointF(e.epoch, e.valF1));
    }
    flush();
}

void TrainingCharts::setComparison(const QVector<RunCurves> &runs)
{
    for (QLineSeries *s : m_overlay) {
        s->chart()->removeSeries(s);
        delete s;
    }
    m_overlay.clear();
    static const QColor palette[] = {QColor(214, 39, 40), QColor(148, 103, 189), QColor(140, 86, 75),
                                     QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34),
                                     QColor(23, 190, 207)};
    int i = 0;
    double maxEpoch = m_epochs;
    for (const RunCurves &run : runs) {
        const QColor color = palette[i++ % 7];
        auto loss = makeSeries(tr("%1 validation loss").arg(run.label), "comparisonLossSeries", color, 1.5, true);
        auto accuracy = makeSeries(m_regression ? tr("%1 validation R²").arg(run.label)
                                                : tr("%1 validation accuracy").arg(run.label),
                                   "comparisonAccuracySeries", color, 1.5, true);
        QVector<QPointF> l, a;
        for (const EpochRecord &e : run.epochs) {
            l.append(QPointF(e.epoch, e.valLoss));
            a.append(QPointF(e.epoch, m_regression ? e.valR2 : e.valAccuracy));
            maxEpoch = std::max(maxEpoch, double(e.epoch));
        }
        QPen dashed = loss->pen();
        dashed.setStyle(Qt::DashLine);
        loss->setPen(dashed);
        accuracy->setPen(dashed);
        attach(m_lossView, loss, m_lossX, m_lossY);
        attach(m_accuracyView, accuracy, m_accuracyX, m_accuracyY);
        loss->replace(l);
        accuracy->replace(a);
        m_overlay << loss << accuracy;
    }
    if (!runs.isEmpty()) {
        setEpochRange(maxEpoch);
        flush();
    }
}

int TrainingCharts::plotWidth(QChartView *view) const
{
    const int w = int(view->chart()->plotArea().width());
    return w > 10 ? w : std::max(200, view->width());
}

void TrainingCharts::flush()
{
    m_flushTimer->stop();
    m_dirty = false;
    const int buckets = plotWidth(m_lossView);
    m_batchLoss->replace(Internal::decimateMinMax(m_batchPoints, buckets));
    m_smoothLoss->replace(Internal::decimateMinMax(Internal::smoothed(m_batchPoints, kSmoothing), buckets));
    m_trainLoss->replace(m_epochTrainLoss);
    m_valLoss->replace(m_epochValLoss);
    m_trainAccuracy->replace(m_epochTrainAcc);
    m_valAccuracy->replace(m_epochValAcc);
    m_valF1->replace(m_epochValF1);
    m_rate->replace(Internal::decimateMinMax(m_ratePoints, plotWidth(m_rateView)));

    double lastX = 0;
    if (!m_batchPoints.isEmpty())
        lastX = m_batchPoints.last().x();
    if (!m_epochValLoss.isEmpty())
        lastX = std::max(lastX, m_epochValLoss.last().x());
    if (lastX > m_epochs)
        setEpochRange(lastX);

    QVector<QPointF> overlayLoss;
    for (int i = 0; i < m_overlay.size(); i += 2)
        overlayLoss += m_overlay[i]->points();
    const auto [lossLo, lossHi] = yRange({&m_batchPoints, &m_epochTrainLoss, &m_epochValLoss, &overlayLoss});
    if (std::isfinite(lossHi)) {
        m_lossY->setRange(0, std::max(0.1, lossHi * 1.05));
        m_lossY->applyNiceNumbers();
    }
    Q_UNUSED(lossLo)
    const auto [rateLo, rateHi] = yRange({&m_ratePoints});
    if (std::isfinite(rateHi) && rateHi > 0)
        m_rateY->setRange(0, rateHi * 1.1);
    Q_UNUSED(rateLo)
}

} // namespace lepton
