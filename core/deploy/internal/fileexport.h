#pragma once
// The one flow every single-file exporter follows: open the model version, write a hidden partial
// sibling of the destination (deploy/internal/publication.h), load it back with the consuming
// runtime, compare with the live model on held-out samples, then either publish it (rename into
// place, then record) or record the failed verification and remove it.
#include "common/progress.h"
#include "common/result.h"
#include "data/internal/tensors.h"
#include "deploy/exportoutcome.h"
#include "graph/internal/graphmodule.h"
#include "project/records.h"

#include <functional>

namespace lepton::Internal {

class OutputComparison;

struct FileExportSteps
{
    QString format;        // record format: "torchscript", "onnx", ...
    QString title;         // for messages: "TorchScript", "ONNX"
    QString runtime;       // what loads the file during verification
    QJsonObject details;   // extra fields of the stored report (opset, batch, ...)
    // Loads the model the steps receive; unset: openModelVersion(projectPath, modelVersionId). An int8
    // version passes its fp32 parent here (its dataset and preprocessing); the record is the int8 one's.
    std::function<Result<OpenedModel>()> open;
    std::function<Status(LoadedModel &model, const QString &partialPath)> write;
    // Feeds the samples through the written file and the live model into `comparison`.
    std::function<Status(LoadedModel &model, const QString &partialPath, const SplitTensors &samples,
                         OutputComparison &comparison, const ProgressFn &progress, const CancelToken &cancel)>
        verify;
    // Set: the export is not recorded, its record is appended here (see writeTorchScriptFile).
    QVector<ExportInfo> *deferredRecords = nullptr;
};

// Never leaves a file at outPath unless it passed. A verification beyond settings.tolerance is not an
// error: the outcome says passed = false and carries the report, which is also stored in the project.
Result<ExportOutcome> runFileExport(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                    const ExportSettings &settings, const FileExportSteps &steps,
                                    const ProgressFn &progress, const CancelToken &cancel);

// "ONNX export of model version 3 failed verification: ..." for an outcome that did not pass.
QString verificationFailureMessage(const QString &title, qint64 modelVersionId, const ExportVerification &v);

} // namespace lepton::Internal
