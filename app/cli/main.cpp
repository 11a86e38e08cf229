// lepton: the command-line face of Lepton Workbench (same core functions as the GUI).
#include "commands.h"
#include "plugin/pluginmanager.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("lepton"));
    QCoreApplication::setOrganizationName(QStringLiteral("Lepton"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LEPTON_VERSION));
    QStringList args = app.arguments();
    args.removeFirst();
    QTextStream out(stdout);
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")
        || args.first() == QLatin1String("help")) {
        out << lepton::Cli::usage();
        return args.isEmpty() ? lepton::Cli::Usage : lepton::Cli::Ok;
    }
    if (args.first() == QLatin1String("--version")) {
        out << "lepton " << LEPTON_VERSION << "\n";
        return lepton::Cli::Ok;
    }
    const QString command = args.takeFirst();
    // Plugin targets and layers must be registered before any command looks them up.
    lepton::PluginManager::instance().loadAll();
    return lepton::Cli::runCommand(command, args);
}
