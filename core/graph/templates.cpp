#include "graph/templates.h"

#include <QRegularExpression>

#include <functional>

namespace lepton {
namespace {

// Appends nodes in order; each call returns the new node's id for wiring the next one.
class GraphBuilder
{
public:
    explicit GraphBuilder(const QString &name) { m_graph.name = name; }

    QString add(const QString &id, const QString &type, const QJsonObject &params, const QStringList &inputs)
    {
        m_graph.nodes.append(GraphNode{id, type, params, inputs});
        return id;
    }
    QString add(const QString &id, const QString &type, const QJsonObject &params, const QString &input)
    {
        return add(id, type, params, QStringList{input});
    }

    QString input(const TensorShape &shape)
    {
        if (shape.dims.size() == 1)
            return add(QStringLiteral("input"), QStringLiteral("Input"), {{"features", shape.dims[0]}}, QStringList());
        return add(QStringLiteral("input"), QStringLiteral("Input"),
                   {{"channels", shape.dims[0]}, {"height", shape.dims[1]}, {"width", shape.dims[2]}}, QStringList());
    }

    // conv (no bias: the BatchNorm after it has one) → BatchNorm2d → ReLU; returns the ReLU id.
    QString convBnRelu(const QString &prefix, const QString &in, int out, int kernel, int stride, int padding,
                       const QString &convType = QStringLiteral("Conv2d"))
    {
        QJsonObject params{{"kernel_size", kernel}, {"stride", stride}, {"padding", padding}, {"bias", false}};
        if (convType == QLatin1String("Conv2d"))
            params.insert(QStringLiteral("out_channels"), out);
        const QString conv = add(prefix + QStringLiteral("_conv"), convType, params, in);
        const QString bn = add(prefix + QStringLiteral("_bn"), QStringLiteral("BatchNorm2d"), {}, conv);
        return add(prefix + QStringLiteral("_relu"), QStringLiteral("ReLU"), {}, bn);
    }

    ModelGraph graph() const { return m_graph; }

private:
    ModelGraph m_graph;
};

const QString kRelu = QStringLiteral("ReLU");
const QString kLinear = QStringLiteral("Linear");

ModelGraph mlp(const TensorShape &in, int classes)
{
    GraphBuilder b(QStringLiteral("MLP"));
    QString x = b.input(in);
    if (in.dims.size() != 1)
        x = b.add(QStringLiteral("flatten"), QStringLiteral("Flatten"), {}, x);
    x = b.add(QStringLiteral("fc1"), kLinear, {{"out_features", 128}}, x);
    x = b.add(QStringLiteral("bn1"), QStringLiteral("BatchNorm1d"), {}, x);
    x = b.add(QStringLiteral("relu1"), kRelu, {}, x);
    x = b.add(QStringLiteral("dropout"), QStringLiteral("Dropout"), {{"p", 0.2}}, x);
    x = b.add(QStringLiteral("fc2"), kLinear, {{"out_features", 64}}, x);
    x = b.add(QStringLiteral("relu2"), kRelu, {}, x);
    b.add(QStringLiteral("logits"), kLinear, {{"out_features", classes}}, x);
    return b.graph();
}

ModelGraph lenet(const TensorShape &in, int classes)
{
    GraphBuilder b(QStringLiteral("LeNet"));
    QString x = b.input(in);
    x = b.add(QStringLiteral("conv1"), QStringLiteral("Conv2d"), {{"out_channels", 6}, {"kernel_size", 5}, {"padding", 2}}, x);
    x = b.add(QStringLiteral("relu1"), kRelu, {}, x);
    x = b.add(QStringLiteral("pool1"), QStringLiteral("AvgPool2d"), {{"kernel_size", 2}}, x);
    x = b.add(QStringLiteral("conv2"), QStringLiteral("Conv2d"), {{"out_channels", 16}, {"kernel_size", 5}}, x);
    x = b.add(QStringLiteral("relu2"), kRelu, {}, x);
    x = b.add(QStringLiteral("pool2"), QStringLiteral("AvgPool2d"), {{"kernel_size", 2}}, x);
    x = b.add(QStringLiteral("flatten"), QStringLiteral("Flatten"), {}, x);
    x = b.add(QStringLiteral("fc1"), kLinear, {{"out_features", 120}}, x);
    x = b.add(QStringLiteral("relu3"), kRelu, {}, x);
    x = b.add(QStringLiteral("fc2"), kLinear, {{"out_features", 84}}, x);
    x = b.add(QStringLiteral("relu4"), kRelu, {}, x);
    b.add(QStringLiteral("logits"), kLinear, {{"out_features", classes}}, x);
    return b.graph();
}

ModelGraph vgg(const TensorShape &in, int classes)
{
    GraphBuilder b(QStringLiteral("Small VGG"));
    QString x = b.input(in);
    int block = 0;
    for (int channels : {32, 64}) {
        ++block;
        for (int i = 1; i <= 2; ++i)
            x = b.convBnRelu(QStringLiteral("b%1_%2").arg(block).arg(i), x, channels, 3, 1, 1);
        x = b.add(QStringLiteral("pool%1").arg(block), QStringLiteral("MaxPool2d"), {{"kernel_size", 2}}, x);
    }
    x = b.add(QStringLiteral("flatten"), QStringLiteral("Flatten"), {}, x);
    x = b.add(QStringLiteral("fc1"), kLinear, {{"out_features", 128}}, x);
    x = b.add(QStringLiteral("relu"), kRelu, {}, x);
    x = b.add(QStringLiteral("dropout"), QStringLiteral("Dropout"), {{"p", 0.5}}, x);
    b.add(QStringLiteral("logits"), kLinear, {{"out_features", classes}}, x);
    return b.graph();
}

// Basic residual block: two 3×3 convs, identity shortcut or a 1×1 projection when the shape changes.
QString residualBlock(GraphBuilder &b, const QString &name, const QString &in, int inChannels, int out, int stride)
{
    const QString c1 = b.convBnRelu(name + QStringLiteral("a"), in, out, 3, stride, 1);
    const QString conv2 = b.add(name + QStringLiteral("b_conv"), QStringLiteral("Conv2d"),
                                {{"out_channels", out}, {"kernel_size", 3}, {"padding", 1}, {"bias", false}}, c1);
    const QString bn2 = b.add(name + QStringLiteral("b_bn"), QStringLiteral("BatchNorm2d"), {}, conv2);
    QString shortcut = in;
    if (stride != 1 || inChannels != out) {
        const QString proj = b.add(name + QStringLiteral("_proj"), QStringLiteral("Conv2d"),
                                   {{"out_channels", out}, {"kernel_size", 1}, {"stride", stride}, {"bias", false}}, in);
        shortcut = b.add(name + QStringLiteral("_proj_bn"), QStringLiteral("BatchNorm2d"), {}, proj);
    }
    const QString sum = b.add(name + QStringLiteral("_add"), QStringLiteral("Add"), {}, QStringList{bn2, shortcut});
    return b.add(name + QStringLiteral("_relu"), kRelu, {}, sum);
}

ModelGraph resnet(const TensorShape &in, int classes)
{
    GraphBuilder b(QStringLiteral("Small ResNet"));
    QString x = b.convBnRelu(QStringLiteral("stem"), b.input(in), 16, 3, 1, 1);
    x = residualBlock(b, QStringLiteral("res1"), x, 16, 16, 1);
    x = residualBlock(b, QStringLiteral("res2"), x, 16, 32, 2);
    x = residualBlock(b, QStringLiteral("res3"), x, 32, 64, 2);
    x = b.add(QStringLiteral("gap"), QStringLiteral("GlobalAvgPool"), {}, x);
    b.add(QStringLiteral("logits"), kLinear, {{"out_features", classes}}, x);
    return b.graph();
}

ModelGraph mobilenet(const TensorShape &in, int classes)
{
    GraphBuilder b(QStringLiteral("MobileNet-style"));
    QString x = b.convBnRelu(QStringLiteral("stem"), b.input(in), 16, 3, 1, 1);
    struct Block
    {
        int out, stride;
    };
    int i = 0;
    for (const Block blk : {Block{32, 1}, Block{64, 2}, Block{128, 2}, Block{128, 1}}) {
        const QString name = QStringLiteral("ds%1").arg(++i);
        x = b.convBnRelu(name + QStringLiteral("_dw"), x, 0, 3, blk.stride, 1, QStringLiteral("DepthwiseConv2d"));
        x = b.convBnRelu(name + QStringLiteral("_pw"), x, blk.out, 1, 1, 0);
    }
    x = b.add(QStringLiteral("gap"), QStringLiteral("GlobalAvgPool"), {}, x);
    x = b.add(QStringLiteral("dropout"), QStringLiteral("Dropout"), {{"p", 0.2}}, x);
    b.add(QStringLiteral("logits"), kLinear, {{"out_features", classes}}, x);
    return b.graph();
}

struct Entry
{
    ArchitectureTemplate info;
    TemplateFactory make;
};

Result<ModelGraph> built(ModelGraph graph)
{
    return graph;
}

// Templates added by plugins (at start-up, before any worker thread reads the list).
QVector<Entry> &pluginEntries()
{
    static QVector<Entry> added;
    return added;
}

const QVector<Entry> &builtinEntries()
{
    static const QVector<Entry> all = {
        {{QStringLiteral("small-cnn"), QStringLiteral("Small CNN"),
          QStringLiteral("2× (conv 3×3, batch norm, ReLU, max pool), 128-unit dense layer, dropout"), true},
         [](const TensorShape &s, int k) { return built(smallCnnTemplate(int(s.dims[0]), int(s.dims[1]), int(s.dims[2]), k)); }},
        {{QStringLiteral("mlp"), QStringLiteral("MLP"),
          QStringLiteral("Dense 128 (batch norm, ReLU, dropout) → dense 64 → classes; for tabular rows or "
                         "flattened images"),
          false},
         [](const TensorShape &s, int k) { return built(mlp(s, k)); }},
        {{QStringLiteral("lenet"), QStringLiteral("LeNet"),
          QStringLiteral("LeNet-5 style: conv 5×5 (6), avg pool, conv 5×5 (16), avg pool, dense 120 → 84"), true},
         [](const TensorShape &s, int k) { return built(lenet(s, k)); }},
        {{QStringLiteral("vgg"), QStringLiteral("Small VGG"),
          QStringLiteral("VGG style: 2 blocks of two 3×3 convs (32, 64) with batch norm and max pool, dense 128"),
          true},
         [](const TensorShape &s, int k) { return built(vgg(s, k)); }},
        {{QStringLiteral("resnet"), QStringLiteral("Small ResNet"),
          QStringLiteral("ResNet style: stem + 3 residual blocks (16, 32/2, 64/2) with Add shortcuts, "
                         "global average pool"),
          true},
         [](const TensorShape &s, int k) { return built(resnet(s, k)); }},
        {{QStringLiteral("mobilenet"), QStringLiteral("MobileNet-style"),
          QStringLiteral("Depthwise-separable convs (3×3 depthwise + 1×1 pointwise): 32, 64/2, 128/2, 128, "
                         "global average pool"),
          true},
         [](const TensorShape &s, int k) { return built(mobilenet(s, k)); }},
    };
    return all;
}

QVector<Entry> entries()
{
    return builtinEntries() + pluginEntries();
}

} // namespace

Status registerArchitectureTemplate(const ArchitectureTemplate &info, TemplateFactory make)
{
    for (const Entry &e : entries())
        if (e.info.name == info.name)
            return Status::failure(QStringLiteral("template '%1' is already provided by %2")
                                       .arg(info.name, e.info.provider.isEmpty()
                                                           ? QStringLiteral("the workbench")
                                                           : QStringLiteral("plugin '%1'").arg(e.info.provider)));
    if (info.name.isEmpty() || info.provider.isEmpty() || !make)
        return Status::failure(QStringLiteral("template '%1' needs a name, a provider and a factory").arg(info.name));
    pluginEntries().append(Entry{info, std::move(make)});
    return success();
}

QVector<ArchitectureTemplate> architectureTemplates()
{
    QVector<ArchitectureTemplate> out;
    for (const Entry &e : entries())
        out.append(e.info);
    return out;
}

Result<ModelGraph> makeTemplate(const QString &name, const TensorShape &input, int classes)
{
    using R = Result<ModelGraph>;
    for (const Entry &e : entries()) {
        if (e.info.name != name)
            continue;
        if (classes < 1)
            return R::failure(QStringLiteral("template '%1': classes must be >= 1, got %2").arg(name).arg(classes));
        if (input.dims.size() != 1 && input.dims.size() != 3)
            return R::failure(QStringLiteral("template '%1': the input must be C×H×W or N features, got '%2'")
                                  .arg(name, input.toString()));
        for (qint64 d : input.dims)
            if (d < 1)
                return R::failure(QStringLiteral("template '%1': input dimensions must be >= 1, got %2")
                                      .arg(name, input.toString()));
        if (e.info.imageOnly && input.dims.size() != 3)
            return R::failure(QStringLiteral("template '%1' needs an image input C×H×W, got %2 features")
                                  .arg(name, input.toString()));
        return e.make(input, classes);
    }
    QStringList names;
    for (const Entry &e : entries())
        names << e.info.name;
    return R::failure(QStringLiteral("no template '%1' (templates: %2)").arg(name, names.join(QLatin1String(", "))));
}

Result<TensorShape> parseInputShape(const QString &text)
{
    const QStringList parts = text.trimmed().split(QRegularExpression(QStringLiteral("\\s*[xX×*]\\s*")));
    TensorShape shape;
    for (const QString &p : parts) {
        bool ok = false;
        const qint64 v = p.toLongLong(&ok);
        if (!ok || v < 1)
            return Result<TensorShape>::failure(
                QStringLiteral("input shape '%1': expected C×H×W (e.g. 1x20x20) or a feature count").arg(text));
        shape.dims.append(v);
    }
    if (shape.dims.size() != 1 && shape.dims.size() != 3)
        return Result<TensorShape>::failure(
            QStringLiteral("input shape '%1': expected 3 dimensions C×H×W or 1 (features), got %2")
                .arg(text)
                .arg(shape.dims.size()));
    return shape;
}

} // namespace lepton
