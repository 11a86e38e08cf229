// lepton-workbench [PROJECT]: the Qt Widgets workbench.
#include "mainwindow.h"

#include "plugin/pluginmanager.h"
#include "runtime/runtimeconfig.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QStatusBar>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Lepton");
    QApplication::setApplicationName("Lepton Workbench");
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    QApplication::setDesktopFileName(QStringLiteral("org.lepton.Workbench"));
    QIcon icon;
    for (int size : {32, 64, 256})
        icon.addFile(QStringLiteral(":/icons/lepton-workbench-%1.png").arg(size));
    QApplication::setWindowIcon(icon);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Lepton Workbench: train, evaluate and export models."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("project", QApplication::translate("main", "Project file to open (*.lepton)."),
                                 "[PROJECT]");
    parser.process(app);

    const lepton::RuntimeInfo runtime = lepton::configureRuntime();

    // Before the window: the docks read the export targets (and layers) plugins register.
    lepton::PluginManager::instance().loadAll();
    int failedPlugins = 0;
    for (const lepton::PluginInfo &p : lepton::PluginManager::instance().plugins())
        failedPlugins += p.state == lepton::PluginInfo::State::Failed;

    lepton::MainWindow window;
    window.setRuntimeWarning(runtime.warning);
    window.show();
    if (failedPlugins > 0)
        window.statusBar()->showMessage(
            QApplication::translate("main", "%n plugin(s) could not be loaded: see Help > Plugins.", nullptr, failedPlugins),
            30000);
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().constFirst());
    return app.exec();
}
