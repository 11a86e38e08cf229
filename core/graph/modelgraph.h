#pragma once
// The architecture as a JSON graph of typed nodes; the single source of truth for the model.
#include "common/result.h"

#include <QJsonObject>
#include <QMap>
#include <QStringList>
#include <QVector>

namespace lepton {

struct TensorShape
{
    QVector<qint64> dims;   // without the batch dimension
    qint64 elements() const;
    QString toString() const;   // "16×10×10"
    bool operator==(const TensorShape &o) const { return dims == o.dims; }
};

struct GraphNode
{
    QString id;
    QString type;
    QJsonObject params;
    QStringList inputs;   // ids of the nodes feeding this one, in order
};

struct ModelGraph
{
    static constexpr int FormatVersion = 1;
    QString name;
    QVector<GraphNode> nodes;
    // Layer type -> id of the plugin that provides it, for the plugin types the graph uses. Written
    // on save from the registry (and kept for types whose plugin is not loaded), so a graph opened
    // without its plugin can name what is missing.
    QMap<QString, QString> plugins;

    static Result<ModelGraph> fromJson(const QByteArray &json);
    QByteArray toJson() const;
    const GraphNode *node(const QString &id) const;
};

struct NodeAnalysis
{
    QString id;
    QString type;
    TensorShape outputShape;
    qint64 parameters = 0;
    qint64 macs = 0;        // multiply-accumulates per sample
    QString error;          // non-empty: this node is invalid, and why
};

struct GraphAnalysis
{
    QVector<NodeAnalysis> nodes;   // topological order
    QString inputId;
    QString outputId;
    TensorShape inputShape;
    TensorShape outputShape;
    qint64 totalParameters = 0;
    qint64 totalMacs = 0;
    qint64 sizeBytes = 0;          // float32 parameters + buffers
    QStringList errors;            // "node 'conv2': ..." for each problem
    bool valid() const { return errors.isEmpty(); }
};

// Shape inference, parameter and MAC counts over the whole graph. Never throws.
GraphAnalysis analyzeGraph(const ModelGraph &graph);

// Built-in template: a small CNN (conv-bn-relu-pool x2, linear, dropout, linear).
ModelGraph smallCnnTemplate(int channels, int height, int width, int classes);

} // namespace lepton
