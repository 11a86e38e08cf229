#include "data/internal/samplevalues.h"

#include <cstring>

namespace lepton::Internal {

bool holdsFloatValues(const DatasetInfo &dataset)
{
    return dataset.kind == QLatin1String("tabular");
}

QString sampleValues(const DatasetInfo &dataset, const SampleRecord &sample, std::vector<float> *out)
{
    const qint64 n = qint64(dataset.channels) * dataset.height * dataset.width;
    const bool floats = holdsFloatValues(dataset);
    const qint64 bytes = floats ? n * qint64(sizeof(float)) : n;
    if (sample.pixels.size() != bytes)
        return QStringLiteral("sample %1 ('%2') has %3 bytes of values, the dataset needs %4")
            .arg(sample.id)
            .arg(sample.path)
            .arg(sample.pixels.size())
            .arg(bytes);
    out->resize(size_t(n));
    if (floats) {
        memcpy(out->data(), sample.pixels.constData(), size_t(bytes));
    } else {
        const auto *src = reinterpret_cast<const uchar *>(sample.pixels.constData());
        for (qint64 i = 0; i < n; ++i)
            (*out)[size_t(i)] = src[i] / 255.0f;
    }
    return {};
}

} // namespace lepton::Internal
