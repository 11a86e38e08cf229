#pragma once
// The per-layer table beside the canvas (layer, type, output shape, parameters, MACs) with totals,
// refreshed after every edit.
#include <QTableWidget>

class QLabel;

namespace lepton {

class GraphDocument;

class GraphSummaryTable : public QTableWidget
{
    Q_OBJECT

public:
    explicit GraphSummaryTable(GraphDocument *document, QWidget *parent = nullptr);

    // "12,345 parameters · 1.2M MACs · 48 KB": the totals line shown under the table.
    QString totalsText() const;
    void selectNode(const QString &id);

signals:
    void nodeActivated(const QString &id);
    void totalsChanged(const QString &text);

private:
    void refresh();

    GraphDocument *m_document;
};

} // namespace lepton
