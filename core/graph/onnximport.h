#pragma once
// ONNX model → ModelGraph + initial weights, for the supported operator subset: Conv (incl. grouped
// depthwise), ConvTranspose, Gemm, MatMul (+ Add), Relu, LeakyRelu, Sigmoid, Tanh,
// MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Flatten, Add, Concat,
// Dropout/Identity, flattening Reshape/Squeeze, and Softmax as the last operator (dropped: lepton graphs output logits).
#include "common/result.h"
#include "graph/modelgraph.h"

namespace lepton {

class ProjectStore;

struct OnnxImport
{
    ModelGraph graph;
    QByteArray weights;   // the initializers as the graph's parameters, in the model-version weight format
    QStringList notes;    // what was adapted (e.g. "dropped the final Softmax ...")
};

// Fails naming the file and, for an unsupported operator, its type and node name.
Result<OnnxImport> importOnnxModel(const QString &path);

struct StoredImport
{
    qint64 architectureId = 0;
    int architectureVersion = 0;
    qint64 modelVersionId = 0;   // 0: the weights were not stored, weightsNote says why
    QString weightsNote;
};

// Stores an imported (possibly edited) graph as a new architecture version. When a dataset of the
// project (`datasetId`, or else the first that fits) has the graph's input shape and class count and
// `weights` fit the graph parameter by parameter, the weights become a model version named after
// `source`, so the model can be evaluated, exported or trained further as is. The CLI's
// `arch --import-onnx --save` and the Architecture dock both store imports through this.
Result<StoredImport> storeImportedModel(ProjectStore &store, const ModelGraph &graph, const QByteArray &weights,
                                       const QString &source, qint64 datasetId = 0);

} // namespace lepton
