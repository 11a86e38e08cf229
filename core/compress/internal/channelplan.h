#pragma once
// Structured channel pruning as a graph + weights rewrite. Every output channel (feature, for
// vectors) of every node is traced back to a channel group: the Conv2d/Linear outputs that create it,
// merged across residual Adds, and carried through BatchNorm, activations, pooling, Flatten, Concat
// and depthwise convolutions. A group keeps or drops each channel everywhere at once, so both sides
// of an Add, the BatchNorm after a conv and the next layer's inputs stay consistent.
#include "graph/internal/graphmodule.h"

#include <QHash>

#include <algorithm>

namespace lepton::Internal {

struct ChannelRef
{
    int group = -1;   // -1: a channel no pruning may remove (graph input, transposed conv output, ...)
    int channel = 0;
};

struct ChannelGroup
{
    QStringList producers;   // Conv2d / Linear nodes whose output channels these are
    int channels = 0;
    QString fixedReason;     // non-empty: the group cannot be pruned, and why
    QVector<double> score;   // importance per channel; the highest are kept
    QVector<bool> keep;      // after selectChannels()
    bool prunable() const { return fixedReason.isEmpty(); }
    int kept() const { return int(std::count(keep.begin(), keep.end(), true)); }
};

struct ChannelPlan
{
    QVector<ChannelGroup> groups;
    QHash<QString, QVector<ChannelRef>> outputs;   // per node id, one per output channel/feature

    bool isKept(const ChannelRef &r) const;
    // Indices of the node's output channels that stay.
    std::vector<int64_t> keptOutputs(const QString &nodeId) const;
};

// Groups and the reason any group is fixed. Fails only on a graph the module could not run.
Result<ChannelPlan> analyzeChannels(const GraphModuleImpl &module);

// Importance per channel: "l1" (L1 norm of each producer's filter, relative to the layer's mean) or
// "bn-scale" (|γ| of the BatchNorm right after each producer, relative to its mean; L1 where none).
Status rankChannels(ChannelPlan &plan, const GraphModuleImpl &module, const QString &ranking);

// Marks the `fraction` least important channels of every prunable group for removal (at least one
// channel per group stays).
void selectChannels(ChannelPlan &plan, double fraction);

// The same model with the removed channels zeroed in place (producer rows and BatchNorm scale/shift),
// so its outputs equal those of the shrunk model: the reference for testing shrinkModel().
void maskChannels(GraphModuleImpl &module, const ChannelPlan &plan);

// A new, smaller graph without the removed channels and a module holding the remaining weights.
Result<std::shared_ptr<GraphModuleImpl>> shrinkModel(const GraphModuleImpl &module, const ChannelPlan &plan,
                                                     const QString &name);

// A layer's own parameter or buffer by name ("weight", "running_var"); undefined when it has none.
torch::Tensor tensorOf(const std::shared_ptr<torch::nn::Module> &m, const char *name);

} // namespace lepton::Internal
