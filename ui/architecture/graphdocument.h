#pragma once
// The architecture being edited: a ModelGraph plus node positions, its analysis (re-run after every
// change) and the undo stack. Headless, as in QtNodes: the scene observes it, tests drive it.
#include "common/result.h"
#include "graph/modelgraph.h"

#include <QHash>
#include <QObject>
#include <QPointF>
#include <QSet>

class QUndoStack;

namespace lepton {

// One edge into a node: `to`'s input slot `port` is fed by `to`'s inputs[port].
struct GraphEdge
{
    QString to;
    int port = 0;
    bool operator==(const GraphEdge &o) const { return to == o.to && port == o.port; }
};

class GraphDocument : public QObject
{
    Q_OBJECT

public:
    // Key of the node positions inside the stored JSON; core's reader ignores it.
    static constexpr char LayoutKey[] = "editorLayout";

    explicit GraphDocument(QObject *parent = nullptr);
    ~GraphDocument() override;

    const ModelGraph &graph() const { return m_graph; }
    const GraphAnalysis &analysis() const { return m_analysis; }
    const NodeAnalysis *nodeAnalysis(const QString &id) const;
    // True when the node's own settings or connections are wrong, false when it only sits
    // downstream of an invalid node.
    bool causesError(const QString &id) const { return m_errorCauses.contains(id); }
    const GraphNode *node(const QString &id) const { return m_graph.node(id); }
    QPointF position(const QString &id) const { return m_positions.value(id); }
    QUndoStack *undoStack() const { return m_undo; }

    // The graph JSON with the node positions under LayoutKey.
    QByteArray toJson() const;
    // Replaces the document without an undo entry (loading a stored version). Nodes without a
    // stored position are laid out.
    Status loadJson(const QByteArray &json);
    void setGraph(const ModelGraph &graph);

    // Edits; each pushes one undo command.
    void setName(const QString &name);
    QString addNode(const QString &type, QPointF position);
    void deleteItems(const QStringList &nodeIds, const QVector<GraphEdge> &edges = {});
    // Empty when `from` may feed input slot `port` of `to` (port == inputs.size() appends).
    QString connectionError(const QString &from, const QString &to, int port) const;
    Status connectNodes(const QString &from, const QString &to, int port);
    void disconnectInput(const QString &to, int port);
    void setParameter(const QString &id, const QString &name, const QJsonValue &value);
    // Moves during one drag (same dragId != 0) merge into one undo step.
    void moveNodes(const QHash<QString, QPointF> &positions, int dragId = 0);
    void autoLayout();
    // Replaces the whole graph as one undoable step (import, template).
    Status replaceWithJson(const QByteArray &json, const QString &commandText);

    // Copy/paste fragments: the selected nodes as graph JSON with positions; edges leaving the
    // selection are dropped, pasted nodes get fresh ids. Returns the pasted ids.
    QByteArray copyFragment(const QStringList &ids) const;
    Result<QStringList> pasteFragment(const QByteArray &fragment, QPointF offset);

    // Input slots shown for a node: registry maxInputs, plus one free slot for variadic types.
    int inputSlotCount(const QString &id) const;
    QString uniqueId(const QString &type, const QSet<QString> &taken = {}) const;
    // Node ids in the order they feed each other (analysis order).
    QStringList consumersOf(const QString &id) const;

    // Raw mutations for the undo commands (no undo entry, but the signals fire).
    void insertNodeRaw(int index, const GraphNode &node, QPointF position);
    void removeNodeRaw(const QString &id);
    void setInputsRaw(const QString &id, const QStringList &inputs);
    void setParamRaw(const QString &id, const QString &name, const QJsonValue &value);
    void setPositionRaw(const QString &id, QPointF position);
    void setNameRaw(const QString &name);
    void restoreRaw(const QByteArray &json);

signals:
    void documentReset();
    void nodeAdded(const QString &id);
    void nodeRemoved(const QString &id);
    void nodeChanged(const QString &id);   // parameters or inputs
    void nodeMoved(const QString &id);
    void nameChanged(const QString &name);
    void analysisChanged();

private:
    GraphNode *mutableNode(const QString &id);
    void reanalyze();
    Status assign(const QByteArray &json, bool layoutMissing);

    ModelGraph m_graph;
    QHash<QString, QPointF> m_positions;
    GraphAnalysis m_analysis;
    QHash<QString, int> m_analysisIndex;
    QSet<QString> m_errorCauses;
    QUndoStack *m_undo;
};

} // namespace lepton
