#pragma once
// ONNX side of the layer registry: how a node is written as ONNX operators + initializers.
// Private: includes the ONNX protobuf types (ONNX_ML build of Debian's libonnx_proto).
#include "common/result.h"
#include "graph/modelgraph.h"

#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lepton::Internal {

struct OnnxEmitArgs
{
    const GraphNode &node;
    QStringList inputs;   // ONNX value names feeding the node, in order
    QString output;       // the value name the node's result must be written to
    QString prefix;       // unique per node: base for initializer and intermediate value names
    std::map<std::string, torch::Tensor> tensors;   // the node module's parameters + buffers by torch name
    int opset = 13;   // the model's default-domain opset (the exporter checks its range)
    QVector<TensorShape> inputShapes;   // shapes of `inputs` without the batch dimension

    QString name(const QString &suffix) const { return prefix + suffix; }
};

struct OnnxLayerOps
{
    // Appends the node's operators and initializers (inference mode); fails naming the node.
    std::function<Status(const OnnxEmitArgs &args, onnx::GraphProto &graph)> emit;
};

// Helpers shared by the registry's emitters.
onnx::NodeProto *addOnnxNode(onnx::GraphProto &graph, const char *opType, const QStringList &inputs,
                             const QString &output, const QString &nodeName);
void setOnnxAttribute(onnx::NodeProto *node, const char *name, qint64 value);
void setOnnxAttribute(onnx::NodeProto *node, const char *name, float value);
void setOnnxAttribute(onnx::NodeProto *node, const char *name, const std::vector<qint64> &values);
// Adds `tensor` (as float32) as an initializer called `name`.
void addOnnxInitializer(onnx::GraphProto &graph, const QString &name, const torch::Tensor &tensor);
// Adds a 1-D int64 initializer (shapes, pads) called `name`.
void addOnnxInitializer(onnx::GraphProto &graph, const QString &name, const std::vector<qint64> &values);
// The node module's tensor `key` (e.g. "weight"), or an error naming the node.
Result<torch::Tensor> onnxTensor(const OnnxEmitArgs &args, const char *key);

// Opset -> the IR version that introduced it (the oldest a runtime needs to read the file).
int onnxIrVersionForOpset(int opset);

} // namespace lepton::Internal
