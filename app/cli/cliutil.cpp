#include "cliutil.h"
#include "runtime/runtimeconfig.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <csignal>

namespace lepton::Cli {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}
QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

namespace {
CancelToken g_cancel;
void onSignal(int) { g_cancel.cancel(); }
} // namespace

CancelToken &cancelToken() { return g_cancel; }

int fail(const QString &message)
{
    err() << "lepton: error: " << message << Qt::endl;
    return Failed;
}

int usageError(const QCommandLineParser &parser, const QString &message)
{
    err() << "lepton: " << message << "\n\n" << parser.helpText() << Qt::flush;
    return Usage;
}

void printJson(const QJsonObject &o) { out() << QJsonDocument(o).toJson(QJsonDocument::Indented) << Qt::flush; }

int parse(Parsed &p, const QString &command, const QString &description, const QStringList &arguments,
          const QStringList &positional, bool morePositional)
{
    p.parser.setApplicationDescription(description);
    p.parser.addHelpOption();
    p.parser.addOption(p.json);
    p.parser.addOption(p.threads);
    for (const QString &pos : positional)
        p.parser.addPositionalArgument(pos, pos == QLatin1String("PROJECT") ? QStringLiteral("Project file (*.lepton)")
                                                                            : pos);
    if (morePositional)
        p.parser.addPositionalArgument(QStringLiteral("IMAGE"), QStringLiteral("Image files to classify."),
                                       QStringLiteral("IMAGE..."));
    QStringList argv = arguments;
    argv.prepend(QStringLiteral("lepton ") + command);
    if (!p.parser.parse(argv))
        return usageError(p.parser, p.parser.errorText());
    if (p.parser.isSet(QStringLiteral("help"))) {
        out() << p.parser.helpText() << Qt::flush;
        return Ok;
    }
    const int given = p.parser.positionalArguments().size();
    if (morePositional ? given < positional.size() : given != positional.size())
        return usageError(p.parser, QStringLiteral("'%1' needs %2").arg(command, positional.join(QLatin1Char(' '))));
    bool ok = false;
    const int threads = p.parser.value(p.threads).toInt(&ok);
    if (!ok || threads < 0)
        return usageError(p.parser, QStringLiteral("--threads must be a number >= 0"));
    const RuntimeInfo info = configureRuntime(threads);
    if (!info.warning.isEmpty())
        err() << "lepton: warning: " << info.warning << Qt::endl;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    return -1;
}

bool intOption(const QCommandLineParser &p, const QString &name, int *out, int minimum, QString *error)
{
    if (!p.isSet(name))
        return true;
    bool ok = false;
    const int v = p.value(name).toInt(&ok);
    if (!ok || v < minimum) {
        *error = QStringLiteral("--%1 must be an integer >= %2, got '%3'").arg(name).arg(minimum).arg(p.value(name));
        return false;
    }
    *out = v;
    return true;
}

bool doubleOption(const QCommandLineParser &p, const QString &name, double *out, QString *error)
{
    if (!p.isSet(name))
        return true;
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok) {
        *error = QStringLiteral("--%1 must be a number, got '%2'").arg(name, p.value(name));
        return false;
    }
    *out = v;
    return true;
}

} // namespace lepton::Cli
