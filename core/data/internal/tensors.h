#pragma once
// Dataset samples of one split as preloaded tensors (batches are index_select'ed from them).
#include "common/result.h"
#include "project/records.h"

#include <torch/torch.h>

namespace lepton {
class ProjectStore;
struct AugmentationPipeline;
}

namespace lepton::Internal {

struct SplitTensors
{
    torch::Tensor images;   // float32 N x C x H x W: pixels in [0, 1], or tabular N x F features
    torch::Tensor labels;   // int64 N (class indices; zeros for regression datasets)
    torch::Tensor targets;  // float32 N: regression targets (defined for regression datasets only)
    qint64 size() const { return labels.defined() ? labels.size(0) : 0; }
};

// Values as the dataset stores them: pixels / 255 in [0, 1], or raw tabular features. The
// dataset's normalization is not applied here: it lives in the model (see
// GraphModuleImpl::setInputNormalization), so exports and runners feed these same values.
Result<SplitTensors> loadSplit(const ProjectStore &store, const DatasetInfo &dataset, Split split);

// Augments (the random ops) a batch of training samples in place, each sample seeded with
// augmentSampleSeed(epochSeed, its index in the split); parallel over samples.
void augmentBatch(const AugmentationPipeline &pipeline, torch::Tensor &batch, const torch::Tensor &indices,
                  quint64 epochSeed);

} // namespace lepton::Internal
