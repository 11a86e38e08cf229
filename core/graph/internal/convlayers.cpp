// Convolutions and pooling over C×H×W inputs.
#include "graph/internal/layerkit.h"

namespace lepton::Internal {
namespace {

struct ConvGeometry
{
    qint64 ho = 0, wo = 0;
};

// Output size of a k×k window with stride s and padding p, or an error naming the mismatch.
Result<ConvGeometry> slide(const TensorShape &in, int k, int s, int p)
{
    const qint64 h = in.dims[1], w = in.dims[2];
    if (h + 2 * p < k || w + 2 * p < k)
        return Result<ConvGeometry>::failure(QStringLiteral("kernel %1×%1 is larger than the padded input %2×%3")
                                                 .arg(k)
                                                 .arg(h + 2 * p)
                                                 .arg(w + 2 * p));
    return ConvGeometry{(h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1};
}

void setConvAttributes(onnx::NodeProto *node, qint64 k, qint64 s, qint64 p, qint64 groups)
{
    setOnnxAttribute(node, "kernel_shape", {k, k});
    setOnnxAttribute(node, "strides", {s, s});
    setOnnxAttribute(node, "pads", {p, p, p, p});
    setOnnxAttribute(node, "dilations", {1, 1});
    setOnnxAttribute(node, "group", groups);
}

QString scriptBias(const GraphNode &n, const QString &attr)
{
    return boolParam(n, "bias") ? QStringLiteral("self.%1bias").arg(attr) : QStringLiteral("None");
}

// Conv + optional bias as ONNX; `groups` = input channels for depthwise.
std::shared_ptr<OnnxLayerOps> convOnnx(bool depthwise)
{
    auto ops = std::make_shared<OnnxLayerOps>();
    ops->emit = [depthwise](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        QStringList ins{a.inputs[0]};
        auto weight = onnxTensor(a, "weight");
        if (!weight)
            return Status::failure(weight.error());
        if (auto st = addOnnxWeight(a, g, "weight", ins); !st)
            return st;
        if (boolParam(a.node, "bias"))
            if (auto st = addOnnxWeight(a, g, "bias", ins); !st)
                return st;
        const qint64 k = intParam(a.node, "kernel_size"), s = intParam(a.node, "stride"), p = intParam(a.node, "padding");
        // depthwise: weight is (C·multiplier) × 1 × k × k, one group per input channel
        const qint64 groups = depthwise ? weight->size(0) / intParam(a.node, "channel_multiplier") : 1;
        setConvAttributes(addOnnxNode(g, "Conv", ins, a.output, a.node.id), k, s, p, groups);
        return success();
    };
    return ops;
}

} // namespace

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
        const int o = intParam(n, "out_channels"), k = intParam(n, "kernel_size"), s = intParam(n, "stride"),
                  p = intParam(n, "padding");
        if (o < 1 || k < 1 || s < 1 || p < 0)
            return shapeFailure(QStringLiteral("out_channels, kernel_size and stride must be >= 1, padding >= 0"));
        auto geo = slide(in[0], k, s, p);
        if (!geo)
            return shapeFailure(geo.error());
        const qint64 weights = qint64(o) * in[0].dims[0] * k * k;
        const qint64 params = weights + (boolParam(n, "bias") ? o : 0);
        return ShapeResult(LayerShapeInfo{TensorShape{{o, geo->ho, geo->wo}}, params, 0, weights * geo->ho * geo->wo});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &n, const Shapes &in) {
        auto m = torch::nn::Conv2d(
            torch::nn::Conv2dOptions(in[0].dims[0], intParam(n, "out_channels"), intParam(n, "kernel_size"))
                .stride(intParam(n, "stride"))
                .padding(intParam(n, "padding"))
                .bias(boolParam(n, "bias")));
        return BuiltLayer{m.ptr(), [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); }};
    };
    ops->script = [](const GraphNode &n, const QStringList &in, const QString &attr) {
        return QStringLiteral("torch.conv2d(%1, self.%2weight, %3, %4, %5, [1, 1], 1)")
            .arg(in[0], attr, scriptBias(n, attr), intList(intParam(n, "stride")), intList(intParam(n, "padding")));
    };
    t.torch = ops;
    t.onnx = convOnnx(false);
    return t;
}

LayerType depthwiseConv2dLayer()
{
    LayerType t;
    t.name = QStringLiteral("DepthwiseConv2d");
    t.description = QStringLiteral("Per-channel 2-D convolution (groups = input channels); "
                                   "with a 1×1 Conv2d after it, a depthwise-separable convolution");
    t.params = {{"channel_multiplier", "int", 1, 1, "Output channels per input channel"},
                {"kernel_size", "int", 3, 1, "Square kernel size"},
                {"stride", "int", 1, 1, "Stride"},
                {"padding", "int", 1, 0, "Zero padding on each side"},
                {"bias", "bool", true, 0, "Learn a bias per output channel"}};
    t.infer = [](const Shapes &in, const GraphNode &n) {
        auto r = needRank(in[0], 3, QStringLiteral("a C×H×W input"));
        if (!r)
            return r;
        const int m = intParam(n, "channel_multiplier"), k = intParam(n, "kernel_size"), s = intParam(n, "stride"),
                  p = intParam(n, "padding");
        if (m < 1 || k < 1 || s < 1 || p < 0)
            return shapeFailure(
                QStringLiteral("channel_multiplier, kernel_size and stride must be >= 1, padding >= 0"));
        auto geo = slide(in[0], k, s, p);
        if (!geo)
            return shapeFailure(geo.error());
        const qint64 o = in[0].dims[0] * m;
        const qint64 weights = o * k * k;
        const qint64 params = weights + (boolParam(n, "bias") ? o : 0);
        return ShapeResult(LayerShapeInfo{TensorShape{{o, geo->ho, geo->wo}}, params, 0, weights * geo->ho * geo->wo});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &n, const Shapes &in) {
        const qint64 c = in[0].dims[0];
        auto m = torch::nn::Conv2d(
            torch::nn::Conv2dOptions(c, c * intParam(n, "channel_multiplier"), intParam(n, "kernel_size"))
                .stride(intParam(n, "stride"))
                .padding(intParam(n, "padding"))
                .groups(c)
                .bias(boolParam(n, "bias")));
        return BuiltLayer{m.ptr(), [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); }};
    };
    ops->script = [](const GraphNode &n, const QStringList &in, const QString &attr) {
        return QStringLiteral("torch.conv2d(%1, self.%2weight, %3, %4, %5, [1, 1], %6.size(1))")
            .arg(in[0], attr, scriptBias(n, attr), intList(intParam(n, "stride")), intList(intParam(n, "padding")),
                 in[0]);
    };
    t.torch = ops;
    t.onnx = convOnnx(true);
    return t;
}

LayerType convTranspose2dLayer()
{
    LayerType t;
    t.name = QStringLiteral("ConvTranspose2d");
    t.description = QStringLiteral("Transposed 2-D convolution (learned upsampling): "
                                   "H_out = (H−1)·stride − 2·padding + kernel + output_padding");
    t.params = {{"out_channels", "int", 16, 1, "Output channels"},
                {"kernel_size", "int", 2, 1, "Square kernel size"},
                {"stride", "int", 2, 1, "Stride (the upsampling factor)"},
                {"padding", "int", 0, 0, "Removed from each side of the output"},
                {"output_padding", "int", 0, 0, "Added to one side of the output (less than stride)"},
                {"bias", "bool", true, 0, "Learn a bias per output channel"}};
    t.infer = [](const Shapes &in, const GraphNode &n) {
        auto r = needRank(in[0], 3, QStringLiteral("a C×H×W input"));
        if (!r)
            return r;
        const int o = intParam(n, "out_channels"), k = intParam(n, "kernel_size"), s = intParam(n, "stride"),
                  p = intParam(n, "padding"), op = intParam(n, "output_padding");
        if (o < 1 || k < 1 || s < 1 || p < 0 || op < 0)
            return shapeFailure(QStringLiteral("out_channels, kernel_size and stride must be >= 1, paddings >= 0"));
        if (op >= s)
            return shapeFailure(QStringLiteral("output_padding %1 must be smaller than stride %2").arg(op).arg(s));
        const qint64 c = in[0].dims[0], h = in[0].dims[1], w = in[0].dims[2];
        const qint64 ho = (h - 1) * s - 2 * p + k + op, wo = (w - 1) * s - 2 * p + k + op;
        if (ho < 1 || wo < 1)
            return shapeFailure(QStringLiteral("padding %1 leaves no output from the input %2×%3").arg(p).arg(h).arg(w));
        const qint64 weights = c * o * k * k;
        const qint64 params = weights + (boolParam(n, "bias") ? o : 0);
        // each input pixel scatters a C×k×k → O contribution
        return ShapeResult(LayerShapeInfo{TensorShape{{o, ho, wo}}, params, 0, weights * h * w});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &n, const Shapes &in) {
        auto m = torch::nn::ConvTranspose2d(
            torch::nn::ConvTranspose2dOptions(in[0].dims[0], intParam(n, "out_channels"), intParam(n, "kernel_size"))
                .stride(intParam(n, "stride"))
                .padding(intParam(n, "padding"))
                .output_padding(intParam(n, "output_padding"))
                .bias(boolParam(n, "bias")));
        return BuiltLayer{m.ptr(), [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); }};
    };
    ops->script = [](const GraphNode &n, const QStringList &in, const QString &attr) {
        return QStringLiteral("torch.conv_transpose2d(%1, self.%2weight, %3, %4, %5, %6, 1, [1, 1])")
            .arg(in[0], attr, scriptBias(n, attr), intList(intParam(n, "stride")), intList(intParam(n, "padding")),
                 intList(intParam(n, "output_padding")));
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        QStringList ins{a.inputs[0]};
        if (auto st = addOnnxWeight(a, g, "weight", ins); !st)
            return st;
        if (boolParam(a.node, "bias"))
            if (auto st = addOnnxWeight(a, g, "bias", ins); !st)
                return st;
        const qint64 k = intParam(a.node, "kernel_size"), s = intParam(a.node, "stride"),
                     p = intParam(a.node, "padding"), op = intParam(a.node, "output_padding");
        onnx::NodeProto *node = addOnnxNode(g, "ConvTranspose", ins, a.output, a.node.id);
        setConvAttributes(node, k, s, p, 1);
        setOnnxAttribute(node, "output_padding", {op, op});
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
        if (k < 1 || s < 1 || p < 0 || 2 * p > k)
            return shapeFailure(QStringLiteral("kernel_size must be >= 1 and padding at most half of it"));
        const qint64 h = in[0].dims[1], w = in[0].dims[2];
        if (h + 2 * p < k || w + 2 * p < k)
            return shapeFailure(QStringLiteral("window %1×%1 is larger than the input %2×%3").arg(k).arg(h).arg(w));
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

} // namespace lepton::Internal
