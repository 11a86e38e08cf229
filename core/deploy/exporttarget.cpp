#include "deploy/exporttarget.h"

#include "deploy/internal/builtinexports.h"
#include "deploy/onnxexport.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonArray>
#include <QMutex>

#include <cmath>
#include <exception>

namespace lepton {

QJsonObject ExportTargetResult::toJson() const
{
    QJsonArray checks;
    for (const ExportOutcome &o : verified)
        checks.append(QJsonObject{{"export_id", o.exportId},
                                  {"path", o.path},
                                  {"sha256", o.sha256},
                                  {"bytes", double(o.bytes)},
                                  {"verification", o.verification.toJson()}});
    QJsonObject json{{"target", target},   {"path", path},       {"archive", archive},
                     {"export_id", exportId}, {"sha256", sha256}, {"files", QJsonArray::fromStringList(files)},
                     {"passed", passed},   {"seconds", seconds}, {"verified", checks}};
    if (!failure.isEmpty())
        json.insert(QStringLiteral("failure"), failure);
    return json;
}

namespace Internal {
namespace {

ExportTargetResult fromFile(const QString &id, const ExportOutcome &o)
{
    ExportTargetResult r;
    r.target = id;
    r.path = o.path;
    r.exportId = o.exportId;
    r.sha256 = o.sha256;
    r.verified = {o};
    r.passed = o.verification.passed;
    r.failure = o.verification.failure;
    r.seconds = o.seconds;
    return r;
}

class TorchScriptTarget final : public ExportTarget
{
public:
    QString id() const override { return QStringLiteral("torchscript"); }
    QString name() const override { return QStringLiteral("TorchScript (model.pt)"); }
    QString description() const override
    {
        return QStringLiteral("TorchScript module for torch::jit::load (C++) and torch.jit.load (Python), "
                              "preprocessing described inside; verified with LibTorch.");
    }
    bool writesFolder() const override { return false; }
    QString defaultOutputName() const override { return QStringLiteral("model.pt"); }
    Result<ExportTargetResult> exportModel(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                           const ExportSettings &settings, const ProgressFn &progress,
                                           const CancelToken &cancel) const override
    {
        auto o = writeTorchScriptFile(projectPath, modelVersionId, outPath, settings, progress, cancel);
        if (!o)
            return Result<ExportTargetResult>::failure(o.error());
        return fromFile(id(), o.value());
    }
};

ExportOptionSpec opsetOption()
{
    return {QStringLiteral("opset"), QStringLiteral("int"), OnnxDefaultOpset, double(OnnxMinOpset),
            double(OnnxMaxOpset), QStringLiteral("ONNX operator set version")};
}

class OnnxTarget final : public ExportTarget
{
public:
    QString id() const override { return QStringLiteral("onnx"); }
    QString name() const override { return QStringLiteral("ONNX (model.onnx)"); }
    QString description() const override
    {
        return QStringLiteral("ONNX written from the graph (dynamic batch, input \"input\", output \"logits\"); "
                              "verified with OpenCV DNN.");
    }
    QVector<ExportOptionSpec> options() const override { return {opsetOption()}; }
    bool writesFolder() const override { return false; }
    QString defaultOutputName() const override { return QStringLiteral("model.onnx"); }
    Result<ExportTargetResult> exportModel(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                           const ExportSettings &settings, const ProgressFn &progress,
                                           const CancelToken &cancel) const override
    {
        const int opset = settings.options.value(QStringLiteral("opset")).toInt(OnnxDefaultOpset);
        auto o = writeOnnxFile(projectPath, modelVersionId, outPath, opset, settings, progress, cancel);
        if (!o)
            return Result<ExportTargetResult>::failure(o.error());
        return fromFile(id(), o.value());
    }
};

class PackageTarget final : public ExportTarget
{
public:
    QString id() const override { return QStringLiteral("package"); }
    QString name() const override { return QStringLiteral("Deployment package (folder + .tar.gz)"); }
    QString description() const override
    {
        return QStringLiteral("Both formats, labels, preprocessing, manifest with SHA-256 of every file, "
                              "verification report, README for ops and smoke-test samples.");
    }
    QVector<ExportOptionSpec> options() const override { return {opsetOption()}; }
    bool writesFolder() const override { return true; }
    QString defaultOutputName() const override { return QStringLiteral("package"); }
    Result<ExportTargetResult> exportModel(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                           const ExportSettings &settings, const ProgressFn &progress,
                                           const CancelToken &cancel) const override
    {
        const int opset = settings.options.value(QStringLiteral("opset")).toInt(OnnxDefaultOpset);
        auto p = writePackage(projectPath, modelVersionId, outPath, opset, settings, progress, cancel);
        if (!p)
            return Result<ExportTargetResult>::failure(p.error());
        ExportTargetResult r;
        r.target = id();
        r.passed = p->passed;
        r.failure = p->failure;
        r.path = p->passed ? p->folder : QString();
        r.archive = p->passed ? p->archive : QString();
        r.exportId = p->exportId;
        r.sha256 = p->sha256;
        r.files = p->files;
        for (const ExportOutcome &o : {p->torchscript, p->onnx})
            if (o.verification.samples > 0)   // verified (a failed package records only what failed)
                r.verified << o;
        r.seconds = p->seconds;
        return r;
    }
};

} // namespace
} // namespace Internal

ExportTargetRegistry::ExportTargetRegistry()
{
    m_targets = {std::make_shared<Internal::TorchScriptTarget>(), std::make_shared<Internal::OnnxTarget>(),
                 std::make_shared<Internal::PackageTarget>()};
}

namespace {
QMutex &registryMutex()
{
    static QMutex m;
    return m;
}
} // namespace

ExportTargetRegistry &ExportTargetRegistry::instance()
{
    static ExportTargetRegistry registry;
    return registry;
}

QVector<std::shared_ptr<const ExportTarget>> ExportTargetRegistry::targets() const
{
    QMutexLocker lock(&registryMutex());
    return m_targets;
}

std::shared_ptr<const ExportTarget> ExportTargetRegistry::find(const QString &id) const
{
    QMutexLocker lock(&registryMutex());
    for (const auto &t : m_targets)
        if (t->id() == id)
            return t;
    return nullptr;
}

QStringList ExportTargetRegistry::ids() const
{
    QStringList out;
    for (const auto &t : targets())
        out << t->id();
    return out;
}

Status ExportTargetRegistry::add(std::shared_ptr<const ExportTarget> target)
{
    if (!target || target->id().trimmed().isEmpty())
        return Status::failure(QStringLiteral("an export target needs a non-empty id"));
    if (find(target->id()))
        return Status::failure(QStringLiteral("export target id '%1' is already taken (%2)")
                                   .arg(target->id(), find(target->id())->name()));
    QMutexLocker lock(&registryMutex());
    m_targets.append(std::move(target));
    return success();
}

Result<QJsonObject> resolveExportOptions(const ExportTarget &target, const QJsonObject &given)
{
    using R = Result<QJsonObject>;
    const QVector<ExportOptionSpec> specs = target.options();
    QJsonObject out;
    for (auto it = given.begin(); it != given.end(); ++it) {
        const bool known = std::any_of(specs.begin(), specs.end(), [&](const ExportOptionSpec &s) { return s.name == it.key(); });
        if (!known) {
            QStringList names;
            for (const ExportOptionSpec &s : specs)
                names << s.name;
            return R::failure(QStringLiteral("export target '%1' has no option '%2' (options: %3)")
                                  .arg(target.id(), it.key(), names.isEmpty() ? QStringLiteral("none") : names.join(", ")));
        }
    }
    for (const ExportOptionSpec &s : specs) {
        const QJsonValue v = given.contains(s.name) ? given.value(s.name) : s.defaultValue;
        const QString where = QStringLiteral("export target '%1', option '%2'").arg(target.id(), s.name);
        if (s.kind == QLatin1String("int") || s.kind == QLatin1String("float")) {
            const double d = v.toDouble(std::nan(""));
            if (!v.isDouble() || std::isnan(d) || (s.kind == QLatin1String("int") && d != std::floor(d)))
                return R::failure(QStringLiteral("%1: expected %2 number, got '%3'")
                                      .arg(where, s.kind == QLatin1String("int") ? QStringLiteral("a whole") : QStringLiteral("a"),
                                           v.toVariant().toString()));
            if (s.maximum > s.minimum && (d < s.minimum || d > s.maximum))
                return R::failure(QStringLiteral("%1: %2 is outside %3..%4").arg(where).arg(d).arg(s.minimum).arg(s.maximum));
            out.insert(s.name, s.kind == QLatin1String("int") ? QJsonValue(int(d)) : QJsonValue(d));
        } else if (s.kind == QLatin1String("bool")) {
            if (!v.isBool())
                return R::failure(QStringLiteral("%1: expected true or false").arg(where));
            out.insert(s.name, v);
        } else {
            if (!v.isString())
                return R::failure(QStringLiteral("%1: expected text").arg(where));
            out.insert(s.name, v);
        }
    }
    return out;
}

Result<ExportTargetResult> runExportTarget(const ExportTarget &target, const QString &projectPath,
                                           qint64 modelVersionId, const QString &outPath,
                                           const ExportSettings &settings, const ProgressFn &progress,
                                           const CancelToken &cancel)
{
    using R = Result<ExportTargetResult>;
    auto options = resolveExportOptions(target, settings.options);
    if (!options)
        return R::failure(options.error());
    ExportSettings resolved = settings;
    resolved.options = options.value();
    QElapsedTimer timer;
    timer.start();
    try {
        auto result = target.exportModel(projectPath, modelVersionId, outPath, resolved, progress, cancel);
        if (result && result->seconds == 0)
            result->seconds = timer.elapsed() / 1000.0;
        return result;
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("export target '%1' failed: %2").arg(target.id(), QString::fromUtf8(e.what())));
    } catch (...) {
        return R::failure(QStringLiteral("export target '%1' failed with an unknown exception").arg(target.id()));
    }
}

bool exportRecordPassed(const QString &verificationJson)
{
    const QJsonObject o = QJsonDocument::fromJson(verificationJson.toUtf8()).object();
    if (o.contains(QStringLiteral("passed")))
        return o.value(QStringLiteral("passed")).toBool();
    return !o.isEmpty();
}

} // namespace lepton
