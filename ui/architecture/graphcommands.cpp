#include "architecture/graphcommands.h"

#include <QCoreApplication>

namespace lepton::Internal {

namespace {
QString tr(const char *text, int n = -1) { return QCoreApplication::translate("GraphCommands", text, nullptr, n); }
} // namespace

AddNodeCommand::AddNodeCommand(GraphDocument *doc, const GraphNode &node, QPointF position)
    : QUndoCommand(tr("Add %1").arg(node.id))
    , m_doc(doc)
    , m_node(node)
    , m_position(position)
{}

void AddNodeCommand::redo() { m_doc->insertNodeRaw(int(m_doc->graph().nodes.size()), m_node, m_position); }

void AddNodeCommand::undo() { m_doc->removeNodeRaw(m_node.id); }

SnapshotCommand::SnapshotCommand(GraphDocument *doc, const QString &text,
                                 std::function<void(GraphDocument *)> apply)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_before(doc->toJson())
    , m_apply(std::move(apply))
{}

void SnapshotCommand::redo() { m_apply(m_doc); }

void SnapshotCommand::undo() { m_doc->restoreRaw(m_before); }

SetInputsCommand::SetInputsCommand(GraphDocument *doc, const QString &id, const QStringList &inputs,
                                   const QString &text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_id(id)
    , m_before(doc->node(id) ? doc->node(id)->inputs : QStringList())
    , m_after(inputs)
{}

void SetInputsCommand::redo() { m_doc->setInputsRaw(m_id, m_after); }

void SetInputsCommand::undo() { m_doc->setInputsRaw(m_id, m_before); }

SetParameterCommand::SetParameterCommand(GraphDocument *doc, const QString &id, const QString &name,
                                         const QJsonValue &value)
    : QUndoCommand(tr("Set %1.%2").arg(id, name))
    , m_doc(doc)
    , m_node(id)
    , m_name(name)
    , m_before(doc->node(id) ? doc->node(id)->params.value(name) : QJsonValue(QJsonValue::Undefined))
    , m_after(value)
{}

void SetParameterCommand::redo() { m_doc->setParamRaw(m_node, m_name, m_after); }

void SetParameterCommand::undo() { m_doc->setParamRaw(m_node, m_name, m_before); }

bool SetParameterCommand::mergeWith(const QUndoCommand *other)
{
    auto o = static_cast<const SetParameterCommand *>(other);
    if (o->m_node != m_node || o->m_name != m_name)
        return false;
    m_after = o->m_after;
    return true;
}

MoveNodesCommand::MoveNodesCommand(GraphDocument *doc, const QHash<QString, QPointF> &positions,
                                   int dragId, const QString &text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_dragId(dragId)
    , m_after(positions)
{
    for (auto it = positions.begin(); it != positions.end(); ++it)
        m_before.insert(it.key(), doc->position(it.key()));
}

void MoveNodesCommand::redo()
{
    for (auto it = m_after.begin(); it != m_after.end(); ++it)
        m_doc->setPositionRaw(it.key(), it.value());
}

void MoveNodesCommand::undo()
{
    for (auto it = m_before.begin(); it != m_before.end(); ++it)
        m_doc->setPositionRaw(it.key(), it.value());
}

bool MoveNodesCommand::mergeWith(const QUndoCommand *other)
{
    auto o = static_cast<const MoveNodesCommand *>(other);
    if (m_dragId == 0 || o->m_dragId != m_dragId)
        return false;
    for (auto it = o->m_after.begin(); it != o->m_after.end(); ++it) {
        if (!m_before.contains(it.key()))
            m_before.insert(it.key(), o->m_before.value(it.key()));
        m_after.insert(it.key(), it.value());
    }
    if (m_after.size() > 1)
        setText(tr("Move %n nodes", int(m_after.size())));
    return true;
}

AppendNodesCommand::AppendNodesCommand(GraphDocument *doc, const QVector<GraphNode> &nodes,
                                       const QHash<QString, QPointF> &positions, const QString &text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_nodes(nodes)
    , m_positions(positions)
{}

void AppendNodesCommand::redo()
{
    for (const GraphNode &n : m_nodes)
        m_doc->insertNodeRaw(int(m_doc->graph().nodes.size()), n, m_positions.value(n.id));
}

void AppendNodesCommand::undo()
{
    for (auto it = m_nodes.crbegin(); it != m_nodes.crend(); ++it)
        m_doc->removeNodeRaw(it->id);
}

RenameGraphCommand::RenameGraphCommand(GraphDocument *doc, const QString &name)
    : QUndoCommand(tr("Rename graph"))
    , m_doc(doc)
    , m_before(doc->graph().name)
    , m_after(name)
{}

void RenameGraphCommand::redo() { m_doc->setNameRaw(m_after); }

void RenameGraphCommand::undo() { m_doc->setNameRaw(m_before); }

bool RenameGraphCommand::mergeWith(const QUndoCommand *other)
{
    m_after = static_cast<const RenameGraphCommand *>(other)->m_after;
    return true;
}

} // namespace lepton::Internal
