#include "training/sweepscatter.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QValueAxis>
#include <QtNumeric>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace lepton {

namespace Internal {

const QStringList &sweepOptimizers()
{
    static const QStringList names{"adam", "adamw", "sgd"};
    return names;
}

double trialValue(const SweepTrial &trial, const QString &name)
{
    if (name == QLatin1String("learning_rate"))
        return trial.config.learningRate;
    if (name == QLatin1String("batch_size"))
        return trial.config.batchSize;
    if (name == QLatin1String("weight_decay"))
        return trial.config.weightDecay;
    if (name == QLatin1String("dropout"))
        return trial.dropout;
    if (name == QLatin1String("optimizer"))
        return sweepOptimizers().indexOf(trial.config.optimizer);
    return qQNaN();
}

QString trialValueText(const SweepTrial &trial, const QString &name)
{
    if (name == QLatin1String("optimizer"))
        return trial.config.optimizer;
    if (name == QLatin1String("batch_size"))
        return QString::number(trial.config.batchSize);
    if (name == QLatin1String("dropout") && trial.dropout < 0)
        return SweepScatter::tr("as built");
    return QString::number(trialValue(trial, name), 'g', 4);
}

QString hyperparameterTitle(const QString &name)
{
    if (name == QLatin1String("learning_rate"))
        return SweepScatter::tr("learning rate");
    if (name == QLatin1String("batch_size"))
        return SweepScatter::tr("batch size");
    if (name == QLatin1String("weight_decay"))
        return SweepScatter::tr("weight decay");
    return name;
}

} // namespace Internal

SweepScatter::SweepScatter(QWidget *parent)
    : QWidget(parent)
    , m_view(new QChartView)
    , m_chart(new QChart)
    , m_trials(new QScatterSeries)
    , m_best(new QScatterSeries)
{
    m_view->setObjectName("sweepScatterView");
    m_view->setChart(m_chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumSize(200, 160);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_trials->setName(tr("trials"));
    m_trials->setMarkerSize(9);
    m_trials->setColor(QColor("#1f77b4"));
    m_trials->setBorderColor(QColor("#0d3d66"));
    m_best->setMarkerSize(15);
    m_best->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_best->setColor(QColor("#e8590c"));
    m_best->setBorderColor(QColor("#7a2e06"));
    m_chart->addSeries(m_trials);
    m_chart->addSeries(m_best);
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    const auto nearest = [this](const QPointF &p) {
        int best = -1;
        double bestDistance = std::numeric_limits<double>::max();
        for (int i = 0; i < m_trials->count(); ++i) {
            const QPointF a = m_chart->mapToPosition(m_trials->at(i), m_trials);
            const QPointF b = m_chart->mapToPosition(p, m_trials);
            const double d = std::hypot(a.x() - b.x(), a.y() - b.y());
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        if (best >= 0 && best < m_pointRuns.size())
            emit trialClicked(m_pointRuns[best]);
    };
    connect(m_trials, &QScatterSeries::clicked, this, nearest);
    connect(m_best, &QScatterSeries::clicked, this, nearest);
    clear();
}

void SweepScatter::setAxes(QAbstractAxis *x, QAbstractAxis *y)
{
    for (QAbstractAxis *old : m_chart->axes()) {
        m_chart->removeAxis(old);
        delete old;
    }
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    for (QScatterSeries *s : {m_trials, m_best}) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
}

void SweepScatter::clear()
{
    m_trials->clear();
    m_best->clear();
    m_best->setName(tr("best"));
    m_pointRuns.clear();
    m_log = false;
    m_chart->setTitle(tr("Sweep: metric per trial"));
    setAxes(new QValueAxis, new QValueAxis);
}

void SweepScatter::setTrials(const QVector<SweepTrial> &trials, const QString &monitor, const QString &parameter,
                             qint64 bestRunId)
{
    clear();
    QVector<QPointF> points;
    QPointF best(qQNaN(), qQNaN());
    for (const SweepTrial &t : trials) {
        if (t.bestEpoch <= 0)
            continue;   // no finished epoch: nothing to show
        const QPointF p(Internal::trialValue(t, parameter), t.bestMetric);
        if (!std::isfinite(p.x()) || !std::isfinite(p.y()))
            continue;
        points.append(p);
        m_pointRuns.append(t.runId);
        if (t.runId == bestRunId)
            best = p;
    }
    m_chart->setTitle(tr("Best %1 per trial vs %2").arg(monitor, Internal::hyperparameterTitle(parameter)));
    double xLo = 0, xHi = 1, yLo = 0, yHi = 1;
    if (!points.isEmpty()) {
        const auto [xMin, xMax] = std::minmax_element(points.begin(), points.end(),
                                                      [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); });
        const auto [yMin, yMax] = std::minmax_element(points.begin(), points.end(),
                                                      [](const QPointF &a, const QPointF &b) { return a.y() < b.y(); });
        xLo = xMin->x(), xHi = xMax->x(), yLo = yMin->y(), yHi = yMax->y();
    }
    const bool logScale = (parameter == QLatin1String("learning_rate") || parameter == QLatin1String("weight_decay"))
                          && !points.isEmpty() && xLo > 0;
    QAbstractAxis *x = nullptr;
    if (logScale) {
        auto axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%.0e"));
        axis->setMinorTickCount(8);
        // Whole decades around the points, so the ticks are labelled.
        axis->setRange(std::pow(10.0, std::floor(std::log10(xLo) - 1e-9)), std::pow(10.0, std::ceil(std::log10(xHi) + 1e-9)));
        x = axis;
        m_log = true;
    } else if (parameter == QLatin1String("optimizer")) {
        auto axis = new QCategoryAxis;
        axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        const QStringList &names = Internal::sweepOptimizers();
        for (int i = 0; i < names.size(); ++i)
            axis->append(names[i], i);
        axis->setRange(-0.5, names.size() - 0.5);
        x = axis;
    } else {
        auto axis = new QValueAxis;
        const double pad = xHi > xLo ? 0.08 * (xHi - xLo) : std::max(0.05, std::abs(xLo) * 0.1);
        axis->setRange(xLo - pad, xHi + pad);
        axis->setLabelFormat(parameter == QLatin1String("batch_size") ? QStringLiteral("%.0f") : QStringLiteral("%.3g"));
        x = axis;
    }
    x->setTitleText(Internal::hyperparameterTitle(parameter));
    auto y = new QValueAxis;
    const double pad = yHi > yLo ? 0.1 * (yHi - yLo) : std::max(1e-3, std::abs(yLo) * 0.05);
    y->setRange(yLo - pad, yHi + pad);
    y->setLabelFormat(QStringLiteral("%.3g"));
    y->setTitleText(monitor);
    setAxes(x, y);
    m_trials->replace(points);
    if (std::isfinite(best.x())) {
        m_best->append(best);
        m_best->setName(tr("best: run #%1").arg(bestRunId));
    }
}

} // namespace lepton
