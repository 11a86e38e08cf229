#pragma once
// LibTorch side of the layer registry: how a node becomes a module and a TorchScript line.
#include "graph/modelgraph.h"

#include <torch/torch.h>

#include <functional>
#include <vector>

namespace lepton::Internal {

struct BuiltLayer
{
    std::shared_ptr<torch::nn::Module> module;   // null for weightless layers
    std::function<torch::Tensor(const std::vector<torch::Tensor> &)> forward;
};

struct TorchLayerOps
{
    std::function<BuiltLayer(const GraphNode &node, const QVector<TensorShape> &inputs)> build;
    // TorchScript expression computing the node (inference mode). `self` attributes of the
    // node's parameters/buffers are named attr + "<name>" (e.g. "self.conv1__weight").
    std::function<QString(const GraphNode &node, const QStringList &inputs, const QString &attr)> script;
};

QString scriptAttributeName(const QString &nodeId, const std::string &tensorName);

} // namespace lepton::Internal
