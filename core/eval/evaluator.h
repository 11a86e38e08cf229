#pragma once
// Runs a model version over a split of its dataset and stores the metrics and the per-sample
// predictions in the project.
#include "common/progress.h"
#include "common/result.h"
#include "eval/evaluation.h"
#include "project/records.h"

namespace lepton {

Result<EvaluationOutcome> evaluateModel(const QString &projectPath, qint64 modelVersionId,
                                        Split split = Split::Test, const ProgressFn &progress = {},
                                        const CancelToken &cancel = {});

} // namespace lepton
