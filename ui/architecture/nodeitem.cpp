#include "architecture/nodeitem.h"

#include "architecture/graphdocument.h"
#include "architecture/graphlayout.h"
#include "architecture/graphscene.h"

#include "graph/layerregistry.h"

#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QLocale>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace lepton {

namespace {

constexpr qreal HeaderHeight = 24;
constexpr qreal Corner = 6;
const QColor ErrorColor(0xd3, 0x2f, 0x2f);
const QColor SelectedColor(0x1e, 0x6f, 0xd9);

QString valueText(const QJsonValue &v)
{
    if (v.isBool())
        return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    if (v.isDouble())
        return QString::number(v.toDouble());
    return v.toString();
}

// A stable, soft colour per layer type, so the same kind of layer looks the same everywhere.
QColor typeColor(const QString &type)
{
    const uint h = qHash(type, 17u);
    return QColor::fromHsv(int(h % 360), 55, 242);
}

} // namespace

QString compactCount(qint64 value)
{
    if (value < 1000)
        return QString::number(value);
    // Three significant digits: 1.23K, 12.3K, 123K, 1.23M.
    const double v = double(value);
    const double unit = value < 1000000 ? 1e3 : value < 1000000000 ? 1e6 : 1e9;
    const char *suffix = value < 1000000 ? "K" : value < 1000000000 ? "M" : "G";
    const double scaled = v / unit;
    return QString::number(scaled, 'f', scaled < 10 ? 2 : scaled < 100 ? 1 : 0) + QLatin1String(suffix);
}

PortItem::PortItem(const QString &nodeId, bool isInput, int index, QGraphicsItem *parent)
    : QGraphicsEllipseItem(-Radius, -Radius, 2 * Radius, 2 * Radius, parent)
    , m_nodeId(nodeId)
    , m_isInput(isInput)
    , m_index(index)
{
    setAcceptHoverEvents(true);
    setCursor(Qt::CrossCursor);
    setZValue(1);
    updateLook();
}

void PortItem::setState(bool connected, bool required)
{
    m_connected = connected;
    m_required = required;
    updateLook();
}

void PortItem::setHighlighted(bool on)
{
    m_highlighted = on;
    updateLook();
}

void PortItem::updateLook()
{
    QColor border = m_required && !m_connected ? QColor(0xe0, 0x8a, 0x00) : QColor(0x5f, 0x66, 0x70);
    QColor fill = m_connected || !m_isInput ? QColor(0x5f, 0x66, 0x70) : Qt::white;
    if (m_highlighted) {
        border = SelectedColor;
        fill = SelectedColor.lighter(150);
    }
    setPen(QPen(border, 1.6));
    setBrush(fill);
    const QString what = m_isInput ? QObject::tr("input %1").arg(m_index + 1) : QObject::tr("output");
    setToolTip(m_isInput ? QObject::tr("%1: drag to an output to connect%2")
                               .arg(what, m_connected ? QObject::tr(", drag off to disconnect") : QString())
                         : QObject::tr("Output: drag to an input slot or onto a node to connect"));
}

GraphScene *PortItem::graphScene() const { return static_cast<GraphScene *>(scene()); }

void PortItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        event->ignore();
        return;
    }
    graphScene()->beginConnectionDrag(this, event->scenePos());
    event->accept();
}

void PortItem::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    graphScene()->updateConnectionDrag(event->scenePos());
}

void PortItem::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    graphScene()->endConnectionDrag(event->scenePos());
}

void PortItem::hoverEnterEvent(QGraphicsSceneHoverEvent *) { setHighlighted(true); }

void PortItem::hoverLeaveEvent(QGraphicsSceneHoverEvent *) { setHighlighted(false); }

NodeItem::NodeItem(GraphScene *scene, const QString &id)
    : m_scene(scene)
    , m_id(id)
{
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(true);
    m_output = new PortItem(id, false, 0, this);
    m_output->setPos(GraphNodeMetrics::Width / 2, GraphNodeMetrics::Height);
    refresh();
}

PortItem *NodeItem::inputPort(int index) const
{
    return index >= 0 && index < m_inputs.size() ? m_inputs[index] : nullptr;
}

void NodeItem::rebuildPorts(int inputCount, const QStringList &connected, int required)
{
    while (m_inputs.size() > inputCount)
        delete m_inputs.takeLast();
    while (m_inputs.size() < inputCount)
        m_inputs << new PortItem(m_id, true, int(m_inputs.size()), this);
    for (int i = 0; i < inputCount; ++i) {
        m_inputs[i]->setPos(GraphNodeMetrics::Width * (i + 1) / (inputCount + 1), 0);
        m_inputs[i]->setState(i < connected.size(), i < required);
    }
}

void NodeItem::refresh()
{
    const GraphDocument *doc = m_scene->document();
    const GraphNode *node = doc->node(m_id);
    if (!node)
        return;
    prepareGeometryChange();
    m_type = node->type;
    m_headerColor = typeColor(node->type);
    const LayerType *type = LayerRegistry::instance().find(node->type);
    QStringList params;
    QStringList allParams;
    if (type) {
        for (const LayerParamSpec &spec : type->params) {
            const QString text = QStringLiteral("%1 %2").arg(spec.name, valueText(layerParam(*node, spec.name)));
            allParams << text;
            if (node->params.contains(spec.name))
                params << text;
        }
    }
    m_paramsText = params.join(QStringLiteral(" · "));
    const NodeAnalysis *a = doc->nodeAnalysis(m_id);
    m_error = a ? a->error : QString();
    m_blocked = !m_error.isEmpty() && !doc->causesError(m_id);
    if (a && m_error.isEmpty()) {
        m_shapeText = QStringLiteral("→ %1").arg(a->outputShape.toString());
        m_costText = QObject::tr("%1 params · %2 MACs").arg(compactCount(a->parameters), compactCount(a->macs));
    } else {
        m_shapeText = QStringLiteral("→ ?");
        m_costText.clear();
    }
    QString tip = QStringLiteral("<b>%1</b> (%2)").arg(m_id.toHtmlEscaped(), m_type.toHtmlEscaped());
    if (type && !type->description.isEmpty())
        tip += QStringLiteral("<br>%1").arg(type->description.toHtmlEscaped());
    if (!allParams.isEmpty())
        tip += QStringLiteral("<br>%1").arg(allParams.join(QStringLiteral(", ")).toHtmlEscaped());
    if (a && m_error.isEmpty())
        tip += QObject::tr("<br>output %1 · %2 parameters · %3 MACs")
                   .arg(a->outputShape.toString(), QLocale().toString(a->parameters), QLocale().toString(a->macs));
    if (!m_error.isEmpty())
        tip += QStringLiteral("<br><span style='color:#d32f2f'>%1</span>").arg(m_error.toHtmlEscaped());
    setToolTip(tip);
    rebuildPorts(doc->inputSlotCount(m_id), node->inputs, type ? type->minInputs : 0);
    update();
}

QRectF NodeItem::boundingRect() const
{
    return QRectF(0, 0, GraphNodeMetrics::Width, GraphNodeMetrics::Height).adjusted(-6, -6, 6, 6);
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    const QRectF r(0, 0, GraphNodeMetrics::Width, GraphNodeMetrics::Height);
    painter->setRenderHint(QPainter::Antialiasing);
    QPainterPath outline;
    outline.addRoundedRect(r, Corner, Corner);
    painter->fillPath(outline, Qt::white);
    // Header band in the type colour.
    painter->save();
    painter->setClipPath(outline);
    painter->fillRect(QRectF(0, 0, r.width(), HeaderHeight),
                      m_error.isEmpty() ? m_headerColor : m_blocked ? QColor(0xe9, 0xea, 0xec) : QColor(0xfd, 0xe0, 0xe0));
    painter->restore();

    QFont font = painter->font();
    font.setPointSizeF(9.5);
    font.setBold(true);
    painter->setFont(font);
    painter->setPen(QColor(0x20, 0x24, 0x2a));
    const QRectF header(10, 0, r.width() - 20, HeaderHeight);
    painter->drawText(header, Qt::AlignLeft | Qt::AlignVCenter, m_type);
    const qreal typeWidth = QFontMetricsF(font).horizontalAdvance(m_type);
    font.setBold(false);
    font.setPointSizeF(8.5);
    painter->setFont(font);
    painter->setPen(QColor(0x4a, 0x50, 0x58));
    QFontMetricsF fm(font);
    painter->drawText(header, Qt::AlignRight | Qt::AlignVCenter,
                      fm.elidedText(m_id, Qt::ElideMiddle, header.width() - typeWidth - 8));

    const qreal left = 10, width = r.width() - 20;
    painter->setPen(QColor(0x55, 0x5b, 0x63));
    painter->drawText(QRectF(left, HeaderHeight + 3, width, 16), Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(m_paramsText.isEmpty() ? QObject::tr("defaults") : m_paramsText, Qt::ElideRight, width));

    if (m_error.isEmpty()) {
        font.setPointSizeF(10);
        font.setBold(true);
        painter->setFont(font);
        painter->setPen(QColor(0x10, 0x3c, 0x7a));
        painter->drawText(QRectF(left, HeaderHeight + 20, width, 20), Qt::AlignLeft | Qt::AlignVCenter, m_shapeText);
        font.setPointSizeF(8.5);
        font.setBold(false);
        painter->setFont(font);
        painter->setPen(QColor(0x55, 0x5b, 0x63));
        painter->drawText(QRectF(left, HeaderHeight + 41, width, 16), Qt::AlignLeft | Qt::AlignVCenter, m_costText);
    } else {
        painter->setPen(m_blocked ? QColor(0x70, 0x76, 0x80) : ErrorColor);
        painter->drawText(QRectF(left, HeaderHeight + 20, width, 38), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                          m_blocked ? QObject::tr("waiting for a valid input") : QStringLiteral("⚠ ") + m_error);
    }

    QPen border(QColor(0x8a, 0x8f, 0x98), 1.2);
    if (!m_error.isEmpty())
        border = m_blocked ? QPen(QColor(0x9a, 0xa0, 0xa8), 1.2, Qt::DashLine) : QPen(ErrorColor, 2.6);
    painter->setPen(border);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(outline);
    if (isSelected()) {   // a halo, so the border keeps saying whether the node is valid
        QPainterPath halo;
        halo.addRoundedRect(r.adjusted(-3.5, -3.5, 3.5, 3.5), Corner + 3, Corner + 3);
        painter->setPen(QPen(SelectedColor, 2.4));
        painter->drawPath(halo);
    }
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemPositionHasChanged)
        m_scene->nodeItemMoved(this);
    return QGraphicsItem::itemChange(change, value);
}

} // namespace lepton
