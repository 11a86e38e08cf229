// Example deployment-target plugin (org.lepton.ExportTarget/1): writes a stand-alone C++ inference
// project around the model's deployment package, then verifies it the only honest way: it builds
// the generated project with CMake and runs it on the package's smoke-test samples, comparing
// labels and scores with what the workbench's model gave for them.
// Uses only the workbench's public headers (the SDK).
#include "cppprojecttemplate.h"

#include "deploy/exporttarget.h"
#include "plugin/exporttargetplugin.h"
#include "project/projectstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cmath>

namespace {

using namespace lepton;

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QString sha256Of(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

// Runs a program to completion, checking for cancellation; the error names the command and shows
// the end of its output.
// With stdoutOnly, `output` is the program's standard output alone (stderr only goes into errors).
Status runTool(const QString &program, const QStringList &args, const CancelToken &cancel, QByteArray *output,
               bool stdoutOnly = false, int timeoutMs = 600000)
{
    QProcess p;
    if (!stdoutOnly)
        p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForStarted(30000))
        return Status::failure(QStringLiteral("cannot start %1: %2").arg(program, p.errorString()));
    for (int waited = 0; !p.waitForFinished(200); waited += 200) {
        if (cancel.isCancelled() || waited > timeoutMs) {
            p.kill();
            p.waitForFinished(5000);
            return Status::failure(cancel.isCancelled() ? QStringLiteral("cancelled")
                                                        : QStringLiteral("%1 took longer than %2 s").arg(program).arg(timeoutMs / 1000));
        }
    }
    *output = p.readAllStandardOutput();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return Status::failure(QStringLiteral("`%1 %2` failed (exit %3):\n%4")
                                   .arg(program, args.join(QLatin1Char(' ')))
                                   .arg(p.exitCode())
                                   .arg(QString::fromLocal8Bit((*output + p.readAllStandardError()).right(2000))));
    return success();
}

class CppOpenCvTarget final : public ExportTarget
{
public:
    QString id() const override { return QStringLiteral("cpp-opencv"); }
    QString name() const override { return QStringLiteral("C++ project (CMake + OpenCV DNN)"); }
    QString description() const override
    {
        return QStringLiteral("A stand-alone C++17 project that classifies images with the ONNX model and "
                              "preprocess.json; built and run on the smoke-test samples at export.");
    }
    QVector<ExportOptionSpec> options() const override
    {
        return {{QStringLiteral("opset"), QStringLiteral("int"), 13, 11, 17, QStringLiteral("ONNX operator set version")}};
    }
    bool writesFolder() const override { return true; }
    QString defaultOutputName() const override { return QStringLiteral("cpp-project"); }

    Result<ExportTargetResult> exportModel(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                           const ExportSettings &settings, const ProgressFn &progress,
                                           const CancelToken &cancel) const override
    {
        using R = Result<ExportTargetResult>;
        const QDir dir(outPath);
        if (dir.exists() && !dir.isEmpty())
            return R::failure(QStringLiteral("folder '%1' exists and is not empty").arg(dir.absolutePath()));
        const QString cmake = QStandardPaths::findExecutable(QStringLiteral("cmake"));
        if (cmake.isEmpty())
            return R::failure(QStringLiteral("cpp-opencv export needs cmake and a C++ compiler to verify the "
                                             "generated project, and cmake is not on PATH"));
        if (!QDir().mkpath(dir.absolutePath()))
            return R::failure(QStringLiteral("cannot create '%1'").arg(dir.absolutePath()));
        auto result = build(projectPath, modelVersionId, dir, cmake, settings, progress, cancel);
        if (!result || !result->passed)
            QDir(dir.absolutePath()).removeRecursively();   // never hand out an unverified project
        return result;
    }

private:
    Result<ExportTargetResult> build(const QString &projectPath, qint64 modelVersionId, const QDir &dir,
                                     const QString &cmake, const ExportSettings &settings,
                                     const ProgressFn &progress, const CancelToken &cancel) const
    {
        using R = Result<ExportTargetResult>;
        ExportTargetResult out;
        out.target = id();

        // 1. The model, preprocessing, labels and samples: the built-in deployment package, verified.
        const auto package = ExportTargetRegistry::instance().find(QStringLiteral("package"));
        if (!package)
            return R::failure(QStringLiteral("the built-in 'package' target is missing"));
        ExportSettings packageSettings = settings;
        packageSettings.options = QJsonObject{{"opset", settings.options.value("opset").toInt(13)}};
        const ProgressFn packageProgress = [&](qint64 done, qint64 total, const QString &stage) {
            if (progress && total > 0)
                progress(60 * done / total, 100, QStringLiteral("package: ") + stage);
        };
        auto pkg = runExportTarget(*package, projectPath, modelVersionId, dir.filePath(QStringLiteral("package")),
                                   packageSettings, packageProgress, cancel);
        if (!pkg)
            return R::failure(pkg.error());
        out.verified = pkg->verified;
        if (!pkg->passed) {
            out.failure = pkg->failure;
            return out;
        }
        QFile::remove(pkg->archive);   // the folder is what the project uses; the archive would duplicate it

        // 2. The project around it.
        auto store = ProjectStore::open(projectPath);
        if (!store)
            return R::failure(store.error());
        const QByteArray readme = QString::fromUtf8(LeptonCppTarget::kReadme)
                                      .arg(QStringLiteral("model version %1").arg(modelVersionId))
                                      .arg(modelVersionId)
                                      .arg(labelCount(dir))
                                      .arg(QStringLiteral("see verification.json"))
                                      .toUtf8();
        if (!writeFile(dir.filePath(QStringLiteral("CMakeLists.txt")), LeptonCppTarget::kCMakeLists)
            || !writeFile(dir.filePath(QStringLiteral("main.cpp")), LeptonCppTarget::kMainCpp)
            || !writeFile(dir.filePath(QStringLiteral("README.md")), readme))
            return R::failure(QStringLiteral("cannot write into '%1'").arg(dir.absolutePath()));

        // 3. Verification: build it, run it on the samples, compare with the workbench's outputs.
        ExportOutcome check;
        check.verification.tolerance = settings.tolerance;
        check.verification.runtime = QStringLiteral("generated lepton_infer (CMake build, OpenCV DNN)");
        QString failure = verifyBuild(dir, cmake, cancel, progress, check.verification);
        if (cancel.isCancelled())
            return R::failure(QStringLiteral("cancelled"));
        check.verification.passed = failure.isEmpty();
        check.verification.failure = failure;
        const QJsonObject report = check.verification.toJson();
        if (!writeFile(dir.filePath(QStringLiteral("verification.json")), QJsonDocument(report).toJson()))
            return R::failure(QStringLiteral("cannot write verification.json"));

        // checksums.sha256 lists every file of the project; its own hash identifies the export.
        QByteArray sums;
        for (const QString &f : {QStringLiteral("CMakeLists.txt"), QStringLiteral("main.cpp"), QStringLiteral("README.md"),
                                 QStringLiteral("verification.json"), QStringLiteral("package/manifest.json")})
            sums += sha256Of(dir.filePath(f)).toLatin1() + "  " + f.toUtf8() + "\n";
        if (!writeFile(dir.filePath(QStringLiteral("checksums.sha256")), sums))
            return R::failure(QStringLiteral("cannot write checksums.sha256"));

        ExportInfo info;
        info.modelVersionId = modelVersionId;
        info.format = id();
        info.path = dir.absolutePath();
        info.sha256 = check.verification.passed ? sha256Of(dir.filePath(QStringLiteral("checksums.sha256"))) : QString();
        info.verificationJson = QString::fromUtf8(QJsonDocument(report).toJson(QJsonDocument::Compact));
        auto recorded = store.value()->addExport(info);
        if (!recorded)
            return R::failure(recorded.error());
        check.exportId = recorded.value();
        check.path = check.verification.passed ? dir.absolutePath() : QString();
        check.sha256 = info.sha256;
        out.verified << check;
        out.exportId = check.exportId;
        out.sha256 = check.sha256;
        out.passed = check.verification.passed;
        out.failure = failure;
        if (out.passed) {
            out.path = dir.absolutePath();
            for (const char *f : {"CMakeLists.txt", "main.cpp", "README.md", "verification.json", "checksums.sha256"})
                out.files << QLatin1String(f);
            for (const QString &f : pkg->files)
                out.files << QStringLiteral("package/") + f;
        }
        if (progress)
            progress(100, 100, QStringLiteral("done"));
        return out;
    }

    static int labelCount(const QDir &dir)
    {
        QFile f(dir.filePath(QStringLiteral("package/labels.json")));
        return f.open(QIODevice::ReadOnly) ? int(QJsonDocument::fromJson(f.readAll()).array().size()) : 0;
    }

    // Empty when the built program reproduces the package's expected outputs within the tolerance.
    static QString verifyBuild(const QDir &dir, const QString &cmake, const CancelToken &cancel,
                               const ProgressFn &progress, ExportVerification &v)
    {
        QTemporaryDir buildDir;
        if (!buildDir.isValid())
            return QStringLiteral("cannot create a temporary build folder");
        QByteArray log;
        if (progress)
            progress(60, 100, QStringLiteral("configuring the generated project"));
        if (auto st = runTool(cmake, {"-S", dir.absolutePath(), "-B", buildDir.path(), "-DCMAKE_BUILD_TYPE=Release"}, cancel, &log); !st)
            return st.error();
        if (progress)
            progress(70, 100, QStringLiteral("building the generated project"));
        if (auto st = runTool(cmake, {"--build", buildDir.path()}, cancel, &log); !st)
            return st.error();

        QFile ef(dir.filePath(QStringLiteral("package/samples/expected.json")));
        if (!ef.open(QIODevice::ReadOnly))
            return QStringLiteral("package/samples/expected.json is missing");
        const QJsonArray expected = QJsonDocument::fromJson(ef.readAll()).object().value("samples").toArray();
        if (expected.isEmpty())
            return QStringLiteral("package/samples/expected.json lists no samples");
        QStringList args{dir.filePath(QStringLiteral("package"))};
        for (const QJsonValue &e : expected)
            args << dir.filePath(QStringLiteral("package/") + e.toObject().value("file").toString());
        if (progress)
            progress(90, 100, QStringLiteral("running the generated program on the samples"));
        QByteArray lines;
        if (auto st = runTool(buildDir.filePath(QStringLiteral("lepton_infer")), args, cancel, &lines, true); !st)
            return st.error();
        const QList<QByteArray> rows = lines.trimmed().split('\n');
        if (rows.size() != expected.size())
            return QStringLiteral("the program printed %1 results for %2 samples").arg(rows.size()).arg(expected.size());
        double sumDiff = 0;
        qint64 values = 0, agree = 0, correct = 0;
        for (int i = 0; i < rows.size(); ++i) {
            const QJsonObject got = QJsonDocument::fromJson(rows[i]).object();
            const QJsonObject want = expected[i].toObject();
            const QJsonArray logits = want.value("logits").toArray();
            const QJsonArray scores = got.value("scores").toArray();
            if (scores.size() != logits.size())
                return QStringLiteral("sample %1: %2 scores for %3 classes").arg(i).arg(scores.size()).arg(logits.size());
            double maxLogit = -1e300, z = 0;
            for (const QJsonValue &l : logits)
                maxLogit = std::max(maxLogit, l.toDouble());
            for (const QJsonValue &l : logits)
                z += std::exp(l.toDouble() - maxLogit);
            for (int k = 0; k < logits.size(); ++k) {
                const double diff = std::abs(scores[k].toDouble() - std::exp(logits[k].toDouble() - maxLogit) / z);
                v.maxAbsDiff = std::max(v.maxAbsDiff, diff);
                sumDiff += diff;
                ++values;
            }
            agree += got.value("label").toString() == want.value("predicted_label").toString();
            correct += got.value("label").toString() == want.value("true_label").toString();
        }
        v.samples = rows.size();
        v.meanAbsDiff = values > 0 ? sumDiff / double(values) : 0;
        v.top1Agreement = double(agree) / double(rows.size());
        v.exportedAccuracy = double(correct) / double(rows.size());
        if (agree != rows.size() || v.maxAbsDiff > v.tolerance)
            return QStringLiteral("the generated program disagrees with the model: max |diff| of the scores %1 "
                                  "(allowed %2), top-1 agreement %3 on %4 samples")
                .arg(v.maxAbsDiff)
                .arg(v.tolerance)
                .arg(v.top1Agreement)
                .arg(v.samples);
        return {};
    }
};

} // namespace

class CppOpenCvTargetPlugin : public QObject, public lepton::ExportTargetPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID LeptonExportTargetPlugin_iid FILE "cppopencvtarget.json")
    Q_INTERFACES(lepton::ExportTargetPlugin)

public:
    QVector<std::shared_ptr<const lepton::ExportTarget>> exportTargets() override
    {
        return {std::make_shared<CppOpenCvTarget>()};
    }
};

#include "cppopencvtarget.moc"
