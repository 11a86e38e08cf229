#include "deploy/torchscriptexport.h"

#include "data/internal/tensors.h"
#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace lepton {

using namespace Internal;

namespace {

constexpr qint64 kVerifySamples = 1000;
constexpr double kMaxAllowedDiff = 1e-4;

QString fileSha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

// Everything a caller needs to feed the model: stored inside model.pt as an extra file.
QJsonObject preprocessDescription(const DatasetInfo &ds)
{
    return QJsonObject{
        {"input_name", "x"},
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

} // namespace

Result<ExportOutcome> exportTorchScript(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                        const ProgressFn &progress, const CancelToken &cancel)
{
    using R = Result<ExportOutcome>;
    QElapsedTimer timer;
    timer.start();
    auto opened = ProjectStore::open(projectPath);
    if (!opened)
        return R::failure(opened.error());
    ProjectStore &store = *opened.value();
    auto loaded = loadModelVersion(store, modelVersionId);
    if (!loaded)
        return R::failure(loaded.error());
    report(progress, 1, 4, QStringLiteral("export"));

    const QFileInfo target(outPath);
    if (!QDir().mkpath(target.absolutePath()))
        return R::failure(QStringLiteral("cannot create folder '%1'").arg(target.absolutePath()));
    const QString tmpPath = target.absoluteFilePath() + QStringLiteral(".partial");
    ExportOutcome out;
    try {
        auto script = loaded->module->toTorchScript();
        if (!script)
            return R::failure(script.error());
        torch::jit::ExtraFilesMap extra;
        extra["preprocess.json"] = QJsonDocument(preprocessDescription(loaded->dataset)).toJson().toStdString();
        script->save(tmpPath.toStdString(), extra);
        report(progress, 2, 4, QStringLiteral("export"));
        if (cancel.isCancelled()) {
            QFile::remove(tmpPath);
            return R::failure(QStringLiteral("export cancelled"));
        }

        // Verification: the written file, loaded by the consuming runtime, against the live model.
        torch::jit::Module reloaded = torch::jit::load(tmpPath.toStdString());
        reloaded.eval();
        auto data = loadSplit(store, loaded->dataset, Split::Test);
        if (!data)
            return R::failure(data.error());
        if (data->size() == 0)
            data = loadSplit(store, loaded->dataset, Split::Validation);
        const qint64 n = std::min<qint64>(data->size(), kVerifySamples);
        if (n == 0)
            return R::failure(QStringLiteral("cannot verify the export: dataset '%1' has no test or validation samples")
                                  .arg(loaded->dataset.name));
        torch::NoGradGuard noGrad;
        const torch::Tensor x = data->images.slice(0, 0, n);
        const torch::Tensor y = data->labels.slice(0, 0, n);
        const torch::Tensor live = loaded->module->forward(x);
        const torch::Tensor exported = reloaded.forward({x}).toTensor();
        const torch::Tensor diff = (live - exported).abs();
        ExportVerification &v = out.verification;
        v.samples = n;
        v.maxAbsDiff = diff.max().item<double>();
        v.meanAbsDiff = diff.mean().item<double>();
        const torch::Tensor exportedPred = exported.argmax(1);
        v.top1Agreement = exportedPred.eq(live.argmax(1)).to(torch::kFloat64).mean().item<double>();
        v.exportedAccuracy = exportedPred.eq(y).to(torch::kFloat64).mean().item<double>();
        v.passed = v.maxAbsDiff <= kMaxAllowedDiff && v.top1Agreement == 1.0;
        report(progress, 3, 4, QStringLiteral("verify"));
    } catch (const std::exception &e) {
        QFile::remove(tmpPath);
        return R::failure(QStringLiteral("TorchScript export of model version %1 failed: %2")
                              .arg(modelVersionId)
                              .arg(describeException(e)));
    }
    if (!out.verification.passed) {
        QFile::remove(tmpPath);
        return R::failure(QStringLiteral("TorchScript export of model version %1 failed verification: max |diff| %2, "
                                         "top-1 agreement %3 on %4 samples; no file was written")
                              .arg(modelVersionId)
                              .arg(out.verification.maxAbsDiff)
                              .arg(out.verification.top1Agreement)
                              .arg(out.verification.samples));
    }
    QFile::remove(target.absoluteFilePath());
    if (!QFile::rename(tmpPath, target.absoluteFilePath()))
        return R::failure(QStringLiteral("cannot move the export to '%1'").arg(target.absoluteFilePath()));
    out.path = target.absoluteFilePath();
    out.sha256 = fileSha256(out.path);
    out.bytes = QFileInfo(out.path).size();

    const ExportVerification &v = out.verification;
    ExportInfo info;
    info.modelVersionId = modelVersionId;
    info.format = QStringLiteral("torchscript");
    info.path = out.path;
    info.sha256 = out.sha256;
    info.verificationJson = QString::fromUtf8(
        QJsonDocument(QJsonObject{{"runtime", "torch::jit::load"},
                                  {"samples", double(v.samples)},
                                  {"max_abs_diff", v.maxAbsDiff},
                                  {"mean_abs_diff", v.meanAbsDiff},
                                  {"top1_agreement", v.top1Agreement},
                                  {"exported_accuracy", v.exportedAccuracy},
                                  {"passed", v.passed}})
            .toJson(QJsonDocument::Compact));
    auto id = store.addExport(info);
    if (!id)
        return R::failure(id.error());
    out.exportId = id.value();
    out.seconds = timer.elapsed() / 1000.0;
    report(progress, 4, 4, QStringLiteral("export"));
    return out;
}

namespace {
Result<torch::Tensor> makeInput(const QVector<float> &input, const QVector<qint64> &shape)
{
    std::vector<int64_t> sizes(shape.begin(), shape.end());
    qint64 count = 1;
    for (qint64 s : shape)
        count *= s;
    if (shape.isEmpty() || count != input.size())
        return Result<torch::Tensor>::failure(
            QStringLiteral("input has %1 values, shape needs %2").arg(input.size()).arg(count));
    return torch::from_blob(const_cast<float *>(input.constData()), sizes, torch::kFloat32).clone();
}

QVector<float> toVector(const torch::Tensor &t)
{
    const torch::Tensor c = t.contiguous().to(torch::kFloat32);
    return QVector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}
} // namespace

Result<QVector<float>> runTorchScript(const QString &path, const QVector<float> &input, const QVector<qint64> &shape)
{
    using R = Result<QVector<float>>;
    auto x = makeInput(input, shape);
    if (!x)
        return R::failure(x.error());
    try {
        torch::jit::Module m = torch::jit::load(path.toStdString());
        m.eval();
        torch::NoGradGuard noGrad;
        return toVector(m.forward({x.value()}).toTensor());
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("'%1': %2").arg(path, describeException(e)));
    }
}

Result<QVector<float>> runModelVersion(const QString &projectPath, qint64 modelVersionId, const QVector<float> &input,
                                       const QVector<qint64> &shape)
{
    using R = Result<QVector<float>>;
    auto x = makeInput(input, shape);
    if (!x)
        return R::failure(x.error());
    auto opened = ProjectStore::open(projectPath);
    if (!opened)
        return R::failure(opened.error());
    auto loaded = loadModelVersion(*opened.value(), modelVersionId);
    if (!loaded)
        return R::failure(loaded.error());
    try {
        torch::NoGradGuard noGrad;
        return toVector(loaded->module->forward(x.value()));
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("model version %1: %2").arg(modelVersionId).arg(describeException(e)));
    }
}

} // namespace lepton
