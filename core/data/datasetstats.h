#pragma once
// What a dataset holds, per split: sample counts per class (classification) or the target's
// count/min/mean/max/std (regression). Read from labels and targets only (no pixels); shared by
// `lepton dataset --stats` and the Data dock.
#include "common/result.h"
#include "project/records.h"

#include <QJsonObject>

#include <array>

namespace lepton {

class ProjectStore;

struct TargetStatistics
{
    qint64 count = 0;
    double min = 0, mean = 0, max = 0, std = 0;   // std: population (ddof 0); all 0 when count is 0
};

struct DatasetStatistics
{
    DatasetInfo info;
    // classCounts[c] = {train, validation, test} samples of class c (classification).
    QVector<std::array<int, 3>> classCounts;
    // Regression: [0] all samples, then [1 + split] per split.
    std::array<TargetStatistics, 4> target;

    QJsonObject toJson() const;
};

Result<DatasetStatistics> datasetStatistics(const ProjectStore &store, qint64 datasetId);

} // namespace lepton
