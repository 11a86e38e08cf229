#include "graph/onnximport.h"

#include "graph/internal/graphmodule.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <onnx/onnx_pb.h>

#include <map>

namespace lepton {
namespace {

using Internal::describeException;
using Tensors = std::map<std::string, torch::Tensor>;

const char kSupported[] = "Conv, ConvTranspose, Gemm, MatMul (+ Add), Relu, LeakyRelu, Sigmoid, Tanh, MaxPool, "
                          "AveragePool, GlobalAveragePool, BatchNormalization, Flatten, Add, Concat, Dropout, "
                          "Identity, Pad (zeros, before AveragePool), Reshape/Squeeze that flatten, final Softmax";

QString qs(const std::string &s) { return QString::fromStdString(s); }

// ONNX stores float attributes; the shortest decimal that gives the same float recovers the
// value the model was written with (1e-5, not 9.99999974738e-06).
double decimal(float f) { return QString::number(f, 'g', 7).toDouble(); }

Result<torch::Tensor> toTensor(const onnx::TensorProto &t)
{
    using R = Result<torch::Tensor>;
    std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
    int64_t n = 1;
    for (int64_t d : dims)
        n *= d;
    if (t.data_type() == onnx::TensorProto::FLOAT) {
        if (t.has_raw_data()) {
            if (int64_t(t.raw_data().size()) != n * 4)
                return R::failure(QStringLiteral("tensor '%1': %2 bytes of data for %3 floats")
                                      .arg(qs(t.name()))
                                      .arg(t.raw_data().size())
                                      .arg(n));
            return torch::from_blob(const_cast<char *>(t.raw_data().data()), dims, torch::kFloat32).clone();
        }
        if (t.float_data_size() != n)
            return R::failure(QStringLiteral("tensor '%1': %2 values for %3 elements").arg(qs(t.name())).arg(t.float_data_size()).arg(n));
        return torch::from_blob(const_cast<float *>(t.float_data().data()), dims, torch::kFloat32).clone();
    }
    if (t.data_type() == onnx::TensorProto::INT64) {
        if (t.has_raw_data())
            return torch::from_blob(const_cast<char *>(t.raw_data().data()), dims, torch::kInt64).clone();
        return torch::from_blob(const_cast<int64_t *>(t.int64_data().data()), dims, torch::kInt64).clone();
    }
    return R::failure(QStringLiteral("tensor '%1' has ONNX data type %2; only float32 and int64 are read")
                          .arg(qs(t.name()))
                          .arg(t.data_type()));
}

struct Attributes
{
    const onnx::NodeProto &node;
    const onnx::AttributeProto *find(const char *name) const
    {
        for (const onnx::AttributeProto &a : node.attribute())
            if (a.name() == name)
                return &a;
        return nullptr;
    }
    qint64 i(const char *name, qint64 fallback) const
    {
        const auto *a = find(name);
        return a ? a->i() : fallback;
    }
    float f(const char *name, float fallback) const
    {
        const auto *a = find(name);
        return a ? a->f() : fallback;
    }
    std::vector<qint64> ints(const char *name) const
    {
        const auto *a = find(name);
        return a ? std::vector<qint64>(a->ints().begin(), a->ints().end()) : std::vector<qint64>{};
    }
    QString s(const char *name) const
    {
        const auto *a = find(name);
        return a ? qs(a->s()) : QString();
    }
};

// Turns the ONNX node list into graph nodes, one operator at a time.
class Importer
{
public:
    Importer(const onnx::GraphProto &g, const QString &file) : m_g(g), m_file(file) {}

    Result<OnnxImport> run();

private:
    QString where(const onnx::NodeProto &n) const
    {
        return QStringLiteral("%1: node '%2' (%3)").arg(m_file, qs(n.name()), qs(n.op_type()));
    }
    Status unsupported(const onnx::NodeProto &n, const QString &why) const
    {
        return Status::failure(QStringLiteral("%1: %2").arg(where(n), why));
    }
    QString uniqueId(const onnx::NodeProto &n)
    {
        QString base = qs(n.name().empty() ? n.output(0) : n.name());
        for (QChar &c : base)
            if (!c.isLetterOrNumber() && c != QLatin1Char('_'))
                c = QLatin1Char('_');
        while (base.startsWith(QLatin1Char('_')))
            base.remove(0, 1);
        if (base.isEmpty())
            base = qs(n.op_type()).toLower();
        QString id = base;
        for (int i = 2; m_ids.contains(id) || id == QLatin1String("input"); ++i)
            id = QStringLiteral("%1_%2").arg(base).arg(i);
        m_ids.insert(id);
        return id;
    }
    // The graph node producing ONNX value `name`, or an error (e.g. a constant where a tensor flows).
    Result<QString> producer(const onnx::NodeProto &n, const std::string &name) const
    {
        auto it = m_valueNode.find(name);
        if (it == m_valueNode.end())
            return Result<QString>::failure(QStringLiteral("%1: input '%2' is not computed from the model input")
                                                .arg(where(n), qs(name)));
        return it->second;
    }
    const torch::Tensor *constant(const std::string &name) const
    {
        auto it = m_constants.find(name);
        return it == m_constants.end() ? nullptr : &it->second;
    }
    Status addNode(const onnx::NodeProto &n, const QString &type, const QJsonObject &params, int dataInputs, int rank,
                   Tensors tensors = {});
    Status square(const onnx::NodeProto &n, const char *attr, qint64 *out, qint64 fallback) const;
    Status symmetricPads(const onnx::NodeProto &n, qint64 *out) const;
    Status convert(const onnx::NodeProto &n);

    const onnx::GraphProto &m_g;
    QString m_file;
    ModelGraph m_graph;
    QSet<QString> m_ids;
    std::map<std::string, torch::Tensor> m_constants;
    std::map<std::string, QString> m_valueNode;   // ONNX value -> graph node id
    QHash<QString, int> m_rank;                   // graph node id -> rank of its output (without batch)
    std::map<std::string, int> m_uses;            // ONNX value -> number of consuming operators
    std::map<std::string, QString> m_biaslessLinear;   // MatMul output -> Linear node awaiting its Add bias
    std::map<std::string, qint64> m_zeroPad;       // Pad output -> spatial zero padding, folded into AveragePool
    QHash<QString, Tensors> m_weights;            // graph node id -> tensors by torch name
    QStringList m_notes;
    std::string m_outputValue;
};

Status Importer::addNode(const onnx::NodeProto &n, const QString &type, const QJsonObject &params, int dataInputs,
                         int rank, Tensors tensors)
{
    GraphNode node{uniqueId(n), type, params, {}};
    for (int i = 0; i < dataInputs; ++i) {
        auto p = producer(n, n.input(i));
        if (!p)
            return Status::failure(p.error());
        node.inputs << p.value();
    }
    if (!tensors.empty())
        m_weights.insert(node.id, std::move(tensors));
    m_rank.insert(node.id, rank);
    m_valueNode[n.output(0)] = node.id;
    m_graph.nodes.append(node);
    return success();
}

Status Importer::square(const onnx::NodeProto &n, const char *attr, qint64 *out, qint64 fallback) const
{
    const std::vector<qint64> v = Attributes{n}.ints(attr);
    if (v.empty()) {
        *out = fallback;
        return success();
    }
    if (v.size() != 2 || v[0] != v[1])
        return unsupported(n, QStringLiteral("only square 2-D %1 are supported").arg(QLatin1String(attr)));
    *out = v[0];
    return success();
}

Status Importer::symmetricPads(const onnx::NodeProto &n, qint64 *out) const
{
    const Attributes a{n};
    const QString autoPad = a.s("auto_pad");
    if (!autoPad.isEmpty() && autoPad != QLatin1String("NOTSET"))
        return unsupported(n, QStringLiteral("auto_pad %1 is not supported (explicit pads only)").arg(autoPad));
    const std::vector<qint64> p = a.ints("pads");
    if (p.empty()) {
        *out = 0;
        return success();
    }
    if (p.size() != 4 || p[0] != p[1] || p[0] != p[2] || p[0] != p[3])
        return unsupported(n, QStringLiteral("only equal padding on all four sides is supported"));
    *out = p[0];
    return success();
}

Status Importer::convert(const onnx::NodeProto &n)
{
    const QString op = qs(n.op_type());
    const Attributes a{n};
    if (n.output_size() < 1)
        return unsupported(n, QStringLiteral("has no output"));
    if (op == QLatin1String("Constant")) {
        if (const auto *v = a.find("value")) {
            auto t = toTensor(v->t());
            if (!t)
                return Status::failure(QStringLiteral("%1: %2").arg(where(n), t.error()));
            m_constants[n.output(0)] = t.value();
            return success();
        }
        return unsupported(n, QStringLiteral("only tensor-valued Constant is supported"));
    }
    if (n.input_size() < 1)
        return unsupported(n, QStringLiteral("has no input"));
    auto inRank = [&](int i) {
        auto it = m_valueNode.find(n.input(i));
        return it == m_valueNode.end() ? -1 : m_rank.value(it->second, -1);
    };
    auto passThrough = [&]() -> Status {
        auto p = producer(n, n.input(0));
        if (!p)
            return Status::failure(p.error());
        m_valueNode[n.output(0)] = p.value();
        return success();
    };
    if (op == QLatin1String("Dropout") || op == QLatin1String("Identity"))
        return passThrough();
    if (op == QLatin1String("Relu") || op == QLatin1String("Sigmoid") || op == QLatin1String("Tanh"))
        return addNode(n, op == QLatin1String("Relu") ? QStringLiteral("ReLU") : op, {}, 1, inRank(0));
    if (op == QLatin1String("LeakyRelu"))
        return addNode(n, QStringLiteral("LeakyReLU"), {{"negative_slope", decimal(a.f("alpha", 0.01f))}}, 1, inRank(0));
    if (op == QLatin1String("Softmax")) {
        if (n.output(0) != m_outputValue)
            return unsupported(n, QStringLiteral("Softmax is only supported as the last operator"));
        m_notes << QStringLiteral("dropped the final Softmax ('%1'): lepton graphs output logits; training applies "
                                  "log-softmax in the loss, predict and serve apply softmax")
                       .arg(qs(n.name()));
        return passThrough();
    }
    if (op == QLatin1String("Conv") || op == QLatin1String("ConvTranspose")) {
        const bool transposed = op == QLatin1String("ConvTranspose");
        const torch::Tensor *w = n.input_size() > 1 ? constant(n.input(1)) : nullptr;
        if (!w || w->dim() != 4)
            return unsupported(n, QStringLiteral("the weight must be a 4-D initializer"));
        const torch::Tensor *b = n.input_size() > 2 && !n.input(2).empty() ? constant(n.input(2)) : nullptr;
        if (n.input_size() > 2 && !n.input(2).empty() && !b)
            return unsupported(n, QStringLiteral("the bias must be an initializer"));
        qint64 k = 0, s = 1, p = 0, d = 1;
        if (auto st = square(n, "kernel_shape", &k, w->size(2)); !st)
            return st;
        if (auto st = square(n, "strides", &s, 1); !st)
            return st;
        if (auto st = square(n, "dilations", &d, 1); !st)
            return st;
        if (auto st = symmetricPads(n, &p); !st)
            return st;
        if (d != 1)
            return unsupported(n, QStringLiteral("dilation %1 is not supported").arg(d));
        if (w->size(2) != w->size(3) || w->size(2) != k)
            return unsupported(n, QStringLiteral("only square kernels are supported"));
        const qint64 group = a.i("group", 1);
        Tensors t{{"weight", *w}};
        if (b)
            t.emplace("bias", *b);
        QJsonObject params{{"kernel_size", k}, {"stride", s}, {"padding", p}, {"bias", b != nullptr}};
        if (transposed) {
            if (group != 1)
                return unsupported(n, QStringLiteral("grouped ConvTranspose is not supported"));
            qint64 op2 = 0;
            if (auto st = square(n, "output_padding", &op2, 0); !st)
                return st;
            if (!a.ints("output_shape").empty())
                return unsupported(n, QStringLiteral("output_shape is not supported (use pads/output_padding)"));
            params.insert(QStringLiteral("out_channels"), qint64(w->size(1)));
            params.insert(QStringLiteral("output_padding"), op2);
            return addNode(n, QStringLiteral("ConvTranspose2d"), params, 1, 3, t);
        }
        if (group == 1) {
            params.insert(QStringLiteral("out_channels"), qint64(w->size(0)));
            return addNode(n, QStringLiteral("Conv2d"), params, 1, 3, t);
        }
        if (w->size(1) != 1 || w->size(0) % group != 0)
            return unsupported(n, QStringLiteral("group %1 is not supported (only 1 or depthwise: one input channel "
                                                 "per group)")
                                      .arg(group));
        params.insert(QStringLiteral("channel_multiplier"), qint64(w->size(0) / group));
        return addNode(n, QStringLiteral("DepthwiseConv2d"), params, 1, 3, t);
    }
    if (op == QLatin1String("Pad")) {
        // torch exports AvgPool2d as Pad + AveragePool; zero padding folds into the pooling.
        std::vector<qint64> pads = a.ints("pads");
        if (n.input_size() > 1 && !n.input(1).empty()) {
            const torch::Tensor *t = constant(n.input(1));
            if (!t || t->scalar_type() != torch::kInt64)
                return unsupported(n, QStringLiteral("pads must be an int64 initializer"));
            pads.assign(t->data_ptr<int64_t>(), t->data_ptr<int64_t>() + t->numel());
        }
        const torch::Tensor *value = n.input_size() > 2 && !n.input(2).empty() ? constant(n.input(2)) : nullptr;
        const QString mode = a.s("mode");
        if ((!mode.isEmpty() && mode != QLatin1String("constant")) || (value && value->abs().max().item<double>() != 0))
            return unsupported(n, QStringLiteral("only zero padding is supported"));
        if (pads.size() == 8 && pads[0] == 0 && pads[1] == 0 && pads[4] == 0 && pads[5] == 0 && pads[2] == pads[3]
            && pads[2] == pads[6] && pads[2] == pads[7]) {
            if (pads[2] > 0)
                m_zeroPad[n.output(0)] = pads[2];
            return passThrough();
        }
        return unsupported(n, QStringLiteral("only equal zero padding of height and width is supported"));
    }
    if (op == QLatin1String("MaxPool") || op == QLatin1String("AveragePool")) {
        const bool max = op == QLatin1String("MaxPool");
        qint64 k = 0, s = 0, p = 0, d = 1;
        if (auto st = square(n, "kernel_shape", &k, 0); !st)
            return st;
        if (auto st = square(n, "strides", &s, 1); !st)
            return st;
        if (auto st = square(n, "dilations", &d, 1); !st)
            return st;
        if (auto st = symmetricPads(n, &p); !st)
            return st;
        if (k < 1 || d != 1 || a.i("ceil_mode", 0) != 0 || n.output_size() > 1)
            return unsupported(n, QStringLiteral("needs kernel_shape, dilation 1, ceil_mode 0 and one output"));
        if (!max && p > 0 && a.i("count_include_pad", 0) == 0)
            return unsupported(n, QStringLiteral("padded average pooling must count the padding (count_include_pad 1)"));
        const auto padded = m_zeroPad.find(n.input(0));
        if (padded != m_zeroPad.end()) {
            if (max)
                return unsupported(n, QStringLiteral("max pooling after an explicit Pad is not supported"));
            p += padded->second;   // explicit zeros count in the mean, as count_include_pad does
        }
        return addNode(n, max ? QStringLiteral("MaxPool2d") : QStringLiteral("AvgPool2d"),
                       {{"kernel_size", k}, {"stride", s}, {"padding", p}}, 1, 3);
    }
    if (op == QLatin1String("GlobalAveragePool"))
        return addNode(n, QStringLiteral("GlobalAvgPool"), {}, 1, 1);   // N×C×1×1 here is C; a Flatten follows
    if (op == QLatin1String("Flatten")) {
        if (a.i("axis", 1) != 1)
            return unsupported(n, QStringLiteral("only axis 1 is supported"));
        if (inRank(0) == 1)
            return passThrough();
        return addNode(n, QStringLiteral("Flatten"), {}, 1, 1);
    }
    if (op == QLatin1String("Reshape") || op == QLatin1String("Squeeze")) {
        // The flattening idioms: Reshape to [0 | -1 | 1, -1] and Squeeze of a pooled N×C×1×1.
        const torch::Tensor *target = n.input_size() > 1 ? constant(n.input(1)) : nullptr;
        std::vector<qint64> values;
        if (target && target->scalar_type() == torch::kInt64)
            values.assign(target->data_ptr<int64_t>(), target->data_ptr<int64_t>() + target->numel());
        else if (op == QLatin1String("Squeeze"))
            values = a.ints("axes");
        if (op == QLatin1String("Reshape")) {
            if (values.size() != 2 || values[1] != -1 || values[0] < -1 || values[0] > 1)
                return unsupported(n, QStringLiteral("only a reshape to [batch, -1] (flattening) is supported"));
        } else if (inRank(0) != 1 || values != std::vector<qint64>{2, 3}) {
            return unsupported(n, QStringLiteral("only squeezing axes [2, 3] of a global average pool is supported"));
        }
        if (inRank(0) == 1)
            return passThrough();
        return addNode(n, QStringLiteral("Flatten"), {}, 1, 1);
    }
    if (op == QLatin1String("BatchNormalization")) {
        Tensors t;
        const char *keys[] = {"weight", "bias", "running_mean", "running_var"};
        for (int i = 0; i < 4; ++i) {
            const torch::Tensor *c = n.input_size() > i + 1 ? constant(n.input(i + 1)) : nullptr;
            if (!c)
                return unsupported(n, QStringLiteral("scale, bias, mean and variance must be initializers"));
            t.emplace(keys[i], *c);
        }
        if (n.output_size() > 1 && !n.output(1).empty())
            return unsupported(n, QStringLiteral("training-mode outputs are not supported"));
        const int rank = inRank(0);
        return addNode(n, rank == 1 ? QStringLiteral("BatchNorm1d") : QStringLiteral("BatchNorm2d"),
                       {{"eps", decimal(a.f("epsilon", 1e-5f))}}, 1, rank, t);
    }
    if (op == QLatin1String("Gemm")) {
        const torch::Tensor *w = n.input_size() > 1 ? constant(n.input(1)) : nullptr;
        if (!w || w->dim() != 2)
            return unsupported(n, QStringLiteral("B must be a 2-D initializer"));
        if (a.i("transA", 0) != 0 || a.f("alpha", 1) != 1.0f || a.f("beta", 1) != 1.0f)
            return unsupported(n, QStringLiteral("only transA 0, alpha 1, beta 1 are supported"));
        const torch::Tensor weight = a.i("transB", 0) ? *w : w->t().contiguous();
        Tensors t{{"weight", weight}};
        const torch::Tensor *b = n.input_size() > 2 && !n.input(2).empty() ? constant(n.input(2)) : nullptr;
        if (n.input_size() > 2 && !n.input(2).empty() && (!b || b->numel() != weight.size(0)))
            return unsupported(n, QStringLiteral("C must be an initializer with one value per output"));
        if (b)
            t.emplace("bias", b->reshape({weight.size(0)}));
        return addNode(n, QStringLiteral("Linear"), {{"out_features", qint64(weight.size(0))}, {"bias", b != nullptr}}, 1, 1, t);
    }
    if (op == QLatin1String("MatMul")) {
        const torch::Tensor *w = n.input_size() > 1 ? constant(n.input(1)) : nullptr;
        if (!w || w->dim() != 2 || inRank(0) != 1)
            return unsupported(n, QStringLiteral("only a vector input times a 2-D initializer is supported"));
        if (auto st = addNode(n, QStringLiteral("Linear"), {{"out_features", qint64(w->size(1))}, {"bias", false}}, 1, 1,
                              Tensors{{"weight", w->t().contiguous()}});
            !st)
            return st;
        m_biaslessLinear[n.output(0)] = m_valueNode[n.output(0)];
        return success();
    }
    if (op == QLatin1String("Add") || op == QLatin1String("Sum") || op == QLatin1String("Concat")) {
        if (op == QLatin1String("Add") && n.input_size() == 2) {
            // MatMul + Add(bias) is a Linear layer with a bias.
            for (int i = 0; i < 2; ++i) {
                auto linear = m_biaslessLinear.find(n.input(i));
                const torch::Tensor *bias = constant(n.input(1 - i));
                if (linear == m_biaslessLinear.end() || !bias || m_uses[n.input(i)] != 1)
                    continue;
                GraphNode *node = nullptr;
                for (GraphNode &g : m_graph.nodes)
                    if (g.id == linear->second)
                        node = &g;
                const qint64 outFeatures = node->params.value(QLatin1String("out_features")).toInteger();
                if (bias->numel() != outFeatures)
                    return unsupported(n, QStringLiteral("bias has %1 values for %2 outputs").arg(qint64(bias->numel())).arg(outFeatures));
                node->params.insert(QStringLiteral("bias"), true);
                m_weights[node->id].emplace("bias", bias->reshape({outFeatures}));
                m_valueNode[n.output(0)] = node->id;
                m_biaslessLinear.erase(linear);
                return success();
            }
        }
        for (const std::string &in : n.input())
            if (constant(in))
                return unsupported(n, QStringLiteral("adding or joining a constant tensor ('%1') is not supported")
                                          .arg(qs(in)));
        if (op == QLatin1String("Concat") && a.i("axis", 1) != 1)
            return unsupported(n, QStringLiteral("only the channel axis (1) is supported"));
        return addNode(n, op == QLatin1String("Concat") ? QStringLiteral("Concat") : QStringLiteral("Add"), {},
                       n.input_size(), inRank(0));
    }
    return unsupported(n, QStringLiteral("operator %1 is not supported (supported: %2)").arg(op, QLatin1String(kSupported)));
}

Result<OnnxImport> Importer::run()
{
    using R = Result<OnnxImport>;
    for (const onnx::TensorProto &init : m_g.initializer()) {
        auto t = toTensor(init);
        if (!t)
            return R::failure(QStringLiteral("%1: %2").arg(m_file, t.error()));
        m_constants[init.name()] = t.value();
    }
    const onnx::ValueInfoProto *input = nullptr;
    for (const onnx::ValueInfoProto &in : m_g.input())
        if (!m_constants.count(in.name())) {
            if (input)
                return R::failure(QStringLiteral("%1: the model has more than one input ('%2', '%3')")
                                      .arg(m_file, qs(input->name()), qs(in.name())));
            input = &in;
        }
    if (!input)
        return R::failure(QStringLiteral("%1: the model has no input").arg(m_file));
    if (m_g.output_size() != 1)
        return R::failure(QStringLiteral("%1: the model must have one output, it has %2").arg(m_file).arg(m_g.output_size()));
    m_outputValue = m_g.output(0).name();
    const auto &dims = input->type().tensor_type().shape().dim();
    QVector<qint64> shape;
    for (int i = 1; i < dims.size(); ++i) {
        if (dims[i].dim_value() < 1)
            return R::failure(QStringLiteral("%1: input '%2' dimension %3 has no fixed size").arg(m_file, qs(input->name())).arg(i));
        shape << dims[i].dim_value();
    }
    GraphNode in{QStringLiteral("input"), QStringLiteral("Input"), {}, {}};
    if (shape.size() == 3)
        in.params = {{"channels", shape[0]}, {"height", shape[1]}, {"width", shape[2]}};
    else if (shape.size() == 1)
        in.params = {{"features", shape[0]}};
    else
        return R::failure(QStringLiteral("%1: input '%2' must be N×C×H×W or N×features").arg(m_file, qs(input->name())));
    m_graph.nodes.append(in);
    m_ids.insert(in.id);
    m_rank.insert(in.id, int(shape.size()));
    m_valueNode[input->name()] = in.id;
    for (const onnx::NodeProto &n : m_g.node())
        for (const std::string &v : n.input())
            ++m_uses[v];
    for (const onnx::NodeProto &n : m_g.node())
        if (auto st = convert(n); !st)
            return R::failure(st.error());
    auto out = m_valueNode.find(m_outputValue);
    if (out == m_valueNode.end())
        return R::failure(QStringLiteral("%1: output '%2' is not computed from the input").arg(m_file, qs(m_outputValue)));

    OnnxImport result;
    m_graph.name = qs(m_g.name()).isEmpty() ? QFileInfo(m_file).completeBaseName() : qs(m_g.name());
    result.graph = m_graph;
    result.notes = m_notes;
    auto module = Internal::GraphModuleImpl::build(m_graph);
    if (!module) {
        result.notes << QStringLiteral("weights not imported: %1").arg(module.error());
        return result;
    }
    try {
        torch::NoGradGuard noGrad;
        for (const Internal::GraphModuleImpl::Layer &layer : module.value()->layers()) {
            if (!layer.module)
                continue;
            const Tensors tensors = m_weights.value(layer.node->id);
            auto assign = [&](const std::string &key, torch::Tensor &target) -> Status {
                if (key == "num_batches_tracked")
                    return success();
                auto it = tensors.find(key);
                if (it == tensors.end())
                    return Status::failure(QStringLiteral("%1: node '%2' has no value for '%3'")
                                               .arg(m_file, layer.node->id, qs(key)));
                if (it->second.sizes() != target.sizes())
                    return Status::failure(QStringLiteral("%1: node '%2': '%3' has shape %4, the layer needs %5")
                                               .arg(m_file, layer.node->id, qs(key), qs(c10::str(it->second.sizes())),
                                                    qs(c10::str(target.sizes()))));
                target.copy_(it->second);
                return success();
            };
            for (auto &p : layer.module->named_parameters(true))
                if (auto st = assign(p.key(), p.value()); !st)
                    return R::failure(st.error());
            for (auto &b : layer.module->named_buffers(true))
                if (auto st = assign(b.key(), b.value()); !st)
                    return R::failure(st.error());
        }
        result.weights = module.value()->saveWeights();
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("%1: copying the weights failed: %2").arg(m_file, describeException(e)));
    }
    return result;
}

} // namespace

Result<OnnxImport> importOnnxModel(const QString &path)
{
    using R = Result<OnnxImport>;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return R::failure(QStringLiteral("cannot read '%1': %2").arg(path, f.errorString()));
    const QByteArray bytes = f.readAll();
    onnx::ModelProto model;
    if (bytes.isEmpty() || !model.ParseFromArray(bytes.constData(), bytes.size()) || !model.has_graph())
        return R::failure(QStringLiteral("'%1' is not an ONNX model (its protobuf does not parse)").arg(path));
    try {
        return Importer(model.graph(), QFileInfo(path).fileName()).run();
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("'%1': %2").arg(path, describeException(e)));
    }
}

} // namespace lepton
