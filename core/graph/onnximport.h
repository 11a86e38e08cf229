#pragma once
// ONNX model → ModelGraph + initial weights, for the supported operator subset: Conv (incl. grouped
// depthwise), ConvTranspose, Gemm, MatMul (+ Add), Relu, LeakyRelu, Sigmoid, Tanh,
// MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Flatten, Add, Concat,
// Dropout/Identity, flattening Reshape/Squeeze, and Softmax as the last operator (dropped: lepton graphs output logits).
#include "common/result.h"
#include "graph/modelgraph.h"

namespace lepton {

struct OnnxImport
{
    ModelGraph graph;
    QByteArray weights;   // the initializers as the graph's parameters, in the model-version weight format
    QStringList notes;    // what was adapted (e.g. "dropped the final Softmax ...")
};

// Fails naming the file and, for an unsupported operator, its type and node name.
Result<OnnxImport> importOnnxModel(const QString &path);

} // namespace lepton
