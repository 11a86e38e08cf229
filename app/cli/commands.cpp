#include "cliutil.h"

namespace lepton::Cli {
namespace {

struct Command
{
    const char *name;
    int (*run)(const QStringList &);
    const char *summary;
};

const Command kCommands[] = {
    {"demo", cmdDemo, "import the digit sheet, train, evaluate and export in one go"},
    {"new", cmdNew, "create an empty project file"},
    {"import", cmdImport, "import a digit sheet or an image folder as a dataset"},
    {"dataset", cmdDataset, "list datasets, per-class/split statistics, rename/merge classes, relabel/exclude samples, copy"},
    {"augment", cmdAugment, "show, set or preview a dataset's augmentation pipeline; normalization statistics"},
    {"train", cmdTrain, "train a model on a dataset"},
    {"runs", cmdRuns, "list training runs: status, epochs, best metric, duration, settings"},
    {"sweep", cmdSweep, "grid or random hyperparameter search, each trial a training run"},
    {"eval", cmdEval, "evaluate a model version on a split"},
    {"compress", cmdCompress, "prune, quantize (int8) or distill a model version; measured before and after"},
    {"export", cmdExport, "export a model version: TorchScript, ONNX or a deployment package (verified)"},
    {"predict", cmdPredict, "classify images with a deployment package (no project needed)"},
    {"serve", cmdServe, "serve a deployment package over HTTP"},
    {"arch", cmdArch, "show, check and save architectures: templates, graph JSON, ONNX import"},
    {"info", cmdInfo, "list what a project holds"},
    {"plugins", cmdPlugins, "list plugins with their state and errors; enable or disable one"},
};

} // namespace

QString usage()
{
    QString text = QStringLiteral("usage: lepton COMMAND [options]   (lepton COMMAND --help for each)\n\ncommands:\n");
    for (const Command &c : kCommands)
        text += QStringLiteral("  %1 %2\n").arg(QLatin1String(c.name), -8).arg(QLatin1String(c.summary));
    return text + QStringLiteral("\nexit codes: 0 success, 1 the work failed, 2 bad command line\n");
}

int runCommand(const QString &command, const QStringList &arguments)
{
    for (const Command &c : kCommands)
        if (command == QLatin1String(c.name))
            return c.run(arguments);
    err() << "lepton: unknown command '" << command << "'\n\n" << usage() << Qt::flush;
    return Usage;
}

} // namespace lepton::Cli
