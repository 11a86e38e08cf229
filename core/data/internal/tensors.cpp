#include "data/internal/tensors.h"

#include "data/augment.h"
#include "data/internal/samplevalues.h"
#include "project/projectstore.h"

#include <ATen/Parallel.h>

namespace lepton::Internal {

Result<SplitTensors> loadSplit(const ProjectStore &store, const DatasetInfo &dataset, Split split)
{
    using R = Result<SplitTensors>;
    auto samples = store.samples(dataset.id, split, true);
    if (!samples)
        return R::failure(samples.error());
    const qint64 n = samples->size();
    const qint64 per = qint64(dataset.channels) * dataset.height * dataset.width;
    const bool floats = holdsFloatValues(dataset);
    const qint64 bytesPer = floats ? per * qint64(sizeof(float)) : per;
    torch::Tensor bytes = torch::empty({n, bytesPer}, torch::kUInt8);
    torch::Tensor labels = torch::empty({n}, torch::kInt64);
    const bool regression = dataset.isRegression();
    torch::Tensor targets = torch::empty({regression ? n : 0}, torch::kFloat32);
    float *tgt = targets.data_ptr<float>();
    auto *dst = bytes.data_ptr<uint8_t>();
    auto *lab = labels.data_ptr<int64_t>();
    for (qint64 i = 0; i < n; ++i) {
        const SampleRecord &s = samples->at(i);
        if (s.pixels.size() != bytesPer)
            return R::failure(QStringLiteral("sample %1 ('%2') has %3 bytes of %4, the dataset needs %5")
                                  .arg(s.id)
                                  .arg(s.path)
                                  .arg(s.pixels.size())
                                  .arg(floats ? QStringLiteral("features") : QStringLiteral("pixels"))
                                  .arg(bytesPer));
        memcpy(dst + i * bytesPer, s.pixels.constData(), size_t(bytesPer));
        lab[i] = regression ? 0 : s.label;
        if (regression)
            tgt[i] = float(s.target);
    }
    SplitTensors out;
    if (floats)
        out.images = bytes.view(torch::kFloat32).view({n, dataset.channels, dataset.height, dataset.width}).clone();
    else
        out.images = bytes.to(torch::kFloat32).div_(255.0f).view({n, dataset.channels, dataset.height, dataset.width});
    if (floats && dataset.height == 1 && dataset.width == 1)
        out.images = out.images.view({n, dataset.channels});   // feature vectors for Input(features N)
    out.labels = labels;
    if (regression)
        out.targets = targets;
    return out;
}

void augmentBatch(const AugmentationPipeline &pipeline, torch::Tensor &batch, const torch::Tensor &indices,
                  quint64 epochSeed)
{
    const qint64 n = batch.size(0);
    if (n == 0)
        return;
    batch = batch.contiguous();
    const qint64 per = batch.numel() / n;
    const int channels = int(batch.size(1));
    const int height = batch.dim() >= 4 ? int(batch.size(2)) : 1;
    const int width = batch.dim() >= 4 ? int(batch.size(3)) : 1;
    float *data = batch.data_ptr<float>();
    const int64_t *idx = indices.data_ptr<int64_t>();
    at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            float *sample = data + i * per;
            augmentSample(pipeline, sample, channels, height, width, augmentSampleSeed(epochSeed, idx[i]));
        }
    });
}

} // namespace lepton::Internal
