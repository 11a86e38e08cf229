#include "deploy/torchscriptexport.h"

#include "data/internal/tensors.h"
#include "deploy/internal/verification.h"
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

QJsonObject ExportVerification::toJson() const
{
    return QJsonObject{{"samples", double(samples)},          {"max_abs_diff", maxAbsDiff},
                       {"mean_abs_diff", meanAbsDiff},         {"top1_agreement", top1Agreement},
                       {"exported_accuracy", exportedAccuracy}, {"passed", passed}};
}

Result<ExportOutcome> exportTorchScript(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                        const ProgressFn &progress, const CancelToken &cancel)
{
    using R = Result<ExportOutcome>;
    QElapsedTimer timer;
    timer.start();
    auto opened = openModelVersion(projectPath, modelVersionId);
    if (!opened)
        return R::failure(opened.error());
    ProjectStore &store = *opened->store;
    const LoadedModel *loaded = &opened->model;
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
        extra["preprocess.json"] =
            QJsonDocument(preprocessDescription(loaded->dataset, QStringLiteral("x"))).toJson().toStdString();
        script->save(tmpPath.toStdString(), extra);
        report(progress, 2, 4, QStringLiteral("export"));
        if (cancel.isCancelled()) {
            QFile::remove(tmpPath);
            return R::failure(QStringLiteral("export cancelled"));
        }

        // Verification: the written file, loaded by the consuming runtime, against the live model.
        torch::jit::Module reloaded = torch::jit::load(tmpPath.toStdString());
        reloaded.eval();
        auto samples = verificationSamples(store, loaded->dataset);
        if (!samples) {
            QFile::remove(tmpPath);
            return R::failure(samples.error());
        }
        torch::NoGradGuard noGrad;
        OutputComparison comparison;
        comparison.add(loaded->module->forward(samples->images), reloaded.forward({samples->images}).toTensor(),
                       samples->labels);
        out.verification = comparison.result();
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
    if (auto st = publishExport(store, modelVersionId, QStringLiteral("torchscript"), tmpPath,
                                target.absoluteFilePath(), QJsonObject{{"runtime", "torch::jit::load"}}, out);
        !st)
        return R::failure(st.error());
    out.seconds = timer.elapsed() / 1000.0;
    report(progress, 4, 4, QStringLiteral("export"));
    return out;
}

namespace {
Result<torch::Tensor> makeInput(const QVector<float> &input, const QVector<qint64> &shape)
{
    if (auto st = checkInputShape(input, shape); !st)
        return Result<torch::Tensor>::failure(st.error());
    const std::vector<int64_t> sizes(shape.begin(), shape.end());
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
    auto opened = openModelVersion(projectPath, modelVersionId);
    if (!opened)
        return R::failure(opened.error());
    const LoadedModel *loaded = &opened->model;
    try {
        torch::NoGradGuard noGrad;
        return toVector(loaded->module->forward(x.value()));
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("model version %1: %2").arg(modelVersionId).arg(describeException(e)));
    }
}

} // namespace lepton
