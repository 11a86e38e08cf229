#include "deploy/torchscriptexport.h"

#include "compress/internal/quantizedversions.h"
#include "data/internal/tensors.h"
#include "deploy/internal/builtinexports.h"
#include "deploy/internal/fileexport.h"
#include "deploy/internal/verification.h"
#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <torch/version.h>

namespace lepton {

using namespace Internal;

namespace Internal {

namespace {

// For an int8 version (core/compress): steps that write its quantized TorchScript module and verify the
// file against the in-app int8 module (same kernels, same engine). Returns false for other versions.
Result<bool> int8ExportSteps(const QString &projectPath, qint64 modelVersionId, FileExportSteps &steps)
{
    using R = Result<bool>;
    auto store = ProjectStore::open(projectPath);
    if (!store)
        return R::failure(store.error());
    auto q = quantizedVersion(*store.value(), modelVersionId);
    if (!q)
        return R::failure(q.error());
    if (q->modelVersionId <= 0)
        return false;
    auto version = store.value()->modelVersion(modelVersionId);
    if (!version)
        return R::failure(version.error());
    auto module = loadQuantizedModule(*store.value(), q.value());
    if (!module)
        return R::failure(module.error());
    const qint64 parent = version->parentId;
    steps.open = [projectPath, parent, modelVersionId]() -> Result<OpenedModel> {
        auto opened = openModelVersion(projectPath, parent);
        if (!opened)
            return Result<OpenedModel>::failure(QStringLiteral("int8 model version %1: its fp32 parent: %2")
                                                    .arg(modelVersionId)
                                                    .arg(opened.error()));
        return opened;
    };
    steps.runtime = QStringLiteral("LibTorch %1 torch::jit::load, quantized engine %2")
                        .arg(QLatin1String(TORCH_VERSION), q->engine);
    steps.details = QJsonObject{{"precision", "int8"}, {"engine", q->engine}, {"mode", q->mode},
                                {"int8_layers", QJsonArray::fromStringList(q->layers)}, {"fp32_parent", parent}};
    torch::jit::Module int8 = module.value();
    steps.write = [int8](LoadedModel &model, const QString &partial) -> Status {
        torch::jit::ExtraFilesMap extra;
        extra["preprocess.json"] =
            QJsonDocument(preprocessDescription(model.dataset, QStringLiteral("x"))).toJson().toStdString();
        int8.save(partial.toStdString(), extra);
        return success();
    };
    steps.verify = [int8](LoadedModel &, const QString &partial, const SplitTensors &samples,
                          OutputComparison &comparison, const ProgressFn &progress, const CancelToken &) mutable -> Status {
        torch::jit::Module reloaded = torch::jit::load(partial.toStdString());
        reloaded.eval();
        torch::NoGradGuard noGrad;
        comparison.add(int8.forward({samples.images}).toTensor(), reloaded.forward({samples.images}).toTensor(),
                       samples.labels);
        report(progress, 1, 1, QStringLiteral("verify"));
        return success();
    };
    return true;
}

} // namespace

Result<ExportOutcome> writeTorchScriptFile(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                           const ExportSettings &settings, const ProgressFn &progress,
                                           const CancelToken &cancel, QVector<ExportInfo> *deferred)
{
    FileExportSteps steps;
    steps.deferredRecords = deferred;
    steps.format = QStringLiteral("torchscript");
    steps.title = QStringLiteral("TorchScript");
    steps.runtime = QStringLiteral("LibTorch %1 torch::jit::load").arg(QLatin1String(TORCH_VERSION));
    auto int8 = int8ExportSteps(projectPath, modelVersionId, steps);
    if (!int8)
        return Result<ExportOutcome>::failure(int8.error());
    if (int8.value())
        return runFileExport(projectPath, modelVersionId, outPath, settings, steps, progress, cancel);
    steps.write = [](LoadedModel &model, const QString &partial) -> Status {
        auto script = model.module->toTorchScript();
        if (!script)
            return Status::failure(script.error());
        torch::jit::ExtraFilesMap extra;
        extra["preprocess.json"] =
            QJsonDocument(preprocessDescription(model.dataset, QStringLiteral("x"))).toJson().toStdString();
        script->save(partial.toStdString(), extra);
        return success();
    };
    steps.verify = [](LoadedModel &model, const QString &partial, const SplitTensors &samples,
                      OutputComparison &comparison, const ProgressFn &progress, const CancelToken &) -> Status {
        torch::jit::Module reloaded = torch::jit::load(partial.toStdString());
        reloaded.eval();
        torch::NoGradGuard noGrad;
        comparison.add(model.module->forward(samples.images), reloaded.forward({samples.images}).toTensor(),
                       samples.labels);
        report(progress, 1, 1, QStringLiteral("verify"));
        return success();
    };
    return runFileExport(projectPath, modelVersionId, outPath, settings, steps, progress, cancel);
}

} // namespace Internal

Result<ExportOutcome> exportTorchScript(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                        const ProgressFn &progress, const CancelToken &cancel)
{
    auto out = writeTorchScriptFile(projectPath, modelVersionId, outPath, ExportSettings{}, progress, cancel);
    if (out && !out->verification.passed)
        return Result<ExportOutcome>::failure(out->verification.failure);
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
