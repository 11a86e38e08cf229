#include "architecture/graphdocument.h"

#include "architecture/graphcommands.h"
#include "architecture/graphlayout.h"

#include "graph/layerregistry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QUndoStack>

#include <algorithm>

namespace lepton {

using namespace Internal;

namespace {

QJsonObject layoutObject(const QHash<QString, QPointF> &positions, const ModelGraph &graph)
{
    QJsonObject layout;
    for (const GraphNode &n : graph.nodes) {
        const QPointF p = positions.value(n.id);
        layout.insert(n.id, QJsonArray{p.x(), p.y()});
    }
    return layout;
}

// The graph JSON with positions; the same text for the same document.
QByteArray documentJson(const ModelGraph &graph, const QHash<QString, QPointF> &positions)
{
    QJsonObject root = QJsonDocument::fromJson(graph.toJson()).object();
    root.insert(QLatin1String(GraphDocument::LayoutKey), layoutObject(positions, graph));
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace

GraphDocument::GraphDocument(QObject *parent)
    : QObject(parent)
    , m_undo(new QUndoStack(this))
{
    reanalyze();
}

GraphDocument::~GraphDocument()
{
    // QUndoStack signals cleanChanged while it is destroyed; its listeners may be gone already.
    m_undo->blockSignals(true);
}

const NodeAnalysis *GraphDocument::nodeAnalysis(const QString &id) const
{
    auto it = m_analysisIndex.constFind(id);
    return it == m_analysisIndex.constEnd() ? nullptr : &m_analysis.nodes[*it];
}

QByteArray GraphDocument::toJson() const { return documentJson(m_graph, m_positions); }

Status GraphDocument::assign(const QByteArray &json, bool layoutMissing)
{
    auto graph = ModelGraph::fromJson(json);
    if (!graph)
        return Status::failure(graph.error());
    const QJsonObject layout = QJsonDocument::fromJson(json).object().value(QLatin1String(LayoutKey)).toObject();
    QHash<QString, QPointF> positions;
    for (const GraphNode &n : graph->nodes) {
        const QJsonArray p = layout.value(n.id).toArray();
        if (p.size() != 2) {
            layoutMissing = true;
            break;
        }
        positions.insert(n.id, QPointF(p[0].toDouble(), p[1].toDouble()));
    }
    m_graph = graph.value();
    m_positions = layoutMissing ? layeredLayout(m_graph) : positions;
    return success();
}

Status GraphDocument::loadJson(const QByteArray &json)
{
    if (auto st = assign(json, false); !st)
        return st;
    m_undo->clear();
    reanalyze();
    emit documentReset();
    emit nameChanged(m_graph.name);
    emit analysisChanged();
    return success();
}

void GraphDocument::setGraph(const ModelGraph &graph)
{
    m_graph = graph;
    m_positions = layeredLayout(m_graph);
    m_undo->clear();
    reanalyze();
    emit documentReset();
    emit nameChanged(m_graph.name);
    emit analysisChanged();
}

void GraphDocument::setName(const QString &name)
{
    if (name != m_graph.name)
        m_undo->push(new RenameGraphCommand(this, name));
}

QString GraphDocument::uniqueId(const QString &type, const QSet<QString> &taken) const
{
    static const QRegularExpression suffix(QStringLiteral("[0-9]d$"));
    QString base = type.toLower().remove(suffix);
    base.remove(QRegularExpression(QStringLiteral("[^a-z0-9_]")));
    if (base.isEmpty())
        base = QStringLiteral("node");
    for (int i = 1;; ++i) {
        const QString id = base + QString::number(i);
        if (!m_graph.node(id) && !taken.contains(id))
            return id;
    }
}

QString GraphDocument::addNode(const QString &type, QPointF position)
{
    GraphNode node;
    node.type = type;
    node.id = type == QLatin1String("Input") && !m_graph.node(QStringLiteral("input"))
                  ? QStringLiteral("input")
                  : uniqueId(type);
    m_undo->push(new AddNodeCommand(this, node, position));
    return node.id;
}

void GraphDocument::deleteItems(const QStringList &nodeIds, const QVector<GraphEdge> &edges)
{
    if (nodeIds.isEmpty() && edges.isEmpty())
        return;
    const QString text = nodeIds.isEmpty() ? tr("Delete %n connection(s)", nullptr, int(edges.size()))
                                           : tr("Delete %n node(s)", nullptr, int(nodeIds.size()));
    m_undo->push(new SnapshotCommand(this, text, [nodeIds, edges](GraphDocument *doc) {
        // Highest slot first so the lower slot numbers stay valid.
        QVector<GraphEdge> sorted = edges;
        std::sort(sorted.begin(), sorted.end(), [](const GraphEdge &a, const GraphEdge &b) {
            return a.to == b.to ? a.port > b.port : a.to < b.to;
        });
        for (const GraphEdge &e : sorted) {
            const GraphNode *n = doc->node(e.to);
            if (!n || e.port < 0 || e.port >= n->inputs.size())
                continue;
            QStringList inputs = n->inputs;
            inputs.removeAt(e.port);
            doc->setInputsRaw(e.to, inputs);
        }
        for (const QString &id : nodeIds)
            doc->removeNodeRaw(id);
    }));
}

QString GraphDocument::connectionError(const QString &from, const QString &to, int port) const
{
    const GraphNode *source = m_graph.node(from);
    const GraphNode *target = m_graph.node(to);
    if (!source || !target)
        return tr("node '%1' does not exist").arg(source ? to : from);
    if (from == to)
        return tr("%1 cannot feed itself").arg(to);
    const LayerType *type = LayerRegistry::instance().find(target->type);
    const int maxInputs = type ? type->maxInputs : int(target->inputs.size());
    if (port < 0 || port > target->inputs.size())
        return tr("%1 has no input slot %2").arg(to).arg(port + 1);
    if (port == target->inputs.size() && target->inputs.size() >= maxInputs)
        return maxInputs == 0 ? tr("%1 (%2) takes no inputs").arg(to, target->type)
                              : tr("%1 (%2) takes at most %3 input(s)").arg(to, target->type).arg(maxInputs);
    // `to` must not already feed `from`, or the new edge closes a cycle.
    QStringList stack{to};
    QSet<QString> seen;
    while (!stack.isEmpty()) {
        const QString id = stack.takeLast();
        if (id == from)
            return tr("%1 → %2 would close a cycle").arg(from, to);
        if (seen.contains(id))
            continue;
        seen.insert(id);
        stack << consumersOf(id);
    }
    return {};
}

Status GraphDocument::connectNodes(const QString &from, const QString &to, int port)
{
    const QString error = connectionError(from, to, port);
    if (!error.isEmpty())
        return Status::failure(error);
    QStringList inputs = m_graph.node(to)->inputs;
    if (port == inputs.size())
        inputs.append(from);
    else if (inputs[port] == from)
        return success();
    else
        inputs[port] = from;
    m_undo->push(new SetInputsCommand(this, to, inputs, tr("Connect %1 → %2").arg(from, to)));
    return success();
}

void GraphDocument::disconnectInput(const QString &to, int port)
{
    const GraphNode *n = m_graph.node(to);
    if (!n || port < 0 || port >= n->inputs.size())
        return;
    QStringList inputs = n->inputs;
    const QString from = inputs.takeAt(port);
    m_undo->push(new SetInputsCommand(this, to, inputs, tr("Disconnect %1 → %2").arg(from, to)));
}

void GraphDocument::setParameter(const QString &id, const QString &name, const QJsonValue &value)
{
    const GraphNode *n = m_graph.node(id);
    if (!n || n->params.value(name) == value)
        return;
    m_undo->push(new SetParameterCommand(this, id, name, value));
}

void GraphDocument::moveNodes(const QHash<QString, QPointF> &positions, int dragId)
{
    QHash<QString, QPointF> changed;
    for (auto it = positions.begin(); it != positions.end(); ++it)
        if (m_graph.node(it.key()) && m_positions.value(it.key()) != it.value())
            changed.insert(it.key(), it.value());
    if (changed.isEmpty())
        return;
    const QString text = changed.size() == 1 ? tr("Move %1").arg(changed.begin().key())
                                             : tr("Move %n nodes", nullptr, int(changed.size()));
    m_undo->push(new MoveNodesCommand(this, changed, dragId, text));
}

void GraphDocument::autoLayout()
{
    const QHash<QString, QPointF> positions = layeredLayout(m_graph);
    QHash<QString, QPointF> changed;
    for (auto it = positions.begin(); it != positions.end(); ++it)
        if (m_positions.value(it.key()) != it.value())
            changed.insert(it.key(), it.value());
    if (!changed.isEmpty())
        m_undo->push(new MoveNodesCommand(this, changed, 0, tr("Auto-layout")));
}

Status GraphDocument::replaceWithJson(const QByteArray &json, const QString &commandText)
{
    GraphDocument probe;
    if (auto st = probe.assign(json, false); !st)
        return st;
    const QByteArray normalized = probe.toJson();
    m_undo->push(new SnapshotCommand(this, commandText,
                                     [normalized](GraphDocument *doc) { doc->restoreRaw(normalized); }));
    return success();
}

QByteArray GraphDocument::copyFragment(const QStringList &ids) const
{
    ModelGraph fragment;
    fragment.name = m_graph.name;
    const QSet<QString> selected(ids.begin(), ids.end());
    for (const GraphNode &n : m_graph.nodes) {
        if (!selected.contains(n.id))
            continue;
        GraphNode copy = n;
        copy.inputs.clear();
        for (const QString &in : n.inputs)
            if (selected.contains(in))
                copy.inputs << in;
        fragment.nodes.append(copy);
    }
    return documentJson(fragment, m_positions);
}

Result<QStringList> GraphDocument::pasteFragment(const QByteArray &fragment, QPointF offset)
{
    GraphDocument parsed;
    if (auto st = parsed.assign(fragment, false); !st)
        return Result<QStringList>::failure(tr("The clipboard does not hold graph nodes: %1").arg(st.error()));
    if (parsed.graph().nodes.isEmpty())
        return QStringList();
    QHash<QString, QString> renamed;
    QSet<QString> taken;
    for (const GraphNode &n : parsed.graph().nodes) {
        const QString id = uniqueId(n.type, taken);
        taken.insert(id);
        renamed.insert(n.id, id);
    }
    QVector<GraphNode> nodes;
    QHash<QString, QPointF> positions;
    QStringList ids;
    for (GraphNode n : parsed.graph().nodes) {
        const QString oldId = n.id;
        n.id = renamed.value(oldId);
        QStringList inputs;
        for (const QString &in : n.inputs)
            if (renamed.contains(in))
                inputs << renamed.value(in);
        n.inputs = inputs;
        nodes.append(n);
        positions.insert(n.id, parsed.position(oldId) + offset);
        ids << n.id;
    }
    m_undo->push(new AppendNodesCommand(this, nodes, positions, tr("Paste %n node(s)", nullptr, int(nodes.size()))));
    return ids;
}

int GraphDocument::inputSlotCount(const QString &id) const
{
    const GraphNode *n = m_graph.node(id);
    if (!n)
        return 0;
    const int used = int(n->inputs.size());
    const LayerType *type = LayerRegistry::instance().find(n->type);
    if (!type)
        return std::max(used, 1);
    if (type->maxInputs <= 1)
        return std::max(type->maxInputs, used);
    return std::max(used, std::min(type->maxInputs, std::max(type->minInputs, used + 1)));
}

QStringList GraphDocument::consumersOf(const QString &id) const
{
    QStringList out;
    for (const GraphNode &n : m_graph.nodes)
        if (n.inputs.contains(id))
            out << n.id;
    return out;
}

GraphNode *GraphDocument::mutableNode(const QString &id)
{
    for (GraphNode &n : m_graph.nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

void GraphDocument::insertNodeRaw(int index, const GraphNode &node, QPointF position)
{
    m_graph.nodes.insert(std::clamp(index, 0, int(m_graph.nodes.size())), node);
    m_positions.insert(node.id, position);
    reanalyze();
    emit nodeAdded(node.id);
    for (const QString &consumer : consumersOf(node.id))
        emit nodeChanged(consumer);
    emit analysisChanged();
}

void GraphDocument::removeNodeRaw(const QString &id)
{
    auto it = std::find_if(m_graph.nodes.begin(), m_graph.nodes.end(), [&](const GraphNode &n) { return n.id == id; });
    if (it == m_graph.nodes.end())
        return;
    m_graph.nodes.erase(it);
    m_positions.remove(id);
    QStringList changed;
    for (GraphNode &n : m_graph.nodes)
        if (n.inputs.removeAll(id) > 0)
            changed << n.id;
    reanalyze();
    emit nodeRemoved(id);
    for (const QString &c : changed)
        emit nodeChanged(c);
    emit analysisChanged();
}

void GraphDocument::setInputsRaw(const QString &id, const QStringList &inputs)
{
    if (GraphNode *n = mutableNode(id)) {
        n->inputs = inputs;
        reanalyze();
        emit nodeChanged(id);
        emit analysisChanged();
    }
}

void GraphDocument::setParamRaw(const QString &id, const QString &name, const QJsonValue &value)
{
    if (GraphNode *n = mutableNode(id)) {
        if (value.isUndefined())
            n->params.remove(name);
        else
            n->params.insert(name, value);
        reanalyze();
        emit nodeChanged(id);
        emit analysisChanged();
    }
}

void GraphDocument::setPositionRaw(const QString &id, QPointF position)
{
    if (!m_graph.node(id))
        return;
    m_positions.insert(id, position);
    emit nodeMoved(id);
}

void GraphDocument::setNameRaw(const QString &name)
{
    m_graph.name = name;
    emit nameChanged(name);
}

void GraphDocument::restoreRaw(const QByteArray &json)
{
    if (!assign(json, false))
        return;
    reanalyze();
    emit documentReset();
    emit nameChanged(m_graph.name);
    emit analysisChanged();
}

void GraphDocument::reanalyze()
{
    m_analysis = analyzeGraph(m_graph);
    m_analysisIndex.clear();
    for (int i = 0; i < m_analysis.nodes.size(); ++i)
        m_analysisIndex.insert(m_analysis.nodes[i].id, i);
    // analyzeGraph lists a node in errors only when the problem is its own.
    m_errorCauses.clear();
    static const QRegularExpression nodeRef(QStringLiteral("^node '([^']+)'"));
    for (const QString &error : m_analysis.errors)
        if (const auto match = nodeRef.match(error); match.hasMatch())
            m_errorCauses.insert(match.captured(1));
}

} // namespace lepton
