#pragma once
// One interface for every way a model version leaves the workbench. The built-in targets
// (TorchScript, ONNX, deployment package) implement it, and so do plugins (org.lepton.ExportTarget/1).
// The Export dock and `lepton export` list and drive targets only through this interface.
#include "common/progress.h"
#include "common/result.h"
#include "deploy/exportoutcome.h"

#include <QJsonValue>
#include <QStringList>
#include <QVector>

#include <memory>

namespace lepton {

struct ExportOptionSpec
{
    QString name;          // key in ExportSettings::options
    QString kind;          // "int" | "float" | "bool" | "string"
    QJsonValue defaultValue;
    double minimum = 0;    // int/float only
    double maximum = 0;
    QString help;
};

// What one target produced: the verified files (each also recorded in the project) or, when a
// verification exceeded the tolerance, passed = false with the reports and the reason.
struct ExportTargetResult
{
    QString target;                    // ExportTarget::id()
    QString path;                      // the file or folder handed out (empty when not passed)
    QString archive;                   // folder targets that also write an archive
    qint64 exportId = 0;               // the project record of path (or archive)
    QString sha256;                    // of path (or archive)
    QStringList files;                 // what the folder holds, relative to it (folder targets)
    QVector<ExportOutcome> verified;   // one per checked file, in the order written
    bool passed = false;
    QString failure;
    double seconds = 0;

    QJsonObject toJson() const;
};

class ExportTarget
{
public:
    virtual ~ExportTarget() = default;
    virtual QString id() const = 0;            // "onnx": the CLI's --target and the record format
    virtual QString name() const = 0;          // "ONNX (model.onnx)"
    virtual QString description() const = 0;
    virtual QVector<ExportOptionSpec> options() const { return {}; }
    virtual bool writesFolder() const = 0;     // output path is a folder (else one file)
    virtual QString defaultOutputName() const = 0;   // "model.onnx", "package"
    // Writes into outPath, verifies with the consuming runtime against the live model, records the
    // result in the project. settings.options has been checked by resolveExportOptions().
    virtual Result<ExportTargetResult> exportModel(const QString &projectPath, qint64 modelVersionId,
                                                   const QString &outPath, const ExportSettings &settings,
                                                   const ProgressFn &progress, const CancelToken &cancel) const = 0;
};

class ExportTargetRegistry
{
public:
    static ExportTargetRegistry &instance();   // built-in targets registered on first use
    QVector<std::shared_ptr<const ExportTarget>> targets() const;
    std::shared_ptr<const ExportTarget> find(const QString &id) const;
    QStringList ids() const;
    // Fails when the id is empty or taken, naming both.
    Status add(std::shared_ptr<const ExportTarget> target);

private:
    ExportTargetRegistry();
    QVector<std::shared_ptr<const ExportTarget>> m_targets;
};

// The target's options with defaults filled in; an error naming the option and the rule it breaks
// for unknown names, wrong types and values out of range.
Result<QJsonObject> resolveExportOptions(const ExportTarget &target, const QJsonObject &given);

// Runs a target after resolving its options; catches exceptions so a throwing target (a plugin)
// cannot take the caller down.
Result<ExportTargetResult> runExportTarget(const ExportTarget &target, const QString &projectPath,
                                           qint64 modelVersionId, const QString &outPath,
                                           const ExportSettings &settings, const ProgressFn &progress = {},
                                           const CancelToken &cancel = {});

// Whether a stored export record (its verification JSON) passed. Records of single files carry
// "passed"; package records carry "passed" since format 0.2 and were only written when both passed.
bool exportRecordPassed(const QString &verificationJson);

} // namespace lepton
