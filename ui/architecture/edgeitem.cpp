#include "architecture/edgeitem.h"

#include "architecture/nodeitem.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace lepton {

namespace {
constexpr qreal LaneMargin = 30;
constexpr qreal Bend = 46;

QFont labelFont()
{
    QFont f;
    f.setPointSizeF(8);
    return f;
}
} // namespace

EdgeItem::EdgeItem(NodeItem *source, NodeItem *target, int port, const QString &label)
    : m_source(source)
    , m_target(target)
    , m_port(port)
    , m_label(label)
{
    setFlags(ItemIsSelectable);
    setZValue(-1);
    setToolTip(QObject::tr("%1 → %2 (input %3)%4")
                   .arg(source->id(), target->id())
                   .arg(port + 1)
                   .arg(label.isEmpty() ? QString() : QStringLiteral(": ") + label));
}

GraphEdge EdgeItem::edge() const { return GraphEdge{m_target->id(), m_port}; }

void EdgeItem::setLabel(const QString &label)
{
    prepareGeometryChange();
    m_label = label;
}

void EdgeItem::updatePath(const QVector<QRectF> &obstacles)
{
    prepareGeometryChange();
    const PortItem *in = m_target->inputPort(m_port);
    const QPointF p1 = m_source->outputPort()->scenePos();
    const QPointF p2 = in ? in->scenePos() : m_target->scenePos();
    QPainterPath path(p1);
    const qreal dy = p2.y() - p1.y();
    if (dy < 2 * Bend) {
        // Upwards or very short: an S-curve with generous handles.
        const qreal handle = std::max(Bend, std::abs(dy) / 2 + Bend);
        path.cubicTo(p1 + QPointF(0, handle), p2 - QPointF(0, handle), p2);
        m_path = path;
        m_labelAnchor = path.pointAtPercent(0.5);
        return;
    }
    const QRectF band(QPointF(std::min(p1.x(), p2.x()) - 12, p1.y() + 4), QPointF(std::max(p1.x(), p2.x()) + 12, p2.y() - 4));
    qreal left = 0, right = 0;
    bool blocked = false;
    for (const QRectF &r : obstacles) {
        if (!r.intersects(band))
            continue;
        left = blocked ? std::min(left, r.left()) : r.left();
        right = blocked ? std::max(right, r.right()) : r.right();
        blocked = true;
    }
    if (!blocked) {
        path.cubicTo(p1 + QPointF(0, dy / 2), p2 - QPointF(0, dy / 2), p2);
        m_path = path;
        m_labelAnchor = path.pointAtPercent(0.5);
        return;
    }
    const qreal mid = (p1.x() + p2.x()) / 2;
    const qreal lane = std::abs(mid - (right + LaneMargin)) <= std::abs(mid - (left - LaneMargin)) ? right + LaneMargin
                                                                                                 : left - LaneMargin;
    const QPointF a(lane, p1.y() + Bend), b(lane, p2.y() - Bend);
    path.cubicTo(p1 + QPointF(0, Bend * 0.6), QPointF(lane, a.y() - Bend * 0.6), a);
    path.lineTo(b);
    path.cubicTo(QPointF(lane, b.y() + Bend * 0.6), p2 - QPointF(0, Bend * 0.6), p2);
    m_path = path;
    m_labelAnchor = (a + b) / 2;
}

QRectF EdgeItem::labelRect() const
{
    if (m_label.isEmpty())
        return {};
    const QFontMetricsF fm(labelFont());
    const QSizeF size(fm.horizontalAdvance(m_label) + 10, fm.height() + 2);
    return QRectF(m_labelAnchor - QPointF(size.width() / 2, size.height() / 2), size);
}

QRectF EdgeItem::boundingRect() const
{
    return m_path.boundingRect().adjusted(-8, -8, 8, 8).united(labelRect());
}

QPainterPath EdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(10);
    QPainterPath s = stroker.createStroke(m_path);
    s.addRect(labelRect());
    return s;
}

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const QColor color = isSelected() ? QColor(0x1e, 0x6f, 0xd9) : QColor(0x6b, 0x72, 0x7c);
    painter->setPen(QPen(color, isSelected() ? 2.6 : 1.6));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);
    // Arrow head into the input slot.
    const QPointF tip = m_path.currentPosition() - QPointF(0, PortItem::Radius);
    QPolygonF arrow{tip, tip + QPointF(-4.5, -8), tip + QPointF(4.5, -8)};
    painter->setBrush(color);
    painter->drawPolygon(arrow);
    if (m_label.isEmpty())
        return;
    const QRectF r = labelRect();
    painter->setPen(QPen(QColor(0xc9, 0xcd, 0xd3), 1));
    painter->setBrush(QColor(0xfb, 0xfb, 0xfc));
    painter->drawRoundedRect(r, 4, 4);
    painter->setFont(labelFont());
    painter->setPen(QColor(0x3a, 0x40, 0x48));
    painter->drawText(r, Qt::AlignCenter, m_label);
}

} // namespace lepton
