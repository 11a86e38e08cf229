#pragma once
// Unstructured magnitude pruning: zeroes the smallest weights of conv and linear layers. The tensors
// keep their shapes, so this buys sparsity (and compressibility), not speed on a dense CPU kernel.
#include "graph/internal/graphmodule.h"

namespace lepton::Internal {

struct SparsityCount
{
    qint64 weights = 0;   // prunable weights (conv and linear kernels)
    qint64 zeros = 0;
    double sparsity() const { return weights > 0 ? double(zeros) / double(weights) : 0.0; }
};

// Zeroes the `sparsity` fraction of smallest |w| over all kernels at once (global) or in every layer
// separately. Already-zero weights count towards the target.
SparsityCount pruneMagnitude(GraphModuleImpl &module, double sparsity, bool global);

SparsityCount countSparsity(const GraphModuleImpl &module);

} // namespace lepton::Internal
