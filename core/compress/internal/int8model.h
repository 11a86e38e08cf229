#pragma once
// Post-training int8 quantization of a graph model, written as a TorchScript module that calls
// LibTorch's quantized CPU kernels (quantized::conv2d / conv2d_relu / linear / linear_dynamic with
// prepacked per-channel symmetric int8 weights; per-tensor uint8 activations). C++ LibTorch has no
// prepare/convert, so the rewrite is ours: BatchNorm after a conv is folded into it, a ReLU after it
// is fused, every other layer runs in fp32 from the registry's TorchScript. The same module is what
// the app measures and what an export writes, so the numbers are those of the file.
#include "graph/internal/graphmodule.h"

#include <QHash>
#include <QSet>

namespace lepton::Internal {

struct ActivationRange
{
    float low = 0, high = 0;
};

// Activation range per tensor: "minmax" (over all calibration samples) or "percentile" (the 0.01 and
// 99.99 percentiles, robust to a few outliers).
class Int8Builder
{
public:
    // Runs `calibration` (N × input) through the fp32 model and records the ranges it needs.
    static Result<Int8Builder> calibrate(const std::shared_ptr<GraphModuleImpl> &model, const torch::Tensor &calibration,
                                         const QString &observer);

    // Conv2d and Linear nodes that can run in int8, in execution order.
    QStringList quantizableLayers() const { return m_quantizable; }

    // The model with `layers` in int8 (static: calibrated activations; dynamicLinear: Linear layers
    // quantize their inputs per batch instead). Other layers stay fp32.
    Result<torch::jit::Module> build(const QSet<QString> &layers, bool dynamicLinear) const;

    // Bytes of the weights as stored for that choice: int8 kernels + fp32 scales and biases for the
    // quantized layers, fp32 for everything else.
    qint64 weightBytes(const QSet<QString> &layers) const;

private:
    std::shared_ptr<GraphModuleImpl> m_model;
    QHash<QString, ActivationRange> m_ranges;     // output range per node id (input: "input")
    QHash<QString, QString> m_foldedInto;         // BatchNorm id -> conv id folded into
    QHash<QString, QString> m_fusedRelu;          // conv/linear id (or its BN) -> ReLU id applied in int8
    QStringList m_quantizable;
};

// Quantizes a float tensor to uint8 with (scale, zero point) covering [low, high] and 0.
std::pair<double, int64_t> activationQParams(float low, float high);

} // namespace lepton::Internal
