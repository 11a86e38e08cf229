#include "confusionview.h"

#include "recordtext.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lepton {

ConfusionView::ConfusionView(QWidget *parent)
    : QWidget(parent), m_table(new QTableWidget), m_normalized(new QCheckBox(tr("Normalize rows")))
{
    m_table->setObjectName("evaluationConfusionTable");
    m_normalized->setObjectName("evaluationConfusionNormalized");
    m_normalized->setToolTip(tr("Show each cell as a share of its true class instead of a count"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setToolTip(tr("Rows: true class, columns: predicted class. Click a cell to see its samples."));
    auto header = new QHBoxLayout;
    header->addWidget(new QLabel(tr("<b>Confusion matrix</b> (rows: true, columns: predicted)")), 1);
    header->addWidget(m_normalized);
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_table, 1);
    connect(m_normalized, &QCheckBox::toggled, this, &ConfusionView::fill);
    connect(m_table, &QTableWidget::cellClicked, this, [this](int row, int column) {
        if (row < m_matrix.classCount() && column < m_matrix.classCount())
            emit cellChosen(row, column);
    });
}

void ConfusionView::setMatrix(const ConfusionMatrix &matrix, const QStringList &classes)
{
    m_matrix = matrix;
    m_classes = classes;
    fill();
}

void ConfusionView::clear()
{
    setMatrix(ConfusionMatrix(0), {});
}

void ConfusionView::setNormalized(bool normalized)
{
    m_normalized->setChecked(normalized);
}

bool ConfusionView::isNormalized() const
{
    return m_normalized->isChecked();
}

void ConfusionView::fill()
{
    const int n = m_matrix.classCount();
    const bool normalized = m_normalized->isChecked();
    auto className = [&](int i) { return m_classes.value(i, QString::number(i)); };
    m_table->clear();
    m_table->setRowCount(n);
    m_table->setColumnCount(n);
    QStringList headers;
    for (int i = 0; i < n; ++i)
        headers << className(i);
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setVerticalHeaderLabels(headers);
    for (int r = 0; r < n; ++r) {
        const qint64 rowSum = m_matrix.rowSum(r);
        for (int c = 0; c < n; ++c) {
            const qint64 count = m_matrix.at(r, c);
            const double share = rowSum > 0 ? double(count) / double(rowSum) : 0.0;
            auto item = new QTableWidgetItem(normalized ? QString::number(share, 'f', 2) : QString::number(count));
            item->setTextAlignment(Qt::AlignCenter);
            item->setData(Qt::UserRole, count);
            // Diagonal in blue (correct), off-diagonal in red (mistakes); stronger = larger share.
            const QColor full = r == c ? QColor(33, 102, 172) : QColor(202, 0, 32);
            const double alpha = count == 0 ? 0.0 : 0.15 + 0.85 * share;
            item->setBackground(QColor(int(255 + (full.red() - 255) * alpha), int(255 + (full.green() - 255) * alpha),
                                       int(255 + (full.blue() - 255) * alpha)));
            item->setForeground(alpha > 0.55 ? Qt::white : Qt::black);
            item->setToolTip(tr("true %1, predicted %2: %3 (%4 of the row)%5")
                                 .arg(className(r), className(c))
                                 .arg(count)
                                 .arg(percent(share, 1))
                                 .arg(count > 0 ? tr(" — click to see these samples") : QString()));
            m_table->setItem(r, c, item);
        }
    }
}

} // namespace lepton
