#pragma once
// What an export produced and how it was checked: shared by every ExportTarget.
#include <QJsonObject>
#include <QString>

namespace lepton {

constexpr double DefaultExportTolerance = 1e-4;   // max |diff| of fp32 outputs, exported vs live
constexpr qint64 DefaultExportVerifySamples = 1000;

// How strictly an export is checked, and the target's own options (see ExportTarget::options()).
struct ExportSettings
{
    double tolerance = DefaultExportTolerance;
    qint64 verifySamples = DefaultExportVerifySamples;
    QJsonObject options;
};

struct ExportVerification
{
    qint64 samples = 0;
    double maxAbsDiff = 0;
    double meanAbsDiff = 0;
    double top1Agreement = 0;     // fraction of samples where exported and live argmax agree
    double exportedAccuracy = 0;  // accuracy of the exported file on those samples
    double tolerance = DefaultExportTolerance;
    QString runtime;              // what loaded the exported file
    bool regression = false;      // a regression model: one value per sample, no argmax (agreement
                                  // and accuracy are not computed; the target is in `failure` terms)
    bool passed = false;          // max |diff| <= tolerance and every argmax agrees
    QString failure;              // why it did not pass (empty when passed)

    QJsonObject toJson() const;
    static ExportVerification fromJson(const QJsonObject &json);
};

struct ExportOutcome
{
    qint64 exportId = 0;          // the export record (also kept for a failed verification)
    QString path;                 // empty when verification failed: no file is handed out
    QString sha256;
    qint64 bytes = 0;
    ExportVerification verification;
    double seconds = 0;
};

} // namespace lepton
