#pragma once
// Undo commands of the graph editor: small classes over GraphDocument's raw mutations.
// Deletes and whole-graph replacements snapshot the document JSON so undo restores it exactly.
#include "architecture/graphdocument.h"

#include <QUndoCommand>

#include <functional>

namespace lepton::Internal {

enum GraphCommandId { MoveCommandId = 1, ParameterCommandId = 2, RenameCommandId = 3 };

class AddNodeCommand : public QUndoCommand
{
public:
    AddNodeCommand(GraphDocument *doc, const GraphNode &node, QPointF position);
    void redo() override;
    void undo() override;

private:
    GraphDocument *m_doc;
    GraphNode m_node;
    QPointF m_position;
};

// Applies `apply` on redo; undo restores the JSON taken before the first redo.
class SnapshotCommand : public QUndoCommand
{
public:
    SnapshotCommand(GraphDocument *doc, const QString &text, std::function<void(GraphDocument *)> apply);
    void redo() override;
    void undo() override;

private:
    GraphDocument *m_doc;
    QByteArray m_before;
    std::function<void(GraphDocument *)> m_apply;
};

class SetInputsCommand : public QUndoCommand
{
public:
    SetInputsCommand(GraphDocument *doc, const QString &id, const QStringList &inputs, const QString &text);
    void redo() override;
    void undo() override;

private:
    GraphDocument *m_doc;
    QString m_id;
    QStringList m_before;
    QStringList m_after;
};

// Consecutive edits of the same parameter merge (typing or spinning through values).
class SetParameterCommand : public QUndoCommand
{
public:
    SetParameterCommand(GraphDocument *doc, const QString &id, const QString &name, const QJsonValue &value);
    void redo() override;
    void undo() override;
    int id() const override { return ParameterCommandId; }
    bool mergeWith(const QUndoCommand *other) override;

private:
    GraphDocument *m_doc;
    QString m_node;
    QString m_name;
    QJsonValue m_before;   // undefined: the parameter was not set (registry default)
    QJsonValue m_after;
};

// Moves of one drag (same dragId) merge into one step; dragId 0 never merges (auto-layout).
class MoveNodesCommand : public QUndoCommand
{
public:
    MoveNodesCommand(GraphDocument *doc, const QHash<QString, QPointF> &positions, int dragId,
                     const QString &text);
    void redo() override;
    void undo() override;
    int id() const override { return MoveCommandId; }
    bool mergeWith(const QUndoCommand *other) override;

private:
    GraphDocument *m_doc;
    int m_dragId;
    QHash<QString, QPointF> m_before;
    QHash<QString, QPointF> m_after;
};

// Appends nodes (paste); undo removes them again from the end.
class AppendNodesCommand : public QUndoCommand
{
public:
    AppendNodesCommand(GraphDocument *doc, const QVector<GraphNode> &nodes,
                       const QHash<QString, QPointF> &positions, const QString &text);
    void redo() override;
    void undo() override;

private:
    GraphDocument *m_doc;
    QVector<GraphNode> m_nodes;
    QHash<QString, QPointF> m_positions;
};

class RenameGraphCommand : public QUndoCommand
{
public:
    RenameGraphCommand(GraphDocument *doc, const QString &name);
    void redo() override;
    void undo() override;
    int id() const override { return RenameCommandId; }
    bool mergeWith(const QUndoCommand *other) override;

private:
    GraphDocument *m_doc;
    QString m_before;
    QString m_after;
};

} // namespace lepton::Internal
