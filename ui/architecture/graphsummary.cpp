#include "architecture/graphsummary.h"

#include "architecture/graphdocument.h"
#include "architecture/nodeitem.h"

#include <QHeaderView>
#include <QLocale>

namespace lepton {

namespace {

enum Column { LayerColumn, TypeColumn, ShapeColumn, ParamsColumn, MacsColumn, ColumnCount };

QTableWidgetItem *numberItem(qint64 value)
{
    auto item = new QTableWidgetItem(QLocale().toString(value));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

GraphSummaryTable::GraphSummaryTable(GraphDocument *document, QWidget *parent)
    : QTableWidget(parent)
    , m_document(document)
{
    setObjectName("architectureLayerTable");
    setColumnCount(ColumnCount);
    setHorizontalHeaderLabels({tr("Layer"), tr("Type"), tr("Output shape"), tr("Params"), tr("MACs")});
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setAlternatingRowColors(true);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    connect(document, &GraphDocument::analysisChanged, this, &GraphSummaryTable::refresh);
    connect(this, &QTableWidget::cellClicked, this, [this](int row, int) {
        if (QTableWidgetItem *it = item(row, LayerColumn); it && !it->data(Qt::UserRole).toString().isEmpty())
            emit nodeActivated(it->data(Qt::UserRole).toString());
    });
    refresh();
}

QString GraphSummaryTable::totalsText() const
{
    const GraphAnalysis &a = m_document->analysis();
    const QLocale locale;
    return tr("%1 parameters · %2 MACs per sample · %3")
        .arg(locale.toString(a.totalParameters), compactCount(a.totalMacs), locale.formattedDataSize(a.sizeBytes));
}

void GraphSummaryTable::selectNode(const QString &id)
{
    const QSignalBlocker blocker(this);
    clearSelection();
    for (int row = 0; row < rowCount(); ++row)
        if (item(row, LayerColumn) && item(row, LayerColumn)->data(Qt::UserRole).toString() == id) {
            selectRow(row);
            scrollToItem(item(row, LayerColumn));
        }
}

void GraphSummaryTable::refresh()
{
    const GraphAnalysis &a = m_document->analysis();
    setRowCount(int(a.nodes.size()) + 1);
    int row = 0;
    for (const NodeAnalysis &n : a.nodes) {
        auto layer = new QTableWidgetItem(n.id);
        layer->setData(Qt::UserRole, n.id);
        setItem(row, LayerColumn, layer);
        setItem(row, TypeColumn, new QTableWidgetItem(n.type));
        setItem(row, ShapeColumn, new QTableWidgetItem(n.error.isEmpty() ? n.outputShape.toString() : tr("error")));
        setItem(row, ParamsColumn, numberItem(n.parameters));
        setItem(row, MacsColumn, numberItem(n.macs));
        for (int c = 0; c < ColumnCount; ++c) {
            if (!n.error.isEmpty()) {
                item(row, c)->setBackground(QColor(255, 220, 220));
                item(row, c)->setToolTip(n.error);
            }
        }
        ++row;
    }
    auto total = new QTableWidgetItem(tr("Total"));
    QFont bold = total->font();
    bold.setBold(true);
    total->setFont(bold);
    setItem(row, LayerColumn, total);
    setItem(row, TypeColumn, new QTableWidgetItem);
    setItem(row, ShapeColumn, new QTableWidgetItem(a.valid() ? a.outputShape.toString() : QString()));
    setItem(row, ParamsColumn, numberItem(a.totalParameters));
    setItem(row, MacsColumn, numberItem(a.totalMacs));
    for (int c : {ParamsColumn, MacsColumn})
        item(row, c)->setFont(bold);
    emit totalsChanged(totalsText());
}

} // namespace lepton
