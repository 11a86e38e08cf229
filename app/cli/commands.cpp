#include "commands.h"

#include "data/importer.h"
#include "deploy/deploymentpackage.h"
#include "deploy/onnxexport.h"
#include "deploy/packagemodel.h"
#include "deploy/packageserver.h"
#include "graph/modelgraph.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"
#include "runtime/runtimeconfig.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimer>

#include <csignal>

namespace lepton::Cli {
namespace {

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

CancelToken g_cancel;
void onSignal(int) { g_cancel.cancel(); }

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

struct Parsed
{
    QCommandLineParser parser;
    QCommandLineOption json{QStringLiteral("json"), QStringLiteral("Print the result as one JSON object.")};
    QCommandLineOption threads{QStringLiteral("threads"), QStringLiteral("Worker threads (default: one per core)."),
                               QStringLiteral("N"), QStringLiteral("0")};
};

// Parses `arguments` for `command`; returns -1 when the command should go on, else an exit code.
int parse(Parsed &p, const QString &command, const QString &description, const QStringList &arguments,
          const QStringList &positional, bool morePositional = false)
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

// Training options shared by `demo` and `train`.
void addTrainOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("epochs"), QStringLiteral("Training epochs (default 12)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("batch-size"), QStringLiteral("Batch size (default 64)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("lr"), QStringLiteral("Learning rate (default 0.001)."), QStringLiteral("RATE")});
    p.addOption({QStringLiteral("optimizer"), QStringLiteral("adam or sgd (default adam)."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Random seed (default 42)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("schedule"), QStringLiteral("Learning-rate schedule: cosine (default) or constant."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("weight-decay"), QStringLiteral("Weight decay (default 0)."), QStringLiteral("W")});
}

bool readTrainOptions(const QCommandLineParser &p, TrainConfig *c, QString *error)
{
    if (!intOption(p, QStringLiteral("epochs"), &c->epochs, 1, error)
        || !intOption(p, QStringLiteral("batch-size"), &c->batchSize, 1, error))
        return false;
    if (p.isSet(QStringLiteral("lr"))) {
        bool ok = false;
        c->learningRate = p.value(QStringLiteral("lr")).toDouble(&ok);
        if (!ok) {
            *error = QStringLiteral("--lr must be a number, got '%1'").arg(p.value(QStringLiteral("lr")));
            return false;
        }
    }
    if (p.isSet(QStringLiteral("optimizer")))
        c->optimizer = p.value(QStringLiteral("optimizer")).toLower();
    if (p.isSet(QStringLiteral("schedule")))
        c->schedule = p.value(QStringLiteral("schedule")).toLower();
    if (p.isSet(QStringLiteral("weight-decay"))) {
        bool ok = false;
        c->weightDecay = p.value(QStringLiteral("weight-decay")).toDouble(&ok);
        if (!ok) {
            *error = QStringLiteral("--weight-decay must be a number");
            return false;
        }
    }
    if (p.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        c->seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok) {
            *error = QStringLiteral("--seed must be a non-negative integer");
            return false;
        }
    }
    *error = c->validate();
    return error->isEmpty();
}

TrainObserver printingObserver(bool quiet)
{
    TrainObserver o;
    if (quiet)
        return o;
    o.onStarted = [](qint64 runId) { err() << "training run " << runId << Qt::endl; };
    o.onEpoch = [](const EpochMetrics &m) {
        err() << QStringLiteral("  epoch %1: train loss %2 acc %3 | val loss %4 acc %5 (%6 s)")
                     .arg(m.epoch, 3)
                     .arg(m.trainLoss, 0, 'f', 4)
                     .arg(m.trainAccuracy, 0, 'f', 4)
                     .arg(m.valLoss, 0, 'f', 4)
                     .arg(m.valAccuracy, 0, 'f', 4)
                     .arg(m.seconds, 0, 'f', 2)
              << Qt::endl;
    };
    return o;
}

int cmdDemo(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("workdir"), QStringLiteral("Folder for the project and the export."),
                        QStringLiteral("DIR")});
    p.parser.addOption({QStringLiteral("digits"), QStringLiteral("Digit sheet (default: OpenCV's digits.png)."),
                        QStringLiteral("PNG")});
    addTrainOptions(p.parser);
    if (int rc = parse(p, QStringLiteral("demo"),
                       QStringLiteral("Import OpenCV's digit sheet, train a small CNN, evaluate it on the test split "
                                      "and export it to TorchScript."),
                       args, {});
        rc >= 0)
        return rc;
    if (!p.parser.isSet(QStringLiteral("workdir")))
        return usageError(p.parser, QStringLiteral("--workdir is required"));
    DemoOptions options;
    options.workdir = p.parser.value(QStringLiteral("workdir"));
    options.digitSheetPath = p.parser.value(QStringLiteral("digits"));
    QString error;
    if (!readTrainOptions(p.parser, &options.train, &error))
        return usageError(p.parser, error);
    const bool json = p.parser.isSet(p.json);
    DemoObserver observer;
    observer.onStage = [](const QString &stage) { err() << "== " << stage << Qt::endl; };
    observer.train = printingObserver(false);
    auto report = runDemo(options, observer, g_cancel);
    if (!report)
        return fail(report.error());
    if (json)
        printJson(report->toJson());
    else
        out() << report->toText() << Qt::flush;
    return Ok;
}

int cmdNew(const QStringList &args)
{
    Parsed p;
    if (int rc = parse(p, QStringLiteral("new"), QStringLiteral("Create an empty project file."), args,
                       {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const QString path = p.parser.positionalArguments().first();
    auto store = ProjectStore::create(path);
    if (!store)
        return fail(store.error());
    if (p.parser.isSet(p.json))
        printJson({{"project", store.value()->path()}, {"schema_version", store.value()->schemaVersion()}});
    else
        out() << "created " << path << " (schema version " << store.value()->schemaVersion() << ")\n" << Qt::flush;
    return Ok;
}

int cmdImport(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("digits"), QStringLiteral("Import OpenCV's digit sheet (PNG)."), QStringLiteral("PNG")});
    p.parser.addOption({QStringLiteral("folder"), QStringLiteral("Import a folder of class_name/image files."),
                        QStringLiteral("DIR")});
    p.parser.addOption({QStringLiteral("name"), QStringLiteral("Dataset name."), QStringLiteral("NAME")});
    p.parser.addOption({QStringLiteral("size"), QStringLiteral("Input size WxH (default 20x20)."), QStringLiteral("WxH")});
    p.parser.addOption({QStringLiteral("channels"), QStringLiteral("1 (grayscale) or 3 (colour), default 1."),
                        QStringLiteral("N")});
    p.parser.addOption({QStringLiteral("train"), QStringLiteral("Train fraction (default 0.8)."), QStringLiteral("F")});
    p.parser.addOption({QStringLiteral("val"), QStringLiteral("Validation fraction (default 0.1)."), QStringLiteral("F")});
    p.parser.addOption({QStringLiteral("seed"), QStringLiteral("Split seed (default 42)."), QStringLiteral("N")});
    if (int rc = parse(p, QStringLiteral("import"), QStringLiteral("Import images into a project as a new dataset."),
                       args, {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const bool digits = p.parser.isSet(QStringLiteral("digits"));
    if (digits == p.parser.isSet(QStringLiteral("folder")))
        return usageError(p.parser, QStringLiteral("give exactly one of --digits or --folder"));
    ImportOptions o;
    o.name = p.parser.value(QStringLiteral("name"));
    QString error;
    if (p.parser.isSet(QStringLiteral("size"))) {
        const QStringList wh = p.parser.value(QStringLiteral("size")).toLower().split(QLatin1Char('x'));
        bool okW = false, okH = false;
        if (wh.size() == 2) {
            o.width = wh[0].toInt(&okW);
            o.height = wh[1].toInt(&okH);
        }
        if (!okW || !okH)
            return usageError(p.parser, QStringLiteral("--size must look like 28x28"));
    }
    if (!intOption(p.parser, QStringLiteral("channels"), &o.channels, 1, &error))
        return usageError(p.parser, error);
    int seed = int(o.seed);
    if (!intOption(p.parser, QStringLiteral("seed"), &seed, 0, &error))
        return usageError(p.parser, error);
    o.seed = quint32(seed);
    if (p.parser.isSet(QStringLiteral("train")))
        o.trainFraction = p.parser.value(QStringLiteral("train")).toDouble();
    if (p.parser.isSet(QStringLiteral("val")))
        o.validationFraction = p.parser.value(QStringLiteral("val")).toDouble();
    auto store = ProjectStore::open(p.parser.positionalArguments().first());
    if (!store)
        return fail(store.error());
    const bool json = p.parser.isSet(p.json);
    ProgressFn progress;
    if (!json)
        progress = [](qint64 done, qint64 total, const QString &) {
            if (done == total || done % 1000 == 0)
                err() << "\r  imported " << done << "/" << total << (done == total ? "\n" : "") << Qt::flush;
        };
    auto data = digits ? importDigitSheet(p.parser.value(QStringLiteral("digits")), o, progress, g_cancel)
                       : importImageFolder(p.parser.value(QStringLiteral("folder")), o, progress, g_cancel);
    if (!data)
        return fail(data.error());
    auto id = importIntoProject(*store.value(), data.value());
    if (!id)
        return fail(id.error());
    auto info = store.value()->dataset(id.value());
    if (!info)
        return fail(info.error());
    QJsonArray issues;
    for (const ImportIssue &i : data->issues) {
        issues.append(QJsonObject{{"path", i.path}, {"reason", i.reason}});
        if (!json)
            err() << "skipped " << i.path << ": " << i.reason << Qt::endl;
    }
    if (json) {
        printJson({{"dataset_id", id.value()},
                   {"samples", info->sampleCount()},
                   {"classes", QJsonArray::fromStringList(info->classes)},
                   {"train", info->splitCounts[0]},
                   {"validation", info->splitCounts[1]},
                   {"test", info->splitCounts[2]},
                   {"skipped", issues}});
    } else {
        out() << "dataset " << id.value() << " '" << info->name << "': " << info->sampleCount() << " samples in "
              << info->classes.size() << " classes (train " << info->splitCounts[0] << ", validation "
              << info->splitCounts[1] << ", test " << info->splitCounts[2] << "), " << data->issues.size()
              << " files skipped\n"
              << Qt::flush;
    }
    return Ok;
}

int cmdTrain(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset id."), QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("architecture"),
                        QStringLiteral("Architecture id (default: add the small-CNN template for the dataset)."),
                        QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("graph"), QStringLiteral("Add this architecture JSON file and train it."),
                        QStringLiteral("FILE")});
    addTrainOptions(p.parser);
    if (int rc = parse(p, QStringLiteral("train"), QStringLiteral("Train a model; every epoch is saved in the project."),
                       args, {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const QString project = p.parser.positionalArguments().first();
    TrainConfig config;
    QString error;
    if (!readTrainOptions(p.parser, &config, &error))
        return usageError(p.parser, error);
    auto store = ProjectStore::open(project);
    if (!store)
        return fail(store.error());
    qint64 datasetId = p.parser.value(QStringLiteral("dataset")).toLongLong();
    if (!p.parser.isSet(QStringLiteral("dataset"))) {
        auto all = store.value()->datasets();
        if (!all)
            return fail(all.error());
        if (all->size() != 1)
            return usageError(p.parser, QStringLiteral("--dataset is required (the project has %1 datasets)").arg(all->size()));
        datasetId = all->first().id;
    }
    auto dataset = store.value()->dataset(datasetId);
    if (!dataset)
        return fail(dataset.error());
    qint64 archId = p.parser.value(QStringLiteral("architecture")).toLongLong();
    if (p.parser.isSet(QStringLiteral("graph"))) {
        QFile f(p.parser.value(QStringLiteral("graph")));
        if (!f.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read '%1': %2").arg(f.fileName(), f.errorString()));
        auto graph = ModelGraph::fromJson(f.readAll());
        if (!graph)
            return fail(QStringLiteral("%1: %2").arg(f.fileName(), graph.error()));
        auto id = store.value()->addArchitecture(graph->name.isEmpty() ? QStringLiteral("imported") : graph->name,
                                                 QString::fromUtf8(graph->toJson()));
        if (!id)
            return fail(id.error());
        archId = id.value();
    } else if (!p.parser.isSet(QStringLiteral("architecture"))) {
        const ModelGraph g = smallCnnTemplate(dataset->channels, dataset->height, dataset->width, dataset->classes.size());
        auto id = store.value()->addArchitecture(g.name, QString::fromUtf8(g.toJson()));
        if (!id)
            return fail(id.error());
        archId = id.value();
    }
    store.value().reset();
    const bool json = p.parser.isSet(p.json);
    auto outcome = trainModel(project, datasetId, archId, config, printingObserver(json), g_cancel);
    if (!outcome)
        return fail(outcome.error());
    if (json) {
        QJsonArray epochs;
        for (const EpochMetrics &e : outcome->epochs)
            epochs.append(QJsonObject{{"epoch", e.epoch}, {"train_loss", e.trainLoss}, {"train_accuracy", e.trainAccuracy},
                                      {"val_loss", e.valLoss}, {"val_accuracy", e.valAccuracy}, {"seconds", e.seconds}});
        printJson({{"run_id", outcome->runId}, {"model_version_id", outcome->modelVersionId}, {"architecture_id", archId},
                   {"cancelled", outcome->cancelled}, {"epochs", epochs}, {"seconds", outcome->seconds}});
    } else {
        out() << "run " << outcome->runId << (outcome->cancelled ? " cancelled" : " finished") << " after "
              << outcome->epochs.size() << " epochs; model version " << outcome->modelVersionId << "\n"
              << Qt::flush;
    }
    return outcome->cancelled ? Failed : Ok;
}

int cmdEval(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("model"), QStringLiteral("Model version id."), QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("split"), QStringLiteral("train, validation or test (default test)."),
                        QStringLiteral("SPLIT"), QStringLiteral("test")});
    p.parser.addOption({QStringLiteral("curves"), QStringLiteral("Include ROC, PR and calibration curves in --json.")});
    if (int rc = parse(p, QStringLiteral("eval"), QStringLiteral("Evaluate a model version on a split."), args,
                       {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    bool ok = false;
    const qint64 model = p.parser.value(QStringLiteral("model")).toLongLong(&ok);
    if (!ok)
        return usageError(p.parser, QStringLiteral("--model ID is required"));
    Split split;
    if (!parseSplit(p.parser.value(QStringLiteral("split")), &split))
        return usageError(p.parser, QStringLiteral("--split must be train, validation or test"));
    auto outcome = evaluateModel(p.parser.positionalArguments().first(), model, split, {}, g_cancel);
    if (!outcome)
        return fail(outcome.error());
    if (p.parser.isSet(p.json)) {
        QJsonObject o = outcome->metrics.toJson();
        o.insert(QLatin1String("evaluation_id"), outcome->evaluationId);
        o.insert(QLatin1String("model_version_id"), model);
        o.insert(QLatin1String("split"), splitName(split));
        o.insert(QLatin1String("samples"), double(outcome->samples));
        o.insert(QLatin1String("classes"), QJsonArray::fromStringList(outcome->classes));
        if (outcome->scores)
            o.insert(QLatin1String("scores"), outcome->scores->toJson(p.parser.isSet(QStringLiteral("curves"))));
        else
            o.insert(QLatin1String("scores_error"), outcome->scoresError);
        printJson(o);
    } else {
        const ClassificationMetrics &m = outcome->metrics;
        out() << "model version " << model << " on " << splitName(split) << " (" << outcome->samples
              << " samples): accuracy " << QString::number(m.accuracy, 'f', 4) << ", macro F1 "
              << QString::number(m.macroF1, 'f', 4) << "\n";
        out() << "  balanced accuracy " << QString::number(m.balancedAccuracy, 'f', 4) << ", weighted F1 "
              << QString::number(m.weightedF1, 'f', 4) << "\n";
        if (const auto &sc = outcome->scores) {
            out() << "  log loss " << QString::number(sc->logLoss, 'f', 4) << ", ROC AUC macro "
                  << (sc->macroRocAuc ? QString::number(*sc->macroRocAuc, 'f', 4) : QStringLiteral("undefined"))
                  << " / micro " << QString::number(sc->microRocAuc, 'f', 4) << ", ECE "
                  << QString::number(sc->calibration.expectedCalibrationError, 'f', 4) << "\n";
        } else {
            out() << "  score metrics: " << outcome->scoresError << "\n";
        }
        out() << "  class  precision  recall  f1      support\n";
        for (int c = 0; c < m.perClass.size(); ++c)
            out() << QStringLiteral("  %1  %2  %3  %4  %5\n")
                         .arg(outcome->classes.value(c), 5)
                         .arg(m.perClass[c].precision, 9, 'f', 4)
                         .arg(m.perClass[c].recall, 6, 'f', 4)
                         .arg(m.perClass[c].f1, 6, 'f', 4)
                         .arg(m.perClass[c].support, 7);
        out() << Qt::flush;
    }
    return Ok;
}

int cmdExport(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("model"), QStringLiteral("Model version id."), QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("out"),
                        QStringLiteral("Output: a file for torchscript, a new folder for package (plus FOLDER.tar.gz)."),
                        QStringLiteral("PATH")});
    p.parser.addOption({{QStringLiteral("target"), QStringLiteral("format")},
                        QStringLiteral("torchscript (default), onnx or package."), QStringLiteral("TARGET"),
                        QStringLiteral("torchscript")});
    p.parser.addOption({QStringLiteral("opset"), QStringLiteral("ONNX opset, 11..17 (default 13)."), QStringLiteral("N"),
                        QString::number(OnnxDefaultOpset)});
    if (int rc = parse(p, QStringLiteral("export"),
                       QStringLiteral("Export a model version and verify the written files against the live model."),
                       args, {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    bool ok = false;
    const qint64 model = p.parser.value(QStringLiteral("model")).toLongLong(&ok);
    if (!ok)
        return usageError(p.parser, QStringLiteral("--model ID is required"));
    if (!p.parser.isSet(QStringLiteral("out")))
        return usageError(p.parser, QStringLiteral("--out PATH is required"));
    const QString target = p.parser.value(QStringLiteral("target"));
    const QString project = p.parser.positionalArguments().first();
    const QString outPath = p.parser.value(QStringLiteral("out"));
    const bool json = p.parser.isSet(p.json);
    if (target == QLatin1String("package")) {
        auto pkg = exportPackage(project, model, outPath, {}, g_cancel);
        if (!pkg)
            return fail(pkg.error());
        if (json) {
            printJson({{"folder", pkg->folder}, {"archive", pkg->archive}, {"files", QJsonArray::fromStringList(pkg->files)},
                       {"verification", QJsonObject{{"torchscript", pkg->torchscript.verification.toJson()},
                                                    {"onnx", pkg->onnx.verification.toJson()}}}});
        } else {
            out() << "wrote package " << pkg->folder << " and " << pkg->archive << "\n";
            for (const QString &f : pkg->files)
                out() << "  " << f << "\n";
            out() << Qt::flush;
        }
        return Ok;
    }
    if (target != QLatin1String("torchscript") && target != QLatin1String("onnx"))
        return usageError(p.parser, QStringLiteral("unknown --target '%1' (supported: torchscript, onnx, package)").arg(target));
    int opset = OnnxDefaultOpset;
    QString error;
    if (!intOption(p.parser, QStringLiteral("opset"), &opset, 1, &error))
        return usageError(p.parser, error);
    auto outcome = target == QLatin1String("onnx") ? exportOnnx(project, model, outPath, opset, {}, g_cancel)
                                                   : exportTorchScript(project, model, outPath, {}, g_cancel);
    if (!outcome)
        return fail(outcome.error());
    const ExportVerification &v = outcome->verification;
    if (json) {
        printJson({{"export_id", outcome->exportId}, {"path", outcome->path}, {"sha256", outcome->sha256},
                   {"bytes", double(outcome->bytes)}, {"verification", v.toJson()}});
    } else {
        out() << "wrote " << outcome->path << " (" << outcome->bytes << " bytes, sha256 " << outcome->sha256 << ")\n"
              << "verified on " << v.samples << " samples: max |diff| " << v.maxAbsDiff << ", top-1 agreement "
              << v.top1Agreement << ", accuracy " << v.exportedAccuracy << "\n"
              << Qt::flush;
    }
    return Ok;
}

QJsonObject predictionToJson(const Prediction &pr)
{
    QJsonArray probs;
    for (float v : pr.probabilities)
        probs.append(double(v));
    return QJsonObject{{"input", pr.input}, {"label", pr.labelName}, {"index", pr.label},
                       {"confidence", double(pr.probabilities.value(pr.label))}, {"probabilities", probs}};
}

int cmdPredict(const QStringList &args)
{
    Parsed p;
    // PACKAGE plus one or more images: checked below, since the count varies.
    if (int rc = parse(p, QStringLiteral("predict"),
                       QStringLiteral("Classify images with a deployment package (folder or .tar.gz); the package's "
                                      "checksums are verified first."),
                       args, {QStringLiteral("PACKAGE")}, true);
        rc >= 0)
        return rc;
    const QStringList pos = p.parser.positionalArguments();
    if (pos.size() < 2)
        return usageError(p.parser, QStringLiteral("'predict' needs PACKAGE and at least one IMAGE"));
    auto pkg = openPackage(pos.first());
    if (!pkg)
        return fail(pkg.error());
    auto model = PackageModel::load(pkg.value());
    if (!model)
        return fail(model.error());
    auto predictions = model.value()->predictFiles(pos.mid(1));
    if (!predictions)
        return fail(predictions.error());
    QJsonArray rows;
    for (const Prediction &pr : predictions.value()) {
        rows.append(predictionToJson(pr));
        if (!p.parser.isSet(p.json))
            out() << pr.input << "\t" << pr.labelName << "\t" << QString::number(pr.probabilities.value(pr.label), 'f', 4)
                  << "\n";
    }
    if (p.parser.isSet(p.json))
        printJson({{"package", pkg->folder}, {"predictions", rows}});
    out() << Qt::flush;
    return Ok;
}

int cmdServe(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("host"), QStringLiteral("Address to bind (default 127.0.0.1)."),
                        QStringLiteral("ADDR"), QStringLiteral("127.0.0.1")});
    p.parser.addOption({QStringLiteral("port"), QStringLiteral("Port (default 8080; 0 picks a free one)."),
                        QStringLiteral("N"), QStringLiteral("8080")});
    p.parser.addOption({QStringLiteral("max-body"), QStringLiteral("Largest request body in bytes (default 8 MiB)."),
                        QStringLiteral("BYTES"), QString::number(8 * 1024 * 1024)});
    p.parser.addOption({QStringLiteral("token-env"),
                        QStringLiteral("Require 'Authorization: Bearer <token>' with the token read from this "
                                       "environment variable."),
                        QStringLiteral("VAR")});
    if (int rc = parse(p, QStringLiteral("serve"),
                       QStringLiteral("Serve a deployment package over HTTP: POST /v1/predict, GET /v1/health, "
                                      "GET /v1/model, GET /metrics. The package's checksums are verified first."),
                       args, {QStringLiteral("PACKAGE")});
        rc >= 0)
        return rc;
    ServeOptions options;
    if (!options.host.setAddress(p.parser.value(QStringLiteral("host"))))
        return usageError(p.parser, QStringLiteral("--host must be an IP address"));
    bool ok = false;
    const int port = p.parser.value(QStringLiteral("port")).toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return usageError(p.parser, QStringLiteral("--port must be 0..65535"));
    options.port = quint16(port);
    options.maxBodyBytes = p.parser.value(QStringLiteral("max-body")).toLongLong(&ok);
    if (!ok || options.maxBodyBytes < 1)
        return usageError(p.parser, QStringLiteral("--max-body must be a positive number of bytes"));
    if (p.parser.isSet(QStringLiteral("token-env"))) {
        options.bearerToken = qEnvironmentVariable(qPrintable(p.parser.value(QStringLiteral("token-env"))));
        if (options.bearerToken.isEmpty())
            return usageError(p.parser, QStringLiteral("environment variable %1 is empty").arg(p.parser.value(QStringLiteral("token-env"))));
    }
    auto pkg = openPackage(p.parser.positionalArguments().first());
    if (!pkg)
        return fail(pkg.error());
    auto model = PackageModel::load(pkg.value());
    if (!model)
        return fail(model.error());
    auto server = PackageServer::start(model.value(), options);
    if (!server)
        return fail(server.error());
    out() << "listening on http://" << options.host.toString() << ":" << server.value()->port() << "\n" << Qt::flush;
    // SIGINT/SIGTERM only set a flag; the event loop checks it.
    QTimer stopCheck;
    QObject::connect(&stopCheck, &QTimer::timeout, &stopCheck, [] {
        if (g_cancel.isCancelled())
            QCoreApplication::quit();
    });
    stopCheck.start(200);
    QCoreApplication::exec();
    err() << "lepton serve: stopped" << Qt::endl;
    return Ok;
}

int cmdInfo(const QStringList &args)
{
    Parsed p;
    if (int rc = parse(p, QStringLiteral("info"), QStringLiteral("List what a project holds."), args,
                       {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    auto opened = ProjectStore::open(p.parser.positionalArguments().first());
    if (!opened)
        return fail(opened.error());
    ProjectStore &s = *opened.value();
    auto datasets = s.datasets();
    auto archs = s.architectures();
    auto runs = s.runs();
    auto versions = s.modelVersions();
    auto evals = s.evaluations();
    auto exports = s.exports();
    for (const QString *e : {&datasets.error(), &archs.error(), &runs.error(), &versions.error(), &evals.error(),
                             &exports.error()})
        if (!e->isEmpty())
            return fail(*e);
    QJsonArray jd, ja, jr, jv, je, jx;
    for (const DatasetInfo &d : datasets.value())
        jd.append(QJsonObject{{"id", d.id}, {"name", d.name}, {"kind", d.kind}, {"samples", d.sampleCount()},
                              {"classes", d.classes.size()}});
    for (const ArchitectureInfo &a : archs.value())
        ja.append(QJsonObject{{"id", a.id}, {"name", a.name}, {"version", a.version}});
    for (const RunInfo &r : runs.value())
        jr.append(QJsonObject{{"id", r.id}, {"dataset_id", r.datasetId}, {"architecture_id", r.architectureId},
                              {"status", r.status}, {"epochs", r.epochsDone}});
    for (const ModelVersionInfo &v : versions.value())
        jv.append(QJsonObject{{"id", v.id}, {"name", v.name}, {"run_id", v.runId}, {"parent_id", v.parentId}});
    for (const EvaluationInfo &e : evals.value())
        je.append(QJsonObject{{"id", e.id}, {"model_version_id", e.modelVersionId}, {"split", e.split},
                              {"accuracy", e.accuracy}, {"macro_f1", e.macroF1}});
    for (const ExportInfo &x : exports.value())
        jx.append(QJsonObject{{"id", x.id}, {"model_version_id", x.modelVersionId}, {"format", x.format},
                              {"path", x.path}, {"sha256", x.sha256}});
    const QJsonObject all{{"project", s.path()}, {"schema_version", s.schemaVersion()}, {"datasets", jd},
                          {"architectures", ja}, {"runs", jr}, {"model_versions", jv}, {"evaluations", je},
                          {"exports", jx}};
    if (p.parser.isSet(p.json)) {
        printJson(all);
    } else {
        out() << s.path() << " (schema " << s.schemaVersion() << ")\n";
        for (const char *key : {"datasets", "architectures", "runs", "model_versions", "evaluations", "exports"}) {
            out() << key << ":\n";
            for (const QJsonValue &v : all.value(QLatin1String(key)).toArray())
                out() << "  " << QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact) << "\n";
        }
        out() << Qt::flush;
    }
    return Ok;
}

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
    {"train", cmdTrain, "train a model on a dataset"},
    {"eval", cmdEval, "evaluate a model version on a split"},
    {"export", cmdExport, "export a model version: TorchScript, ONNX or a deployment package (verified)"},
    {"predict", cmdPredict, "classify images with a deployment package (no project needed)"},
    {"serve", cmdServe, "serve a deployment package over HTTP"},
    {"info", cmdInfo, "list what a project holds"},
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
