#pragma once
// A new seeded stratified split of a stored dataset (train and validation fractions, the rest
// test), as an undoable edit of the project.
#include "common/result.h"
#include "project/records.h"

namespace lepton {

class ProjectStore;

struct SplitChange
{
    QVector<SampleRecord> previous;   // every sample's id and split before
    quint32 previousSeed = 0;
    int counts[3] = {0, 0, 0};        // train, validation, test after
};

// Per class (regression: over all samples), in sample id order: the same seed and fractions
// give the same split. Refused while runs, model versions or evaluations use the dataset.
Result<SplitChange> resplitDataset(ProjectStore &store, qint64 datasetId, double trainFraction,
                                   double validationFraction, quint32 seed);
Status undoResplit(ProjectStore &store, qint64 datasetId, const SplitChange &change);

} // namespace lepton
