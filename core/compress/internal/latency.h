#pragma once
// Inference speed of a model on this machine, measured the same way for every precision.
#include "graph/modelgraph.h"

#include <torch/torch.h>

#include <functional>

namespace lepton::Internal {

struct LatencyStats
{
    double msPerSample = 0;   // median over repeated single-sample calls
    double throughput = 0;    // samples per second at batch 64 (median batch time)
};

LatencyStats measureLatency(const std::function<torch::Tensor(const torch::Tensor &)> &forward,
                            const TensorShape &input);

} // namespace lepton::Internal
