#include "data/datasetstats.h"

#include "project/projectstore.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace lepton {
namespace {

struct Accumulator
{
    qint64 n = 0;
    double sum = 0, sumSquares = 0, lo = 0, hi = 0;
    void add(double v)
    {
        lo = n ? std::min(lo, v) : v;
        hi = n ? std::max(hi, v) : v;
        ++n;
        sum += v;
        sumSquares += v * v;
    }
    TargetStatistics result() const
    {
        TargetStatistics t;
        t.count = n;
        if (n == 0)
            return t;
        t.min = lo;
        t.max = hi;
        t.mean = sum / double(n);
        t.std = std::sqrt(std::max(0.0, sumSquares / double(n) - t.mean * t.mean));
        return t;
    }
};

QJsonObject targetJson(const TargetStatistics &t)
{
    return QJsonObject{{"count", double(t.count)}, {"min", t.min}, {"mean", t.mean}, {"max", t.max}, {"std", t.std}};
}

} // namespace

Result<DatasetStatistics> datasetStatistics(const ProjectStore &store, qint64 datasetId)
{
    using R = Result<DatasetStatistics>;
    auto info = store.dataset(datasetId);
    if (!info)
        return R::failure(info.error());
    auto samples = store.samples(datasetId, std::nullopt, false);
    if (!samples)
        return R::failure(samples.error());
    DatasetStatistics out;
    out.info = info.value();
    out.classCounts = QVector<std::array<int, 3>>(out.info.classes.size(), {0, 0, 0});
    std::array<Accumulator, 4> targets;
    for (const SampleRecord &s : samples.value()) {
        const int split = int(s.split);
        if (out.info.isRegression()) {
            targets[0].add(s.target);
            targets[1 + split].add(s.target);
        } else if (s.label >= 0 && s.label < out.classCounts.size() && split >= 0 && split < 3) {
            ++out.classCounts[s.label][size_t(split)];
        }
    }
    for (int i = 0; i < 4; ++i)
        out.target[size_t(i)] = targets[size_t(i)].result();
    return out;
}

QJsonObject DatasetStatistics::toJson() const
{
    QJsonObject o{{"dataset_id", info.id},
                  {"name", info.name},
                  {"kind", info.kind},
                  {"task", info.task},
                  {"input", QJsonArray{info.channels, info.height, info.width}},
                  {"samples", info.sampleCount()},
                  {"train", info.splitCounts[0]},
                  {"validation", info.splitCounts[1]},
                  {"test", info.splitCounts[2]}};
    if (info.isRegression()) {
        o.insert(QLatin1String("target"), info.targetName);
        o.insert(QLatin1String("target_stats"),
                 QJsonObject{{"all", targetJson(target[0])}, {"train", targetJson(target[1])},
                             {"validation", targetJson(target[2])}, {"test", targetJson(target[3])}});
        return o;
    }
    QJsonArray classes;
    for (int c = 0; c < info.classes.size(); ++c) {
        const std::array<int, 3> &n = classCounts[c];
        classes.append(QJsonObject{{"index", c},
                                   {"name", info.classes[c]},
                                   {"samples", n[0] + n[1] + n[2]},
                                   {"train", n[0]},
                                   {"validation", n[1]},
                                   {"test", n[2]}});
    }
    o.insert(QLatin1String("classes"), classes);
    return o;
}

} // namespace lepton
