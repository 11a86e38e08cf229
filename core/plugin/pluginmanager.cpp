#include "plugin/pluginmanager.h"

#include "plugin/exporttargetplugin.h"
#include "plugin/internal/registration.h"
#include "plugin/modelproviderplugin.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QLibrary>
#include <QPluginLoader>
#include <QSettings>
#include <QStandardPaths>


namespace lepton {

namespace Internal {
namespace {

// A plugin's target behind a wall: its description is read once (at load, guarded), and
// exportModel's exceptions become errors naming the plugin.
class GuardedExportTarget final : public ExportTarget
{
public:
    GuardedExportTarget(std::shared_ptr<const ExportTarget> inner, QString pluginId)
        : m_inner(std::move(inner))
        , m_plugin(std::move(pluginId))
        , m_id(m_inner->id())
        , m_name(m_inner->name())
        , m_description(m_inner->description())
        , m_options(m_inner->options())
        , m_writesFolder(m_inner->writesFolder())
        , m_defaultOutputName(m_inner->defaultOutputName())
    {}

    QString id() const override { return m_id; }
    QString name() const override { return m_name; }
    QString description() const override
    {
        return m_description + QStringLiteral(" [plugin %1]").arg(m_plugin);
    }
    QVector<ExportOptionSpec> options() const override { return m_options; }
    bool writesFolder() const override { return m_writesFolder; }
    QString defaultOutputName() const override { return m_defaultOutputName; }
    Result<ExportTargetResult> exportModel(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                           const ExportSettings &settings, const ProgressFn &progress,
                                           const CancelToken &cancel) const override
    {
        Result<ExportTargetResult> result = Result<ExportTargetResult>::failure(QString());
        QString error;
        if (!guarded([&] { result = m_inner->exportModel(projectPath, modelVersionId, outPath, settings, progress, cancel); },
                     &error, QStringLiteral("plugin '%1', export target '%2'").arg(m_plugin, m_id)))
            return Result<ExportTargetResult>::failure(error);
        return result;
    }

private:
    std::shared_ptr<const ExportTarget> m_inner;
    QString m_plugin;
    QString m_id, m_name, m_description;
    QVector<ExportOptionSpec> m_options;
    bool m_writesFolder;
    QString m_defaultOutputName;
};

bool isPluginFile(const QFileInfo &f)
{
    return f.isFile() && QLibrary::isLibrary(f.fileName());
}

QSettings pluginSettings()
{
    return QSettings(QStringLiteral("Lepton"), QStringLiteral("Lepton Workbench"));
}

} // namespace
} // namespace Internal

using namespace Internal;

QString PluginInfo::stateText() const
{
    switch (state) {
    case State::Loaded: return QStringLiteral("loaded");
    case State::Disabled: return QStringLiteral("disabled");
    case State::Failed: break;
    }
    return QStringLiteral("failed");
}

QJsonObject PluginInfo::toJson() const
{
    return QJsonObject{{"file", file},
                       {"iid", iid},
                       {"id", id},
                       {"name", name},
                       {"version", version},
                       {"compat_version", compatVersion},
                       {"kind", kind},
                       {"description", description},
                       {"vendor", vendor},
                       {"state", stateText()},
                       {"error", error},
                       {"provides", QJsonArray::fromStringList(provides)}};
}

PluginManager &PluginManager::instance()
{
    static PluginManager manager;
    return manager;
}

QStringList PluginManager::defaultSearchPaths()
{
    QStringList paths;
    if (QCoreApplication::instance())
        paths << QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../lib/lepton-workbench/plugins"));
    const QString data = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (!data.isEmpty())
        paths << data + QStringLiteral("/lepton-workbench/plugins");
    const QString env = qEnvironmentVariable("LEPTON_PLUGIN_PATH");
    for (const QString &p : env.split(QLatin1Char(':'), Qt::SkipEmptyParts))
        paths << QDir::cleanPath(p);
    paths.removeDuplicates();
    return paths;
}

void PluginManager::loadAll(const QStringList &paths)
{
    for (const QString &path : paths) {
        const QFileInfo where(path);
        QFileInfoList files;
        if (isPluginFile(where))
            files << where;
        else if (where.isDir())
            files = QDir(path).entryInfoList(QDir::Files, QDir::Name);
        for (const QFileInfo &f : files) {
            if (!isPluginFile(f))
                continue;
            const QString file = f.canonicalFilePath();
            const bool seen = std::any_of(m_plugins.begin(), m_plugins.end(), [&](const PluginInfo &p) { return p.file == file; });
            if (!seen)
                m_plugins.append(load(file));
        }
    }
}

QVector<PluginInfo> PluginManager::plugins() const
{
    return m_plugins;
}

bool PluginManager::isEnabled(const QString &id)
{
    return !pluginSettings().value(QStringLiteral("plugins/disabled")).toStringList().contains(id);
}

void PluginManager::setEnabled(const QString &id, bool enabled)
{
    QSettings s = pluginSettings();
    QStringList disabled = s.value(QStringLiteral("plugins/disabled")).toStringList();
    disabled.removeAll(id);
    if (!enabled)
        disabled << id;
    s.setValue(QStringLiteral("plugins/disabled"), disabled);
}

PluginInfo PluginManager::load(const QString &file)
{
    PluginInfo info;
    info.file = file;
    info.id = QFileInfo(file).baseName();
    auto failed = [&](const QString &why) {
        info.state = PluginInfo::State::Failed;
        info.error = why;
        return info;
    };
    QPluginLoader loader(file);
    // Resolve every symbol at load time: a missing one is a load error here, not a crash at first call.
    loader.setLoadHints(QLibrary::ResolveAllSymbolsHint);
    const QJsonObject meta = loader.metaData();
    if (meta.isEmpty())
        return failed(QStringLiteral("not a Qt plugin, or its metadata cannot be read: %1").arg(loader.errorString()));
    info.iid = meta.value(QStringLiteral("IID")).toString();
    const QJsonObject data = meta.value(QStringLiteral("MetaData")).toObject();
    QStringList missing;
    for (const char *key : {"id", "name", "version", "compatVersion", "kind"})
        if (!data.value(QLatin1String(key)).isString() || data.value(QLatin1String(key)).toString().isEmpty())
            missing << QLatin1String(key);
    if (!missing.isEmpty())
        return failed(QStringLiteral("metadata lacks %1 (each must be a non-empty string)").arg(missing.join(", ")));
    info.id = data.value("id").toString();
    info.name = data.value("name").toString();
    info.version = data.value("version").toString();
    info.compatVersion = data.value("compatVersion").toString();
    info.kind = data.value("kind").toString();
    info.description = data.value("description").toString();
    info.vendor = data.value("vendor").toString();

    // The interfaces this build offers, and the metadata kind each one goes with.
    const bool exportPlugin = info.iid == QLatin1String(LeptonExportTargetPlugin_iid);
    const bool modelPlugin = info.iid == QLatin1String(LeptonModelProviderPlugin_iid);
    if (!exportPlugin && !modelPlugin)
        return failed(QStringLiteral("interface '%1' is not one this build offers (%2, %3)")
                          .arg(info.iid, QLatin1String(LeptonExportTargetPlugin_iid),
                               QLatin1String(LeptonModelProviderPlugin_iid)));
    const QString expectedKind = exportPlugin ? QStringLiteral("export") : QStringLiteral("model");
    if (info.kind != expectedKind)
        return failed(QStringLiteral("kind '%1' does not match interface %2 (expected \"%3\")")
                          .arg(info.kind, info.iid, expectedKind));
    const QVersionNumber version = QVersionNumber::fromString(info.version);
    const QVersionNumber compat = QVersionNumber::fromString(info.compatVersion);
    if (version.isNull() || compat.isNull() || compat > version)
        return failed(QStringLiteral("version '%1' / compatVersion '%2' are not version numbers with compatVersion <= version")
                          .arg(info.version, info.compatVersion));
    const QVersionNumber host = pluginApiVersion();
    if (!(compat <= host && host <= version))
        return failed(QStringLiteral("incompatible: the plugin supports API %1 to %2, this build offers %3")
                          .arg(compat.toString(), version.toString(), host.toString()));
    for (const PluginInfo &other : m_plugins)
        if (other.id == info.id && other.state == PluginInfo::State::Loaded)
            return failed(QStringLiteral("a plugin with id '%1' is already loaded from %2").arg(info.id, other.file));
    if (!isEnabled(info.id)) {
        info.state = PluginInfo::State::Disabled;
        return info;
    }

    QObject *object = nullptr;
    QString error;
    if (!guarded([&] { object = loader.instance(); }, &error, QStringLiteral("creating the plugin")))
        return failed(error);
    if (!object)
        return failed(QStringLiteral("cannot load: %1").arg(loader.errorString()));
    if (modelPlugin) {
        auto provider = qobject_cast<ModelProviderPlugin *>(object);
        if (!provider)
            return failed(QStringLiteral("the plugin object does not implement %1").arg(info.iid));
        auto provided = registerModelProvider(provider, info.id);
        if (!provided)
            return failed(provided.error());
        info.provides = provided.value();
        info.state = PluginInfo::State::Loaded;
        return info;
    }
    auto plugin = qobject_cast<ExportTargetPlugin *>(object);
    if (!plugin)
        return failed(QStringLiteral("the plugin object does not implement %1").arg(info.iid));
    QVector<std::shared_ptr<const ExportTarget>> targets;
    if (!guarded([&] { targets = plugin->exportTargets(); }, &error, QStringLiteral("exportTargets()")))
        return failed(error);
    if (targets.isEmpty())
        return failed(QStringLiteral("exportTargets() returned no targets"));
    QVector<std::shared_ptr<const ExportTarget>> wrapped;
    for (const auto &t : targets) {
        if (!t)
            return failed(QStringLiteral("exportTargets() returned a null target"));
        std::shared_ptr<const ExportTarget> guard;
        if (!guarded([&] { guard = std::make_shared<GuardedExportTarget>(t, info.id); }, &error,
                     QStringLiteral("describing an export target")))
            return failed(error);
        wrapped << guard;
    }
    // All or nothing: a plugin whose second target clashes registers none.
    for (const auto &t : wrapped)
        if (ExportTargetRegistry::instance().find(t->id()))
            return failed(QStringLiteral("export target id '%1' is already taken").arg(t->id()));
    for (const auto &t : wrapped) {
        if (auto st = ExportTargetRegistry::instance().add(t); !st)
            return failed(st.error());
        info.provides << QStringLiteral("export target '%1'").arg(t->id());
    }
    info.state = PluginInfo::State::Loaded;
    return info;
}

} // namespace lepton
