#include "data/internal/tensors.h"

#include "project/projectstore.h"

namespace lepton::Internal {

Result<SplitTensors> loadSplit(const ProjectStore &store, const DatasetInfo &dataset, Split split)
{
    auto samples = store.samples(dataset.id, split, true);
    if (!samples)
        return Result<SplitTensors>::failure(samples.error());
    const qint64 n = samples->size();
    const qint64 per = qint64(dataset.channels) * dataset.height * dataset.width;
    torch::Tensor bytes = torch::empty({n, per}, torch::kUInt8);
    torch::Tensor labels = torch::empty({n}, torch::kInt64);
    auto *dst = bytes.data_ptr<uint8_t>();
    auto *lab = labels.data_ptr<int64_t>();
    for (qint64 i = 0; i < n; ++i) {
        const SampleRecord &s = samples->at(i);
        if (s.pixels.size() != per)
            return Result<SplitTensors>::failure(
                QStringLiteral("sample %1 ('%2') has %3 bytes of pixels, the dataset needs %4")
                    .arg(s.id)
                    .arg(s.path)
                    .arg(s.pixels.size())
                    .arg(per));
        memcpy(dst + i * per, s.pixels.constData(), size_t(per));
        lab[i] = s.label;
    }
    SplitTensors out;
    out.images = bytes.to(torch::kFloat32).div_(255.0f).view({n, dataset.channels, dataset.height, dataset.width});
    out.labels = labels;
    return out;
}

} // namespace lepton::Internal
