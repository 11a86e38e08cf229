#pragma once
// A layer on the canvas: title (type + id), parameters, live output shape and costs, input slots
// on top and the output at the bottom; red border and tooltip when the analysis flags it.
#include <QGraphicsEllipseItem>
#include <QColor>
#include <QGraphicsItem>

namespace lepton {

class GraphScene;

class PortItem : public QGraphicsEllipseItem
{
public:
    enum { Type = UserType + 11 };
    static constexpr qreal Radius = 6.5;

    PortItem(const QString &nodeId, bool isInput, int index, QGraphicsItem *parent);
    int type() const override { return Type; }

    QString nodeId() const { return m_nodeId; }
    bool isInput() const { return m_isInput; }
    int index() const { return m_index; }
    void setState(bool connected, bool required);
    void setHighlighted(bool on);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *event) override;

private:
    void updateLook();
    GraphScene *graphScene() const;

    QString m_nodeId;
    bool m_isInput;
    int m_index;
    bool m_connected = false;
    bool m_required = false;
    bool m_highlighted = false;
};

class NodeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 10 };

    NodeItem(GraphScene *scene, const QString &id);
    int type() const override { return Type; }
    QString id() const { return m_id; }

    // Re-reads the node and its analysis from the document.
    void refresh();
    // The node's own problem (red); a node merely downstream of one is "blocked" (grey, dashed).
    bool hasError() const { return !m_error.isEmpty() && !m_blocked; }
    bool isBlocked() const { return m_blocked; }
    QString shapeText() const { return m_shapeText; }
    QString costText() const { return m_costText; }

    PortItem *inputPort(int index) const;
    PortItem *outputPort() const { return m_output; }
    int inputPortCount() const { return int(m_inputs.size()); }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;

private:
    void rebuildPorts(int inputCount, const QStringList &connected, int required);

    GraphScene *m_scene;
    QString m_id;
    QString m_type;
    QString m_paramsText;
    QString m_shapeText;
    QString m_costText;
    QString m_error;
    bool m_blocked = false;
    QColor m_headerColor;
    QVector<PortItem *> m_inputs;
    PortItem *m_output = nullptr;
};

// "1.2K", "3.4M": counts as a compact label.
QString compactCount(qint64 value);

} // namespace lepton
