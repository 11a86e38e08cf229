#pragma once
// Private helpers for writing layer types: parameter access, shape checks, ONNX weights.
// The layer definitions live in graph/internal/*layers.cpp and are registered in layerregistry.cpp.
#include "graph/internal/onnxlayers.h"
#include "graph/internal/torchlayers.h"
#include "graph/layerregistry.h"

namespace lepton::Internal {

using Shapes = QVector<TensorShape>;
using ShapeResult = Result<LayerShapeInfo>;

inline int intParam(const GraphNode &n, const char *name) { return layerParam(n, QLatin1String(name)).toInt(); }
inline double floatParam(const GraphNode &n, const char *name) { return layerParam(n, QLatin1String(name)).toDouble(); }
inline bool boolParam(const GraphNode &n, const char *name) { return layerParam(n, QLatin1String(name)).toBool(); }

inline ShapeResult shapeFailure(const QString &message) { return ShapeResult::failure(message); }
inline QString intList(int v) { return QStringLiteral("[%1, %1]").arg(v); }
// A float as TorchScript source, exact.
inline QString scriptFloat(double v) { return QString::number(v, 'g', 17); }

// Fails with "expects <what>, got <shape>" unless the input has `rank` dimensions.
ShapeResult needRank(const TensorShape &s, int rank, const QString &what);

// Emits "<prefix>.<key>" as an initializer and appends its name to `inputs`.
Status addOnnxWeight(const OnnxEmitArgs &a, onnx::GraphProto &g, const char *key, QStringList &inputs);
// A float32 scalar initializer "<prefix><suffix>"; returns its name.
QString addOnnxScalar(const OnnxEmitArgs &a, onnx::GraphProto &g, const QString &suffix, float value);

// An ONNX operator with one input and no attributes: activations, Identity.
std::shared_ptr<OnnxLayerOps> unaryOnnx(const char *opType);

// Same shape out as in, no weights: activations. `scriptFn` has "%1" for the input.
LayerType elementwiseLayer(const QString &name, const QString &description, const QString &scriptFn,
                           std::function<torch::Tensor(const torch::Tensor &)> fn,
                           std::shared_ptr<OnnxLayerOps> onnx);

// Layer type definitions, by group.
LayerType inputLayer();        // basiclayers.cpp
LayerType flattenLayer();
LayerType linearLayer();
LayerType dropoutLayer();
LayerType addLayer();
LayerType concatLayer();
QVector<LayerType> activationLayers();
LayerType conv2dLayer();       // convlayers.cpp
LayerType depthwiseConv2dLayer();
LayerType convTranspose2dLayer();
LayerType pool2dLayer(bool max);
LayerType globalAvgPoolLayer();
LayerType batchNorm2dLayer();  // normlayers.cpp
LayerType batchNorm1dLayer();
LayerType layerNormLayer();

} // namespace lepton::Internal
