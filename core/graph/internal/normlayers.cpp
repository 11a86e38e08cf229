// Normalization layers.
#include "graph/internal/layerkit.h"

namespace lepton::Internal {
namespace {

QVector<LayerParamSpec> batchNormParams()
{
    return {{"eps", "float", 1e-5, 0, "Added to the variance"},
            {"momentum", "float", 0.1, 0, "Running statistics momentum"}};
}

std::shared_ptr<TorchLayerOps> batchNormTorch(bool twoD)
{
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [twoD](const GraphNode &n, const Shapes &in) {
        const qint64 c = in[0].dims[0];
        if (twoD) {
            auto m = torch::nn::BatchNorm2d(
                torch::nn::BatchNorm2dOptions(c).eps(floatParam(n, "eps")).momentum(floatParam(n, "momentum")));
            return BuiltLayer{m.ptr(), [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); }};
        }
        auto m = torch::nn::BatchNorm1d(
            torch::nn::BatchNorm1dOptions(c).eps(floatParam(n, "eps")).momentum(floatParam(n, "momentum")));
        return BuiltLayer{m.ptr(), [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); }};
    };
    ops->script = [](const GraphNode &n, const QStringList &in, const QString &attr) {
        return QStringLiteral("torch.batch_norm(%1, self.%2weight, self.%2bias, self.%2running_mean, "
                              "self.%2running_var, False, 0.0, %3, False)")
            .arg(in[0], attr, scriptFloat(floatParam(n, "eps")));
    };
    return ops;
}

std::shared_ptr<OnnxLayerOps> batchNormOnnx()
{
    auto ops = std::make_shared<OnnxLayerOps>();
    ops->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        // Inference mode: normalizes with the running statistics, like torch's eval().
        QStringList ins{a.inputs[0]};
        for (const char *key : {"weight", "bias", "running_mean", "running_var"})
            if (auto st = addOnnxWeight(a, g, key, ins); !st)
                return st;
        onnx::NodeProto *node = addOnnxNode(g, "BatchNormalization", ins, a.output, a.node.id);
        setOnnxAttribute(node, "epsilon", float(floatParam(a.node, "eps")));
        return success();
    };
    return ops;
}

LayerType batchNorm(bool twoD)
{
    LayerType t;
    t.name = twoD ? QStringLiteral("BatchNorm2d") : QStringLiteral("BatchNorm1d");
    t.description = twoD ? QStringLiteral("Batch normalization over the channels of a C×H×W input")
                         : QStringLiteral("Batch normalization over the features of a vector input");
    t.params = batchNormParams();
    t.infer = [twoD](const Shapes &in, const GraphNode &) {
        auto r = twoD ? needRank(in[0], 3, QStringLiteral("a C×H×W input (use BatchNorm1d for vectors)"))
                      : needRank(in[0], 1, QStringLiteral("a feature vector (use BatchNorm2d for C×H×W)"));
        if (!r)
            return r;
        const qint64 c = in[0].dims[0];
        return ShapeResult(LayerShapeInfo{in[0], 2 * c, 2 * c + 1, in[0].elements()});
    };
    t.torch = batchNormTorch(twoD);
    t.onnx = batchNormOnnx();
    return t;
}

} // namespace

LayerType batchNorm2dLayer() { return batchNorm(true); }
LayerType batchNorm1dLayer() { return batchNorm(false); }

LayerType layerNormLayer()
{
    LayerType t;
    t.name = QStringLiteral("LayerNorm");
    t.description = QStringLiteral("Normalizes each sample (a feature vector, or a whole C×H×W map) to mean 0, "
                                   "variance 1, then scales and shifts each element");
    t.params = {{"eps", "float", 1e-5, 0, "Added to the variance"}};
    t.infer = [](const Shapes &in, const GraphNode &n) {
        const int rank = int(in[0].dims.size());
        if (rank != 1 && rank != 3)
            return shapeFailure(QStringLiteral("expects a feature vector (N) or a C×H×W map, got %1").arg(in[0].toString()));
        if (!(floatParam(n, "eps") > 0))
            return shapeFailure(QStringLiteral("eps must be > 0, got %1").arg(floatParam(n, "eps")));
        // Normalized over every dimension but the batch (torch's normalized_shape = the input's).
        const qint64 d = in[0].elements();
        return ShapeResult(LayerShapeInfo{in[0], 2 * d, 0, 2 * d});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &n, const Shapes &in) {
        std::vector<int64_t> shape(in[0].dims.begin(), in[0].dims.end());
        auto m = torch::nn::LayerNorm(torch::nn::LayerNormOptions(shape).eps(floatParam(n, "eps")));
        return BuiltLayer{m.ptr(), [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); }};
    };
    ops->script = [](const GraphNode &n, const QStringList &in, const QString &attr) {
        return QStringLiteral("torch.layer_norm(%1, %1.size()[1:], self.%2weight, self.%2bias, %3, False)")
            .arg(in[0], attr, scriptFloat(floatParam(n, "eps")));
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        // LayerNormalization needs opset 17, and OpenCV 4.6 (which verifies the exports) cannot
        // broadcast a per-sample N×1 statistic. So a C×H×W input is flattened to N×D, and each
        // statistic is taken with two Gemms, N×D · D×1 (1/D) then N×1 · 1×D (ones), which gives it
        // already repeated to N×D: y = (x − m) · (mean((x − m)²) + eps)^−½ · weight + bias,
        // reshaped back to N×C×H×W at the end. transB is set explicitly: OpenCV's importer reads
        // a Gemm without it as if B were transposed.
        auto weight = onnxTensor(a, "weight");
        auto bias = onnxTensor(a, "bias");
        if (!weight)
            return Status::failure(weight.error());
        if (!bias)
            return Status::failure(bias.error());
        const qint64 d = weight->numel();
        const bool map = weight->dim() == 3;
        const QString id = a.node.id;
        auto step = [&](const char *op, const QStringList &ins, const QString &what) {
            const QString out = a.name(QLatin1Char('/') + what);
            addOnnxNode(g, op, ins, out, id + QLatin1Char('/') + what);
            return out;
        };
        QString x = a.inputs[0];
        if (map) {
            const QString flat = a.name(QStringLiteral("/flatten"));
            setOnnxAttribute(addOnnxNode(g, "Flatten", {x}, flat, id + QStringLiteral("/flatten")), "axis", qint64(1));
            x = flat;
        }
        const QString average = a.name(QStringLiteral(".average")), repeat = a.name(QStringLiteral(".repeat"));
        addOnnxInitializer(g, average, torch::full({1, d}, 1.0 / double(d)));   // Bᵀ of D×1
        addOnnxInitializer(g, repeat, torch::ones({d, 1}));                     // Bᵀ of 1×D
        auto gemm = [&](const QString &left, const QString &right, const QString &what) {
            const QString out = a.name(QLatin1Char('/') + what);
            setOnnxAttribute(addOnnxNode(g, "Gemm", {left, right}, out, id + QLatin1Char('/') + what), "transB", qint64(1));
            return out;
        };
        auto meanOf = [&](const QString &v, const QString &what) {
            return gemm(gemm(v, average, what + QStringLiteral("_sample")), repeat, what);
        };
        const QString mean = meanOf(x, QStringLiteral("mean"));
        const QString centered = step("Sub", {x, mean}, QStringLiteral("centered"));
        const QString squared = step("Mul", {centered, centered}, QStringLiteral("squared"));
        const QString variance = meanOf(squared, QStringLiteral("variance"));
        const QString shifted =
            step("Add", {variance, addOnnxScalar(a, g, QStringLiteral(".eps"), float(floatParam(a.node, "eps")))},
                 QStringLiteral("variance_eps"));
        const QString inverse =
            step("Pow", {shifted, addOnnxScalar(a, g, QStringLiteral(".minus_half"), -0.5f)}, QStringLiteral("inv_std"));
        const QString normalized = step("Mul", {centered, inverse}, QStringLiteral("normalized"));
        const QString weightName = a.name(QStringLiteral(".weight")), biasName = a.name(QStringLiteral(".bias"));
        addOnnxInitializer(g, weightName, weight->reshape({d}));
        addOnnxInitializer(g, biasName, bias->reshape({d}));
        const QString scaled = step("Mul", {normalized, weightName}, QStringLiteral("scaled"));
        if (!map) {
            addOnnxNode(g, "Add", {scaled, biasName}, a.output, id);
            return success();
        }
        const QString shiftedOut = step("Add", {scaled, biasName}, QStringLiteral("shifted"));
        const QString shape = a.name(QStringLiteral(".shape"));
        addOnnxInitializer(g, shape, std::vector<qint64>{-1, weight->size(0), weight->size(1), weight->size(2)});
        addOnnxNode(g, "Reshape", {shiftedOut, shape}, a.output, id);
        return success();
    };
    t.onnx = onnxOps;
    return t;
}

} // namespace lepton::Internal
