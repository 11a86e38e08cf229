#include "compress/internal/channelplan.h"

#include "graph/layerregistry.h"

#include <QSet>

#include <algorithm>
#include <numeric>

namespace lepton::Internal {
namespace {

const QSet<QString> kProducers{QStringLiteral("Conv2d"), QStringLiteral("Linear")};
// Layers that pass channel c on as channel c and map a zero channel to zero (BatchNorm does once its
// scale and shift are zeroed, which maskChannels() does).
const QSet<QString> kZeroPreserving{QStringLiteral("BatchNorm2d"), QStringLiteral("BatchNorm1d"),
                                    QStringLiteral("ReLU"),        QStringLiteral("LeakyReLU"),
                                    QStringLiteral("GELU"),        QStringLiteral("SiLU"),
                                    QStringLiteral("Tanh"),        QStringLiteral("Dropout"),
                                    QStringLiteral("MaxPool2d"),   QStringLiteral("AvgPool2d"),
                                    QStringLiteral("GlobalAvgPool")};

// Union-find over group ids while tracing; resolved to compact ids at the end.
class GroupSets
{
public:
    int add(const QString &producer, int channels)
    {
        m_parent.append(m_parent.size());
        m_groups.append(ChannelGroup{{producer}, channels, {}, {}, {}});
        return m_parent.size() - 1;
    }
    int find(int g)
    {
        while (m_parent[g] != g)
            g = m_parent[g] = m_parent[m_parent[g]];
        return g;
    }
    void unite(int a, int b)
    {
        a = find(a);
        b = find(b);
        if (a == b)
            return;
        m_parent[b] = a;
        m_groups[a].producers += m_groups[b].producers;
        if (m_groups[a].fixedReason.isEmpty())
            m_groups[a].fixedReason = m_groups[b].fixedReason;
    }
    void fix(int g, const QString &reason)
    {
        if (g < 0)
            return;
        ChannelGroup &grp = m_groups[find(g)];
        if (grp.fixedReason.isEmpty())
            grp.fixedReason = reason;
    }
    ChannelGroup &group(int g) { return m_groups[find(g)]; }
    int size() const { return m_parent.size(); }

private:
    QVector<int> m_parent;
    QVector<ChannelGroup> m_groups;
};

void fixAll(GroupSets &sets, const QVector<ChannelRef> &refs, const QString &reason)
{
    for (const ChannelRef &r : refs)
        sets.fix(r.group, reason);
}

// Per-output-channel L1 norm, divided by its mean so layers of different sizes weigh alike.
QVector<double> relativeNorms(const torch::Tensor &t)
{
    torch::NoGradGuard noGrad;
    torch::Tensor n = t.dim() > 1 ? t.abs().flatten(1).sum(1) : t.abs();
    const double mean = n.mean().item<double>();
    n = n.to(torch::kFloat64).contiguous();
    QVector<double> out(int(n.size(0)));
    for (int i = 0; i < out.size(); ++i)
        out[i] = mean > 0 ? n[i].item<double>() / mean : 0.0;
    return out;
}

} // namespace

bool ChannelPlan::isKept(const ChannelRef &r) const
{
    if (r.group < 0)
        return true;
    const ChannelGroup &g = groups[r.group];
    return !g.prunable() || g.keep.isEmpty() || g.keep[r.channel];
}

std::vector<int64_t> ChannelPlan::keptOutputs(const QString &nodeId) const
{
    std::vector<int64_t> kept;
    const QVector<ChannelRef> refs = outputs.value(nodeId);
    for (int i = 0; i < refs.size(); ++i)
        if (isKept(refs[i]))
            kept.push_back(i);
    return kept;
}

Result<ChannelPlan> analyzeChannels(const GraphModuleImpl &module)
{
    const ModelGraph &graph = module.graph();
    const GraphAnalysis &analysis = module.analysis();
    GroupSets sets;
    QHash<QString, QVector<ChannelRef>> refs;
    QHash<QString, TensorShape> shapes;
    for (const NodeAnalysis &na : analysis.nodes) {
        const GraphNode *node = graph.node(na.id);
        if (!node)
            return Result<ChannelPlan>::failure(QStringLiteral("node '%1' is missing from the graph").arg(na.id));
        shapes.insert(na.id, na.outputShape);
        const int outChannels = int(na.outputShape.dims.value(0));
        QVector<QVector<ChannelRef>> in;
        for (const QString &i : node->inputs)
            in.append(refs.value(i));
        QVector<ChannelRef> out(outChannels);   // default: fixed channels
        const QString &type = node->type;
        if (type == QLatin1String("Input")) {
            // the graph input's channels stay
        } else if (kProducers.contains(type)) {
            const int g = sets.add(node->id, outChannels);
            for (int c = 0; c < outChannels; ++c)
                out[c] = ChannelRef{g, c};
        } else if (type == QLatin1String("DepthwiseConv2d")) {
            const int m = std::max(1, layerParam(*node, QStringLiteral("channel_multiplier")).toInt());
            for (int c = 0; c < outChannels; ++c)
                out[c] = in[0].value(c / m);
        } else if (kZeroPreserving.contains(type)) {
            out = in[0];
        } else if (type == QLatin1String("Flatten")) {
            const TensorShape s = shapes.value(node->inputs.value(0));
            const qint64 perChannel = s.dims.size() > 1 ? s.elements() / s.dims[0] : 1;
            for (int f = 0; f < outChannels; ++f)
                out[f] = in[0].value(int(f / perChannel));
        } else if (type == QLatin1String("Add")) {
            out = in[0];
            for (int k = 1; k < in.size(); ++k) {
                for (int c = 0; c < outChannels; ++c) {
                    const ChannelRef a = in[0].value(c), b = in[k].value(c);
                    if (a.group >= 0 && b.group >= 0 && a.channel == b.channel) {
                        sets.unite(a.group, b.group);
                    } else if (a.group >= 0 || b.group >= 0) {
                        const QString why = QStringLiteral("'%1' adds it to channels that cannot be removed").arg(node->id);
                        sets.fix(a.group, why);
                        sets.fix(b.group, why);
                    }
                }
            }
        } else if (type == QLatin1String("Concat")) {
            out.clear();
            for (const auto &r : in)
                out += r;
        } else {
            // LayerNorm mixes all features, Sigmoid(0) ≠ 0, a transposed conv's outputs are not traced:
            // keep every channel feeding such a layer.
            for (const auto &r : in)
                fixAll(sets, r, QStringLiteral("it feeds '%1' (%2)").arg(node->id, type));
            if (type == QLatin1String("Sigmoid"))
                out = in[0];
        }
        if (out.size() != outChannels)
            return Result<ChannelPlan>::failure(QStringLiteral("node '%1': traced %2 channels, the graph says %3")
                                                    .arg(node->id)
                                                    .arg(out.size())
                                                    .arg(outChannels));
        refs.insert(node->id, out);
    }
    fixAll(sets, refs.value(analysis.outputId), QStringLiteral("they are the model's outputs"));

    ChannelPlan plan;
    QHash<int, int> compact;
    for (int g = 0; g < sets.size(); ++g) {
        const int root = sets.find(g);
        if (!compact.contains(root)) {
            compact.insert(root, plan.groups.size());
            plan.groups.append(sets.group(root));
        }
    }
    for (auto it = refs.begin(); it != refs.end(); ++it) {
        QVector<ChannelRef> v = it.value();
        for (ChannelRef &r : v)
            if (r.group >= 0)
                r.group = compact.value(sets.find(r.group));
        plan.outputs.insert(it.key(), v);
    }
    return plan;
}

Status rankChannels(ChannelPlan &plan, const GraphModuleImpl &module, const QString &ranking)
{
    if (ranking != QLatin1String("l1") && ranking != QLatin1String("bn-scale"))
        return Status::failure(QStringLiteral("channel ranking must be l1 or bn-scale, got '%1'").arg(ranking));
    QHash<QString, std::shared_ptr<torch::nn::Module>> modules;
    QHash<QString, QString> batchNormAfter;   // producer id -> the BatchNorm consuming it directly
    for (const auto &layer : module.layers()) {
        modules.insert(layer.node->id, layer.module);
        if (layer.node->type.startsWith(QLatin1String("BatchNorm")) && !layer.node->inputs.isEmpty())
            batchNormAfter.insert(layer.node->inputs.first(), layer.node->id);
    }
    for (ChannelGroup &g : plan.groups) {
        g.score = QVector<double>(g.channels, 0.0);
        for (const QString &producer : g.producers) {
            torch::Tensor t = tensorOf(modules.value(producer), "weight");
            if (ranking == QLatin1String("bn-scale") && batchNormAfter.contains(producer))
                t = tensorOf(modules.value(batchNormAfter.value(producer)), "weight");
            if (!t.defined() || t.size(0) != g.channels)
                return Status::failure(QStringLiteral("node '%1' has no weight with %2 output channels")
                                           .arg(producer)
                                           .arg(g.channels));
            const QVector<double> n = relativeNorms(t);
            for (int c = 0; c < g.channels; ++c)
                g.score[c] += n[c];
        }
    }
    return success();
}

void selectChannels(ChannelPlan &plan, double fraction)
{
    for (ChannelGroup &g : plan.groups) {
        g.keep = QVector<bool>(g.channels, true);
        if (!g.prunable() || g.score.size() != g.channels)
            continue;
        const int keep = std::clamp(int(std::lround((1.0 - fraction) * g.channels)), 1, g.channels);
        QVector<int> order(g.channels);
        std::iota(order.begin(), order.end(), 0);
        // least important first; ties drop the later channel
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return g.score[a] < g.score[b]; });
        for (int i = 0; i < g.channels - keep; ++i)
            g.keep[order[i]] = false;
    }
}

void maskChannels(GraphModuleImpl &module, const ChannelPlan &plan)
{
    torch::NoGradGuard noGrad;
    for (const auto &layer : module.layers()) {
        if (!layer.module || layer.node->type == QLatin1String("ConvTranspose2d"))
            continue;
        const QVector<ChannelRef> refs = plan.outputs.value(layer.node->id);
        for (int c = 0; c < refs.size(); ++c) {
            if (plan.isKept(refs[c]))
                continue;
            for (const char *name : {"weight", "bias"})
                if (torch::Tensor t = tensorOf(layer.module, name); t.defined() && t.dim() >= 1 && t.size(0) == refs.size())
                    t[c].zero_();
        }
    }
}

Result<std::shared_ptr<GraphModuleImpl>> shrinkModel(const GraphModuleImpl &module, const ChannelPlan &plan,
                                                     const QString &name)
{
    using R = Result<std::shared_ptr<GraphModuleImpl>>;
    ModelGraph graph = module.graph();
    graph.name = name;
    for (GraphNode &node : graph.nodes) {
        const qint64 kept = qint64(plan.keptOutputs(node.id).size());
        if (node.type == QLatin1String("Conv2d"))
            node.params.insert(QStringLiteral("out_channels"), kept);
        else if (node.type == QLatin1String("Linear"))
            node.params.insert(QStringLiteral("out_features"), kept);
    }
    auto built = GraphModuleImpl::build(graph);
    if (!built)
        return R::failure(QStringLiteral("the pruned graph does not build: %1").arg(built.error()));
    // The layers' weights shrink; the input normalization and output scaling stay as they were.
    auto toVector = [](const torch::Tensor &t) {
        const torch::Tensor d = t.to(torch::kFloat64).contiguous();
        return QVector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
    };
    if (module.hasInputNormalization())
        if (auto st = built.value()->setInputNormalization(toVector(module.inputMean()), toVector(module.inputStd())); !st)
            return R::failure(st.error());
    if (module.hasOutputScaling())
        if (auto st = built.value()->setOutputScaling(module.outputMean(), module.outputStd()); !st)
            return R::failure(st.error());
    QHash<QString, std::shared_ptr<torch::nn::Module>> target;
    for (const auto &layer : built.value()->layers())
        target.insert(layer.node->id, layer.module);
    try {
        torch::NoGradGuard noGrad;
        for (const auto &layer : module.layers()) {
            if (!layer.module)
                continue;
            const GraphNode &node = *layer.node;
            const auto outKeep = torch::tensor(plan.keptOutputs(node.id), torch::kInt64);
            const auto inKeep = torch::tensor(plan.keptOutputs(node.inputs.value(0)), torch::kInt64);
            const bool transposed = node.type == QLatin1String("ConvTranspose2d");
            const bool dense = kProducers.contains(node.type);
            std::shared_ptr<torch::nn::Module> to = target.value(node.id);
            auto copyAll = [&](const torch::OrderedDict<std::string, torch::Tensor> &from,
                               torch::OrderedDict<std::string, torch::Tensor> into) -> Status {
                for (const auto &item : from) {
                    torch::Tensor t = item.value();
                    if (t.dim() >= 1 && !transposed)
                        t = t.index_select(0, outKeep);
                    if (transposed && t.dim() >= 2)
                        t = t.index_select(0, inKeep);
                    if (dense && t.dim() >= 2)
                        t = t.index_select(1, inKeep);
                    torch::Tensor *dst = into.find(item.key());
                    if (!dst || !dst->sizes().equals(t.sizes()))
                        return Status::failure(QStringLiteral("node '%1': pruned %2 does not fit the new layer")
                                                   .arg(node.id, QString::fromStdString(item.key())));
                    dst->copy_(t);
                }
                return success();
            };
            if (!to)
                return R::failure(QStringLiteral("node '%1' lost its weights when pruned").arg(node.id));
            if (auto st = copyAll(layer.module->named_parameters(false), to->named_parameters(false)); !st)
                return R::failure(st.error());
            if (auto st = copyAll(layer.module->named_buffers(false), to->named_buffers(false)); !st)
                return R::failure(st.error());
        }
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("pruning the weights failed: %1").arg(describeException(e)));
    }
    built.value()->eval();
    return built;
}

torch::Tensor tensorOf(const std::shared_ptr<torch::nn::Module> &m, const char *name)
{
    if (!m)
        return {};
    if (auto *p = m->named_parameters(false).find(name))
        return *p;
    if (auto *b = m->named_buffers(false).find(name))
        return *b;
    return {};
}

} // namespace lepton::Internal
