#pragma once
// Runs a model version over a dataset of the project (its own or any other with the same input
// shape and known class names) and stores the metrics and per-sample predictions.
#include "common/progress.h"
#include "common/result.h"
#include "eval/evaluation.h"
#include "project/records.h"

#include <optional>

namespace lepton {

struct EvaluationTarget
{
    qint64 datasetId = 0;                       // 0: the model version's own dataset
    std::optional<Split> split = Split::Test;   // nullopt: every sample of the dataset
};

// For each class of `dataset` (by index) the model's class with the same name. Fails naming both
// datasets and every class the model does not know.
Result<QVector<int>> mapClassesByName(const DatasetInfo &modelDataset, const DatasetInfo &dataset);

// Checks that `dataset` can be fed to a model trained on `modelDataset`: same C×H×W input and
// every class known by name; returns the class mapping.
Result<QVector<int>> checkDatasetCompatible(const DatasetInfo &modelDataset, const DatasetInfo &dataset);

Result<EvaluationOutcome> evaluateModel(const QString &projectPath, qint64 modelVersionId,
                                        const EvaluationTarget &target, const ProgressFn &progress = {},
                                        const CancelToken &cancel = {});

inline Result<EvaluationOutcome> evaluateModel(const QString &projectPath, qint64 modelVersionId,
                                               Split split = Split::Test, const ProgressFn &progress = {},
                                               const CancelToken &cancel = {})
{
    return evaluateModel(projectPath, modelVersionId, EvaluationTarget{0, split}, progress, cancel);
}

} // namespace lepton
