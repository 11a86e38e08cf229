#include "compress/internal/int8model.h"

#include "compress/internal/channelplan.h"

#include "graph/internal/torchlayers.h"
#include "graph/layerregistry.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/jit/frontend/resolver.h>

namespace lepton::Internal {
namespace {

// TorchScript compiled from C++ knows `torch` only; `quantized.conv2d(...)` names the quantized operators
// (saved modules write them as `ops.quantized.…`, which torch::jit::load resolves itself).
struct QuantizedOpsResolver : torch::jit::NativeResolver {
    std::shared_ptr<torch::jit::SugaredValue> resolveValue(const std::string &name, torch::jit::GraphFunction &m,
                                                           const torch::jit::SourceRange &loc) override
    {
        if (name == "quantized")
            return std::make_shared<torch::jit::BuiltinModule>("quantized");
        return NativeResolver::resolveValue(name, m, loc);
    }
};

c10::IValue callOperator(const char *name, std::vector<c10::IValue> args)
{
    const auto op = c10::Dispatcher::singleton().findSchemaOrThrow(name, "");
    torch::jit::Stack stack(std::move(args));
    op.callBoxed(&stack);
    return stack.at(0);
}

// A TorchScript float literal: always with a '.' or an exponent, so "1" does not parse as an int.
QString num(double v)
{
    QString text = QString::number(v, 'g', 17);
    if (!text.contains(QLatin1Char('.')) && !text.contains(QLatin1Char('e')))
        text += QLatin1String(".0");
    return text;
}

ActivationRange rangeOf(const torch::Tensor &values, const QString &observer)
{
    torch::Tensor flat = values.detach().flatten().to(torch::kFloat32);
    if (observer == QLatin1String("percentile") && flat.numel() > 100) {
        if (flat.numel() > 4000000)   // torch::quantile's limit is 16M; a strided sample keeps it fast
            flat = flat.slice(0, 0, flat.numel(), flat.numel() / 4000000 + 1);
        const torch::Tensor q = torch::quantile(flat, torch::tensor({0.0001f, 0.9999f}));
        return {q[0].item<float>(), q[1].item<float>()};
    }
    return {flat.min().item<float>(), flat.max().item<float>()};
}

} // namespace

std::pair<double, int64_t> activationQParams(float low, float high)
{
    low = std::min(low, 0.0f);
    high = std::max(high, 0.0f);
    double scale = (double(high) - double(low)) / 255.0;
    if (!(scale > 0))
        scale = 1.0;
    const int64_t zero = std::clamp<int64_t>(std::llround(-double(low) / scale), 0, 255);
    return {scale, zero};
}

Result<Int8Builder> Int8Builder::calibrate(const std::shared_ptr<GraphModuleImpl> &model,
                                           const torch::Tensor &calibration, const QString &observer)
{
    using R = Result<Int8Builder>;
    Int8Builder b;
    b.m_model = model;
    const ModelGraph &graph = model->graph();
    const GraphAnalysis &analysis = model->analysis();
    QHash<QString, QStringList> consumers;
    for (const GraphNode &n : graph.nodes)
        for (const QString &in : n.inputs)
            consumers[in].append(n.id);
    QHash<QString, std::shared_ptr<torch::nn::Module>> modules;
    for (const auto &layer : model->layers())
        modules.insert(layer.node->id, layer.module);
    // Trace every node's output with per-node copies of the layers (same weights, eval mode).
    QHash<QString, torch::Tensor> values;
    QHash<QString, TensorShape> shapes;
    for (const NodeAnalysis &na : analysis.nodes)
        shapes.insert(na.id, na.outputShape);
    try {
        torch::NoGradGuard noGrad;
        torch::Tensor x = calibration;
        if (model->hasInputNormalization()) {   // as GraphModuleImpl::forward() does first
            std::vector<int64_t> shape(size_t(x.dim()), 1);
            shape[1] = -1;
            x = (x - model->inputMean().view(shape)) / model->inputStd().view(shape);
        }
        values.insert(analysis.inputId, x);
        for (const NodeAnalysis &na : analysis.nodes) {
            if (na.id == analysis.inputId)
                continue;
            const GraphNode *node = graph.node(na.id);
            const LayerType *type = LayerRegistry::instance().find(node->type);
            if (!type || !type->torch)
                return R::failure(QStringLiteral("node '%1': layer type '%2' has no LibTorch implementation")
                                      .arg(node->id, node->type));
            QVector<TensorShape> inShapes;
            std::vector<torch::Tensor> args;
            for (const QString &in : node->inputs) {
                inShapes.append(shapes.value(in));
                args.push_back(values.value(in));
            }
            BuiltLayer built = type->torch->build(*node, inShapes);
            if (built.module) {
                const auto source = modules.value(node->id);
                for (auto &p : built.module->named_parameters(true))
                    p.value().copy_(source->named_parameters(true)[p.key()]);
                for (auto &buf : built.module->named_buffers(true))
                    buf.value().copy_(source->named_buffers(true)[buf.key()]);
                built.module->eval();
            }
            values.insert(node->id, built.forward(args));
        }
        for (auto it = values.begin(); it != values.end(); ++it)
            b.m_ranges.insert(it.key(), rangeOf(it.value(), observer));
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("calibration failed: %1").arg(describeException(e)));
    }
    for (const NodeAnalysis &na : analysis.nodes) {
        const GraphNode *node = graph.node(na.id);
        if (node->type != QLatin1String("Conv2d") && node->type != QLatin1String("Linear"))
            continue;
        b.m_quantizable.append(node->id);
        QString tail = node->id;
        const QStringList next = consumers.value(node->id);
        if (node->type == QLatin1String("Conv2d") && next.size() == 1
            && graph.node(next[0])->type == QLatin1String("BatchNorm2d")) {
            b.m_foldedInto.insert(next[0], node->id);
            tail = next[0];
        }
        const QStringList after = consumers.value(tail);
        if (after.size() == 1 && graph.node(after[0])->type == QLatin1String("ReLU"))
            b.m_fusedRelu.insert(node->id, after[0]);
    }
    return b;
}

Result<torch::jit::Module> Int8Builder::build(const QSet<QString> &layers, bool dynamicLinear) const
{
    using R = Result<torch::jit::Module>;
    const ModelGraph &graph = m_model->graph();
    const GraphAnalysis &analysis = m_model->analysis();
    QHash<QString, std::shared_ptr<torch::nn::Module>> modules;
    for (const auto &layer : m_model->layers())
        modules.insert(layer.node->id, layer.module);
    QHash<QString, QString> reluDoneBy;   // ReLU id -> quantized layer that applied it
    // Values held as quantized tensors: the output of an int8 layer, and what the ops below make of
    // one (they run on quint8 and keep its scale). Everything else gets .dequantize() first, so a run
    // of int8 layers joined by these ops never leaves int8.
    static const QSet<QString> passesQuantized{QStringLiteral("MaxPool2d"), QStringLiteral("Flatten"),
                                               QStringLiteral("Dropout"), QStringLiteral("ReLU")};
    QSet<QString> quantizedVars;
    auto asFloat = [&quantizedVars](const QString &var) {
        return quantizedVars.contains(var) ? var + QStringLiteral(".dequantize()") : var;
    };
    try {
        torch::NoGradGuard noGrad;
        torch::jit::Module script(c10::QualifiedName("__torch__.lepton.Int8Model"));
        QHash<QString, QString> varOf;
        varOf.insert(analysis.inputId, QStringLiteral("x"));
        QString body;
        if (m_model->hasInputNormalization()) {   // as GraphModuleImpl::toTorchScript() writes it
            script.register_buffer("input_mean", m_model->inputMean().clone());
            script.register_buffer("input_std", m_model->inputStd().clone());
            body += QStringLiteral("    if x.dim() == 4:\n"
                                   "        x = (x - self.input_mean.view(1, -1, 1, 1)) / self.input_std.view(1, -1, 1, 1)\n"
                                   "    else:\n"
                                   "        x = (x - self.input_mean.view(1, -1)) / self.input_std.view(1, -1)\n");
        }
        int counter = 0;
        for (const NodeAnalysis &na : analysis.nodes) {
            if (na.id == analysis.inputId)
                continue;
            const GraphNode &node = *graph.node(na.id);
            QStringList ins;
            for (const QString &in : node.inputs)
                ins << varOf.value(in);
            const QString attr = scriptAttributeName(node.id, "");
            const QString folded = m_foldedInto.value(node.id);
            if ((!folded.isEmpty() && layers.contains(folded)) || reluDoneBy.contains(node.id)) {
                varOf.insert(node.id, ins.value(0));   // already applied inside the int8 layer
                continue;
            }
            QString expr;
            bool quantizedOut = false;
            if (layers.contains(node.id)) {
                const bool conv = node.type == QLatin1String("Conv2d");
                torch::Tensor w = tensorOf(modules.value(node.id), "weight").detach().clone();
                torch::Tensor bias = tensorOf(modules.value(node.id), "bias");
                bias = bias.defined() ? bias.detach().clone() : torch::zeros({w.size(0)});
                QString outId = node.id;
                for (auto it = m_foldedInto.begin(); it != m_foldedInto.end(); ++it) {
                    if (it.value() != node.id)
                        continue;
                    // y = γ·(conv(x) + b − μ)/√(σ² + ε) + β, folded into the conv's weight and bias
                    const auto bn = modules.value(it.key());
                    const double eps = layerParam(*graph.node(it.key()), QStringLiteral("eps")).toDouble();
                    const torch::Tensor k = tensorOf(bn, "weight") / torch::sqrt(tensorOf(bn, "running_var") + eps);
                    w = w * k.view({-1, 1, 1, 1});
                    bias = tensorOf(bn, "bias") + (bias - tensorOf(bn, "running_mean")) * k;
                    outId = it.key();
                }
                const bool fuse = !(dynamicLinear && !conv) && m_fusedRelu.contains(node.id);
                if (fuse) {
                    outId = m_fusedRelu.value(node.id);
                    reluDoneBy.insert(outId, node.id);
                }
                const torch::Tensor scales =
                    (w.abs().flatten(1).amax(1) / 127.0).clamp_min(1e-12).to(torch::kFloat64);
                const torch::Tensor qw = torch::quantize_per_channel(w.contiguous(), scales,
                                                                     torch::zeros({w.size(0)}, torch::kInt64), 0,
                                                                     torch::kQInt8);
                c10::IValue packed;
                if (conv) {
                    const int64_t s = layerParam(node, QStringLiteral("stride")).toInt();
                    const int64_t p = layerParam(node, QStringLiteral("padding")).toInt();
                    packed = callOperator("quantized::conv2d_prepack",
                                          {qw, bias, c10::List<int64_t>({s, s}), c10::List<int64_t>({p, p}),
                                           c10::List<int64_t>({1, 1}), int64_t(1)});
                } else {
                    packed = callOperator("quantized::linear_prepack", {qw, bias});
                }
                const std::string name = (attr + QStringLiteral("packed")).toStdString();
                script.register_attribute(name, packed.type(), packed);
                const QString self = QStringLiteral("self.") + QString::fromStdString(name);
                if (!conv && dynamicLinear) {
                    expr = QStringLiteral("quantized.linear_dynamic(%1, %2, False)").arg(asFloat(ins[0]), self);
                } else {
                    const ActivationRange in = m_ranges.value(node.inputs.value(0));
                    const ActivationRange out = m_ranges.value(outId);
                    const auto [si, zi] = activationQParams(in.low, in.high);
                    const auto [so, zo] = activationQParams(out.low, out.high);
                    const QString op = QLatin1String(conv ? "conv2d" : "linear") + QLatin1String(fuse ? "_relu" : "");
                    // an input already in int8 keeps its own scale; an fp32 one is quantized with its range
                    const QString input = quantizedVars.contains(ins[0])
                                              ? ins[0]
                                              : QStringLiteral("torch.quantize_per_tensor(%1, %2, %3, %4)")
                                                    .arg(ins[0], num(si))
                                                    .arg(zi)
                                                    .arg(int(c10::ScalarType::QUInt8));   // a dtype is an int in TorchScript
                    expr = QStringLiteral("quantized.%1(%2, %3, %4, %5)").arg(op, input, self, num(so)).arg(zo);
                    quantizedOut = true;
                }
            } else {
                if (const auto m = modules.value(node.id)) {
                    for (const auto &p : m->named_parameters(true))
                        script.register_parameter(scriptAttributeName(node.id, p.key()).toStdString(),
                                                  p.value().detach().clone(), false);
                    for (const auto &buf : m->named_buffers(true))
                        script.register_buffer(scriptAttributeName(node.id, buf.key()).toStdString(),
                                               buf.value().detach().clone());
                }
                QStringList args = ins;
                quantizedOut = passesQuantized.contains(node.type) && !ins.isEmpty() && quantizedVars.contains(ins[0]);
                if (!quantizedOut)
                    for (QString &a : args)
                        a = asFloat(a);
                expr = LayerRegistry::instance().find(node.type)->torch->script(node, args, attr);
            }
            const QString var = QStringLiteral("v%1").arg(++counter);
            body += QStringLiteral("    %1 = %2\n").arg(var, expr);
            varOf.insert(node.id, var);
            if (quantizedOut)
                quantizedVars.insert(var);
        }
        QString result = asFloat(varOf.value(analysis.outputId));
        if (m_model->hasOutputScaling()) {
            script.register_buffer("output_mean", torch::tensor(float(m_model->outputMean())));
            script.register_buffer("output_std", torch::tensor(float(m_model->outputStd())));
            result = QStringLiteral("%1 * self.output_std + self.output_mean").arg(result);
        }
        script.define(QStringLiteral("def forward(self, x):\n%1    return %2\n").arg(body, result).toStdString(),
                      std::make_shared<QuantizedOpsResolver>());
        script.eval();
        return script;
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("building the int8 model failed: %1").arg(describeException(e)));
    }
}

qint64 Int8Builder::weightBytes(const QSet<QString> &layers) const
{
    qint64 bytes = 0;
    for (const auto &layer : m_model->layers()) {
        if (!layer.module)
            continue;
        const QString id = layer.node->id;
        if (layers.contains(m_foldedInto.value(id)))
            continue;   // folded into the int8 conv's bias
        if (layers.contains(id)) {
            const torch::Tensor w = tensorOf(layer.module, "weight");
            bytes += w.numel() + 8 * w.size(0);   // int8 kernel + fp32 scale and bias per channel
            continue;
        }
        for (const auto &p : layer.module->parameters())
            bytes += 4 * p.numel();
        for (const auto &b : layer.module->buffers())
            bytes += b.dim() > 0 ? 4 * b.numel() : 0;
    }
    return bytes;
}

} // namespace lepton::Internal
