#pragma once
// Deployment package for ops: a self-describing folder (and .tar.gz of it) with the model, labels,
// preprocessing, manifest with SHA-256 of every file, verification report, README and smoke-test
// samples. openPackage/predictImages run a package without the workbench's project.
#include "common/progress.h"
#include "common/result.h"
#include "deploy/torchscriptexport.h"

#include <QJsonObject>
#include <QStringList>

namespace lepton {

constexpr int PackageFormatVersion = 1;

struct PackageOutcome
{
    QString folder;
    QString archive;
    qint64 exportId = 0;         // the project's record of the archive
    QString sha256;              // of the archive
    QStringList files;           // relative to folder, all listed in manifest.json
    ExportOutcome torchscript;
    ExportOutcome onnx;
    int onnxOpset = 13;
    bool passed = false;         // both files verified within the tolerance
    QString failure;             // why not (the folder is then removed)
    double seconds = 0;
};

// Writes <outDir>/ (the package) and <outDir>.tar.gz with the default tolerance and ONNX opset 13.
// If anything fails, including a verification, no package is left behind (the failed verification
// stays recorded in the project).
Result<PackageOutcome> exportPackage(const QString &projectPath, qint64 modelVersionId, const QString &outDir,
                                     const ProgressFn &progress = {}, const CancelToken &cancel = {});

struct DeploymentPackage
{
    QString folder;              // extracted folder when opened from an archive
    QJsonObject manifest;
    QStringList labels;
    int channels = 1, height = 0, width = 0;
};

// Opens a package folder or .tar.gz and checks every file against the manifest's SHA-256.
Result<DeploymentPackage> openPackage(const QString &folderOrArchive, const QString &extractTo = {});

struct Prediction
{
    QString input;
    int label = -1;
    QString labelName;
    QVector<float> probabilities;   // softmax of the model's logits
};

// Decodes, preprocesses (the same conversion as import) and classifies image files.
Result<QVector<Prediction>> predictImages(const DeploymentPackage &package, const QStringList &images);

} // namespace lepton
