#include "compress/internal/magnitude.h"

#include <cmath>

namespace lepton::Internal {
namespace {

std::vector<torch::Tensor> kernels(const GraphModuleImpl &module)
{
    std::vector<torch::Tensor> out;
    for (const auto &layer : module.layers())
        if (layer.module)
            if (auto *w = layer.module->named_parameters(false).find("weight"); w && w->dim() > 1)
                out.push_back(*w);
    return out;
}

// Zeroes the k smallest magnitudes of `w` given the flat magnitudes of the population it ranks in.
void zeroBelow(torch::Tensor &w, const torch::Tensor &population, double sparsity)
{
    const int64_t k = int64_t(std::floor(sparsity * double(population.numel())));
    if (k <= 0)
        return;
    const double threshold = std::get<0>(population.kthvalue(k)).item<double>();
    w.mul_(w.abs().gt(threshold).to(w.dtype()));
}

} // namespace

SparsityCount pruneMagnitude(GraphModuleImpl &module, double sparsity, bool global)
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> ws = kernels(module);
    if (global && !ws.empty()) {
        std::vector<torch::Tensor> flat;
        for (const auto &w : ws)
            flat.push_back(w.abs().flatten());
        const torch::Tensor all = torch::cat(flat);
        for (auto &w : ws)
            zeroBelow(w, all, sparsity);
    } else {
        for (auto &w : ws)
            zeroBelow(w, w.abs().flatten(), sparsity);
    }
    return countSparsity(module);
}

SparsityCount countSparsity(const GraphModuleImpl &module)
{
    SparsityCount c;
    for (const auto &w : kernels(module)) {
        c.weights += w.numel();
        c.zeros += w.eq(0).sum().item<int64_t>();
    }
    return c;
}

} // namespace lepton::Internal
