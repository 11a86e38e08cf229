#include "cliutil.h"
#include "plugin/pluginmanager.h"

#include <QJsonArray>

namespace lepton::Cli {

int cmdPlugins(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("enable"), QStringLiteral("Enable the plugin with this id (from the next start)."),
                        QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("disable"), QStringLiteral("Disable the plugin with this id (from the next start)."),
                        QStringLiteral("ID")});
    if (int rc = parse(p, QStringLiteral("plugins"),
                       QStringLiteral("List the plugins found (install folder, user data folder, LEPTON_PLUGIN_PATH) "
                                      "with their state and errors. Exit code 1 when a plugin failed to load."),
                       args, {});
        rc >= 0)
        return rc;
    const QVector<PluginInfo> plugins = PluginManager::instance().plugins();
    for (const char *option : {"enable", "disable"}) {
        if (!p.parser.isSet(QLatin1String(option)))
            continue;
        const QString id = p.parser.value(QLatin1String(option));
        const bool known = std::any_of(plugins.begin(), plugins.end(), [&](const PluginInfo &i) { return i.id == id; });
        if (!known)
            return fail(QStringLiteral("no plugin with id '%1' was found").arg(id));
        PluginManager::setEnabled(id, QLatin1String(option) == QLatin1String("enable"));
        out() << "plugin '" << id << "' " << option << "d (takes effect at the next start)\n" << Qt::flush;
        return Ok;
    }
    bool anyFailed = false;
    QJsonArray list;
    for (const PluginInfo &i : plugins) {
        anyFailed = anyFailed || i.state == PluginInfo::State::Failed;
        list.append(i.toJson());
    }
    if (p.parser.isSet(p.json)) {
        QJsonArray paths = QJsonArray::fromStringList(PluginManager::defaultSearchPaths());
        printJson({{"api_version", pluginApiVersion().toString()}, {"search_paths", paths}, {"plugins", list}});
    } else {
        out() << "plugin API " << pluginApiVersion().toString() << "; searched: "
              << PluginManager::defaultSearchPaths().join(QStringLiteral(", ")) << "\n";
        if (plugins.isEmpty())
            out() << "no plugins found\n";
        for (const PluginInfo &i : plugins) {
            out() << QStringLiteral("%1  %2  %3  [%4]").arg(i.id, -24).arg(i.version, -8).arg(i.kind, -7).arg(i.stateText())
                  << "\n    " << (i.name.isEmpty() ? i.file : i.name + QStringLiteral(" (") + i.file + QStringLiteral(")"))
                  << "\n";
            if (!i.provides.isEmpty())
                out() << "    provides " << i.provides.join(QStringLiteral(", ")) << "\n";
            if (!i.error.isEmpty())
                out() << "    error: " << i.error << "\n";
        }
    }
    out() << Qt::flush;
    return anyFailed ? Failed : Ok;
}

} // namespace lepton::Cli
