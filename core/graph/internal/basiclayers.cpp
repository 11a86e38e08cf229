// Input, dense, merge and activation layers.
#include "graph/internal/layerkit.h"

#include <cmath>

namespace lepton::Internal {

LayerType inputLayer()
{
    LayerType t;
    t.name = QStringLiteral("Input");
    t.description = QStringLiteral("The model input: an image C×H×W (floats in [0, 1]) or, with features > 0, "
                                   "a tabular row of N features");
    t.minInputs = t.maxInputs = 0;
    t.params = {{"channels", "int", 1, 1, "Image channels"},
                {"height", "int", 28, 1, "Image height in pixels"},
                {"width", "int", 28, 1, "Image width in pixels"},
                {"features", "int", 0, 0, "Tabular input: number of features (0: image input C×H×W)"}};
    t.infer = [](const Shapes &, const GraphNode &n) {
        const int features = intParam(n, "features");
        if (features < 0)
            return shapeFailure(QStringLiteral("features must be >= 0 (0: image input), got %1").arg(features));
        if (features > 0)
            return ShapeResult(LayerShapeInfo{TensorShape{{features}}, 0, 0, 0});
        const int c = intParam(n, "channels"), h = intParam(n, "height"), w = intParam(n, "width");
        if (c < 1 || h < 1 || w < 1)
            return shapeFailure(
                QStringLiteral("channels, height and width must be >= 1 (got %1, %2, %3)").arg(c).arg(h).arg(w));
        return ShapeResult(LayerShapeInfo{TensorShape{{c, h, w}}, 0, 0, 0});
    };
    return t;   // no torch or ONNX ops: the graph input is the batch itself ("input" in ONNX)
}

LayerType flattenLayer()
{
    LayerType t;
    t.name = QStringLiteral("Flatten");
    t.description = QStringLiteral("Flattens all but the batch dimension");
    t.infer = [](const Shapes &in, const GraphNode &) {
        return ShapeResult(LayerShapeInfo{TensorShape{{in[0].elements()}}, 0, 0, 0});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &, const Shapes &) {
        return BuiltLayer{nullptr, [](const std::vector<torch::Tensor> &x) { return x[0].flatten(1); }};
    };
    ops->script = [](const GraphNode &, const QStringList &in, const QString &) {
        return QStringLiteral("torch.flatten(%1, 1)").arg(in[0]);
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        setOnnxAttribute(addOnnxNode(g, "Flatten", {a.inputs[0]}, a.output, a.node.id), "axis", qint64(1));
        return success();
    };
    t.onnx = onnxOps;
    return t;
}

LayerType linearLayer()
{
    LayerType t;
    t.name = QStringLiteral("Linear");
    t.description = QStringLiteral("Fully connected layer. The graph's output is the class logits (no softmax "
                                   "node): training applies log-softmax in the loss, predict/serve apply softmax");
    t.params = {{"out_features", "int", 10, 1, "Output features"}, {"bias", "bool", true, 0, "Learn a bias"}};
    t.infer = [](const Shapes &in, const GraphNode &n) {
        auto r = needRank(in[0], 1, QStringLiteral("a flat vector input (add a Flatten before it)"));
        if (!r)
            return r;
        const int o = intParam(n, "out_features");
        if (o < 1)
            return shapeFailure(QStringLiteral("out_features must be >= 1, got %1").arg(o));
        const qint64 i = in[0].dims[0];
        return ShapeResult(LayerShapeInfo{TensorShape{{o}}, i * o + (boolParam(n, "bias") ? o : 0), 0, i * o});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &n, const Shapes &in) {
        auto m = torch::nn::Linear(
            torch::nn::LinearOptions(in[0].dims[0], intParam(n, "out_features")).bias(boolParam(n, "bias")));
        return BuiltLayer{m.ptr(), [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); }};
    };
    ops->script = [](const GraphNode &n, const QStringList &in, const QString &attr) {
        return QStringLiteral("torch.linear(%1, self.%2weight, %3)")
            .arg(in[0], attr, boolParam(n, "bias") ? QStringLiteral("self.%1bias").arg(attr) : QStringLiteral("None"));
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        QStringList ins{a.inputs[0]};
        auto weight = onnxTensor(a, "weight");
        if (!weight)
            return Status::failure(weight.error());
        ins << a.name(QStringLiteral(".weight"));
        addOnnxInitializer(g, ins.last(), weight.value());
        if (boolParam(a.node, "bias")) {
            if (auto st = addOnnxWeight(a, g, "bias", ins); !st)
                return st;
        } else {   // a zero bias keeps runtimes that want Gemm's C input happy
            ins << a.name(QStringLiteral(".bias"));
            addOnnxInitializer(g, ins.last(), torch::zeros({weight->size(0)}));
        }
        setOnnxAttribute(addOnnxNode(g, "Gemm", ins, a.output, a.node.id), "transB", qint64(1));
        return success();
    };
    t.onnx = onnxOps;
    return t;
}

LayerType dropoutLayer()
{
    LayerType t;
    t.name = QStringLiteral("Dropout");
    t.description = QStringLiteral("Zeroes activations with probability p while training");
    t.params = {{"p", "float", 0.5, 0, "Drop probability (0..1)"}};
    t.infer = [](const Shapes &in, const GraphNode &n) {
        const double p = floatParam(n, "p");
        if (p < 0 || p >= 1)
            return shapeFailure(QStringLiteral("p must be in [0, 1), got %1").arg(p));
        return ShapeResult(LayerShapeInfo{in[0], 0, 0, 0});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &n, const Shapes &) {
        auto m = torch::nn::Dropout(torch::nn::DropoutOptions(floatParam(n, "p")));
        return BuiltLayer{m.ptr(), [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); }};
    };
    ops->script = [](const GraphNode &, const QStringList &in, const QString &) { return in[0]; };
    t.torch = ops;
    t.onnx = unaryOnnx("Identity");   // inference: dropout does nothing
    return t;
}

LayerType addLayer()
{
    LayerType t;
    t.name = QStringLiteral("Add");
    t.description = QStringLiteral("Element-wise sum of inputs of equal shape (residual connections)");
    t.minInputs = 2;
    t.maxInputs = 8;
    t.infer = [](const Shapes &in, const GraphNode &) {
        for (int i = 1; i < in.size(); ++i)
            if (!(in[i] == in[0]))
                return shapeFailure(
                    QStringLiteral("input shapes %1 and %2 differ").arg(in[0].toString(), in[i].toString()));
        return ShapeResult(LayerShapeInfo{in[0], 0, 0, in[0].elements() * (in.size() - 1)});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &, const Shapes &) {
        return BuiltLayer{nullptr, [](const std::vector<torch::Tensor> &x) {
                              torch::Tensor sum = x[0];
                              for (size_t i = 1; i < x.size(); ++i)
                                  sum = sum + x[i];
                              return sum;
                          }};
    };
    ops->script = [](const GraphNode &, const QStringList &in, const QString &) {
        return in.join(QLatin1String(" + "));
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        // ONNX Add is binary: ((x0 + x1) + x2) + ..., the same order as the torch forward.
        QString sum = a.inputs[0];
        for (int i = 1; i < a.inputs.size(); ++i) {
            const bool last = i == a.inputs.size() - 1;
            const QString out = last ? a.output : a.name(QStringLiteral("/sum%1").arg(i));
            addOnnxNode(g, "Add", {sum, a.inputs[i]}, out,
                        last ? a.node.id : a.node.id + QStringLiteral("/add%1").arg(i));
            sum = out;
        }
        return success();
    };
    t.onnx = onnxOps;
    return t;
}

LayerType concatLayer()
{
    LayerType t;
    t.name = QStringLiteral("Concat");
    t.description = QStringLiteral("Joins inputs along the channel axis (features for vectors); "
                                   "the other dimensions must match");
    t.minInputs = 2;
    t.maxInputs = 8;
    t.infer = [](const Shapes &in, const GraphNode &) {
        TensorShape out = in[0];
        for (int i = 1; i < in.size(); ++i) {
            const TensorShape &s = in[i];
            if (s.dims.size() != in[0].dims.size() || s.dims.mid(1) != in[0].dims.mid(1))
                return shapeFailure(QStringLiteral("input shapes %1 and %2 differ in more than the channel axis")
                                        .arg(in[0].toString(), s.toString()));
            out.dims[0] += s.dims[0];
        }
        return ShapeResult(LayerShapeInfo{out, 0, 0, 0});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &, const Shapes &) {
        return BuiltLayer{nullptr, [](const std::vector<torch::Tensor> &x) { return torch::cat(x, 1); }};
    };
    ops->script = [](const GraphNode &, const QStringList &in, const QString &) {
        return QStringLiteral("torch.cat([%1], 1)").arg(in.join(QLatin1String(", ")));
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        setOnnxAttribute(addOnnxNode(g, "Concat", a.inputs, a.output, a.node.id), "axis", qint64(1));
        return success();
    };
    t.onnx = onnxOps;
    return t;
}

namespace {

LayerType leakyReluLayer()
{
    LayerType t;
    t.name = QStringLiteral("LeakyReLU");
    t.description = QStringLiteral("x for x > 0, negative_slope·x otherwise");
    t.params = {{"negative_slope", "float", 0.01, 0, "Slope for negative inputs"}};
    t.infer = [](const Shapes &in, const GraphNode &n) {
        const double s = floatParam(n, "negative_slope");
        if (!(s >= 0) || s >= 1)
            return shapeFailure(QStringLiteral("negative_slope must be in [0, 1), got %1").arg(s));
        return ShapeResult(LayerShapeInfo{in[0], 0, 0, 0});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &n, const Shapes &) {
        const double s = floatParam(n, "negative_slope");
        return BuiltLayer{nullptr, [s](const std::vector<torch::Tensor> &x) { return torch::leaky_relu(x[0], s); }};
    };
    ops->script = [](const GraphNode &n, const QStringList &in, const QString &) {
        return QStringLiteral("torch.leaky_relu(%1, %2)").arg(in[0], scriptFloat(floatParam(n, "negative_slope")));
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        setOnnxAttribute(addOnnxNode(g, "LeakyRelu", {a.inputs[0]}, a.output, a.node.id), "alpha",
                         float(floatParam(a.node, "negative_slope")));
        return success();
    };
    t.onnx = onnxOps;
    return t;
}

// Exact (erf) GELU. ONNX has no Gelu before opset 20: 0.5·x·(1 + erf(x/√2)), which OpenCV 4.6 runs.
std::shared_ptr<OnnxLayerOps> geluOnnx()
{
    auto ops = std::make_shared<OnnxLayerOps>();
    ops->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        const QString x = a.inputs[0], id = a.node.id;
        const QString scaled = a.name(QStringLiteral("/scaled")), erf = a.name(QStringLiteral("/erf")),
                      onePlus = a.name(QStringLiteral("/one_plus")), prod = a.name(QStringLiteral("/prod"));
        addOnnxNode(g, "Mul", {x, addOnnxScalar(a, g, QStringLiteral(".inv_sqrt2"), float(M_SQRT1_2))}, scaled,
                    id + QStringLiteral("/scale"));
        addOnnxNode(g, "Erf", {scaled}, erf, id + QStringLiteral("/erf"));
        addOnnxNode(g, "Add", {erf, addOnnxScalar(a, g, QStringLiteral(".one"), 1.0f)}, onePlus,
                    id + QStringLiteral("/add"));
        addOnnxNode(g, "Mul", {x, onePlus}, prod, id + QStringLiteral("/mul"));
        addOnnxNode(g, "Mul", {prod, addOnnxScalar(a, g, QStringLiteral(".half"), 0.5f)}, a.output, id);
        return success();
    };
    return ops;
}

// SiLU = x·sigmoid(x): Sigmoid + Mul (opset < 14 has no Swish/SiLU operator).
std::shared_ptr<OnnxLayerOps> siluOnnx()
{
    auto ops = std::make_shared<OnnxLayerOps>();
    ops->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        const QString s = a.name(QStringLiteral("/sigmoid"));
        addOnnxNode(g, "Sigmoid", {a.inputs[0]}, s, a.node.id + QStringLiteral("/sigmoid"));
        addOnnxNode(g, "Mul", {a.inputs[0], s}, a.output, a.node.id);
        return success();
    };
    return ops;
}

} // namespace

QVector<LayerType> activationLayers()
{
    return {
        elementwiseLayer(QStringLiteral("ReLU"), QStringLiteral("max(x, 0)"), QStringLiteral("torch.relu(%1)"),
                         [](const torch::Tensor &x) { return torch::relu(x); }, unaryOnnx("Relu")),
        leakyReluLayer(),
        elementwiseLayer(QStringLiteral("GELU"), QStringLiteral("x·Φ(x), the exact (erf) Gaussian error linear unit"),
                         QStringLiteral("torch.gelu(%1)"), [](const torch::Tensor &x) { return torch::gelu(x); },
                         geluOnnx()),
        elementwiseLayer(QStringLiteral("SiLU"), QStringLiteral("x·sigmoid(x) (swish)"),
                         QStringLiteral("%1 * torch.sigmoid(%1)"),
                         [](const torch::Tensor &x) { return x * torch::sigmoid(x); }, siluOnnx()),
        elementwiseLayer(QStringLiteral("Sigmoid"), QStringLiteral("1 / (1 + exp(-x))"),
                         QStringLiteral("torch.sigmoid(%1)"), [](const torch::Tensor &x) { return torch::sigmoid(x); },
                         unaryOnnx("Sigmoid")),
        elementwiseLayer(QStringLiteral("Tanh"), QStringLiteral("tanh(x)"), QStringLiteral("torch.tanh(%1)"),
                         [](const torch::Tensor &x) { return torch::tanh(x); }, unaryOnnx("Tanh")),
    };
}

} // namespace lepton::Internal
