#pragma once
// Dataset samples of one split as preloaded tensors (batches are index_select'ed from them).
#include "common/result.h"
#include "project/records.h"

#include <torch/torch.h>

namespace lepton {
class ProjectStore;
}

namespace lepton::Internal {

struct SplitTensors
{
    torch::Tensor images;   // float32 N x C x H x W, in [0, 1]
    torch::Tensor labels;   // int64 N
    qint64 size() const { return labels.defined() ? labels.size(0) : 0; }
};

Result<SplitTensors> loadSplit(const ProjectStore &store, const DatasetInfo &dataset, Split split);

} // namespace lepton::Internal
