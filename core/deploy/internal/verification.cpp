#include "deploy/internal/verification.h"

#include "deploy/internal/publication.h"

#include "data/internal/samplevalues.h"
#include "project/projectstore.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace lepton::Internal {

QString fileSha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

// What the model takes (shared by classifiers and regression models).
static QJsonObject inputDescription(const DatasetInfo &ds, const QString &inputName);

QJsonObject preprocessDescription(const DatasetInfo &ds, const QString &inputName)
{
    QJsonObject d = inputDescription(ds, inputName);
    if (ds.isRegression()) {
        d.insert(QLatin1String("task"), QStringLiteral("regression"));
        d.insert(QLatin1String("target"), ds.targetName);
        d.insert(QLatin1String("output"), QStringLiteral("one value per sample: the predicted '%1' in its own units "
                                                         "(the target scaling is inside the model)")
                                              .arg(ds.targetName));
        d.remove(QLatin1String("labels"));
    }
    return d;
}

static QJsonObject inputDescription(const DatasetInfo &ds, const QString &inputName)
{
    if (holdsFloatValues(ds))
        return QJsonObject{
            {"input_name", inputName},
            {"input_shape", QJsonArray{-1, ds.channels}},
            {"dtype", "float32"},
            {"layout", "NF (one row of feature values per sample)"},
            {"features", QStringLiteral("%1 numeric values in the column order of the imported CSV").arg(ds.channels)},
            {"scale", "none: raw feature values (standardization, if any, is inside the model)"},
            {"output", "logits, one per class (apply softmax for probabilities)"},
            {"labels", QJsonArray::fromStringList(ds.classes)},
        };
    return QJsonObject{
        {"input_name", inputName},
        {"input_shape", QJsonArray{-1, ds.channels, ds.height, ds.width}},
        {"dtype", "float32"},
        {"layout", "NCHW"},
        {"channel_order", ds.channels == 1 ? "gray" : "BGR"},
        {"scale", "pixel / 255.0 (values in [0, 1])"},
        {"resize", QStringLiteral("to %1x%2 (OpenCV INTER_AREA when shrinking, INTER_LINEAR when growing)")
                       .arg(ds.width)
                       .arg(ds.height)},
        {"output", "logits, one per class (apply softmax for probabilities)"},
        {"labels", QJsonArray::fromStringList(ds.classes)},
    };
}

Result<SplitTensors> verificationSamples(const ProjectStore &store, const DatasetInfo &dataset, qint64 maxSamples)
{
    using R = Result<SplitTensors>;
    auto data = loadSplit(store, dataset, Split::Test);
    if (!data)
        return R::failure(data.error());
    if (data->size() == 0)
        data = loadSplit(store, dataset, Split::Validation);
    if (!data)
        return R::failure(data.error());
    const qint64 n = std::min<qint64>(data->size(), maxSamples);
    if (n == 0)
        return R::failure(QStringLiteral("cannot verify the export: dataset '%1' has no test or validation samples")
                              .arg(dataset.name));
    SplitTensors out;
    out.images = data->images.slice(0, 0, n);
    out.labels = data->labels.slice(0, 0, n);
    if (data->targets.defined())
        out.targets = data->targets.slice(0, 0, n);
    return out;
}

void OutputComparison::add(const torch::Tensor &live, const torch::Tensor &exported, const torch::Tensor &labels)
{
    const torch::Tensor diff = (live.to(torch::kFloat64) - exported.to(torch::kFloat64)).abs();
    m_maxAbsDiff = std::max(m_maxAbsDiff, diff.max().item<double>());
    m_sumAbsDiff += diff.sum().item<double>();
    m_values += diff.numel();
    m_samples += live.size(0);
    if (m_regression)
        return;
    const torch::Tensor exportedPred = exported.argmax(1);
    m_agree += exportedPred.eq(live.argmax(1)).sum().item<int64_t>();
    m_correct += exportedPred.eq(labels).sum().item<int64_t>();
}

ExportVerification OutputComparison::result(double tolerance) const
{
    ExportVerification v;
    v.samples = m_samples;
    v.maxAbsDiff = m_maxAbsDiff;
    v.meanAbsDiff = m_values > 0 ? m_sumAbsDiff / double(m_values) : 0;
    v.top1Agreement = m_samples > 0 ? double(m_agree) / double(m_samples) : 0;
    v.exportedAccuracy = m_samples > 0 ? double(m_correct) / double(m_samples) : 0;
    v.tolerance = m_regression ? tolerance * m_targetScale : tolerance;
    v.regression = m_regression;
    v.passed = m_samples > 0 && v.maxAbsDiff <= tolerance && (m_regression || m_agree == m_samples);
    return v;
}

Status checkInputShape(const QVector<float> &input, const QVector<qint64> &shape)
{
    qint64 count = 1;
    for (qint64 s : shape)
        count *= s;
    if (shape.isEmpty() || count != input.size())
        return Status::failure(QStringLiteral("input has %1 values, shape needs %2").arg(input.size()).arg(count));
    return success();
}

ExportInfo exportRecord(qint64 modelVersionId, const QString &format, const QJsonObject &details,
                        const ExportOutcome &out, const QString &path)
{
    QJsonObject report = out.verification.toJson();
    for (auto it = details.begin(); it != details.end(); ++it)
        report.insert(it.key(), it.value());
    ExportInfo info;
    info.modelVersionId = modelVersionId;
    info.format = format;
    info.path = path;
    info.sha256 = out.sha256;
    info.verificationJson = QString::fromUtf8(QJsonDocument(report).toJson(QJsonDocument::Compact));
    return info;
}

namespace {
Status recordExport(ProjectStore &store, const ExportInfo &info, ExportOutcome &out, QVector<ExportInfo> *deferred)
{
    if (deferred) {
        deferred->append(info);
        return success();
    }
    auto id = store.addExport(info);
    if (!id)
        return Status::failure(id.error());
    out.exportId = id.value();
    return success();
}
} // namespace

Status publishExport(ProjectStore &store, qint64 modelVersionId, const QString &format, const QString &partialPath,
                     const QString &targetPath, const QJsonObject &details, ExportOutcome &out,
                     QVector<ExportInfo> *deferred)
{
    out.sha256 = fileSha256(partialPath);
    out.bytes = QFileInfo(partialPath).size();
    if (auto st = publishPartial(partialPath, targetPath); !st) {
        QFile::remove(partialPath);
        return st;
    }
    out.path = targetPath;
    return recordExport(store, exportRecord(modelVersionId, format, details, out, targetPath), out, deferred);
}

Status recordFailedExport(ProjectStore &store, qint64 modelVersionId, const QString &format, const QString &targetPath,
                          const QJsonObject &details, ExportOutcome &out, QVector<ExportInfo> *deferred)
{
    out.path.clear();
    out.sha256.clear();
    out.bytes = 0;
    // The record names where the file would have gone; its report says why it is not there.
    return recordExport(store, exportRecord(modelVersionId, format, details, out, targetPath), out, deferred);
}

} // namespace lepton::Internal
