// lepton-workbench [PROJECT]: the Qt Widgets workbench.
#include "mainwindow.h"

#include "runtime/runtimeconfig.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Lepton");
    QApplication::setApplicationName("Lepton Workbench");
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Lepton Workbench: train, evaluate and export models."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("project", QApplication::translate("main", "Project file to open (*.lepton)."),
                                 "[PROJECT]");
    parser.process(app);

    const lepton::RuntimeInfo runtime = lepton::configureRuntime();

    lepton::MainWindow window;
    window.setRuntimeWarning(runtime.warning);
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().constFirst());
    return app.exec();
}
