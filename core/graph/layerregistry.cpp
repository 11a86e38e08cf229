#include "graph/layerregistry.h"

#include "graph/internal/onnxlayers.h"
#include "graph/internal/torchlayers.h"

namespace lepton {

using Internal::BuiltLayer;
using Internal::OnnxEmitArgs;
using Internal::OnnxLayerOps;
using Internal::TorchLayerOps;
using Internal::addOnnxInitializer;
using Internal::addOnnxNode;
using Internal::onnxTensor;
using Internal::setOnnxAttribute;

QJsonValue layerParam(const GraphNode &node, const QString &name)
{
    const QJsonValue v = node.params.value(name);
    if (!v.isUndefined() && !v.isNull())
        return v;
    if (const LayerType *t = LayerRegistry::instance().find(node.type))
        for (const LayerParamSpec &p : t->params)
            if (p.name == name)
                return p.defaultValue;
    return {};
}

namespace Internal {
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
} // namespace Internal

namespace {

using Shapes = QVector<TensorShape>;
using ShapeResult = Result<LayerShapeInfo>;

int intParam(const GraphNode &n, const char *name) { return layerParam(n, QLatin1String(name)).toInt(); }
double floatParam(const GraphNode &n, const char *name) { return layerParam(n, QLatin1String(name)).toDouble(); }
bool boolParam(const GraphNode &n, const char *name) { return layerParam(n, QLatin1String(name)).toBool(); }

ShapeResult fail(const QString &message) { return ShapeResult::failure(message); }

QString intList(int v) { return QStringLiteral("[%1, %1]").arg(v); }

// Emits "<prefix>.<key>" as an initializer and appends its name to `inputs`.
Status addWeight(const OnnxEmitArgs &a, onnx::GraphProto &g, const char *key, QStringList &inputs)
{
    auto t = onnxTensor(a, key);
    if (!t)
        return Status::failure(t.error());
    inputs << a.name(QLatin1Char('.') + QLatin1String(key));
    addOnnxInitializer(g, inputs.last(), t.value());
    return success();
}

// An ONNX operator with one input and no attributes: activations, Identity.
std::shared_ptr<OnnxLayerOps> unaryOnnx(const char *opType)
{
    auto ops = std::make_shared<OnnxLayerOps>();
    ops->emit = [opType](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        addOnnxNode(g, opType, {a.inputs[0]}, a.output, a.node.id);
        return success();
    };
    return ops;
}

ShapeResult needRank(const TensorShape &s, int rank, const QString &what)
{
    if (s.dims.size() != rank)
        return fail(QStringLiteral("expects %1, got %2").arg(what, s.toString()));
    return LayerShapeInfo{s, 0, 0, 0};
}

// Same shape out as in: activations and dropout.
LayerType elementwise(const QString &name, const QString &description, const char *scriptFn,
                      std::function<torch::Tensor(const torch::Tensor &)> fn, const char *onnxOp)
{
    LayerType t;
    t.name = name;
    t.description = description;
    t.infer = [](const Shapes &in, const GraphNode &) { return ShapeResult(LayerShapeInfo{in[0], 0, 0, 0}); };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [fn](const GraphNode &, const Shapes &) {
        return BuiltLayer{nullptr, [fn](const std::vector<torch::Tensor> &x) { return fn(x[0]); }};
    };
    const QString script = QString::fromLatin1(scriptFn);
    ops->script = [script](const GraphNode &, const QStringList &in, const QString &) {
        return script.arg(in[0]);
    };
    t.torch = ops;
    t.onnx = unaryOnnx(onnxOp);
    return t;
}

LayerType inputLayer()
{
    LayerType t;
    t.name = QStringLiteral("Input");
    t.description = QStringLiteral("Image input, channels x height x width (floats in [0, 1])");
    t.minInputs = t.maxInputs = 0;
    t.params = {{"channels", "int", 1, 1, "Image channels"},
                {"height", "int", 28, 1, "Image height in pixels"},
                {"width", "int", 28, 1, "Image width in pixels"}};
    t.infer = [](const Shapes &, const GraphNode &n) {
        const int c = intParam(n, "channels"), h = intParam(n, "height"), w = intParam(n, "width");
        if (c < 1 || h < 1 || w < 1)
            return fail(QStringLiteral("channels, height and width must be >= 1 (got %1, %2, %3)").arg(c).arg(h).arg(w));
        return ShapeResult(LayerShapeInfo{TensorShape{{c, h, w}}, 0, 0, 0});
    };
    return t;   // no torch or ONNX ops: the graph input is the batch itself ("input" in ONNX)
}

LayerType conv2dLayer()
{
    LayerType t;
    t.name = QStringLiteral("Conv2d");
    t.description = QStringLiteral("2-D convolution");
    t.params = {{"out_channels", "int", 16, 1, "Output channels"},
                {"kernel_size", "int", 3, 1, "Square kernel size"},
                {"stride", "int", 1, 1, "Stride"},
                {"padding", "int", 0, 0, "Zero padding on each side"},
                {"bias", "bool", true, 0, "Learn a bias per output channel"}};
    t.infer = [](const Shapes &in, const GraphNode &n) {
        auto r = needRank(in[0], 3, QStringLiteral("a C×H×W input"));
        if (!r)
            return r;
        const qint64 c = in[0].dims[0], h = in[0].dims[1], w = in[0].dims[2];
        const int o = intParam(n, "out_channels"), k = intParam(n, "kernel_size"),
                  s = intParam(n, "stride"), p = intParam(n, "padding");
        if (o < 1 || k < 1 || s < 1 || p < 0)
            return fail(QStringLiteral("out_channels, kernel_size and stride must be >= 1, padding >= 0"));
        const qint64 ho = (h + 2 * p - k) / s + 1, wo = (w + 2 * p - k) / s + 1;
        if (h + 2 * p < k || w + 2 * p < k)
            return fail(QStringLiteral("kernel %1×%1 is larger than the padded input %2×%3").arg(k).arg(h + 2 * p).arg(w + 2 * p));
        const qint64 weights = qint64(o) * c * k * k;
        const qint64 params = weights + (boolParam(n, "bias") ? o : 0);
        return ShapeResult(LayerShapeInfo{TensorShape{{o, ho, wo}}, params, 0, weights * ho * wo});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &n, const Shapes &in) {
        auto m = torch::nn::Conv2d(torch::nn::Conv2dOptions(in[0].dims[0], intParam(n, "out_channels"),
                                                            intParam(n, "kernel_size"))
                                       .stride(intParam(n, "stride"))
                                       .padding(intParam(n, "padding"))
                                       .bias(boolParam(n, "bias")));
        return BuiltLayer{m.ptr(), [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); }};
    };
    ops->script = [](const GraphNode &n, const QStringList &in, const QString &attr) {
        return QStringLiteral("torch.conv2d(%1, self.%2weight, %3, %4, %5, [1, 1], 1)")
            .arg(in[0], attr, boolParam(n, "bias") ? QStringLiteral("self.%1bias").arg(attr) : QStringLiteral("None"),
                 intList(intParam(n, "stride")), intList(intParam(n, "padding")));
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        QStringList ins{a.inputs[0]};
        if (auto st = addWeight(a, g, "weight", ins); !st)
            return st;
        if (boolParam(a.node, "bias"))
            if (auto st = addWeight(a, g, "bias", ins); !st)
                return st;
        const qint64 k = intParam(a.node, "kernel_size"), s = intParam(a.node, "stride"), p = intParam(a.node, "padding");
        onnx::NodeProto *node = addOnnxNode(g, "Conv", ins, a.output, a.node.id);
        setOnnxAttribute(node, "kernel_shape", {k, k});
        setOnnxAttribute(node, "strides", {s, s});
        setOnnxAttribute(node, "pads", {p, p, p, p});
        setOnnxAttribute(node, "dilations", {1, 1});
        setOnnxAttribute(node, "group", qint64(1));
        return success();
    };
    t.onnx = onnxOps;
    return t;
}

LayerType batchNorm2dLayer()
{
    LayerType t;
    t.name = QStringLiteral("BatchNorm2d");
    t.description = QStringLiteral("Batch normalization over channels");
    t.params = {{"eps", "float", 1e-5, 0, "Added to the variance"},
                {"momentum", "float", 0.1, 0, "Running statistics momentum"}};
    t.infer = [](const Shapes &in, const GraphNode &) {
        auto r = needRank(in[0], 3, QStringLiteral("a C×H×W input"));
        if (!r)
            return r;
        const qint64 c = in[0].dims[0];
        return ShapeResult(LayerShapeInfo{in[0], 2 * c, 2 * c + 1, in[0].elements()});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &n, const Shapes &in) {
        auto m = torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(in[0].dims[0])
                                            .eps(floatParam(n, "eps"))
                                            .momentum(floatParam(n, "momentum")));
        return BuiltLayer{m.ptr(), [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); }};
    };
    ops->script = [](const GraphNode &n, const QStringList &in, const QString &attr) {
        return QStringLiteral("torch.batch_norm(%1, self.%2weight, self.%2bias, self.%2running_mean, "
                              "self.%2running_var, False, 0.0, %3, False)")
            .arg(in[0], attr)
            .arg(floatParam(n, "eps"), 0, 'g', 17);
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        // Inference mode: normalizes with the running statistics, like torch's eval().
        QStringList ins{a.inputs[0]};
        for (const char *key : {"weight", "bias", "running_mean", "running_var"})
            if (auto st = addWeight(a, g, key, ins); !st)
                return st;
        onnx::NodeProto *node = addOnnxNode(g, "BatchNormalization", ins, a.output, a.node.id);
        setOnnxAttribute(node, "epsilon", float(floatParam(a.node, "eps")));
        return success();
    };
    t.onnx = onnxOps;
    return t;
}

LayerType pool2dLayer(bool max)
{
    LayerType t;
    t.name = max ? QStringLiteral("MaxPool2d") : QStringLiteral("AvgPool2d");
    t.description = max ? QStringLiteral("2-D max pooling") : QStringLiteral("2-D average pooling");
    t.params = {{"kernel_size", "int", 2, 1, "Square window size"},
                {"stride", "int", 0, 0, "Stride (0: same as kernel_size)"},
                {"padding", "int", 0, 0, "Padding on each side"}};
    auto stride = [](const GraphNode &n) {
        const int s = intParam(n, "stride");
        return s > 0 ? s : intParam(n, "kernel_size");
    };
    t.infer = [stride](const Shapes &in, const GraphNode &n) {
        auto r = needRank(in[0], 3, QStringLiteral("a C×H×W input"));
        if (!r)
            return r;
        const int k = intParam(n, "kernel_size"), s = stride(n), p = intParam(n, "padding");
        if (k < 1 || p < 0 || 2 * p > k)
            return fail(QStringLiteral("kernel_size must be >= 1 and padding at most half of it"));
        const qint64 h = in[0].dims[1], w = in[0].dims[2];
        if (h + 2 * p < k || w + 2 * p < k)
            return fail(QStringLiteral("window %1×%1 is larger than the input %2×%3").arg(k).arg(h).arg(w));
        const TensorShape out{{in[0].dims[0], (h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1}};
        return ShapeResult(LayerShapeInfo{out, 0, 0, out.elements() * k * k});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [max, stride](const GraphNode &n, const Shapes &) {
        const int k = intParam(n, "kernel_size"), s = stride(n), p = intParam(n, "padding");
        return BuiltLayer{nullptr, [=](const std::vector<torch::Tensor> &x) {
                              return max ? torch::max_pool2d(x[0], {k, k}, {s, s}, {p, p})
                                         : torch::avg_pool2d(x[0], {k, k}, {s, s}, {p, p});
                          }};
    };
    ops->script = [max, stride](const GraphNode &n, const QStringList &in, const QString &) {
        const QString k = intList(intParam(n, "kernel_size")), s = intList(stride(n)),
                      p = intList(intParam(n, "padding"));
        return max ? QStringLiteral("torch.max_pool2d(%1, %2, %3, %4, [1, 1], False)").arg(in[0], k, s, p)
                   : QStringLiteral("torch.avg_pool2d(%1, %2, %3, %4, False, True, None)").arg(in[0], k, s, p);
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [max, stride](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        const qint64 k = intParam(a.node, "kernel_size"), s = stride(a.node), p = intParam(a.node, "padding");
        QString in = a.inputs[0];
        if (!max && p > 0) {
            // torch's avg_pool2d counts the padded zeros in the mean (count_include_pad). OpenCV 4.6
            // ignores that attribute, so the zeros are made real with an explicit Pad instead.
            in = a.name(QStringLiteral("/padded"));
            const QString pads = a.name(QStringLiteral(".pads"));
            addOnnxInitializer(g, pads, std::vector<qint64>{0, 0, p, p, 0, 0, p, p});
            addOnnxNode(g, "Pad", {a.inputs[0], pads}, in, a.node.id + QStringLiteral("/pad"));
        }
        const qint64 innerPad = max ? p : 0;
        onnx::NodeProto *node = addOnnxNode(g, max ? "MaxPool" : "AveragePool", {in}, a.output, a.node.id);
        setOnnxAttribute(node, "kernel_shape", {k, k});
        setOnnxAttribute(node, "strides", {s, s});
        setOnnxAttribute(node, "pads", {innerPad, innerPad, innerPad, innerPad});
        setOnnxAttribute(node, "ceil_mode", qint64(0));
        if (!max)
            setOnnxAttribute(node, "count_include_pad", qint64(1));
        return success();
    };
    t.onnx = onnxOps;
    return t;
}

LayerType globalAvgPoolLayer()
{
    LayerType t;
    t.name = QStringLiteral("GlobalAvgPool");
    t.description = QStringLiteral("Mean over height and width: C×H×W → C");
    t.infer = [](const Shapes &in, const GraphNode &) {
        auto r = needRank(in[0], 3, QStringLiteral("a C×H×W input"));
        if (!r)
            return r;
        return ShapeResult(LayerShapeInfo{TensorShape{{in[0].dims[0]}}, 0, 0, in[0].elements()});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &, const Shapes &) {
        return BuiltLayer{nullptr, [](const std::vector<torch::Tensor> &x) { return x[0].mean({2, 3}); }};
    };
    ops->script = [](const GraphNode &, const QStringList &in, const QString &) {
        return QStringLiteral("torch.mean(%1, [2, 3])").arg(in[0]);
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        // GlobalAveragePool keeps N x C x 1 x 1; Flatten (not Reshape) gives N x C at any batch size.
        const QString pooled = a.name(QStringLiteral("/pooled"));
        addOnnxNode(g, "GlobalAveragePool", {a.inputs[0]}, pooled, a.node.id);
        setOnnxAttribute(addOnnxNode(g, "Flatten", {pooled}, a.output, a.node.id + QStringLiteral("/flatten")),
                         "axis", qint64(1));
        return success();
    };
    t.onnx = onnxOps;
    return t;
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
    t.description = QStringLiteral("Fully connected layer; the last one gives the class logits");
    t.params = {{"out_features", "int", 10, 1, "Output features"},
                {"bias", "bool", true, 0, "Learn a bias"}};
    t.infer = [](const Shapes &in, const GraphNode &n) {
        auto r = needRank(in[0], 1, QStringLiteral("a flat vector input (add a Flatten before it)"));
        if (!r)
            return r;
        const int o = intParam(n, "out_features");
        if (o < 1)
            return fail(QStringLiteral("out_features must be >= 1, got %1").arg(o));
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
            if (auto st = addWeight(a, g, "bias", ins); !st)
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
            return fail(QStringLiteral("p must be in [0, 1), got %1").arg(p));
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
                return fail(QStringLiteral("input shapes %1 and %2 differ").arg(in[0].toString(), in[i].toString()));
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
    ops->script = [](const GraphNode &, const QStringList &in, const QString &) { return in.join(QLatin1String(" + ")); };
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

} // namespace

LayerRegistry::LayerRegistry()
{
    add(inputLayer());
    add(conv2dLayer());
    add(batchNorm2dLayer());
    add(pool2dLayer(true));
    add(pool2dLayer(false));
    add(globalAvgPoolLayer());
    add(flattenLayer());
    add(linearLayer());
    add(dropoutLayer());
    add(addLayer());
    add(elementwise(QStringLiteral("ReLU"), QStringLiteral("max(x, 0)"), "torch.relu(%1)",
                    [](const torch::Tensor &x) { return torch::relu(x); }, "Relu"));
    add(elementwise(QStringLiteral("Sigmoid"), QStringLiteral("1 / (1 + exp(-x))"), "torch.sigmoid(%1)",
                    [](const torch::Tensor &x) { return torch::sigmoid(x); }, "Sigmoid"));
    add(elementwise(QStringLiteral("Tanh"), QStringLiteral("tanh(x)"), "torch.tanh(%1)",
                    [](const torch::Tensor &x) { return torch::tanh(x); }, "Tanh"));
}

LayerRegistry &LayerRegistry::instance()
{
    static LayerRegistry registry;
    return registry;
}

const LayerType *LayerRegistry::find(const QString &name) const
{
    for (const LayerType &t : m_types)
        if (t.name == name)
            return &t;
    return nullptr;
}

QStringList LayerRegistry::names() const
{
    QStringList out;
    for (const LayerType &t : m_types)
        out << t.name;
    return out;
}

void LayerRegistry::add(LayerType type)
{
    for (LayerType &t : m_types)
        if (t.name == type.name) {
            t = std::move(type);
            return;
        }
    m_types.append(std::move(type));
}

} // namespace lepton
