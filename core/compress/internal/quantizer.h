#pragma once
// int8 post-training quantization of a model version: calibration, per-layer sensitivity, mixed
// precision within a maximum accuracy drop, storage as an int8 model version, measurement.
#include "compress/compressor.h"
#include "compress/internal/int8model.h"
#include "compress/internal/quantizedversions.h"

namespace lepton::Internal {

struct LayerSensitivity
{
    QString layer;
    double accuracy = 0;   // with only this layer in int8
    double drop = 0;       // fp32 accuracy − accuracy
};

struct MixedPrecision
{
    double fp32Accuracy = 0;
    double int8Accuracy = 0;                 // with `int8` quantized
    QVector<LayerSensitivity> sensitivity;   // most sensitive first
    QSet<QString> int8;                      // layers kept in int8
    QStringList keptFp32;                    // layers put back to fp32, in the order they were
};

// Accuracy of a forward function on (x, y), in chunks.
double accuracyOf(const std::function<torch::Tensor(const torch::Tensor &)> &forward, const torch::Tensor &x,
                  const torch::Tensor &y);

// Quantizes one layer at a time to rank the layers, then everything and puts the most sensitive back
// to fp32 until the drop on (x, y) is within maxDrop.
Result<MixedPrecision> chooseInt8Layers(const Int8Builder &builder, const torch::Tensor &x, const torch::Tensor &y,
                                        double fp32Accuracy, double maxDrop, bool dynamicLinear,
                                        const CancelToken &cancel);

Status quantizeModel(const QString &projectPath, const LoadedModel &source, const CompressionSettings &s,
                     const CompressionObserver &observer, const CancelToken &cancel, CompressionOutcome &outcome);

Result<ModelMeasurement> measureQuantizedVersion(const QString &projectPath, const QuantizedVersion &q,
                                                 const ProgressFn &progress, const CancelToken &cancel,
                                                 bool withAccuracy = true);

} // namespace lepton::Internal
