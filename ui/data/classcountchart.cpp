#include "data/classcountchart.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QHorizontalStackedBarSeries>
#include <QValueAxis>

#include <algorithm>

namespace lepton {

ClassCountChart::ClassCountChart(QWidget *parent)
    : QChartView(parent)
{
    setObjectName("dataClassChart");
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(160);
    setToolTip(tr("Samples per class, stacked by split"));
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->setMargins(QMargins(4, 4, 4, 4));
}

void ClassCountChart::clear()
{
    chart()->removeAllSeries();
    for (QAbstractAxis *axis : chart()->axes())
        chart()->removeAxis(axis);
    m_series = nullptr;
    m_categories.clear();
    chart()->setTitle({});
}

void ClassCountChart::setCounts(const QStringList &classes, const QVector<std::array<int, 3>> &counts)
{
    clear();
    m_series = new QHorizontalStackedBarSeries;
    const char *names[] = {QT_TR_NOOP("train"), QT_TR_NOOP("validation"), QT_TR_NOOP("test")};
    int largest = 0;
    for (int k = 0; k < 3; ++k) {
        auto set = new QBarSet(tr(names[k]));
        for (int c = 0; c < classes.size(); ++c)
            *set << (c < counts.size() ? counts[c][size_t(k)] : 0);
        m_series->append(set);
    }
    for (int c = 0; c < classes.size() && c < counts.size(); ++c)
        largest = std::max(largest, counts[c][0] + counts[c][1] + counts[c][2]);
    m_categories = classes;
    chart()->addSeries(m_series);
    auto classAxis = new QBarCategoryAxis;
    classAxis->append(classes);
    chart()->addAxis(classAxis, Qt::AlignLeft);
    m_series->attachAxis(classAxis);
    auto countAxis = new QValueAxis;
    countAxis->setRange(0, std::max(1, largest));
    countAxis->setLabelFormat(QStringLiteral("%d"));
    countAxis->applyNiceNumbers();
    chart()->addAxis(countAxis, Qt::AlignBottom);
    m_series->attachAxis(countAxis);
}

} // namespace lepton
