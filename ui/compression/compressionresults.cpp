#include "compression/compressionresults.h"

#include "eval/evaluation.h"
#include "evaluation/comparisonview.h"
#include "project/projectstore.h"

#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLocale>
#include <QLineSeries>
#include <QPen>
#include <QLogValueAxis>
#include <QPushButton>
#include <QScatterSeries>
#include <QTableWidget>
#include <QTabWidget>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>

namespace lepton {

namespace {

QString bytesText(qint64 b)
{
    return b >= 1024 * 1024 ? QStringLiteral("%1 MiB").arg(double(b) / 1048576.0, 0, 'f', 2)
                            : QStringLiteral("%1 KiB").arg(double(b) / 1024.0, 0, 'f', 1);
}

QString ratioText(double a, double b) { return a > 0 ? QStringLiteral("×%1").arg(b / a, 0, 'f', 3) : QString(); }

QString pointsText(double a, double b)
{
    const double d = (b - a) * 100.0;
    return QStringLiteral("%1%2 pt").arg(d >= 0 ? "+" : "").arg(d, 0, 'f', 2);
}

} // namespace

CompressionResults::CompressionResults(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *tabs = new QTabWidget;
    auto *summary = new QWidget;
    auto *summaryLayout = new QVBoxLayout(summary);
    m_table = new QTableWidget(0, 4);
    m_table->setObjectName(QStringLiteral("beforeAfterTable"));
    m_table->setHorizontalHeaderLabels({tr("Measure"), tr("Before"), tr("After"), tr("Change")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    summaryLayout->addWidget(m_table);
    m_goals = new QLabel;
    m_goals->setObjectName(QStringLiteral("compressionGoals"));
    m_goals->setWordWrap(true);
    m_goals->setTextFormat(Qt::RichText);
    summaryLayout->addWidget(m_goals);
    m_notes = new QLabel;
    m_notes->setWordWrap(true);
    m_notes->setObjectName(QStringLiteral("compressionNotes"));
    summaryLayout->addWidget(m_notes);
    tabs->addTab(summary, tr("Before / after"));
    m_comparison = new ComparisonView;
    tabs->addTab(m_comparison, tr("Per class"));
    m_chart = new QChartView;
    m_chart->setObjectName(QStringLiteral("tradeOffChart"));
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumHeight(260);
    tabs->addTab(m_chart, tr("Accuracy vs size"));
    m_latencyChart = new QChartView;
    m_latencyChart->setObjectName(QStringLiteral("latencyChart"));
    m_latencyChart->setRenderHint(QPainter::Antialiasing);
    m_latencyChart->setMinimumHeight(260);
    tabs->addTab(m_latencyChart, tr("Accuracy vs latency"));
    layout->addWidget(tabs, 1);
    m_export = new QPushButton(tr("Export this version…"));
    m_export->setObjectName(QStringLiteral("exportVersionButton"));
    m_export->setEnabled(false);
    connect(m_export, &QPushButton::clicked, this, [this] {
        if (m_result > 0)
            emit exportRequested(m_result);
    });
    layout->addWidget(m_export, 0, Qt::AlignRight);
}

void CompressionResults::setOutcome(const CompressionOutcome &o, const CompressionGoals &goals,
                                    const QVector<FamilyPoint> &family, const ProjectStore &store)
{
    m_result = o.modelVersionId;
    fillTable(o);
    fillGoals(o, goals);
    auto a = loadEvaluation(store, o.before.evaluationId);
    auto b = loadEvaluation(store, o.after.evaluationId);
    if (a && b)
        m_comparison->setEvaluations(a.value(), b.value());
    else
        m_comparison->clear(a ? b.error() : a.error());
    m_family = family;
    fillChart(m_chart, false, o.modelVersionId);
    fillChart(m_latencyChart, true, o.modelVersionId);
    m_export->setEnabled(m_result > 0);
    // int8 versions export as TorchScript only: ONNX stays fp32 (OpenCV 4.6 cannot run int8 ONNX)
    m_export->setToolTip(o.after.precision == QLatin1String("fp32")
                             ? QString()
                             : tr("int8 versions export as TorchScript (with their quantized kernels); ONNX and "
                                  "deployment packages take the fp32 parent"));
}

void CompressionResults::fillTable(const CompressionOutcome &o)
{
    const ModelMeasurement &a = o.before, &b = o.after;
    struct Row
    {
        QString what, before, after, change;
    };
    const QVector<Row> rows{
        {tr("Model version"), QStringLiteral("%1 · %2").arg(a.modelVersionId).arg(a.name),
         QStringLiteral("%1 · %2").arg(b.modelVersionId).arg(b.name), QString()},
        {tr("Precision"), a.precision, b.precision, QString()},
        {tr("Parameters"), QLocale().toString(a.parameters), QLocale().toString(b.parameters),
         ratioText(double(a.parameters), double(b.parameters))},
        {tr("Non-zero parameters"), QLocale().toString(a.nonzeroParameters), QLocale().toString(b.nonzeroParameters),
         ratioText(double(a.nonzeroParameters), double(b.nonzeroParameters))},
        {tr("Weights"), bytesText(a.weightBytes), bytesText(b.weightBytes),
         ratioText(double(a.weightBytes), double(b.weightBytes))},
        {tr("Stored size"), bytesText(a.storedBytes), bytesText(b.storedBytes),
         ratioText(double(a.storedBytes), double(b.storedBytes))},
        {tr("Latency (ms/sample, this machine)"), QString::number(a.latencyMs, 'f', 3), QString::number(b.latencyMs, 'f', 3),
         ratioText(a.latencyMs, b.latencyMs)},
        {tr("Throughput (samples/s, batch 64)"), QString::number(a.throughput, 'f', 0), QString::number(b.throughput, 'f', 0),
         ratioText(a.throughput, b.throughput)},
        {tr("Test accuracy"), QString::number(a.accuracy, 'f', 4), QString::number(b.accuracy, 'f', 4),
         pointsText(a.accuracy, b.accuracy)},
        {tr("Test macro F1"), QString::number(a.macroF1, 'f', 4), QString::number(b.macroF1, 'f', 4),
         pointsText(a.macroF1, b.macroF1)},
    };
    m_table->setRowCount(rows.size());
    for (int r = 0; r < rows.size(); ++r) {
        const QStringList cells{rows[r].what, rows[r].before, rows[r].after, rows[r].change};
        for (int c = 0; c < 4; ++c)
            m_table->setItem(r, c, new QTableWidgetItem(cells[c]));
    }
    QStringList notes = o.notes;
    if (o.intermediate.modelVersionId > 0)
        notes.prepend(tr("in two steps: fp32 version %1 (weights %2, test accuracy %3, %4 ms/sample), then int8")
                          .arg(o.intermediate.modelVersionId)
                          .arg(bytesText(o.intermediate.weightBytes))
                          .arg(o.intermediate.accuracy, 0, 'f', 4)
                          .arg(o.intermediate.latencyMs, 0, 'f', 3));
    m_notes->setText(notes.isEmpty() ? QString() : QStringLiteral("• ") + notes.join(QStringLiteral("\n• ")));
}

void CompressionResults::fillGoals(const CompressionOutcome &o, const CompressionGoals &goals)
{
    const ModelMeasurement &a = o.before, &b = o.after;
    auto line = [](bool met, const QString &text) {
        return QStringLiteral("<span style='color:%1'><b>%2</b></span> %3")
            .arg(met ? QStringLiteral("#2e7d32") : QStringLiteral("#c62828"), met ? tr("met:") : tr("not met:"),
                 text.toHtmlEscaped());
    };
    QStringList lines;
    const double drop = a.accuracy - b.accuracy;
    lines << line(drop <= goals.maxDrop + 1e-12,
                  (drop > 0 ? tr("test accuracy fell %1 points (goal: a drop of at most %2)")
                            : tr("test accuracy rose %1 points (goal: a drop of at most %2)"))
                      .arg(qAbs(drop) * 100.0, 0, 'f', 2)
                      .arg(goals.maxDrop * 100.0, 0, 'f', 2));
    if (goals.targetBytes > 0)
        lines << line(b.weightBytes <= goals.targetBytes,
                      tr("weights %1 (goal: at most %2)").arg(bytesText(b.weightBytes), bytesText(goals.targetBytes)));
    if (goals.latencyRatio > 0 && a.latencyMs > 0)
        lines << line(b.latencyMs <= goals.latencyRatio * a.latencyMs,
                      tr("latency %1% of the original's, %2 vs %3 ms per sample (goal: at most %4%)")
                          .arg(100.0 * b.latencyMs / a.latencyMs, 0, 'f', 0)
                          .arg(b.latencyMs, 0, 'f', 3)
                          .arg(a.latencyMs, 0, 'f', 3)
                          .arg(goals.latencyRatio * 100.0, 0, 'f', 0));
    m_goals->setText(lines.join(QStringLiteral("<br>")));
}

void CompressionResults::fillChart(QChartView *view, bool latency, qint64 resultId)
{
    auto *chart = new QChart;
    chart->setTitle(latency ? tr("Test accuracy vs latency on this machine, all versions of this model")
                            : tr("Test accuracy vs weight size, all versions of this model"));
    auto *pareto = new QScatterSeries;
    pareto->setName(tr("Pareto front"));
    pareto->setMarkerSize(12);
    pareto->setColor(QColor(0xd9, 0x53, 0x4f));
    auto *others = new QScatterSeries;
    others->setName(tr("other versions"));
    others->setMarkerSize(9);
    others->setColor(QColor(0x77, 0x88, 0x99));
    (latency ? m_latencyPareto : m_pareto) = pareto;
    (latency ? m_latencyOthers : m_others) = others;
    auto *front = new QLineSeries;
    front->setName(tr("front"));
    front->setColor(QColor(0xd9, 0x53, 0x4f));
    auto *result = new QScatterSeries;
    result->setName(tr("this result"));
    result->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    result->setMarkerSize(20);
    result->setBrush(Qt::NoBrush);   // a frame around the result's own dot
    result->setPen(QPen(QColor(0x2e, 0x7d, 0x32), 2.5));
    auto cost = [latency](const FamilyPoint &p) { return latency ? p.latencyMs : double(p.weightBytes) / 1024.0; };
    QVector<FamilyPoint> sorted;
    for (const FamilyPoint &p : m_family)
        if (cost(p) > 0 && p.accuracy >= 0)
            sorted.append(p);
    std::sort(sorted.begin(), sorted.end(), [&](const FamilyPoint &a, const FamilyPoint &b) { return cost(a) < cost(b); });
    double minCost = 1e18, maxCost = 0, minAcc = 1, maxAcc = 0;
    for (const FamilyPoint &p : sorted) {
        const QPointF pt(cost(p), p.accuracy * 100.0);
        const bool onFront = latency ? p.paretoLatency : p.pareto;
        (onFront ? pareto : others)->append(pt);
        if (onFront)
            front->append(pt);
        if (p.modelVersionId == resultId)
            result->append(pt);
        minCost = std::min(minCost, pt.x());
        maxCost = std::max(maxCost, pt.x());
        minAcc = std::min(minAcc, p.accuracy);
        maxAcc = std::max(maxAcc, p.accuracy);
    }
    // Each point named on the chart ("v3", "v5 int8"): a series of one invisible point whose label is the name,
    // added first so the visible points above it get the hover events.
    QVector<QAbstractSeries *> names;
    for (const FamilyPoint &p : sorted) {
        auto *name = new QScatterSeries;
        name->append(cost(p), p.accuracy * 100.0);
        name->setMarkerSize(30);   // the label sits above the marker: above the visible dot and its frame
        name->setColor(Qt::transparent);
        name->setBorderColor(Qt::transparent);
        name->setPointLabelsFormat(p.precision == QLatin1String("fp32")
                                       ? QStringLiteral("v%1").arg(p.modelVersionId)
                                       : QStringLiteral("v%1 %2").arg(p.modelVersionId).arg(p.precision.section(QLatin1Char(' '), 0, 0)));
        name->setPointLabelsVisible(true);
        name->setPointLabelsClipping(false);
        names.append(name);
    }
    for (QAbstractSeries *s : names)
        chart->addSeries(s);
    for (QAbstractSeries *s : {static_cast<QAbstractSeries *>(front), static_cast<QAbstractSeries *>(others),
                               static_cast<QAbstractSeries *>(pareto), static_cast<QAbstractSeries *>(result)})
        chart->addSeries(s);
    names.append(front);   // the line joins the front's points; the legend names them once
    for (QAbstractSeries *s : names)
        for (QLegendMarker *m : chart->legend()->markers(s))
            m->setVisible(false);
    // Hovering a point names its version.
    for (QScatterSeries *s : {others, pareto, result}) {
        connect(s, &QScatterSeries::hovered, view, [view, sorted, cost](const QPointF &at, bool on) {
            if (!on) {
                QToolTip::hideText();
                return;
            }
            for (const FamilyPoint &p : sorted) {
                if (qAbs(cost(p) - at.x()) <= 1e-9 * std::max(1.0, cost(p)) && qAbs(p.accuracy * 100.0 - at.y()) < 1e-9) {
                    QToolTip::showText(QCursor::pos(),
                                       tr("v%1 · %2\n%3, %4 KiB, %5 ms/sample, test accuracy %6%")
                                           .arg(p.modelVersionId)
                                           .arg(p.name, p.precision)
                                           .arg(double(p.weightBytes) / 1024.0, 0, 'f', 1)
                                           .arg(p.latencyMs, 0, 'f', 3)
                                           .arg(p.accuracy * 100.0, 0, 'f', 2),
                                       view);
                    return;
                }
            }
        });
    }
    auto *x = new QLogValueAxis;
    x->setTitleText(latency ? tr("latency (ms per sample, batch 1, log scale)") : tr("weights (KiB, log scale)"));
    x->setLabelFormat(latency ? QStringLiteral("%.3g") : QStringLiteral("%.0f"));
    x->setBase(2.0);   // a label per doubling: a few labels even when all versions are within 10x
    x->setMinorTickCount(1);
    if (sorted.isEmpty())
        minCost = maxCost = 1.0;
    x->setRange(minCost / 1.5, maxCost * 1.5);
    auto *y = new QValueAxis;
    y->setTitleText(tr("test accuracy (%)"));
    y->setRange(std::max(0.0, std::floor(minAcc * 100.0) - 2.0), std::min(100.0, std::ceil(maxAcc * 100.0) + 1.0));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries *s : chart->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    QChart *old = view->chart();
    view->setChart(chart);
    delete old;
}

} // namespace lepton
