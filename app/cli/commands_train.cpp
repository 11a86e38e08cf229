// lepton train / runs / sweep: training runs and hyperparameter sweeps.
#include "cliutil.h"
#include "commands.h"
#include "graph/modelgraph.h"
#include "graph/templates.h"
#include "project/projectstore.h"
#include "train/sweep.h"
#include "train/trainer.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

namespace lepton::Cli {

namespace {

QJsonObject epochJson(const EpochMetrics &m)
{
    if (m.regression)
        return QJsonObject{{"epoch", m.epoch},
                           {"train_loss", m.trainLoss},
                           {"train_mae", m.trainMae},
                           {"train_r2", m.trainR2},
                           {"val_loss", m.valLoss},
                           {"val_mae", m.valMae},
                           {"val_r2", m.valR2},
                           {"learning_rate", m.learningRate},
                           {"best_epoch", m.bestEpoch},
                           {"seconds", m.seconds}};
    return QJsonObject{{"epoch", m.epoch},
                       {"train_loss", m.trainLoss},
                       {"train_accuracy", m.trainAccuracy},
                       {"train_macro_f1", m.trainF1},
                       {"val_loss", m.valLoss},
                       {"val_accuracy", m.valAccuracy},
                       {"val_macro_f1", m.valF1},
                       {"learning_rate", m.learningRate},
                       {"best_epoch", m.bestEpoch},
                       {"seconds", m.seconds}};
}

// Progress as JSON lines on stderr; stdout keeps the one result object every --json command prints.
void printJsonLine(const QJsonObject &o)
{
    err() << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n" << Qt::flush;
}

QString runStatusText(const RunInfo &r, const TrainConfig *config)
{
    QString text = QStringLiteral("%1 %2/%3 epochs").arg(r.status).arg(r.epochsDone).arg(config ? config->epochs : 0);
    if (r.bestEpoch > 0 && config)
        text += QStringLiteral(", best %1 %2 at epoch %3").arg(config->monitor).arg(r.bestMetric, 0, 'f', 4).arg(r.bestEpoch);
    return text;
}

} // namespace

void addTrainOptions(QCommandLineParser &p)
{
    auto add = [&](const char *name, const char *help, const char *value = nullptr) {
        if (value)
            p.addOption({QString::fromLatin1(name), QString::fromLatin1(help), QString::fromLatin1(value)});
        else
            p.addOption({QString::fromLatin1(name), QString::fromLatin1(help)});
    };
    add("epochs", "Training epochs (default 12).", "N");
    add("batch-size", "Batch size (default 64).", "N");
    add("lr", "Learning rate (default 0.001; the peak rate for onecycle).", "RATE");
    add("optimizer", "sgd, adam or adamw (default adam).", "NAME");
    add("momentum", "SGD momentum (default 0.9).", "M");
    add("nesterov", "SGD with Nesterov momentum.");
    add("weight-decay", "Weight decay (default 0; decoupled for adamw).", "W");
    add("schedule", "Learning-rate schedule: constant, step, cosine (default), onecycle, plateau.", "NAME");
    add("step-epochs", "step: multiply the rate by --gamma every N epochs (default 5).", "N");
    add("gamma", "step/plateau: the factor (default 0.1).", "F");
    add("plateau-patience", "plateau: epochs without improvement before reducing (default 2).", "N");
    add("warmup", "Linear warm-up over N epochs (default 0).", "N");
    add("clip-norm", "Clip the gradient norm to this (default 0: off).", "NORM");
    add("label-smoothing", "Cross-entropy label smoothing in [0, 1) (default 0).", "S");
    add("class-weights", "Cross-entropy class weights, comma-separated, one per class.", "W,W,...");
    add("early-stopping", "Stop when METRIC (val_loss, val_accuracy, val_macro_f1; regression: val_mae, val_r2) stops "
        "improving.", "METRIC");
    add("patience", "Early-stopping patience in epochs (default 3 with --early-stopping).", "N");
    add("monitor", "Metric that picks the best epoch (default val_loss).", "METRIC");
    add("seed", "Random seed (default 42).", "N");
}

bool readTrainOptions(const QCommandLineParser &p, TrainConfig *c, QString *error)
{
    if (!intOption(p, QStringLiteral("epochs"), &c->epochs, 1, error)
        || !intOption(p, QStringLiteral("batch-size"), &c->batchSize, 1, error)
        || !intOption(p, QStringLiteral("step-epochs"), &c->stepEpochs, 1, error)
        || !intOption(p, QStringLiteral("plateau-patience"), &c->plateauPatience, 0, error)
        || !intOption(p, QStringLiteral("warmup"), &c->warmupEpochs, 0, error)
        || !intOption(p, QStringLiteral("patience"), &c->patience, 0, error))
        return false;
    if (!doubleOption(p, QStringLiteral("lr"), &c->learningRate, error)
        || !doubleOption(p, QStringLiteral("momentum"), &c->momentum, error)
        || !doubleOption(p, QStringLiteral("weight-decay"), &c->weightDecay, error)
        || !doubleOption(p, QStringLiteral("gamma"), &c->gamma, error)
        || !doubleOption(p, QStringLiteral("clip-norm"), &c->clipNorm, error)
        || !doubleOption(p, QStringLiteral("label-smoothing"), &c->labelSmoothing, error))
        return false;
    if (p.isSet(QStringLiteral("optimizer")))
        c->optimizer = p.value(QStringLiteral("optimizer")).toLower();
    if (p.isSet(QStringLiteral("schedule")))
        c->schedule = p.value(QStringLiteral("schedule")).toLower();
    c->nesterov = c->nesterov || p.isSet(QStringLiteral("nesterov"));
    if (p.isSet(QStringLiteral("monitor")))
        c->monitor = p.value(QStringLiteral("monitor")).toLower();
    if (p.isSet(QStringLiteral("early-stopping"))) {
        c->monitor = p.value(QStringLiteral("early-stopping")).toLower();
        if (!p.isSet(QStringLiteral("patience")))
            c->patience = 3;
    }
    if (p.isSet(QStringLiteral("class-weights"))) {
        c->classWeights.clear();
        for (const QString &w : p.value(QStringLiteral("class-weights")).split(QLatin1Char(','))) {
            bool ok = false;
            c->classWeights.append(w.trimmed().toDouble(&ok));
            if (!ok) {
                *error = QStringLiteral("--class-weights: '%1' is not a number").arg(w);
                return false;
            }
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
        if (m.regression) {
            err() << QStringLiteral("  epoch %1: train MSE %2 MAE %3 | val MSE %4 MAE %5 R² %6 | lr %7 (%8 s)%9")
                         .arg(m.epoch, 3)
                         .arg(m.trainLoss, 0, 'g', 5)
                         .arg(m.trainMae, 0, 'g', 5)
                         .arg(m.valLoss, 0, 'g', 5)
                         .arg(m.valMae, 0, 'g', 5)
                         .arg(m.valR2, 0, 'f', 4)
                         .arg(m.learningRate, 0, 'g', 3)
                         .arg(m.seconds, 0, 'f', 2)
                         .arg(m.bestEpoch == m.epoch ? QStringLiteral(" *best") : QString())
                  << Qt::endl;
            return;
        }
        err() << QStringLiteral("  epoch %1: train loss %2 acc %3 | val loss %4 acc %5 F1 %6 | lr %7 (%8 s)%9")
                     .arg(m.epoch, 3)
                     .arg(m.trainLoss, 0, 'f', 4)
                     .arg(m.trainAccuracy, 0, 'f', 4)
                     .arg(m.valLoss, 0, 'f', 4)
                     .arg(m.valAccuracy, 0, 'f', 4)
                     .arg(m.valF1, 0, 'f', 4)
                     .arg(m.learningRate, 0, 'g', 3)
                     .arg(m.seconds, 0, 'f', 2)
                     .arg(m.bestEpoch == m.epoch ? QStringLiteral(" *best") : QString())
              << Qt::endl;
    };
    return o;
}

int cmdTrain(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset id."), QStringLiteral("ID")});
    p.parser.addOption({{QStringLiteral("arch"), QStringLiteral("architecture")},
                        QStringLiteral("Architecture id (default: add the small-CNN template for the dataset)."),
                        QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("template"), QStringLiteral("Add this architecture template, sized for the dataset, and train it (lepton arch --list-templates)."),
                        QStringLiteral("NAME")});
    p.parser.addOption({QStringLiteral("graph"), QStringLiteral("Add this architecture JSON file and train it."),
                        QStringLiteral("FILE")});
    p.parser.addOption({QStringLiteral("resume"),
                        QStringLiteral("Continue an interrupted, stopped or failed run from its last finished epoch "
                                       "(with its stored settings)."),
                        QStringLiteral("RUN")});
    addTrainOptions(p.parser);
    p.parser.addOption({QStringLiteral("init-from"),
                        QStringLiteral("Start from this model version's weights (e.g. an imported ONNX model) instead "
                                       "of a random initialization; the architecture must have the same parameters "
                                       "(matched by name and shape)."),
                        QStringLiteral("MODEL_ID")});
    if (int rc = parse(p, QStringLiteral("train"),
                       QStringLiteral("Train a model; every epoch is saved in the project. With --json: one JSON line "
                                      "per epoch on stderr, the result as one JSON object on stdout."),
                       args, {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const QString project = p.parser.positionalArguments().first();
    const bool json = p.parser.isSet(p.json);
    TrainObserver observer = printingObserver(json);
    if (json)
        observer.onEpoch = [](const EpochMetrics &m) {
            QJsonObject o = epochJson(m);
            o.insert("event", "epoch");
            printJsonLine(o);
        };
    Result<TrainOutcome> outcome = Result<TrainOutcome>::failure(QString());
    qint64 archId = 0;
    if (p.parser.isSet(QStringLiteral("resume"))) {
        bool ok = false;
        const qint64 runId = p.parser.value(QStringLiteral("resume")).toLongLong(&ok);
        if (!ok || runId <= 0)
            return usageError(p.parser, QStringLiteral("--resume needs a run id, got '%1'").arg(p.parser.value(QStringLiteral("resume"))));
        for (const QString &option : p.parser.optionNames())
            if (option != QLatin1String("resume") && option != QLatin1String("json") && option != QLatin1String("threads"))
                return usageError(p.parser, QStringLiteral("--resume continues with the run's stored settings; "
                                                           "--%1 cannot be combined with it")
                                                .arg(option));
        outcome = resumeTraining(project, runId, observer, cancelToken());
    } else {
        TrainConfig config;
        QString error;
        if (!readTrainOptions(p.parser, &config, &error))
            return usageError(p.parser, error);
        if (p.parser.isSet(QStringLiteral("init-from"))) {
            bool ok = false;
            config.initModelVersion = p.parser.value(QStringLiteral("init-from")).toLongLong(&ok);
            if (!ok || config.initModelVersion <= 0)
                return usageError(p.parser, QStringLiteral("--init-from needs a model version id, got '%1'")
                                                .arg(p.parser.value(QStringLiteral("init-from"))));
        }
        const int archSources = int(p.parser.isSet(QStringLiteral("arch"))) + int(p.parser.isSet(QStringLiteral("graph")))
                                + int(p.parser.isSet(QStringLiteral("template")));
        if (archSources > 1)
            return usageError(p.parser, QStringLiteral("give one of --arch, --template and --graph"));
        const QString templateName = p.parser.value(QStringLiteral("template")).toLower();
        if (p.parser.isSet(QStringLiteral("template"))) {
            QStringList known;
            for (const ArchitectureTemplate &t : architectureTemplates())
                known << t.name;
            if (!known.contains(templateName))
                return usageError(p.parser, QStringLiteral("unknown template '%1' (known: %2)")
                                                .arg(p.parser.value(QStringLiteral("template")), known.join(QStringLiteral(", "))));
        }
        auto store = ProjectStore::open(project);
        if (!store)
            return fail(store.error());
        qint64 datasetId = p.parser.value(QStringLiteral("dataset")).toLongLong();
        if (!p.parser.isSet(QStringLiteral("dataset"))) {
            auto all = store.value()->datasets();
            if (!all)
                return fail(all.error());
            if (all->size() != 1)
                return usageError(p.parser,
                                  QStringLiteral("--dataset is required (the project has %1 datasets)").arg(all->size()));
            datasetId = all->first().id;
        }
        auto dataset = store.value()->dataset(datasetId);
        if (!dataset)
            return fail(dataset.error());
        archId = p.parser.value(QStringLiteral("arch")).toLongLong();
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
        } else if (!p.parser.isSet(QStringLiteral("arch")) && !p.parser.isSet(QStringLiteral("template"))
                   && config.initModelVersion > 0) {
            // Starting from a model version: its own architecture unless another one is given.
            auto from = store.value()->modelVersion(config.initModelVersion);
            if (!from)
                return fail(from.error());
            archId = from->architectureId;
        } else if (!p.parser.isSet(QStringLiteral("arch"))) {
            // The template (small CNN by default) sized for the dataset.
            auto g = makeTemplate(templateName.isEmpty() ? QStringLiteral("small-cnn") : templateName,
                                  TensorShape{{dataset->channels, dataset->height, dataset->width}},
                                  dataset->outputCount());
            if (!g)
                return fail(g.error());
            auto id = store.value()->addArchitecture(g->name, QString::fromUtf8(g->toJson()));
            if (!id)
                return fail(id.error());
            archId = id.value();
        }
        store.value().reset();
        outcome = trainModel(project, datasetId, archId, config, observer, cancelToken());
    }
    if (!outcome)
        return fail(outcome.error());
    if (json) {
        QJsonArray epochs;
        for (const EpochMetrics &e : outcome->epochs)
            epochs.append(epochJson(e));
        printJson({{"run_id", outcome->runId},
                   {"model_version_id", outcome->modelVersionId},
                   {"architecture_id", archId},
                   {"best_epoch", outcome->bestEpoch},
                   {"first_epoch", outcome->firstEpoch},
                   {"cancelled", outcome->cancelled},
                   {"early_stopped", outcome->earlyStopped},
                   {"message", outcome->message},
                   {"epochs", epochs},
                   {"seconds", outcome->seconds}});
    } else {
        out() << "run " << outcome->runId << (outcome->cancelled ? " stopped" : " finished") << " after epoch "
              << (outcome->epochs.isEmpty() ? outcome->firstEpoch - 1 : outcome->epochs.last().epoch);
        if (!outcome->message.isEmpty())
            out() << " (" << outcome->message << ")";
        out() << "; model version " << outcome->modelVersionId << " from best epoch " << outcome->bestEpoch << "\n"
              << Qt::flush;
    }
    return outcome->cancelled ? Failed : Ok;
}

int cmdRuns(const QStringList &args)
{
    Parsed p;
    if (int rc = parse(p, QStringLiteral("runs"),
                       QStringLiteral("List training runs: status, epochs, best metric, duration, configuration."), args,
                       {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    auto store = ProjectStore::open(p.parser.positionalArguments().first());
    if (!store)
        return fail(store.error());
    auto runs = store.value()->runs();
    if (!runs)
        return fail(runs.error());
    QJsonArray list;
    for (const RunInfo &r : runs.value()) {
        const QJsonObject configJson = QJsonDocument::fromJson(r.configJson.toUtf8()).object();
        auto config = TrainConfig::fromJson(configJson);
        if (p.parser.isSet(p.json)) {
            list.append(QJsonObject{{"id", r.id},
                                    {"status", r.status},
                                    {"dataset_id", r.datasetId},
                                    {"architecture_id", r.architectureId},
                                    {"epochs_done", r.epochsDone},
                                    {"epochs_planned", config ? config->epochs : 0},
                                    {"best_epoch", r.bestEpoch},
                                    {"best_metric", r.bestMetric},
                                    {"monitor", config ? config->monitor : QString()},
                                    {"seconds", r.seconds},
                                    {"message", r.message},
                                    {"sweep_id", r.sweepId},
                                    {"model_version_id", r.modelVersionId},
                                    {"owner_pid", r.ownerPid},
                                    {"created", r.created.toString(Qt::ISODate)},
                                    {"config", configJson}});
            continue;
        }
        out() << QStringLiteral("run %1  %2  %3 s  arch %4  %5 lr %6 bs %7 %8%9")
                     .arg(r.id, 3)
                     .arg(runStatusText(r, config ? &config.value() : nullptr), -48)
                     .arg(r.seconds, 6, 'f', 1)
                     .arg(r.architectureId)
                     .arg(config ? config->optimizer : QStringLiteral("?"))
                     .arg(config ? config->learningRate : 0)
                     .arg(config ? config->batchSize : 0)
                     .arg(config ? config->schedule : QString())
                     .arg(r.message.isEmpty() ? QString() : QStringLiteral("  (%1)").arg(r.message))
              << "\n";
    }
    if (p.parser.isSet(p.json))
        printJson({{"runs", list}});
    out() << Qt::flush;
    return Ok;
}

namespace {


QJsonArray trialsJson(const SweepOutcome &outcome)
{
    QJsonArray trials;
    for (const SweepTrial &t : outcome.trials)
        trials.append(QJsonObject{{"run_id", t.runId},
                                  {"status", t.status},
                                  {"best_metric", t.bestMetric},
                                  {"best_epoch", t.bestEpoch},
                                  {"dropout", t.dropout},
                                  {"config", t.config.toJson()}});
    return trials;
}

void printTrials(const SweepOutcome &outcome)
{
    bool dropout = false;
    for (const SweepTrial &t : outcome.trials)
        dropout = dropout || t.dropout >= 0;
    out() << "  run  status     best " << outcome.monitor << "  epoch  optimizer  lr        batch  weight decay"
          << (dropout ? "  dropout" : "") << "\n";
    for (const SweepTrial &t : outcome.sortedTrials()) {
        out() << QStringLiteral("  %1  %2  %3  %4  %5  %6  %7  %8")
                     .arg(t.runId, 3)
                     .arg(t.status, -9)
                     .arg(t.bestMetric, 12, 'f', 4)
                     .arg(t.bestEpoch, 5)
                     .arg(t.config.optimizer, -9)
                     .arg(t.config.learningRate, -8, 'g', 3)
                     .arg(t.config.batchSize, 5)
                     .arg(t.config.weightDecay, -12, 'g', 3);
        if (dropout)
            out() << "  " << (t.dropout >= 0 ? QString::number(t.dropout, 'g', 3) : QStringLiteral("-"));
        out() << "\n";
    }
}

int listSweeps(const QString &project, bool json)
{
    auto store = ProjectStore::open(project);
    if (!store)
        return fail(store.error());
    auto sweeps = store.value()->sweeps();
    if (!sweeps)
        return fail(sweeps.error());
    QJsonArray list;
    if (!json)
        out() << "  id  status       trials  finished  best run  best metric      name\n";
    for (const SweepInfo &info : sweeps.value()) {
        auto outcome = loadSweep(project, info.id);
        if (!outcome)
            return fail(outcome.error());
        int finished = 0;
        double best = 0;
        for (const SweepTrial &t : outcome->trials) {
            finished += t.status == QLatin1String("finished") ? 1 : 0;
            if (t.runId == outcome->bestRunId)
                best = t.bestMetric;
        }
        const QString status = info.status;
        list.append(QJsonObject{{"id", info.id},
                                {"name", info.name},
                                {"status", status},
                                {"created", info.created.toString(Qt::ISODate)},
                                {"monitor", outcome->monitor},
                                {"trials", int(outcome->trials.size())},
                                {"finished", finished},
                                {"best_run_id", outcome->bestRunId},
                                {"best_metric", best}});
        if (!json)
            out() << QStringLiteral("  %1  %2  %3  %4  %5  %6  %7\n")
                         .arg(info.id, 2)
                         .arg(status, -11)
                         .arg(outcome->trials.size(), 6)
                         .arg(finished, 8)
                         .arg(outcome->bestRunId > 0 ? QString::number(outcome->bestRunId) : QStringLiteral("-"), 8)
                         .arg(outcome->bestRunId > 0 ? QStringLiteral("%1 %2").arg(outcome->monitor).arg(best, 0, 'f', 4)
                                                     : QStringLiteral("-"),
                              -15)
                         .arg(info.name);
    }
    if (json)
        printJson({{"sweeps", list}});
    out() << Qt::flush;
    return Ok;
}

} // namespace

int cmdSweep(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("config"), QStringLiteral("Sweep description (JSON); see README."),
                        QStringLiteral("FILE")});
    p.parser.addOption({QStringLiteral("resume"), QStringLiteral("Continue sweep ID: runs its remaining trials."),
                        QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("list"), QStringLiteral("List the project's sweeps (no training).")});
    p.parser.addOption({QStringLiteral("show"), QStringLiteral("The trials of sweep ID, best first (no training)."),
                        QStringLiteral("ID")});
    if (int rc = parse(p, QStringLiteral("sweep"),
                       QStringLiteral("Grid or random search: each trial is a normal training run in the project."), args,
                       {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const QString project = p.parser.positionalArguments().first();
    const bool json = p.parser.isSet(p.json);
    const int modes = int(p.parser.isSet(QStringLiteral("config"))) + int(p.parser.isSet(QStringLiteral("resume")))
                      + int(p.parser.isSet(QStringLiteral("list"))) + int(p.parser.isSet(QStringLiteral("show")));
    if (modes != 1)
        return usageError(p.parser, QStringLiteral("give one of --config FILE, --resume ID, --list, --show ID"));
    if (p.parser.isSet(QStringLiteral("list")))
        return listSweeps(project, json);
    SweepObserver observer;
    observer.onTrialStarted = [json](int trial, int trials, const TrainConfig &c) {
        if (!json)
            err() << QStringLiteral("trial %1/%2: %3 lr %4 batch %5 weight decay %6")
                         .arg(trial)
                         .arg(trials)
                         .arg(c.optimizer)
                         .arg(c.learningRate)
                         .arg(c.batchSize)
                         .arg(c.weightDecay)
                  << Qt::endl;
    };
    Result<SweepOutcome> outcome = Result<SweepOutcome>::failure(QString());
    const auto sweepId = [&](const QString &option, qint64 *id) {
        bool ok = false;
        *id = p.parser.value(option).toLongLong(&ok);
        return ok && *id > 0;
    };
    qint64 id = 0;
    if (p.parser.isSet(QStringLiteral("show"))) {
        if (!sweepId(QStringLiteral("show"), &id))
            return usageError(p.parser, QStringLiteral("--show takes a sweep id, got '%1'").arg(p.parser.value(QStringLiteral("show"))));
        outcome = loadSweep(project, id);
    } else if (p.parser.isSet(QStringLiteral("resume"))) {
        if (!sweepId(QStringLiteral("resume"), &id))
            return usageError(p.parser, QStringLiteral("--resume takes a sweep id, got '%1'").arg(p.parser.value(QStringLiteral("resume"))));
        outcome = resumeSweep(project, id, observer, cancelToken());
    } else {
        QFile f(p.parser.value(QStringLiteral("config")));
        if (!f.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read '%1': %2").arg(f.fileName(), f.errorString()));
        auto spec = SweepSpec::fromJson(f.readAll());
        if (!spec)
            return usageError(p.parser, QStringLiteral("%1: %2").arg(f.fileName(), spec.error()));
        outcome = runSweep(project, spec.value(), observer, cancelToken());
    }
    if (!outcome)
        return fail(outcome.error());
    const bool shown = p.parser.isSet(QStringLiteral("show"));
    QString status = outcome->cancelled ? QStringLiteral("stopped") : QStringLiteral("finished");
    if (shown) {
        auto store = ProjectStore::open(project);
        auto sweeps = store ? store.value()->sweeps() : Result<QVector<SweepInfo>>::failure(store.error());
        if (!sweeps)
            return fail(sweeps.error());
        for (const SweepInfo &info : sweeps.value())
            if (info.id == id)
                status = info.status;
    }
    if (json) {
        QJsonObject o{{"sweep_id", outcome->sweepId},
                      {"monitor", outcome->monitor},
                      {"cancelled", outcome->cancelled},
                      {"best_run_id", outcome->bestRunId},
                      {"trials", trialsJson(outcome.value())}};
        if (shown)
            o.insert(QStringLiteral("status"), status);
        printJson(o);
    } else {
        out() << "sweep " << outcome->sweepId << " " << status << ": " << outcome->trials.size()
              << " trials, best run " << outcome->bestRunId << " by " << outcome->monitor << "\n";
        printTrials(outcome.value());
        out() << Qt::flush;
    }
    return outcome->cancelled ? Failed : Ok;
}

} // namespace lepton::Cli
