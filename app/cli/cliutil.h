#pragma once
// Shared plumbing of the `lepton` sub-commands: output streams, option parsing, JSON printing,
// the Ctrl-C cancel token. Each commands_*.cpp file implements a group of commands with these.
#include "commands.h"
#include "common/progress.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QTextStream>

namespace lepton {
class ProjectStore;
struct ReimportOptions;
struct TrainConfig;
struct TrainObserver;
}

namespace lepton::Cli {

QTextStream &out();
QTextStream &err();
// Cancelled by SIGINT/SIGTERM once a command has parsed its arguments.
CancelToken &cancelToken();

int fail(const QString &message);   // prints "lepton: error: ..." and returns Failed
int usageError(const QCommandLineParser &parser, const QString &message);   // returns Usage
void printJson(const QJsonObject &o);

struct Parsed
{
    QCommandLineParser parser;
    QCommandLineOption json{QStringLiteral("json"), QStringLiteral("Print the result as one JSON object.")};
    QCommandLineOption threads{QStringLiteral("threads"), QStringLiteral("Worker threads (default: one per core)."),
                               QStringLiteral("N"), QStringLiteral("0")};
};

// Parses `arguments` for `command`; returns -1 when the command should go on, else an exit code.
int parse(Parsed &p, const QString &command, const QString &description, const QStringList &arguments,
          const QStringList &positional, bool morePositional = false);

bool intOption(const QCommandLineParser &p, const QString &name, int *out, int minimum, QString *error);
// Reads --name as a number into *out when given; false with *error when it is not a number.
bool doubleOption(const QCommandLineParser &p, const QString &name, double *out, QString *error);

// Training options shared by `demo` and `train` (commands_train.cpp).
void addTrainOptions(QCommandLineParser &p);
bool readTrainOptions(const QCommandLineParser &p, TrainConfig *c, QString *error);
TrainObserver printingObserver(bool quiet);

// The commands, one per group file.
int cmdDemo(const QStringList &args);      // commands_project.cpp
int cmdNew(const QStringList &args);
int cmdImport(const QStringList &args);
int cmdInfo(const QStringList &args);
int cmdTrain(const QStringList &args);     // commands_train.cpp
int cmdRuns(const QStringList &args);
int cmdSweep(const QStringList &args);
int cmdEval(const QStringList &args);      // commands_eval.cpp
int cmdExport(const QStringList &args);    // commands_export.cpp
int cmdPredict(const QStringList &args);
int cmdServe(const QStringList &args);
int cmdArch(const QStringList &args);      // commands_arch.cpp
int cmdPlugins(const QStringList &args);   // commands_plugins.cpp
int cmdAugment(const QStringList &args);   // commands_data.cpp
// Incremental re-import of an image-folder dataset, printed; `lepton import` on a known folder.
int reimportDataset(ProjectStore &store, qint64 datasetId, const ReimportOptions &options, bool json);
int cmdDataset(const QStringList &args);
int cmdCompress(const QStringList &args);  // commands_compress.cpp

} // namespace lepton::Cli
