#include "comparisonview.h"

#include "numericitem.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace lepton {

namespace {

// Metrics where a smaller value is better.
bool lowerIsBetter(const QString &name)
{
    return name == QLatin1String("Log loss") || name == QLatin1String("ECE");
}

QTableWidgetItem *valueItem(const std::optional<double> &v)
{
    if (v)
        return new NumericItem(QString::number(*v, 'f', 4), *v);
    auto item = new QTableWidgetItem(QStringLiteral("—"));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidgetItem *deltaItem(const std::optional<double> &delta, bool lowerBetter = false)
{
    auto item = valueItem(delta);
    if (!delta)
        return item;
    item->setText((*delta > 0 ? QStringLiteral("+") : QString()) + QString::number(*delta, 'f', 4));
    const double better = lowerBetter ? -*delta : *delta;
    if (std::abs(*delta) >= 5e-5)
        item->setForeground(better > 0 ? QColor(0, 128, 0) : QColor(190, 0, 0));
    return item;
}

QTableWidget *makeTable(const QString &objectName, const QStringList &headers)
{
    auto table = new QTableWidget(0, int(headers.size()));
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    return table;
}

} // namespace

ComparisonView::ComparisonView(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel)
    , m_summary(makeTable("comparisonSummary", {tr("Metric"), tr("A"), tr("B"), tr("B − A")}))
    , m_classes(makeTable("comparisonClasses", {tr("Class"), tr("Precision A"), tr("Precision B"), tr("Δ"),
                                                tr("Recall A"), tr("Recall B"), tr("Δ"), tr("F1 A"), tr("F1 B"), tr("Δ F1")}))
{
    setObjectName("comparisonView");
    m_title->setObjectName("comparisonTitle");
    m_title->setWordWrap(true);
    m_classes->setSortingEnabled(true);
    m_classes->sortByColumn(0, Qt::AscendingOrder);
    auto split = new QSplitter(Qt::Vertical);
    split->addWidget(m_summary);
    split->addWidget(m_classes);
    split->setStretchFactor(1, 2);
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(split, 1);
    clear();
}

void ComparisonView::clear(const QString &message)
{
    m_comparison = {};
    m_summary->setRowCount(0);
    m_classes->setRowCount(0);
    m_title->setText(message.isEmpty() ? tr("Pick two evaluations to compare.") : message);
}

bool ComparisonView::setEvaluations(const EvaluationOutcome &a, const EvaluationOutcome &b)
{
    auto compared = compareEvaluations(a, b);
    if (!compared) {
        clear(QStringLiteral("<span style=\"color:#b00020\">%1</span>").arg(compared.error().toHtmlEscaped()));
        return false;
    }
    m_comparison = compared.value();
    const auto describe = [](const EvaluationOutcome &e) {
        return tr("evaluation #%1 — model version #%2%3 on %4 of '%5'").arg(e.evaluationId).arg(e.modelVersionId)
            .arg(e.modelName.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(e.modelName), e.scopeName(),
                 e.datasetName);
    };
    m_title->setText(tr("<b>A</b>: %1<br><b>B</b>: %2").arg(describe(a).toHtmlEscaped(), describe(b).toHtmlEscaped()));
    m_summary->setRowCount(int(m_comparison.summary.size()));
    for (int r = 0; r < m_comparison.summary.size(); ++r) {
        const MetricDelta &d = m_comparison.summary[r];
        m_summary->setItem(r, 0, new QTableWidgetItem(d.name));
        m_summary->setItem(r, 1, valueItem(d.a));
        m_summary->setItem(r, 2, valueItem(d.b));
        m_summary->setItem(r, 3, deltaItem(d.delta(), lowerIsBetter(d.name)));
    }
    m_classes->setSortingEnabled(false);
    m_classes->setRowCount(int(m_comparison.perClass.size()));
    for (int r = 0; r < m_comparison.perClass.size(); ++r) {
        const ClassDelta &c = m_comparison.perClass[r];
        auto name = new NumericItem(c.className, r);   // sorts in class order
        name->setTextAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        m_classes->setItem(r, 0, name);
        const double values[] = {c.a.precision, c.b.precision, c.precisionDelta(), c.a.recall, c.b.recall,
                                 c.recallDelta(), c.a.f1, c.b.f1, c.f1Delta()};
        for (int i = 0; i < 9; ++i)
            m_classes->setItem(r, 1 + i, i % 3 == 2 ? deltaItem(values[i]) : valueItem(values[i]));
    }
    m_classes->setSortingEnabled(true);
    return true;
}

} // namespace lepton
