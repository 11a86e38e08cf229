#pragma once
// One description per layer type: parameters, shape rule, LibTorch builder, TorchScript and ONNX
// emitters.
// Shape inference, the editor, training and the exporters all read this registry.
#include "graph/modelgraph.h"

#include <QJsonValue>
#include <functional>
#include <memory>

namespace lepton {

namespace Internal {
struct TorchLayerOps;   // LibTorch builder + TorchScript emitter (graph/internal/torchlayers.h)
struct OnnxLayerOps;    // ONNX operators + initializers (graph/internal/onnxlayers.h)
}

struct LayerParamSpec
{
    QString name;
    QString kind;        // "int" | "float" | "bool"
    QJsonValue defaultValue;
    double minimum = 0;
    QString help;
};

struct LayerShapeInfo
{
    TensorShape output;
    qint64 parameters = 0;
    qint64 buffers = 0;
    qint64 macs = 0;
};

struct LayerType
{
    QString name;
    QString description;
    int minInputs = 1;
    int maxInputs = 1;
    QVector<LayerParamSpec> params;
    // Returns the output shape and costs, or an error naming the mismatch.
    std::function<Result<LayerShapeInfo>(const QVector<TensorShape> &inputs, const GraphNode &node)> infer;
    std::shared_ptr<const Internal::TorchLayerOps> torch;   // null for layers with no weights path
    std::shared_ptr<const Internal::OnnxLayerOps> onnx;     // null: the layer cannot be exported to ONNX
    QString provider;    // id of the plugin that added the type; empty for built-in types
};

class LayerRegistry
{
public:
    static LayerRegistry &instance();
    const LayerType *find(const QString &name) const;
    QStringList names() const;
    // Adds or replaces a built-in type.
    void add(LayerType type);
    // Adds a plugin's type (type.provider set); fails when the name is taken, by a built-in type
    // or by another plugin.
    Status addFromPlugin(LayerType type);

private:
    LayerRegistry();
    QVector<LayerType> m_types;
};

// Parameter value with the registry default filled in.
QJsonValue layerParam(const GraphNode &node, const QString &name);

} // namespace lepton
