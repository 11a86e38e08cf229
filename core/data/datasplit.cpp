#include "data/datasplit.h"

#include "data/importer.h"
#include "project/projectstore.h"

namespace lepton {

Result<SplitChange> resplitDataset(ProjectStore &store, qint64 datasetId, double trainFraction,
                                   double validationFraction, quint32 seed)
{
    using R = Result<SplitChange>;
    if (!(trainFraction > 0) || !(validationFraction >= 0) || trainFraction + validationFraction > 1.0 + 1e-9)
        return R::failure(QStringLiteral("split fractions train=%1 validation=%2 are invalid (train > 0, validation >= 0, "
                                         "sum <= 1; the rest is test)")
                              .arg(trainFraction)
                              .arg(validationFraction));
    auto ds = store.dataset(datasetId);
    if (!ds)
        return R::failure(ds.error());
    auto samples = store.samples(datasetId, std::nullopt, false);
    if (!samples)
        return R::failure(samples.error());
    QVector<SampleRecord> split = samples.value();
    if (ds->isRegression())
        for (SampleRecord &s : split)
            s.label = 0;   // one stratum
    assignStratifiedSplit(split, ds->isRegression() ? 1 : int(ds->classes.size()), trainFraction, validationFraction, seed);
    SplitChange change;
    change.previousSeed = ds->splitSeed;
    for (const SampleRecord &s : split)
        ++change.counts[int(s.split)];
    auto previous = store.setSplits(datasetId, split, seed);
    if (!previous)
        return R::failure(previous.error());
    change.previous = previous.value();
    return change;
}

Status undoResplit(ProjectStore &store, qint64 datasetId, const SplitChange &change)
{
    auto restored = store.setSplits(datasetId, change.previous, change.previousSeed);
    return restored ? success() : Status::failure(restored.error());
}

} // namespace lepton
