#pragma once
// TorchScript export written from the graph (parameters + generated forward source), then
// verified: the saved file is loaded back with torch::jit::load and compared with the live model.
#include "common/progress.h"
#include "common/result.h"

#include <QJsonObject>
#include <QVector>

namespace lepton {

struct ExportVerification
{
    qint64 samples = 0;
    double maxAbsDiff = 0;
    double meanAbsDiff = 0;
    double top1Agreement = 0;     // fraction of samples where exported and live argmax agree
    double exportedAccuracy = 0;  // accuracy of the exported file on those samples
    bool passed = false;

    QJsonObject toJson() const;
};

struct ExportOutcome
{
    qint64 exportId = 0;
    QString path;
    QString sha256;
    qint64 bytes = 0;
    ExportVerification verification;
    double seconds = 0;
};

// Writes model.pt for the model version, verifies it on the test split, records it.
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
