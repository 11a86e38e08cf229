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
    QStringList files;           // relative to folder, all listed in manifest.json
    ExportOutcome torchscript;
    ExportOutcome onnx;
    double seconds = 0;
};

// Writes <outDir>/ (the package) and <outDir>.tar.gz.
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
