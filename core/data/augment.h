#pragma once
// Augmentation pipeline: an ordered list of OpenCV operations, each with its parameters and a
// probability, applied per sample with a seeded generator (same seed -> same output). Training
// (core/train) and the Data dock's preview call the same augmentSample(), so what the preview
// shows is what the model sees. A "normalize" step, if present, is the last one; it is not applied
// to the stored values but becomes the trained model's input normalization (its first operation,
// in training, evaluation and every export), so it reaches validation, test and deployment too.
#include "common/progress.h"
#include "common/result.h"
#include "project/records.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QStringList>
#include <QVector>

namespace lepton {

class ProjectStore;

// One numeric parameter of an operation: its range and default, for validation and editors.
struct AugmentParameter
{
    QString name;        // JSON key, e.g. "max_degrees"
    QString label;       // for editors
    double minimum = 0;
    double maximum = 1;
    double defaultValue = 0;
    int decimals = 2;    // 0: an integer parameter
};

// What an operation is and which parameters it takes (the one description editors, JSON and
// validation read).
struct AugmentOpType
{
    QString id;          // "hflip", "rotate", ...
    QString label;       // "Horizontal flip"
    QString description;
    bool imageOnly = true;          // not offered for tabular datasets
    QVector<AugmentParameter> parameters;
};

const QVector<AugmentOpType> &augmentOpTypes();
const AugmentOpType *findAugmentOpType(const QString &id);

struct AugmentOp
{
    QString type;
    double probability = 1.0;
    QMap<QString, double> params;   // every parameter of the type, filled with defaults
    QVector<double> mean, std;      // normalize only: per channel / feature

    double param(const QString &name) const { return params.value(name); }
};

// Makes an op of `type` with default parameters (probability 1, or 0.5 for flips).
AugmentOp makeAugmentOp(const QString &type);

struct AugmentationPipeline
{
    QVector<AugmentOp> ops;

    bool isEmpty() const { return ops.isEmpty(); }
    // True when some op is random (anything but normalize); training then augments per batch.
    bool hasRandomOps() const;
    const AugmentOp *normalization() const;   // the trailing normalize op, or nullptr

    QJsonObject toJson() const;
    QByteArray toJsonBytes() const;
    // Parses and validates; errors name the op (1-based position and type) and the parameter.
    static Result<AugmentationPipeline> fromJson(const QJsonObject &json);
    static Result<AugmentationPipeline> fromJsonBytes(const QByteArray &bytes);
    // Checks against a dataset: normalize has one mean/std per channel (feature), image ops are
    // not used on tabular data. Empty when fine.
    QString validateFor(const DatasetInfo &dataset) const;
};

// Seed of sample `index` in epoch `epochSeed` (splitmix64 mix, platform independent).
quint64 augmentSampleSeed(quint64 epochSeed, qint64 index);

// Applies the random ops (not normalize) in place to one sample: float32 C*H*W planes with
// values in [0, 1] (3 channels are BGR). Deterministic in `seed`.
void augmentSample(const AugmentationPipeline &pipeline, float *chw, int channels, int height, int width,
                   quint64 seed);
// (x - mean[c]) / std[c] for every value of plane c; a no-op without a normalize op. (Models apply
// it themselves; this is for tools that need normalized values outside a model.)
void normalizeSample(const AugmentationPipeline &pipeline, float *chw, int channels, qint64 planeSize);

// `count` augmented versions of one stored sample (uint8 C*H*W), through augmentSample with
// seeds augmentSampleSeed(seed, 0..count-1); returned as uint8 C*H*W (normalization not applied,
// so they can be shown).
Result<QVector<QByteArray>> augmentPreview(const AugmentationPipeline &pipeline, const QByteArray &pixels,
                                           int channels, int height, int width, int count, quint64 seed);

// Writes images (uint8 C*H*W each; the first the original) side by side as one PNG, each
// enlarged `scale` times (nearest neighbour), with a 2-pixel gap.
Status writePreviewGrid(const QString &path, const QVector<QByteArray> &images, int channels, int height, int width,
                        int scale = 4);

// Per-channel mean and standard deviation (population) of the training split, in [0, 1] units
// for images (pixels / 255) and raw units for tabular features.
struct ChannelStatistics
{
    QVector<double> mean, std;
    qint64 samples = 0;
};
Result<ChannelStatistics> trainingSplitStatistics(const ProjectStore &store, qint64 datasetId,
                                                  const ProgressFn &progress = {},
                                                  const CancelToken &cancel = {});

// The stored pipeline of a dataset (empty pipeline when none is stored).
Result<AugmentationPipeline> datasetAugmentation(const ProjectStore &store, qint64 datasetId);
// Validates against the dataset and stores (an empty pipeline removes it).
Status setDatasetAugmentation(ProjectStore &store, qint64 datasetId, const AugmentationPipeline &pipeline);

} // namespace lepton
