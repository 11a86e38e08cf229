#include "cliutil.h"
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
    auto outcome = trainModel(project, datasetId, archId, config, printingObserver(json), cancelToken());
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

} // namespace lepton::Cli
