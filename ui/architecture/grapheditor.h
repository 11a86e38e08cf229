#pragma once
// The node-graph editor: layer palette and properties on the left, the canvas in the middle, the
// per-layer summary and the problem list on the right. Knows nothing about projects; the
// Architecture dock loads and saves what it edits.
#include <QWidget>

class QAction;
class QLabel;
class QListWidget;
class QToolBar;

namespace lepton {

class GraphDocument;
class GraphScene;
class GraphSummaryTable;
class GraphView;
class LayerPalette;
class PropertiesPanel;

class GraphEditor : public QWidget
{
    Q_OBJECT

public:
    explicit GraphEditor(QWidget *parent = nullptr);

    GraphDocument *document() const { return m_document; }
    GraphScene *scene() const { return m_scene; }
    GraphView *view() const { return m_view; }
    LayerPalette *palette() const { return m_palette; }
    PropertiesPanel *properties() const { return m_properties; }
    GraphSummaryTable *summaryTable() const { return m_summary; }
    QListWidget *messageList() const { return m_messages; }
    QToolBar *toolBar() const { return m_toolBar; }
    QAction *action(const QString &objectName) const;

    void copySelection();
    void paste();
    void cutSelection();
    // Adds a layer in the middle of the visible canvas (palette double-click).
    QString addLayerAtCenter(const QString &type);
    void showStatus(const QString &text, bool error = false);
    // Selects the node, shows it in the properties and scrolls it into view.
    void focusNode(const QString &id);

private:
    void createActions();
    void refreshMessages();
    void onSelectionChanged();

    GraphDocument *m_document;
    GraphScene *m_scene;
    GraphView *m_view;
    LayerPalette *m_palette;
    PropertiesPanel *m_properties;
    GraphSummaryTable *m_summary;
    QLabel *m_totals;
    QListWidget *m_messages;
    QLabel *m_status;
    QToolBar *m_toolBar;
    int m_pasteCount = 0;
};

} // namespace lepton
