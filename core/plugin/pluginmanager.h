#pragma once
// Finds, checks and loads plugins (Qt plugins with JSON metadata) from the install's plugin folder,
// the user's data folder and LEPTON_PLUGIN_PATH. A plugin that cannot be used (wrong IID, bad or
// incompatible metadata, missing symbols, throws while initialising) is listed with its error and
// the application carries on. Enabled/disabled state is kept in QSettings.
#include "common/result.h"

#include <QJsonObject>
#include <QStringList>
#include <QVector>
#include <QVersionNumber>

namespace lepton {

// The plugin API this build offers. A plugin works when compatVersion <= PluginApiVersion <= version.
inline QVersionNumber pluginApiVersion() { return QVersionNumber(1, 0, 0); }

struct PluginInfo
{
    enum class State { Loaded, Disabled, Failed };

    QString file;            // absolute path of the shared library
    QString iid;
    QString id;              // from the metadata; the file name when the metadata is unreadable
    QString name;
    QString version;
    QString compatVersion;
    QString kind;            // "export" | "model"
    QString description;
    QString vendor;
    State state = State::Failed;
    QString error;           // why it failed (empty otherwise)
    QStringList provides;    // what it registered: "export target 'cpp-opencv'", ...

    QString stateText() const;   // "loaded" | "disabled" | "failed"
    QJsonObject toJson() const;
};

class PluginManager
{
public:
    static PluginManager &instance();

    // <app>/../lib/lepton-workbench/plugins, <user data>/plugins, then LEPTON_PLUGIN_PATH entries.
    static QStringList defaultSearchPaths();

    // Loads every plugin found in `paths` (once per file; later calls only add new files).
    void loadAll(const QStringList &paths = defaultSearchPaths());
    QVector<PluginInfo> plugins() const;

    // Remembered in QSettings; takes effect the next time the plugin would be loaded.
    static bool isEnabled(const QString &id);
    static void setEnabled(const QString &id, bool enabled);

private:
    PluginManager() = default;
    PluginInfo load(const QString &file);

    QVector<PluginInfo> m_plugins;
};

} // namespace lepton
