#pragma once
// Shared by the exporters: the samples to verify on, the comparison of exported and live
// outputs, and publishing a verified file (move into place + record in the project).
#include "common/result.h"
#include "data/internal/tensors.h"
#include "deploy/torchscriptexport.h"

#include <algorithm>
#include <QJsonObject>

namespace lepton::Internal {


QString fileSha256(const QString &path);

// How a caller feeds the model (shape, scaling, channel order, labels).
QJsonObject preprocessDescription(const DatasetInfo &dataset, const QString &inputName);

// Up to maxSamples of the test split (the validation split if the test split is empty).
Result<SplitTensors> verificationSamples(const ProjectStore &store, const DatasetInfo &dataset,
                                         qint64 maxSamples = DefaultExportVerifySamples);

// Exported vs live outputs, accumulated batch by batch.
class OutputComparison
{
public:
    // regression: outputs are one value per sample in the target's units; only their differences
    // are compared, against the tolerance times max(1, targetStd) (float32 rounding grows with the
    // values: a price in dollars differs in more digits than a standardized output).
    explicit OutputComparison(bool regression = false, double targetStd = 1.0)
        : m_regression(regression), m_targetScale(std::max(1.0, targetStd)) {}
    void add(const torch::Tensor &live, const torch::Tensor &exported, const torch::Tensor &labels);
    // passed: max |diff| <= tolerance and every argmax agrees.
    ExportVerification result(double tolerance = DefaultExportTolerance) const;

private:
    bool m_regression = false;
    double m_targetScale = 1.0;
    qint64 m_samples = 0;
    qint64 m_values = 0;
    double m_maxAbsDiff = 0;
    double m_sumAbsDiff = 0;
    qint64 m_agree = 0;
    qint64 m_correct = 0;
};

// Input values vs shape: an error naming both counts when they disagree.
Status checkInputShape(const QVector<float> &input, const QVector<qint64> &shape);

// The record of an export: format, verification + `details`, where it is (or would have gone).
ExportInfo exportRecord(qint64 modelVersionId, const QString &format, const QJsonObject &details,
                        const ExportOutcome &out, const QString &path);

// Moves the verified `partialPath` onto `targetPath` in one rename, fills out's path/sha256/bytes,
// then records the export in the project (or appends its record to `deferred`).
Status publishExport(ProjectStore &store, qint64 modelVersionId, const QString &format, const QString &partialPath,
                     const QString &targetPath, const QJsonObject &details, ExportOutcome &out,
                     QVector<ExportInfo> *deferred = nullptr);

// Records an export whose verification failed (report kept, no file, empty checksum); fills exportId.
Status recordFailedExport(ProjectStore &store, qint64 modelVersionId, const QString &format,
                          const QString &targetPath, const QJsonObject &details, ExportOutcome &out,
                          QVector<ExportInfo> *deferred = nullptr);

} // namespace lepton::Internal
