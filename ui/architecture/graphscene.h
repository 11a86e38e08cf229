#pragma once
// Draws a GraphDocument and turns mouse gestures (node drags, port-to-port drags, Delete) into
// document edits. Holds no graph state of its own: every item is rebuilt from the document.
#include "architecture/graphdocument.h"
#include "common/result.h"

#include <QGraphicsScene>
#include <QHash>

class QGraphicsPathItem;

namespace lepton {

class EdgeItem;
class NodeItem;
class PortItem;

class GraphScene : public QGraphicsScene
{
    Q_OBJECT

public:
    explicit GraphScene(GraphDocument *document, QObject *parent = nullptr);
    ~GraphScene() override;

    GraphDocument *document() const { return m_document; }
    NodeItem *nodeItem(const QString &id) const { return m_nodes.value(id); }
    const QVector<EdgeItem *> &edgeItems() const { return m_edges; }
    EdgeItem *edgeItem(const QString &to, int port) const;

    QStringList selectedNodeIds() const;
    QVector<GraphEdge> selectedEdges() const;
    void selectNodes(const QStringList &ids);
    void deleteSelection();

    // What a port drag does when released: `from`'s output into slot `port` of `to`
    // (port == number of inputs appends). Reports a refused connection through message().
    Status connectPorts(const QString &from, const QString &to, int port);

    void beginConnectionDrag(PortItem *port, QPointF scenePos);
    void updateConnectionDrag(QPointF scenePos);
    void endConnectionDrag(QPointF scenePos);

    // Called by NodeItem when it moved: reroutes edges and records user drags for undo.
    void nodeItemMoved(NodeItem *item);

signals:
    void message(const QString &text);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;

private:
    void rebuild();
    void addNodeItem(const QString &id);
    void removeNodeItem(const QString &id);
    void refreshNode(const QString &id);
    void moveNodeItem(const QString &id);
    void rebuildEdges();
    void rerouteEdges();
    PortItem *portAt(QPointF scenePos, bool wantInput) const;
    NodeItem *nodeAt(QPointF scenePos) const;

    GraphDocument *m_document;
    QHash<QString, NodeItem *> m_nodes;
    QVector<EdgeItem *> m_edges;
    bool m_syncing = false;
    int m_dragId = 0;
    int m_dragCounter = 0;
    struct ConnectionDrag
    {
        bool active = false;
        QString node;
        bool fromInput = false;
        int index = 0;
        QPointF anchor;
    } m_drag;
    QGraphicsPathItem *m_dragLine = nullptr;
    PortItem *m_dragHover = nullptr;
};

} // namespace lepton
