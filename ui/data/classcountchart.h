#pragma once
// The Data dock's class balance: one horizontal bar per class, stacked by split (train,
// validation, test), so an unbalanced class or an empty split shows at a glance.
#include <QChartView>
#include <QStringList>
#include <QVector>

#include <array>

class QBarSet;
class QHorizontalStackedBarSeries;

namespace lepton {

class ClassCountChart : public QChartView
{
    Q_OBJECT

public:
    explicit ClassCountChart(QWidget *parent = nullptr);

    // counts[c] = {train, validation, test} samples of class c.
    void setCounts(const QStringList &classes, const QVector<std::array<int, 3>> &counts);
    void clear();

    QHorizontalStackedBarSeries *series() const { return m_series; }
    QStringList categories() const { return m_categories; }

private:
    QHorizontalStackedBarSeries *m_series = nullptr;
    QStringList m_categories;
};

} // namespace lepton
