#include "deploy/deploymentpackage.h"

#include "data/internal/imageconvert.h"
#include "data/internal/samplevalues.h"
#include "data/internal/tensors.h"
#include "deploy/internal/builtinexports.h"
#include "deploy/internal/publication.h"
#include "deploy/internal/tarball.h"
#include "deploy/internal/verification.h"
#include "deploy/onnxexport.h"
#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"
#include "runtime/runtimeconfig.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <opencv2/imgcodecs.hpp>

namespace lepton {

using namespace Internal;

namespace {

constexpr int kSampleCount = 10;

bool writeJson(const QString &path, const QJsonDocument &doc)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(doc.toJson(QJsonDocument::Indented)) > 0;
}

QString opsReadme(const DatasetInfo &ds, const ModelVersionInfo &mv, const QJsonObject &metrics, int opset)
{
    QString labels = ds.classes.join(QLatin1String(", "));
    return QStringLiteral(
               "# Lepton deployment package: %1\n\n"
               "Model version %2 trained on dataset \"%3\" (%4 classes: %5).\n\n"
               "## Files\n\n"
               "- `model.pt` — TorchScript; load with `torch::jit::load` (C++) or `torch.jit.load` (Python).\n"
               "- `model.onnx` — ONNX (opset %14, input `input`, output `logits`, dynamic batch); runs in OpenCV DNN, "
               "ONNX Runtime, ...\n"
               "- `labels.json` — class names, index = output position.\n"
               "- `preprocess.json` — how to turn an image into the input tensor.\n"
               "- `manifest.json` — package format, lineage, metrics, library versions, SHA-256 of every file.\n"
               "- `verification.json` — exported file vs. the training-time model on held-out data.\n"
               "- `samples/` — sample inputs and `expected.json` with the outputs they must give (a smoke test).\n\n"
               "## Input and output\n\n"
               "Input `x`: float32 tensor N×%6×%7×%8 (NCHW), %9 pixels scaled to [0, 1] (pixel / 255),\n"
               "resized to %8×%7 (OpenCV INTER_AREA when shrinking, INTER_LINEAR when growing).\n"
               "Output: N×%4 logits; the predicted class is the arg-max, probabilities are the softmax.\n\n"
               "## Expected quality\n\n"
               "Accuracy %10 and macro F1 %11 on the %12 split (%13 samples) when exported.\n\n"
               "## Run it\n\n"
               "    lepton predict PACKAGE_DIR_OR_TAR_GZ image.png ...   # checks the checksums first\n\n"
               "or in Python:\n\n"
               "    import torch; m = torch.jit.load('model.pt'); logits = m(x)\n")
        .arg(mv.name)
        .arg(mv.id)
        .arg(ds.name)
        .arg(ds.classes.size())
        .arg(labels)
        .arg(ds.channels)
        .arg(ds.height)
        .arg(ds.width)
        .arg(ds.channels == 1 ? QStringLiteral("grayscale") : QStringLiteral("BGR"))
        .arg(metrics.value("accuracy").toDouble(), 0, 'f', 4)
        .arg(metrics.value("macro_f1").toDouble(), 0, 'f', 4)
        .arg(metrics.value("split").toString())
        .arg(metrics.value("samples").toInt())
        .arg(opset);
}

} // namespace

namespace Internal {

namespace {
Result<PackageOutcome> fillPackage(const QString &projectPath, qint64 modelVersionId, const QDir &dir, int opset,
                                   const ExportSettings &settings, const ProgressFn &progress,
                                   const CancelToken &cancel, PackageOutcome &out, QVector<ExportInfo> &records);

// A path inside the work folder, moved to where it is after the work folder became the package.
QString published(const QString &path, const QString &work, const QString &folder)
{
    return path.startsWith(work + QLatin1Char('/')) ? folder + path.mid(work.size()) : path;
}
} // namespace

Result<PackageOutcome> writePackage(const QString &projectPath, qint64 modelVersionId, const QString &outDir, int opset,
                                    const ExportSettings &settings, const ProgressFn &progress,
                                    const CancelToken &cancel)
{
    using R = Result<PackageOutcome>;
    QElapsedTimer timer;
    timer.start();
    PackageOutcome out;
    out.onnxOpset = opset;
    const QString folder = QDir(outDir).absolutePath();
    if (const QDir dir(folder); dir.exists() && !dir.isEmpty())
        return R::failure(QStringLiteral("package folder '%1' exists and is not empty").arg(folder));
    // Everything is written and verified in a hidden sibling; only a complete package is moved to
    // `folder` (one rename), and only then recorded. A killed export leaves nothing at the destination.
    removeStalePartials(folder);
    const QString work = partialSibling(folder);
    if (!QDir().mkpath(work + QStringLiteral("/samples")))
        return R::failure(QStringLiteral("cannot create '%1'").arg(work));
    out.folder = work;
    QVector<ExportInfo> records;   // the verified files, recorded with the package
    auto result = fillPackage(projectPath, modelVersionId, QDir(work), opset, settings, progress, cancel, out, records);
    auto opened = ProjectStore::open(projectPath);
    if (!opened) {
        QDir(work).removeRecursively();
        return R::failure(opened.error());
    }
    ProjectStore &store = *opened.value();
    if (!result || !result->passed) {
        QDir(work).removeRecursively();
        // A file that failed its verification keeps its report in the project, as a lone export would.
        QVector<ExportInfo> failed;
        for (const ExportInfo &e : records)
            if (e.sha256.isEmpty())
                failed << e;
        if (auto ids = failed.isEmpty() ? Result<QVector<qint64>>(QVector<qint64>{}) : store.addExports(failed); ids && result)
            for (int i = 0; i < ids->size(); ++i)
                (failed[i].format == QLatin1String("onnx") ? result->onnx : result->torchscript).exportId = ids->at(i);
        if (result) {
            result->folder = folder;
            result->seconds = timer.elapsed() / 1000.0;
        }
        return result;
    }
    PackageOutcome &p = result.value();
    // The archive first (renamed into place when complete), then the folder: the folder is what a
    // re-run checks, so a kill between the two leaves an archive that the re-run replaces.
    report(progress, 5, 6, QStringLiteral("archive"));
    p.archive = folder + QStringLiteral(".tar.gz");
    if (auto st = writeTarGz(work, p.archive, QFileInfo(folder).fileName()); !st) {
        QDir(work).removeRecursively();
        return R::failure(st.error());
    }
    if (auto st = publishPartial(work, folder); !st) {
        QDir(work).removeRecursively();
        QFile::remove(p.archive);
        return R::failure(st.error());
    }
    p.folder = folder;
    for (ExportOutcome *o : {&p.torchscript, &p.onnx})
        o->path = published(o->path, work, folder);
    for (ExportInfo &e : records)
        e.path = published(e.path, work, folder);
    report(progress, 6, 6, QStringLiteral("archive"));
    ExportInfo info;
    info.modelVersionId = modelVersionId;
    info.format = QStringLiteral("package");
    info.path = p.archive;
    info.sha256 = fileSha256(p.archive);
    info.verificationJson = QString::fromUtf8(
        QJsonDocument(QJsonObject{{"torchscript", p.torchscript.verification.toJson()},
                                  {"onnx", p.onnx.verification.toJson()},
                                  {"onnx_opset", opset},
                                  {"passed", true}})
            .toJson(QJsonDocument::Compact));
    records << info;
    auto ids = store.addExports(records);
    if (!ids)
        return R::failure(ids.error());
    p.torchscript.exportId = ids->value(0);
    p.onnx.exportId = ids->value(1);
    p.exportId = ids->last();
    p.sha256 = info.sha256;
    p.seconds = timer.elapsed() / 1000.0;
    return result;
}

namespace {

Result<PackageOutcome> fillPackage(const QString &projectPath, qint64 modelVersionId, const QDir &dir, int opset,
                                   const ExportSettings &settings, const ProgressFn &progress,
                                   const CancelToken &cancel, PackageOutcome &out, QVector<ExportInfo> &records)
{
    using R = Result<PackageOutcome>;
    {
        auto store = ProjectStore::open(projectPath);
        if (!store)
            return R::failure(store.error());
        auto version = store.value()->modelVersion(modelVersionId);
        if (!version)
            return R::failure(version.error());
        auto dataset = store.value()->dataset(version->datasetId);
        if (dataset && holdsFloatValues(dataset.value()))
            return R::failure(QStringLiteral("model version %1 was trained on the tabular dataset '%2': a deployment "
                                             "package and its runner (`lepton predict`, `lepton serve`) take images; "
                                             "export a tabular model as TorchScript or ONNX")
                                  .arg(modelVersionId)
                                  .arg(dataset->name));
        if (dataset && dataset->isRegression())
            return R::failure(QStringLiteral("model version %1 predicts '%2' (regression, dataset '%3'): a deployment "
                                             "package's runner reports classes; export a regression model as "
                                             "TorchScript or ONNX")
                                  .arg(modelVersionId)
                                  .arg(dataset->targetName, dataset->name));
    }
    auto ts = writeTorchScriptFile(projectPath, modelVersionId, dir.filePath(QStringLiteral("model.pt")), settings,
                                   progress, cancel, &records);
    if (!ts)
        return R::failure(ts.error());
    out.torchscript = ts.value();
    if (!out.torchscript.verification.passed) {
        out.failure = out.torchscript.verification.failure;
        return out;
    }
    auto onnx = writeOnnxFile(projectPath, modelVersionId, dir.filePath(QStringLiteral("model.onnx")), opset, settings,
                              progress, cancel, &records);
    if (!onnx)
        return R::failure(onnx.error());
    out.onnx = onnx.value();
    if (!out.onnx.verification.passed) {
        out.failure = out.onnx.verification.failure;
        return out;
    }

    auto opened = openModelVersion(projectPath, modelVersionId);
    if (!opened)
        return R::failure(opened.error());
    ProjectStore &store = *opened->store;
    const LoadedModel *loaded = &opened->model;
    const DatasetInfo &ds = loaded->dataset;
    const ModelVersionInfo &mv = loaded->version;

    // Metrics at export: the latest evaluation of this version, else evaluate the test split now.
    QJsonObject metrics;
    if (auto evals = store.evaluations(); evals) {
        for (const EvaluationInfo &e : evals.value())
            if (e.modelVersionId == modelVersionId)
                metrics = QJsonObject{{"split", e.split}, {"accuracy", e.accuracy}, {"macro_f1", e.macroF1},
                                      {"samples", QJsonDocument::fromJson(e.metricsJson.toUtf8()).object().value("samples")}};
    }
    if (metrics.isEmpty())
        metrics = QJsonObject{{"split", "test"},
                              {"accuracy", out.torchscript.verification.exportedAccuracy},
                              {"samples", double(out.torchscript.verification.samples)},
                              {"note", "accuracy of the exported model during verification"}};

    QJsonObject preprocess = preprocessDescription(ds, QStringLiteral("x"));
    preprocess.insert(QStringLiteral("onnx_input_name"), QStringLiteral("input"));
    preprocess.insert(QStringLiteral("channels"), ds.channels);
    preprocess.insert(QStringLiteral("height"), ds.height);
    preprocess.insert(QStringLiteral("width"), ds.width);
    preprocess.insert(QStringLiteral("mean"), QJsonArray{0.0});
    preprocess.insert(QStringLiteral("std"), QJsonArray{1.0});
    if (!writeJson(dir.filePath(QStringLiteral("preprocess.json")), QJsonDocument(preprocess))
        || !writeJson(dir.filePath(QStringLiteral("labels.json")), QJsonDocument(QJsonArray::fromStringList(ds.classes)))
        || !writeJson(dir.filePath(QStringLiteral("verification.json")),
                      QJsonDocument(QJsonObject{{"torchscript", out.torchscript.verification.toJson()},
                                                {"onnx", out.onnx.verification.toJson()},
                                                {"tolerance_abs", settings.tolerance}})))
        return R::failure(QStringLiteral("cannot write into '%1'").arg(out.folder));

    // Smoke-test samples: the first test image of each class, as PNG, with the outputs the model
    // gives for them.
    auto test = loadSplit(store, ds, Split::Test);
    if (!test)
        return R::failure(test.error());
    auto testSamples = store.samples(ds.id, Split::Test, true);   // same order as loadSplit
    if (!testSamples)
        return R::failure(testSamples.error());
    std::vector<int64_t> picked;
    QVector<bool> seen(ds.classes.size(), false);
    for (int i = 0; i < testSamples->size() && int(picked.size()) < kSampleCount; ++i) {
        const int label = testSamples->at(i).label;
        if (label >= 0 && label < seen.size() && !seen[label]) {
            seen[label] = true;
            picked.push_back(i);
        }
    }
    QJsonArray expected;
    try {
        torch::NoGradGuard noGrad;
        const torch::Tensor rows = torch::tensor(picked, torch::kInt64);
        const torch::Tensor logits = loaded->module->forward(test->images.index_select(0, rows));
        for (size_t i = 0; i < picked.size(); ++i) {
            const SampleRecord &s = testSamples->at(int(picked[i]));
            const QString name = QStringLiteral("samples/sample_%1.png").arg(i);
            if (!cv::imwrite(dir.filePath(name).toStdString(), pixelsToImage(s.pixels, ds.channels, ds.width, ds.height)))
                return R::failure(QStringLiteral("cannot write '%1'").arg(dir.filePath(name)));
            QJsonArray row;
            for (int64_t k = 0; k < logits.size(1); ++k)
                row.append(double(logits[int64_t(i)][k].item<float>()));
            const int label = int(logits[int64_t(i)].argmax().item<int64_t>());
            expected.append(QJsonObject{{"file", name}, {"true_label", ds.classes.value(s.label)},
                                        {"predicted_label", ds.classes.value(label)}, {"logits", row}});
        }
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("writing samples: %1").arg(describeException(e)));
    }
    if (!writeJson(dir.filePath(QStringLiteral("samples/expected.json")),
                   QJsonDocument(QJsonObject{{"tolerance_abs", settings.tolerance}, {"samples", expected}})))
        return R::failure(QStringLiteral("cannot write samples/expected.json"));

    QFile readme(dir.filePath(QStringLiteral("README.md")));
    if (!readme.open(QIODevice::WriteOnly) || readme.write(opsReadme(ds, mv, metrics, opset).toUtf8()) < 0)
        return R::failure(QStringLiteral("cannot write README.md"));
    readme.close();

    QJsonObject files;
    QDirIterator it(out.folder, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString rel = dir.relativeFilePath(path);
        out.files << rel;
        files.insert(rel, QJsonObject{{"sha256", fileSha256(path)}, {"bytes", double(QFileInfo(path).size())}});
    }
    const RuntimeInfo rt = runtimeInfo();
    const QJsonObject manifest{
        {"format", "lepton-package"},
        {"format_version", PackageFormatVersion},
        {"created", QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {"model_version",
         QJsonObject{{"id", mv.id}, {"name", mv.name}, {"run_id", mv.runId}, {"parent_id", mv.parentId},
                     {"architecture_id", mv.architectureId}, {"dataset", ds.name}, {"epoch", mv.epoch}}},
        {"metrics", metrics},
        {"entry_points", QJsonObject{{"torchscript", "model.pt"}, {"onnx", "model.onnx"}}},
        {"onnx_opset", opset},
        {"libraries", QJsonObject{{"torch", rt.torchVersion}, {"opencv", rt.opencvVersion},
                                  {"qt", QString::fromLatin1(qVersion())}}},
        {"files", files},
    };
    if (!writeJson(dir.filePath(QStringLiteral("manifest.json")), QJsonDocument(manifest)))
        return R::failure(QStringLiteral("cannot write manifest.json"));
    out.files << QStringLiteral("manifest.json");
    out.files.sort();
    out.passed = true;
    return out;
}

} // namespace
} // namespace Internal

Result<PackageOutcome> exportPackage(const QString &projectPath, qint64 modelVersionId, const QString &outDir,
                                     const ProgressFn &progress, const CancelToken &cancel)
{
    auto out = writePackage(projectPath, modelVersionId, outDir, OnnxDefaultOpset, ExportSettings{}, progress, cancel);
    if (out && !out->passed)
        return Result<PackageOutcome>::failure(out->failure);
    return out;
}

Result<DeploymentPackage> openPackage(const QString &folderOrArchive, const QString &extractTo)
{
    using R = Result<DeploymentPackage>;
    DeploymentPackage pkg;
    QFileInfo fi(folderOrArchive);
    if (!fi.exists())
        return R::failure(QStringLiteral("package '%1' does not exist").arg(folderOrArchive));
    if (fi.isDir()) {
        pkg.folder = fi.absoluteFilePath();
    } else {
        const QString dest = extractTo.isEmpty() ? QDir::tempPath() + QStringLiteral("/lepton-package-")
                                                       + QString::number(QDateTime::currentMSecsSinceEpoch())
                                                 : extractTo;
        QDir().mkpath(dest);
        auto top = extractTarGz(fi.absoluteFilePath(), dest);
        if (!top)
            return R::failure(top.error());
        pkg.folder = top.value();
    }
    const QDir dir(pkg.folder);
    QFile mf(dir.filePath(QStringLiteral("manifest.json")));
    if (!mf.open(QIODevice::ReadOnly))
        return R::failure(QStringLiteral("'%1' has no manifest.json: not a Lepton package").arg(pkg.folder));
    QJsonParseError pe{};
    pkg.manifest = QJsonDocument::fromJson(mf.readAll(), &pe).object();
    if (pe.error != QJsonParseError::NoError || pkg.manifest.value("format").toString() != QLatin1String("lepton-package"))
        return R::failure(QStringLiteral("'%1': manifest.json is not a Lepton package manifest").arg(mf.fileName()));
    if (pkg.manifest.value("format_version").toInt() > PackageFormatVersion)
        return R::failure(QStringLiteral("'%1': package format %2 is newer than this build reads (%3)")
                              .arg(pkg.folder)
                              .arg(pkg.manifest.value("format_version").toInt())
                              .arg(PackageFormatVersion));
    const QJsonObject files = pkg.manifest.value("files").toObject();
    if (files.isEmpty())
        return R::failure(QStringLiteral("'%1': manifest lists no files").arg(pkg.folder));
    for (auto it = files.begin(); it != files.end(); ++it) {
        const QString path = dir.filePath(it.key());
        if (!QFile::exists(path))
            return R::failure(QStringLiteral("package '%1': file '%2' listed in the manifest is missing").arg(pkg.folder, it.key()));
        if (fileSha256(path) != it.value().toObject().value("sha256").toString())
            return R::failure(QStringLiteral("package '%1': '%2' does not match its SHA-256 in manifest.json "
                                             "(modified or corrupted); refusing to load it")
                                  .arg(pkg.folder, it.key()));
    }
    QFile pf(dir.filePath(QStringLiteral("preprocess.json")));
    QFile lf(dir.filePath(QStringLiteral("labels.json")));
    if (!pf.open(QIODevice::ReadOnly) || !lf.open(QIODevice::ReadOnly))
        return R::failure(QStringLiteral("package '%1' lacks preprocess.json or labels.json").arg(pkg.folder));
    const QJsonObject pre = QJsonDocument::fromJson(pf.readAll()).object();
    pkg.channels = pre.value("channels").toInt();
    pkg.height = pre.value("height").toInt();
    pkg.width = pre.value("width").toInt();
    for (const QJsonValue &v : QJsonDocument::fromJson(lf.readAll()).array())
        pkg.labels << v.toString();
    if ((pkg.channels != 1 && pkg.channels != 3) || pkg.height < 1 || pkg.width < 1 || pkg.labels.isEmpty())
        return R::failure(QStringLiteral("package '%1': preprocess.json or labels.json is incomplete").arg(pkg.folder));
    return pkg;
}

} // namespace lepton
