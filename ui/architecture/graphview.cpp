#include "architecture/graphview.h"

#include "architecture/graphlayout.h"
#include "architecture/graphscene.h"
#include "architecture/layerpalette.h"
#include "architecture/nodeitem.h"

#include "graph/layerregistry.h"

#include <QKeyEvent>
#include <QMimeData>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>

#include <cmath>

namespace lepton {

GraphView::GraphView(GraphScene *scene, QWidget *parent)
    : QGraphicsView(scene, parent)
    , m_scene(scene)
{
    setObjectName("graphView");
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);
    setAcceptDrops(true);
    setFocusPolicy(Qt::StrongFocus);
}

qreal GraphView::zoom() const { return transform().m11(); }

void GraphView::setZoom(qreal zoom)
{
    zoom = std::clamp(zoom, MinZoom, MaxZoom);
    if (qFuzzyCompare(zoom, this->zoom()))
        return;
    setTransform(QTransform::fromScale(zoom, zoom));
    emit zoomChanged(zoom);
}

void GraphView::zoomIn()
{
    const auto anchor = transformationAnchor();
    setTransformationAnchor(AnchorViewCenter);
    setZoom(zoom() * 1.25);
    setTransformationAnchor(anchor);
}

void GraphView::zoomOut()
{
    const auto anchor = transformationAnchor();
    setTransformationAnchor(AnchorViewCenter);
    setZoom(zoom() / 1.25);
    setTransformationAnchor(anchor);
}

void GraphView::fitToView()
{
    QRectF bounds;
    for (QGraphicsItem *item : m_scene->items())
        if (item->type() == NodeItem::Type)
            bounds = bounds.united(item->sceneBoundingRect());
    if (bounds.isEmpty()) {
        setZoom(1.0);
        centerOn(0, 0);
        return;
    }
    bounds.adjust(-40, -40, 40, 40);
    const QSizeF view = viewport()->size();
    const qreal fit = std::min(view.width() / bounds.width(), view.height() / bounds.height());
    const qreal z = std::clamp(fit, ReadableZoom, 1.0);
    setZoom(z);
    if (fit >= ReadableZoom)
        centerOn(bounds.center());
    else   // too tall or wide to read whole: start at the top, where the data comes in
        centerOn(QPointF(bounds.center().x(), bounds.top() + view.height() / (2 * z)));
}

void GraphView::requestFit()
{
    if (isVisible() && viewport()->width() > 100 && viewport()->height() > 100) {
        m_fitPending = false;
        fitToView();
    } else {
        m_fitPending = true;
    }
}

void GraphView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    if (m_fitPending)
        requestFit();
}

QString GraphView::dropLayer(const QString &type, QPoint pos)
{
    if (!LayerRegistry::instance().find(type))
        return {};
    const QPointF at = mapToScene(pos) - QPointF(GraphNodeMetrics::Width / 2, GraphNodeMetrics::Height / 2);
    const QString id = m_scene->document()->addNode(type, QPointF(std::round(at.x()), std::round(at.y())));
    m_scene->selectNodes({id});
    setFocus();
    return id;
}

void GraphView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        setZoom(zoom() * std::pow(1.0015, event->angleDelta().y()));
        event->accept();
        return;
    }
    QGraphicsView::wheelEvent(event);
}

void GraphView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::MiddleButton || (m_spaceHeld && event->button() == Qt::LeftButton)) {
        m_panning = true;
        m_panStart = event->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void GraphView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_panning) {
        const QPoint delta = event->position().toPoint() - m_panStart;
        m_panStart = event->position().toPoint();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void GraphView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        m_panning = false;
        viewport()->setCursor(m_spaceHeld ? Qt::OpenHandCursor : Qt::ArrowCursor);
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void GraphView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space) {
        if (!event->isAutoRepeat()) {
            m_spaceHeld = true;
            viewport()->setCursor(Qt::OpenHandCursor);
        }
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void GraphView::keyReleaseEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space) {
        if (!event->isAutoRepeat()) {
            m_spaceHeld = false;
            m_panning = false;
            viewport()->setCursor(Qt::ArrowCursor);
        }
        event->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void GraphView::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasFormat(QString::fromLatin1(LayerTypeMimeType)))
        event->acceptProposedAction();
    else
        QGraphicsView::dragEnterEvent(event);
}

void GraphView::dragMoveEvent(QDragMoveEvent *event)
{
    if (event->mimeData()->hasFormat(QString::fromLatin1(LayerTypeMimeType)))
        event->acceptProposedAction();
    else
        QGraphicsView::dragMoveEvent(event);
}

void GraphView::dropEvent(QDropEvent *event)
{
    const QString mime = QString::fromLatin1(LayerTypeMimeType);
    if (!event->mimeData()->hasFormat(mime)) {
        QGraphicsView::dropEvent(event);
        return;
    }
    dropLayer(QString::fromUtf8(event->mimeData()->data(mime)), event->position().toPoint());
    event->acceptProposedAction();
}

void GraphView::drawBackground(QPainter *painter, const QRectF &rect)
{
    painter->fillRect(rect, QColor(0xf3, 0xf4, 0xf6));
    if (zoom() < 0.4)
        return;
    const qreal step = 24;
    painter->setPen(QPen(QColor(0xd8, 0xdb, 0xe0), 0));
    QVector<QPointF> dots;
    for (qreal x = std::floor(rect.left() / step) * step; x < rect.right(); x += step)
        for (qreal y = std::floor(rect.top() / step) * step; y < rect.bottom(); y += step)
            dots << QPointF(x, y);
    painter->drawPoints(dots.constData(), int(dots.size()));
}

void GraphView::drawForeground(QPainter *painter, const QRectF &)
{
    if (!m_scene->document()->graph().nodes.isEmpty())
        return;
    painter->save();
    painter->resetTransform();
    painter->setPen(QColor(0x70, 0x76, 0x80));
    painter->drawText(viewport()->rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                      tr("Drag layers here from the palette (start with Input),\n"
                         "or begin from a template with New."));
    painter->restore();
}

} // namespace lepton
