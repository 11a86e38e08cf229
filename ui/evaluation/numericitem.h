#pragma once
// A right-aligned table cell that shows formatted text but sorts by its number.
#include <QTableWidgetItem>

namespace lepton {

class NumericItem : public QTableWidgetItem
{
public:
    NumericItem(const QString &text, double value) : QTableWidgetItem(text)
    {
        setData(Qt::UserRole, value);
        setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    bool operator<(const QTableWidgetItem &other) const override
    {
        const QVariant theirs = other.data(Qt::UserRole);
        if (!theirs.isValid())
            return true;   // undefined values sort last
        return data(Qt::UserRole).toDouble() < theirs.toDouble();
    }
};

} // namespace lepton
