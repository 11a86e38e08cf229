#pragma once
// Compression of a trained model version: pruning (structured channels or unstructured magnitude),
// int8 quantization and knowledge distillation. Each result is a new model version whose parent is
// the source, measured like the source (parameters, stored size, latency on this machine, test
// accuracy and macro F1) so the trade is visible. Runs on the calling thread (call it from a worker).
#include "common/progress.h"
#include "common/result.h"
#include "train/trainer.h"

#include <QJsonObject>

namespace lepton {

enum class CompressionMethod { Prune, Quantize, Distill };

struct CompressionSettings
{
    CompressionMethod method = CompressionMethod::Prune;
    // pruning
    double sparsity = 0.5;           // fraction of channels (structured) or kernel weights removed
    bool structured = true;          // remove channels (smaller, faster graph) vs zero weights (sparsity only)
    QString ranking = "l1";          // structured: l1 | bn-scale
    bool globalThreshold = true;     // unstructured: one magnitude threshold over all layers
    int iterations = 1;              // unstructured: reach the sparsity in this many prune + fine-tune steps
    int finetuneEpochs = 0;          // pruning: epochs of training from the pruned weights after each step
    // quantization
    int calibrationSamples = 256;    // training samples the activation ranges are calibrated on
    QString observer = "minmax";     // minmax | percentile
    double maxDrop = 0.01;           // keep the most sensitive layers in fp32 until the drop is within this
    QString engine;                  // quantized engine (onednn | qnnpack); empty: the fastest available
    // distillation
    QString student;                 // template name or graph JSON file
    double temperature = 4.0;
    double alpha = 0.5;
    int epochs = 5;                  // distillation training epochs
    // pruning or distillation, then int8 quantization of that result (with the settings above;
    // maxDrop counts from the pruned or distilled model)
    bool thenInt8 = false;
    TrainConfig training;            // optimizer etc. for fine-tuning and distillation (epochs set from above)

    QString validate() const;        // empty when valid
    QString describe() const;        // "structured pruning of 50% of channels (L1), 2 fine-tuning epochs"
};

struct ModelMeasurement
{
    qint64 modelVersionId = 0;
    QString name;
    QString precision = "fp32";
    qint64 parameters = 0;
    qint64 nonzeroParameters = 0;
    qint64 weightBytes = 0;      // the weights: 4 bytes per fp32 value, 1 per int8 weight (+ its scales)
    qint64 storedBytes = 0;      // the stored model version (torch archive, or TorchScript for int8)
    double latencyMs = 0;        // per sample at batch 1, median, on this machine
    double throughput = 0;       // samples/s at batch 64
    double accuracy = 0;         // on the test split
    double macroF1 = 0;
    qint64 evaluationId = 0;     // the stored test evaluation (0 when not stored)
    QJsonObject toJson() const;
};

struct CompressionObserver
{
    ProgressFn progress;         // stages: measuring, pruning, calibrating, sensitivity, fine-tuning, ...
    TrainObserver training;      // fine-tuning / distillation epochs
};

struct CompressionOutcome
{
    ModelMeasurement before, after;
    ModelMeasurement intermediate;       // with thenInt8: the pruned or distilled fp32 version (id 0: none)
    qint64 modelVersionId = 0;           // the result
    QVector<qint64> createdVersions;     // every version made on the way, in order
    QVector<EpochMetrics> trainingEpochs;
    QStringList notes;                   // plain statements about the result ("int8 is slower here: ...")
    QJsonObject details;                 // method specific: channels per layer, quantized layers, ...
    bool cancelled = false;
    // The compression job (ProjectStore::beginJob) the versions belong to: none of them is visible
    // in the project before the job publishes them, measured and evaluated, at its end.
    qint64 jobId = 0;
    QJsonObject toJson() const;
};

// Adam's learning rate for a method's training: 1e-3 to fine-tune trained weights, 1e-2 for a
// distillation student that starts from scratch (measured on the digit CNN → LeNet, 10 epochs:
// 91.6% at 1e-3, 96.8% at 3e-3, 98.2% at 1e-2 for a 98.2% teacher).
double defaultCompressionLearningRate(CompressionMethod method);

// What a result that is not faster than its source must say: one statement for batch-1 latency and one
// for batch-64 throughput (QNNPACK int8 measured here: faster at batch 1, 0.8x the throughput at 64).
QStringList slowerNotes(const ModelMeasurement &before, const ModelMeasurement &after);

Result<CompressionOutcome> compressModel(const QString &projectPath, qint64 modelVersionId,
                                         const CompressionSettings &settings,
                                         const CompressionObserver &observer = {}, const CancelToken &cancel = {});

// Parameters, stored size, latency and test accuracy / macro F1 of a model version (stores the
// evaluation). With withAccuracy false, only size and speed (accuracy and macroF1 stay 0).
Result<ModelMeasurement> measureModelVersion(const QString &projectPath, qint64 modelVersionId,
                                             const ProgressFn &progress = {}, const CancelToken &cancel = {},
                                             bool withAccuracy = true);

} // namespace lepton
