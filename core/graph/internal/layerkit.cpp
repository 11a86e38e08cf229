#include "graph/internal/layerkit.h"

namespace lepton::Internal {

QString scriptAttributeName(const QString &nodeId, const std::string &tensorName)
{
    QString id = nodeId;
    for (QChar &c : id)
        if (!c.isLetterOrNumber())
            c = QLatin1Char('_');
    QString t = QString::fromStdString(tensorName);
    t.replace(QLatin1Char('.'), QLatin1Char('_'));
    return QStringLiteral("n_%1__%2").arg(id, t);
}

ShapeResult needRank(const TensorShape &s, int rank, const QString &what)
{
    if (s.dims.size() != rank)
        return shapeFailure(QStringLiteral("expects %1, got %2").arg(what, s.toString()));
    return LayerShapeInfo{s, 0, 0, 0};
}

Status addOnnxWeight(const OnnxEmitArgs &a, onnx::GraphProto &g, const char *key, QStringList &inputs)
{
    auto t = onnxTensor(a, key);
    if (!t)
        return Status::failure(t.error());
    inputs << a.name(QLatin1Char('.') + QLatin1String(key));
    addOnnxInitializer(g, inputs.last(), t.value());
    return success();
}

QString addOnnxScalar(const OnnxEmitArgs &a, onnx::GraphProto &g, const QString &suffix, float value)
{
    const QString name = a.name(suffix);
    addOnnxInitializer(g, name, torch::tensor(value));
    return name;
}

std::shared_ptr<OnnxLayerOps> unaryOnnx(const char *opType)
{
    auto ops = std::make_shared<OnnxLayerOps>();
    ops->emit = [opType](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        addOnnxNode(g, opType, {a.inputs[0]}, a.output, a.node.id);
        return success();
    };
    return ops;
}

LayerType elementwiseLayer(const QString &name, const QString &description, const QString &scriptFn,
                           std::function<torch::Tensor(const torch::Tensor &)> fn, std::shared_ptr<OnnxLayerOps> onnx)
{
    LayerType t;
    t.name = name;
    t.description = description;
    t.infer = [](const Shapes &in, const GraphNode &) { return ShapeResult(LayerShapeInfo{in[0], 0, 0, 0}); };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [fn](const GraphNode &, const Shapes &) {
        return BuiltLayer{nullptr, [fn](const std::vector<torch::Tensor> &x) { return fn(x[0]); }};
    };
    ops->script = [scriptFn](const GraphNode &, const QStringList &in, const QString &) { return scriptFn.arg(in[0]); };
    t.torch = ops;
    t.onnx = std::move(onnx);
    return t;
}

} // namespace lepton::Internal
