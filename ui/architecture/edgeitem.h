#pragma once
// A connection from a node's output to another node's input slot, labelled with the tensor shape
// that flows along it. Long edges bend around the nodes they would cross.
#include "architecture/graphdocument.h"

#include <QGraphicsItem>
#include <QPainterPath>

namespace lepton {

class NodeItem;

class EdgeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 12 };

    EdgeItem(NodeItem *source, NodeItem *target, int port, const QString &label);
    int type() const override { return Type; }

    NodeItem *source() const { return m_source; }
    NodeItem *target() const { return m_target; }
    int port() const { return m_port; }
    GraphEdge edge() const;
    QString label() const { return m_label; }
    void setLabel(const QString &label);

    // Recomputes the path; `obstacles` are the node rectangles to avoid.
    void updatePath(const QVector<QRectF> &obstacles);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QRectF labelRect() const;

    NodeItem *m_source;
    NodeItem *m_target;
    int m_port;
    QString m_label;
    QPainterPath m_path;
    QPointF m_labelAnchor;
};

} // namespace lepton
