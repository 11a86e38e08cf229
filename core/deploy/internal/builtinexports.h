#pragma once
// The built-in exporters with explicit settings (tolerance, sample count). A verification beyond the
// tolerance gives an outcome with passed = false (recorded in the project, no file handed out); the
// public exportTorchScript/exportOnnx/exportPackage turn that into a failure with the same message.
#include "deploy/deploymentpackage.h"
#include "deploy/exportoutcome.h"
#include "project/records.h"

namespace lepton::Internal {

// With `deferred` set, the export is not recorded: its record is appended there, for a caller that
// moves the file into its final place first (a package records its files with itself).
Result<ExportOutcome> writeTorchScriptFile(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                           const ExportSettings &settings, const ProgressFn &progress,
                                           const CancelToken &cancel, QVector<ExportInfo> *deferred = nullptr);

Result<ExportOutcome> writeOnnxFile(const QString &projectPath, qint64 modelVersionId, const QString &outPath, int opset,
                                    const ExportSettings &settings, const ProgressFn &progress,
                                    const CancelToken &cancel, QVector<ExportInfo> *deferred = nullptr);

// On a failed verification the outcome has passed = false, its failure text, and no folder is left.
Result<PackageOutcome> writePackage(const QString &projectPath, qint64 modelVersionId, const QString &outDir, int opset,
                                    const ExportSettings &settings, const ProgressFn &progress,
                                    const CancelToken &cancel);

} // namespace lepton::Internal
