#include "curvecharts.h"

#include "eval/charts.h"
#include "eval/evaluation.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <QVBoxLayout>

namespace lepton {

namespace {

constexpr int kDisplayPoints = 200;

QChartView *makeView(const QString &objectName, const QString &title)
{
    auto chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto view = new QChartView(chart);
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(320, 260);
    return view;
}

QLineSeries *addCurve(QChart *chart, const QString &name, const QVector<double> &x, const QVector<double> &y,
                      const QColor &color, Qt::PenStyle style = Qt::SolidLine)
{
    auto series = new QLineSeries;
    series->setName(name);
    const CurvePoints pts = decimateCurve(x, y, kDisplayPoints);
    QList<QPointF> points;
    points.reserve(pts.x.size());
    for (int i = 0; i < pts.x.size(); ++i)
        points.append(QPointF(pts.x[i], pts.y[i]));
    series->replace(points);
    QPen pen(color);
    pen.setWidthF(style == Qt::SolidLine ? 1.6 : 2.2);
    pen.setStyle(style);
    series->setPen(pen);
    chart->addSeries(series);
    return series;
}

void addUnitAxes(QChart *chart, const QString &x, const QString &y)
{
    auto ax = new QValueAxis;
    auto ay = new QValueAxis;
    ax->setRange(0, 1);
    ay->setRange(0, 1);
    ax->setTickCount(6);
    ay->setTickCount(6);
    ax->setTitleText(x);
    ay->setTitleText(y);
    ax->setLabelFormat("%.1f");
    ay->setLabelFormat("%.1f");
    chart->addAxis(ax, Qt::AlignBottom);
    chart->addAxis(ay, Qt::AlignLeft);
    for (QAbstractSeries *s : chart->series()) {
        s->attachAxis(ax);
        s->attachAxis(ay);
    }
}

} // namespace

CurveCharts::CurveCharts(QWidget *parent)
    : QWidget(parent)
    , m_rocView(makeView("evaluationRocChart", tr("ROC (one vs rest)")))
    , m_prView(makeView("evaluationPrChart", tr("Precision-recall")))
    , m_note(new QLabel)
{
    m_note->setObjectName("evaluationCurvesNote");
    m_note->setWordWrap(true);
    m_note->setStyleSheet("color: palette(dark);");
    auto charts = new QHBoxLayout;
    charts->addWidget(m_rocView, 1);
    charts->addWidget(m_prView, 1);
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(charts, 1);
    layout->addWidget(m_note);
    clear();
}

void CurveCharts::clear(const QString &reason)
{
    for (QChartView *view : {m_rocView, m_prView}) {
        view->chart()->removeAllSeries();
        for (QAbstractAxis *axis : view->chart()->axes()) {
            view->chart()->removeAxis(axis);
            delete axis;
        }
    }
    m_roc.clear();
    m_pr.clear();
    m_visible.clear();
    m_note->setText(reason);
    m_note->setVisible(!reason.isEmpty());
}

void CurveCharts::setEvaluation(const EvaluationOutcome &e)
{
    if (!e.scores) {
        clear(tr("No curves: %1").arg(e.scoresError));
        return;
    }
    clear();
    const ScoreMetrics &s = *e.scores;
    QChart *roc = m_rocView->chart();
    QChart *pr = m_prView->chart();
    const int k = int(s.perClass.size());
    m_roc.fill(nullptr, k);
    m_pr.fill(nullptr, k);
    m_visible.fill(true, k);
    QStringList undefined;
    for (int c = 0; c < k; ++c) {
        const ClassRanking &r = s.perClass[c];
        const QString name = e.classes.value(c, QString::number(c));
        const QColor color(seriesColor(c));
        if (!r.roc || !r.pr) {
            undefined << r.undefined;
            continue;
        }
        m_roc[c] = addCurve(roc, tr("%1 (AUC %2)").arg(name).arg(*r.rocAuc, 0, 'f', 3), r.roc->fpr, r.roc->tpr, color);
        m_pr[c] = addCurve(pr, tr("%1 (AP %2)").arg(name).arg(*r.averagePrecision, 0, 'f', 3), r.pr->recall,
                           r.pr->precision, color);
    }
    if (k > 2)
        addCurve(roc, tr("micro (AUC %1)").arg(s.microRocAuc, 0, 'f', 3), s.microRoc.fpr, s.microRoc.tpr, Qt::black,
                 Qt::DashLine);
    auto chance = new QLineSeries;
    chance->setName(tr("chance"));
    chance->append(0, 0);
    chance->append(1, 1);
    chance->setPen(QPen(QColor(150, 150, 150), 1, Qt::DotLine));
    roc->addSeries(chance);
    addUnitAxes(roc, tr("False positive rate"), tr("True positive rate"));
    addUnitAxes(pr, tr("Recall"), tr("Precision"));
    if (s.macroRocAuc)
        roc->setTitle(tr("ROC (one vs rest) — macro AUC %1").arg(*s.macroRocAuc, 0, 'f', 4));
    if (s.macroAveragePrecision)
        pr->setTitle(tr("Precision-recall — macro AP %1").arg(*s.macroAveragePrecision, 0, 'f', 4));
    connectLegend(roc);
    connectLegend(pr);
    QString note = tr("Click a legend entry to hide or show a class in both charts.");
    if (!undefined.isEmpty())
        note += QLatin1Char(' ') + undefined.join(QLatin1Char(' '));
    m_note->setText(note);
    m_note->show();
}

void CurveCharts::connectLegend(QChart *chart)
{
    for (QLegendMarker *marker : chart->legend()->markers()) {
        connect(marker, &QLegendMarker::clicked, this, [this, marker] {
            const int index = std::max(m_roc.indexOf(static_cast<QLineSeries *>(marker->series())),
                                       m_pr.indexOf(static_cast<QLineSeries *>(marker->series())));
            if (index >= 0)
                setClassVisible(index, !m_visible.value(index, true));
            else
                marker->series()->setVisible(!marker->series()->isVisible());
        });
    }
}

void CurveCharts::setClassVisible(int index, bool visible)
{
    if (index < 0 || index >= m_visible.size())
        return;
    m_visible[index] = visible;
    for (QLineSeries *s : {m_roc.value(index), m_pr.value(index)}) {
        if (!s)
            continue;
        s->setVisible(visible);
        // Hidden series keep their legend entry, greyed out, so they can be shown again.
        for (QChartView *view : {m_rocView, m_prView}) {
            for (QLegendMarker *marker : view->chart()->legend()->markers(s)) {
                marker->setVisible(true);
                QFont font = marker->font();
                font.setStrikeOut(!visible);
                marker->setFont(font);
                marker->setLabelBrush(visible ? QBrush(Qt::black) : QBrush(Qt::gray));
            }
        }
    }
}

bool CurveCharts::isClassVisible(int index) const
{
    return m_visible.value(index, false);
}

} // namespace lepton
