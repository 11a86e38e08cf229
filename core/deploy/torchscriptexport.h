#pragma once
// TorchScript export written from the graph (parameters + generated forward source), then
// verified: the saved file is loaded back with torch::jit::load and compared with the live model.
#include "common/progress.h"
#include "common/result.h"
#include "deploy/exportoutcome.h"

#include <QVector>

namespace lepton {

// Writes model.pt for the model version, verifies it on the test split (default tolerance), records
// it. A verification beyond the tolerance is recorded in the project as a failed export, no file is
// left at outPath, and the result is a failure naming the differences.
Result<ExportOutcome> exportTorchScript(const QString &projectPath, qint64 modelVersionId,
                                        const QString &outPath, const ProgressFn &progress = {},
                                        const CancelToken &cancel = {});

// Runs a TorchScript file on a float batch (N x shape...), returns the flat outputs.
Result<QVector<float>> runTorchScript(const QString &path, const QVector<float> &input,
                                      const QVector<qint64> &shape);

// Runs the live model (graph + stored weights) of a model version on a float batch.
Result<QVector<float>> runModelVersion(const QString &projectPath, qint64 modelVersionId,
                                       const QVector<float> &input, const QVector<qint64> &shape);

} // namespace lepton
