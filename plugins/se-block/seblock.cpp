// Example model plugin (org.lepton.ModelProvider/1): a squeeze-and-excitation block as a new layer
// type, with its shape rule, LibTorch module, TorchScript expression and ONNX operators, and a
// template that uses it. Uses only the workbench's SDK headers.
#include "graph/internal/layerkit.h"
#include "plugin/modelproviderplugin.h"

#include <QObject>

namespace {

using namespace lepton;
using namespace lepton::Internal;

// x * sigmoid(W2 · relu(W1 · mean_hw(x) + b1) + b2), the 1×1 convolutions acting on the pooled
// C×1×1 tensor (so the ONNX form is plain Conv operators every runtime knows).
struct SqueezeExciteImpl : torch::nn::Module
{
    SqueezeExciteImpl(int channels, int hidden)
        : reduce(register_module("reduce", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, hidden, 1))))
        , expand(register_module("expand", torch::nn::Conv2d(torch::nn::Conv2dOptions(hidden, channels, 1))))
    {}

    torch::Tensor forward(const torch::Tensor &x)
    {
        torch::Tensor s = x.mean({2, 3}, /*keepdim=*/true);
        s = torch::sigmoid(expand->forward(torch::relu(reduce->forward(s))));
        return x * s;
    }

    torch::nn::Conv2d reduce;
    torch::nn::Conv2d expand;
};
TORCH_MODULE(SqueezeExcite);

int hiddenChannels(qint64 channels, int reduction)
{
    return int(std::max<qint64>(1, channels / reduction));
}

LayerType squeezeExcite()
{
    LayerType t;
    t.name = QStringLiteral("SqueezeExcite");
    t.description = QStringLiteral("Squeeze-and-excitation: rescales each channel by a gate learned from the "
                                   "channel means (Hu et al. 2018). Same shape out as in");
    t.params = {{"reduction", "int", 4, 1, "Channels are reduced by this factor inside the gate"}};
    t.infer = [](const Shapes &in, const GraphNode &n) {
        auto r = needRank(in[0], 3, QStringLiteral("an image input C×H×W"));
        if (!r)
            return r;
        const int reduction = intParam(n, "reduction");
        if (reduction < 1)
            return shapeFailure(QStringLiteral("reduction must be >= 1, got %1").arg(reduction));
        const qint64 c = in[0].dims[0];
        const qint64 hw = in[0].dims[1] * in[0].dims[2];
        const qint64 h = hiddenChannels(c, reduction);
        const qint64 params = c * h + h + h * c + c;
        return ShapeResult(LayerShapeInfo{in[0], params, 0, 2 * c * h + c * hw});
    };
    auto ops = std::make_shared<TorchLayerOps>();
    ops->build = [](const GraphNode &n, const Shapes &in) {
        const int c = int(in[0].dims[0]);
        SqueezeExcite m(c, hiddenChannels(c, intParam(n, "reduction")));
        return BuiltLayer{m.ptr(), [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); }};
    };
    ops->script = [](const GraphNode &, const QStringList &in, const QString &a) {
        return QStringLiteral("%1 * torch.sigmoid(torch.conv2d(torch.relu(torch.conv2d(torch.mean(%1, [2, 3], True), "
                              "self.%2reduce_weight, self.%2reduce_bias)), self.%2expand_weight, self.%2expand_bias))")
            .arg(in[0], a);
    };
    t.torch = ops;
    auto onnxOps = std::make_shared<OnnxLayerOps>();
    onnxOps->emit = [](const OnnxEmitArgs &a, onnx::GraphProto &g) {
        const QString pooled = a.name(QStringLiteral(".pool"));
        addOnnxNode(g, "GlobalAveragePool", {a.inputs[0]}, pooled, a.node.id + QStringLiteral("_pool"));
        QString x = pooled;
        int step = 0;
        for (const char *conv : {"reduce", "expand"}) {
            QStringList ins{x};
            for (const char *what : {"weight", "bias"}) {
                const QString key = QStringLiteral("%1.%2").arg(QLatin1String(conv), QLatin1String(what));
                auto w = onnxTensor(a, key.toLatin1().constData());
                if (!w)
                    return Status::failure(w.error());
                ins << a.name(QLatin1Char('.') + key);
                addOnnxInitializer(g, ins.last(), w.value());
            }
            const QString out = a.name(QStringLiteral(".%1").arg(QLatin1String(conv)));
            setOnnxAttribute(addOnnxNode(g, "Conv", ins, out, a.node.id + QStringLiteral("_%1").arg(QLatin1String(conv))),
                             "kernel_shape", std::vector<qint64>{1, 1});
            const QString act = a.name(QStringLiteral(".act%1").arg(++step));
            addOnnxNode(g, step == 1 ? "Relu" : "Sigmoid", {out}, act, a.node.id + QStringLiteral("_act%1").arg(step));
            x = act;
        }
        // The gate is N×C×1×1. OpenCV's DNN cannot broadcast it in Mul for batches above 1, so it is
        // first resized (nearest) to N×C×H×W, which is exact, and multiplied element-wise.
        if (a.inputShapes.size() != 1 || a.inputShapes[0].dims.size() != 3)
            return Status::failure(QStringLiteral("node '%1': the ONNX form needs the input shape").arg(a.node.id));
        const TensorShape &s = a.inputShapes[0];
        const QString scales = a.name(QStringLiteral(".scales"));
        addOnnxInitializer(g, scales, torch::tensor({1.f, 1.f, float(s.dims[1]), float(s.dims[2])}));
        const QString gate = a.name(QStringLiteral(".gate"));
        onnx::NodeProto *resize = addOnnxNode(g, "Resize", {x, QString(), scales}, gate, a.node.id + QStringLiteral("_gate"));
        onnx::AttributeProto *mode = resize->add_attribute();
        mode->set_name("mode");
        mode->set_type(onnx::AttributeProto::STRING);
        mode->set_s("nearest");
        addOnnxNode(g, "Mul", {a.inputs[0], gate}, a.output, a.node.id + QStringLiteral("_scale"));
        return success();
    };
    t.onnx = onnxOps;
    return t;
}

// conv 3×3 → batch norm → ReLU → squeeze-excite → max pool, twice; global pool; classes.
Result<ModelGraph> seCnn(const TensorShape &input, int classes)
{
    ModelGraph g;
    g.name = QStringLiteral("SE-CNN");
    auto add = [&](const QString &id, const QString &type, const QJsonObject &params, const QString &in) {
        g.nodes.append(GraphNode{id, type, params, in.isEmpty() ? QStringList() : QStringList{in}});
        return id;
    };
    QString x = add(QStringLiteral("input"), QStringLiteral("Input"),
                    {{"channels", int(input.dims[0])}, {"height", int(input.dims[1])}, {"width", int(input.dims[2])}}, {});
    int stage = 0;
    for (int channels : {16, 32}) {
        const QString p = QStringLiteral("s%1_").arg(++stage);
        x = add(p + QStringLiteral("conv"), QStringLiteral("Conv2d"),
                {{"out_channels", channels}, {"kernel_size", 3}, {"padding", 1}, {"bias", false}}, x);
        x = add(p + QStringLiteral("bn"), QStringLiteral("BatchNorm2d"), {}, x);
        x = add(p + QStringLiteral("relu"), QStringLiteral("ReLU"), {}, x);
        x = add(p + QStringLiteral("se"), QStringLiteral("SqueezeExcite"), {{"reduction", 4}}, x);
        x = add(p + QStringLiteral("pool"), QStringLiteral("MaxPool2d"), {{"kernel_size", 2}}, x);
    }
    x = add(QStringLiteral("gap"), QStringLiteral("GlobalAvgPool"), {}, x);
    add(QStringLiteral("logits"), QStringLiteral("Linear"), {{"out_features", classes}}, x);
    return g;
}

} // namespace

class SeBlockPlugin : public QObject, public lepton::ModelProviderPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID LeptonModelProviderPlugin_iid FILE "seblock.json")
    Q_INTERFACES(lepton::ModelProviderPlugin)

public:
    QVector<LayerType> layerTypes() override { return {squeezeExcite()}; }
    QVector<TemplateDefinition> templates() override
    {
        ArchitectureTemplate info;
        info.name = QStringLiteral("se-cnn");
        info.title = QStringLiteral("SE-CNN");
        info.description = QStringLiteral("2× (conv 3×3, batch norm, ReLU, squeeze-excite, max pool) with 16, 32 "
                                          "channels, global average pool");
        info.imageOnly = true;
        return {TemplateDefinition{info, seCnn}};
    }
};

#include "seblock.moc"
