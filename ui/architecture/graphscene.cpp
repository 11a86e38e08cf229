#include "architecture/graphscene.h"

#include "architecture/edgeitem.h"
#include "architecture/nodeitem.h"

#include <QGraphicsPathItem>
#include <QGraphicsSceneMouseEvent>
#include <QLineF>

#include <utility>

namespace lepton {

GraphScene::GraphScene(GraphDocument *document, QObject *parent)
    : QGraphicsScene(parent)
    , m_document(document)
{
    setItemIndexMethod(QGraphicsScene::NoIndex);   // items move all the time; few of them
    connect(document, &GraphDocument::documentReset, this, &GraphScene::rebuild);
    connect(document, &GraphDocument::nodeAdded, this, &GraphScene::addNodeItem);
    connect(document, &GraphDocument::nodeRemoved, this, &GraphScene::removeNodeItem);
    connect(document, &GraphDocument::nodeMoved, this, &GraphScene::moveNodeItem);
    connect(document, &GraphDocument::analysisChanged, this, [this] {
        for (NodeItem *item : std::as_const(m_nodes))
            item->refresh();
        rebuildEdges();
    });
    rebuild();
}

GraphScene::~GraphScene()
{
    blockSignals(true);   // no selectionChanged into the editor while items go away
    qDeleteAll(std::exchange(m_edges, {}));
    qDeleteAll(std::exchange(m_nodes, {}));
}

EdgeItem *GraphScene::edgeItem(const QString &to, int port) const
{
    for (EdgeItem *e : m_edges)
        if (e->target()->id() == to && e->port() == port)
            return e;
    return nullptr;
}

QStringList GraphScene::selectedNodeIds() const
{
    QStringList ids;
    // Document order, so copies and deletes are deterministic.
    for (const GraphNode &n : m_document->graph().nodes)
        if (NodeItem *item = m_nodes.value(n.id); item && item->isSelected())
            ids << n.id;
    return ids;
}

QVector<GraphEdge> GraphScene::selectedEdges() const
{
    QVector<GraphEdge> edges;
    for (EdgeItem *e : m_edges)
        if (e->isSelected())
            edges << e->edge();
    return edges;
}

void GraphScene::selectNodes(const QStringList &ids)
{
    clearSelection();
    for (const QString &id : ids)
        if (NodeItem *item = m_nodes.value(id))
            item->setSelected(true);
}

void GraphScene::deleteSelection()
{
    const QStringList nodes = selectedNodeIds();
    QVector<GraphEdge> edges;
    for (const GraphEdge &e : selectedEdges())
        if (!nodes.contains(e.to))
            edges << e;
    m_document->deleteItems(nodes, edges);
}

Status GraphScene::connectPorts(const QString &from, const QString &to, int port)
{
    if (const GraphNode *target = m_document->node(to))
        port = std::min(port, int(target->inputs.size()));
    Status st = m_document->connectNodes(from, to, port);
    if (!st)
        emit message(tr("Cannot connect %1 → %2: %3").arg(from, to, st.error()));
    return st;
}

void GraphScene::beginConnectionDrag(PortItem *port, QPointF scenePos)
{
    m_drag = ConnectionDrag{true, port->nodeId(), port->isInput(), port->index(), port->scenePos()};
    delete m_dragLine;
    m_dragLine = new QGraphicsPathItem;
    m_dragLine->setPen(QPen(QColor(0x1e, 0x6f, 0xd9), 2, Qt::DashLine));
    m_dragLine->setZValue(10);
    addItem(m_dragLine);
    updateConnectionDrag(scenePos);
}

void GraphScene::updateConnectionDrag(QPointF scenePos)
{
    if (!m_drag.active || !m_dragLine)
        return;
    const QPointF a = m_drag.anchor, b = scenePos;
    const qreal handle = std::max<qreal>(40, std::abs(b.y() - a.y()) / 2);
    const qreal dir = m_drag.fromInput ? -1 : 1;
    QPainterPath path(a);
    path.cubicTo(a + QPointF(0, dir * handle), b - QPointF(0, dir * handle), b);
    m_dragLine->setPath(path);
    PortItem *hover = portAt(scenePos, !m_drag.fromInput);
    if (hover != m_dragHover) {
        if (m_dragHover)
            m_dragHover->setHighlighted(false);
        m_dragHover = hover;
        if (m_dragHover)
            m_dragHover->setHighlighted(true);
    }
}

void GraphScene::endConnectionDrag(QPointF scenePos)
{
    if (!m_drag.active)
        return;
    const ConnectionDrag drag = m_drag;
    m_drag.active = false;
    delete m_dragLine;
    m_dragLine = nullptr;
    if (m_dragHover)
        m_dragHover->setHighlighted(false);
    m_dragHover = nullptr;

    PortItem *port = portAt(scenePos, !drag.fromInput);
    NodeItem *node = port ? m_nodes.value(port->nodeId()) : nodeAt(scenePos);
    if (node && node->id() == drag.node && !port)
        node = nullptr;   // released back on the node it started from
    if (!drag.fromInput) {
        if (!node)
            return;
        const GraphNode *target = m_document->node(node->id());
        (void)connectPorts(drag.node, node->id(), port ? port->index() : int(target->inputs.size()));   // refusals go to message()
        return;
    }
    if (node) {
        (void)connectPorts(node->id(), drag.node, drag.index);
        return;
    }
    // An input slot dragged off into empty space lets go of its connection.
    const GraphNode *target = m_document->node(drag.node);
    if (target && drag.index < target->inputs.size())
        m_document->disconnectInput(drag.node, drag.index);
}

PortItem *GraphScene::portAt(QPointF scenePos, bool wantInput) const
{
    const qreal r = PortItem::Radius + 6;
    PortItem *best = nullptr;
    qreal bestDistance = 0;
    for (QGraphicsItem *item : items(QRectF(scenePos - QPointF(r, r), QSizeF(2 * r, 2 * r)))) {
        if (item->type() != PortItem::Type)
            continue;
        auto port = static_cast<PortItem *>(item);
        if (port->isInput() != wantInput || (m_drag.active && port->nodeId() == m_drag.node))
            continue;
        const qreal d = QLineF(port->scenePos(), scenePos).length();
        if (!best || d < bestDistance) {
            best = port;
            bestDistance = d;
        }
    }
    return best;
}

NodeItem *GraphScene::nodeAt(QPointF scenePos) const
{
    for (QGraphicsItem *item : items(scenePos)) {
        if (item->type() == NodeItem::Type)
            return static_cast<NodeItem *>(item);
        if (item->type() == PortItem::Type && item->parentItem())
            return static_cast<NodeItem *>(item->parentItem());
    }
    return nullptr;
}

void GraphScene::nodeItemMoved(NodeItem *item)
{
    rerouteEdges();
    if (!m_syncing && m_dragId != 0)
        m_document->moveNodes({{item->id(), item->pos()}}, m_dragId);
}

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    QGraphicsScene::mousePressEvent(event);
    if (event->button() == Qt::LeftButton && mouseGrabberItem() && mouseGrabberItem()->type() == NodeItem::Type)
        m_dragId = ++m_dragCounter;
}

void GraphScene::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    QGraphicsScene::mouseReleaseEvent(event);
    if (event->button() == Qt::LeftButton)
        m_dragId = 0;
}

void GraphScene::rebuild()
{
    m_syncing = true;
    // Out of the containers before deleting: a selected item's deletion emits selectionChanged.
    qDeleteAll(std::exchange(m_edges, {}));
    qDeleteAll(std::exchange(m_nodes, {}));
    for (const GraphNode &n : m_document->graph().nodes)
        addNodeItem(n.id);
    m_syncing = false;
    rebuildEdges();
}

void GraphScene::addNodeItem(const QString &id)
{
    if (m_nodes.contains(id))
        return;
    const bool wasSyncing = m_syncing;
    m_syncing = true;
    auto item = new NodeItem(this, id);
    addItem(item);
    item->setPos(m_document->position(id));
    m_nodes.insert(id, item);
    m_syncing = wasSyncing;
}

void GraphScene::removeNodeItem(const QString &id)
{
    qDeleteAll(std::exchange(m_edges, {}));   // they may point at the item; analysisChanged rebuilds them
    delete m_nodes.take(id);
}

void GraphScene::moveNodeItem(const QString &id)
{
    NodeItem *item = m_nodes.value(id);
    if (!item || item->pos() == m_document->position(id))
        return;
    const bool wasSyncing = m_syncing;
    m_syncing = true;
    item->setPos(m_document->position(id));
    m_syncing = wasSyncing;
}

void GraphScene::rebuildEdges()
{
    qDeleteAll(std::exchange(m_edges, {}));
    for (const GraphNode &n : m_document->graph().nodes) {
        NodeItem *target = m_nodes.value(n.id);
        for (int port = 0; target && port < n.inputs.size(); ++port) {
            NodeItem *source = m_nodes.value(n.inputs[port]);
            if (!source)
                continue;
            const NodeAnalysis *a = m_document->nodeAnalysis(source->id());
            const QString label = a && a->error.isEmpty() ? a->outputShape.toString() : QString();
            auto edge = new EdgeItem(source, target, port, label);
            addItem(edge);
            m_edges << edge;
        }
    }
    rerouteEdges();
}

void GraphScene::rerouteEdges()
{
    QVector<QRectF> rects;
    QVector<NodeItem *> owners;
    QRectF bounds(-400, -300, 800, 600);
    for (NodeItem *item : std::as_const(m_nodes)) {
        rects << item->sceneBoundingRect();
        owners << item;
        bounds = bounds.united(rects.last());
    }
    // Room to pan past the graph's edges, but no endless growth after nodes moved away.
    setSceneRect(bounds.adjusted(-900, -700, 900, 700));
    for (EdgeItem *e : std::as_const(m_edges)) {
        QVector<QRectF> obstacles;
        for (int i = 0; i < owners.size(); ++i)
            if (owners[i] != e->source() && owners[i] != e->target())
                obstacles << rects[i];
        e->updatePath(obstacles);
    }
}

} // namespace lepton
