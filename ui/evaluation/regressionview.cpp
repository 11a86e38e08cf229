#include "regressionview.h"

#include "eval/charts.h"
#include "eval/evaluation.h"
#include "numericitem.h"

#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSplitter>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace lepton {

namespace {

// Scatter points drawn at most; larger evaluations plot every k-th sample (the table has them all).
constexpr int kMaxPoints = 4000;

} // namespace

RegressionView::RegressionView(QWidget *parent)
    : QWidget(parent)
    , m_chart(new QChartView(new QChart))
    , m_table(new QTableWidget)
    , m_note(new QLabel)
{
    m_chart->setObjectName("regressionChart");
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumSize(320, 260);
    m_chart->chart()->legend()->setAlignment(Qt::AlignBottom);
    m_chart->chart()->setMargins(QMargins(4, 4, 4, 4));
    m_table->setObjectName("regressionErrorTable");
    m_table->setColumnCount(4);
    m_table->setHorizontalHeaderLabels({tr("Sample"), tr("Target"), tr("Predicted"), tr("Error")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_table->setToolTip(tr("Every sample of the evaluation; click a header to sort (largest error first by default)"));
    m_note->setObjectName("regressionNote");
    m_note->setStyleSheet("color: palette(dark);");
    m_note->setWordWrap(true);
    auto split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_chart);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({640, 440});
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split, 1);
    layout->addWidget(m_note);
}

void RegressionView::clear()
{
    QChart *chart = m_chart->chart();
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    chart->setTitle({});
    m_table->setRowCount(0);
    m_note->clear();
    m_plotted = 0;
}

void RegressionView::setEvaluation(const EvaluationOutcome &e)
{
    clear();
    if (!e.regression)
        return;
    QChart *chart = m_chart->chart();
    chart->setTitle(tr("Predicted vs true %1 (%2 samples)").arg(e.targetName).arg(e.samples));
    QVector<double> targets, predicted;
    for (const PredictionRecord &p : e.predictions) {
        targets << p.targetValue;
        predicted << p.predictedValue;
    }
    const auto [lo, hi] = paddedCommonRange(targets, predicted);
    auto dots = new QScatterSeries;
    dots->setName(tr("samples"));
    dots->setMarkerSize(6);
    dots->setColor(QColor(seriesColor(0)));
    dots->setBorderColor(Qt::transparent);
    const qsizetype stride = std::max<qsizetype>(1, (e.predictions.size() + kMaxPoints - 1) / kMaxPoints);
    QList<QPointF> points;
    for (qsizetype i = 0; i < e.predictions.size(); i += stride)
        points.append(QPointF(e.predictions[i].targetValue, e.predictions[i].predictedValue));
    dots->replace(points);
    m_plotted = int(points.size());
    auto perfect = new QLineSeries;
    perfect->setName(tr("perfect (predicted = true)"));
    QPen pen(QColor("#888888"));
    pen.setStyle(Qt::DashLine);
    perfect->setPen(pen);
    chart->addSeries(perfect);
    chart->addSeries(dots);
    auto ax = new QValueAxis;
    auto ay = new QValueAxis;
    for (QValueAxis *axis : {ax, ay}) {
        axis->setRange(lo, hi);
        axis->setTickCount(6);
        axis->applyNiceNumbers();   // the same range on both axes, so the y = x line stays diagonal
        axis->setLabelFormat("%.4g");
    }
    ax->setTitleText(tr("true %1").arg(e.targetName));
    ay->setTitleText(tr("predicted"));
    chart->addAxis(ax, Qt::AlignBottom);
    chart->addAxis(ay, Qt::AlignLeft);
    for (QAbstractSeries *s : chart->series()) {
        s->attachAxis(ax);
        s->attachAxis(ay);
    }
    perfect->replace({QPointF(ax->min(), ax->min()), QPointF(ax->max(), ax->max())});   // corner to corner
    if (stride > 1)
        m_note->setText(tr("The chart shows every %1th of the %2 samples; the table lists them all.")
                            .arg(stride)
                            .arg(e.predictions.size()));

    m_table->setSortingEnabled(false);
    m_table->setRowCount(int(e.predictions.size()));
    for (int row = 0; row < e.predictions.size(); ++row) {
        const PredictionRecord &p = e.predictions[row];
        const double error = p.predictedValue - p.targetValue;
        m_table->setItem(row, 0, new QTableWidgetItem(p.sample));
        m_table->setItem(row, 1, new NumericItem(QString::number(p.targetValue, 'g', 6), p.targetValue));
        m_table->setItem(row, 2, new NumericItem(QString::number(p.predictedValue, 'g', 6), p.predictedValue));
        // Sorted by the absolute error; shown with its sign (over- or under-prediction).
        m_table->setItem(row, 3, new NumericItem(QString::number(error, 'g', 6), std::abs(error)));
    }
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(3, Qt::DescendingOrder);
}

} // namespace lepton
