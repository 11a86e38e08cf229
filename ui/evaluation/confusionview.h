#pragma once
// Confusion-matrix heatmap with a counts / row-normalized toggle. Clicking a cell asks for the
// samples in it (cellChosen).
#include "eval/metrics.h"

#include <QStringList>
#include <QWidget>

class QCheckBox;
class QTableWidget;

namespace lepton {

class ConfusionView : public QWidget
{
    Q_OBJECT

public:
    explicit ConfusionView(QWidget *parent = nullptr);

    void setMatrix(const ConfusionMatrix &matrix, const QStringList &classes);
    void clear();
    void setNormalized(bool normalized);
    bool isNormalized() const;
    QTableWidget *table() const { return m_table; }

signals:
    void cellChosen(int truth, int predicted);

private:
    void fill();

    ConfusionMatrix m_matrix;
    QStringList m_classes;
    QTableWidget *m_table;
    QCheckBox *m_normalized;
};

} // namespace lepton
