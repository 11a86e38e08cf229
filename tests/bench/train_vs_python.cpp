// Benchmark: our trainer vs the same model/batch/optimizer in Debian's python3-torch, same data,
// same run, same thread count. Prints samples/s of each and the ratio (ours / Python); no thresholds.
//   train_vs_python [EPOCHS] [THREADS]
#include "data/importer.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>

using namespace lepton;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int epochs = argc > 1 ? std::max(2, atoi(argv[1])) : 4;
    const int threads = argc > 2 ? atoi(argv[2]) : 0;
    QTextStream out(stdout);
    const RuntimeInfo rt = configureRuntime(threads);
    QTemporaryDir dir;
    auto demo = createDemoProject(dir.filePath(QStringLiteral("bench.lepton")));
    if (!demo) {
        out << "error: " << demo.error() << Qt::endl;
        return 1;
    }
    // The exact training split, as raw bytes for the Python side.
    auto store = ProjectStore::open(demo->projectPath);
    auto train = store.value()->samples(demo->datasetId, Split::Train);
    QFile images(dir.filePath(QStringLiteral("x.u8"))), labels(dir.filePath(QStringLiteral("y.i64")));
    if (!images.open(QIODevice::WriteOnly) || !labels.open(QIODevice::WriteOnly))
        return 1;
    for (const SampleRecord &s : train.value()) {
        images.write(s.pixels);
        const qint64 label = s.label;
        labels.write(reinterpret_cast<const char *>(&label), sizeof label);
    }
    images.close();
    labels.close();
    store.value().reset();

    TrainConfig config;
    config.epochs = epochs;
    config.schedule = QStringLiteral("constant");
    auto ours = trainModel(demo->projectPath, demo->datasetId, demo->architectureId, config);
    if (!ours) {
        out << "error: " << ours.error() << Qt::endl;
        return 1;
    }
    // Best epoch time excludes warm-up; each epoch also includes validation and the checkpoint
    // write, which the Python loop does not do, so the comparison is conservative for us.
    double best = 1e9;
    for (const EpochMetrics &e : ours->epochs)
        best = std::min(best, e.seconds);
    const double oursRate = train->size() / best;

    QProcess py;
    py.start(QStringLiteral("/usr/bin/python3"),
             {QStringLiteral(LEPTON_SOURCE_DIR "/tests/bench/train_vs_python.py"), images.fileName(), labels.fileName(),
              QString::number(train->size()), "1", "20", "20", QString::number(epochs), QString::number(config.batchSize),
              QString::number(rt.threads)});
    py.waitForFinished(-1);
    const QJsonObject pyOut = QJsonDocument::fromJson(py.readAllStandardOutput()).object();
    if (py.exitCode() != 0 || pyOut.isEmpty()) {
        out << "error: python baseline failed: " << py.readAllStandardError() << Qt::endl;
        return 1;
    }
    const double pyRate = pyOut.value("samples_per_second").toDouble();
    out << "train_vs_python (in memory): digits 4000x1x20x20, small CNN, batch 64, Adam, " << rt.threads
        << " threads, best of " << epochs << " epochs\n";
    out << "  lepton trainer  " << QString::number(oursRate, 'f', 0) << " samples/s (incl. validation + checkpoint)\n";
    out << "  python3-torch   " << QString::number(pyRate, 'f', 0) << " samples/s\n";
    out << "  ratio           " << QString::number(oursRate / pyRate, 'f', 2) << "x\n";
    out << QJsonDocument(QJsonObject{{"ours_samples_per_second", oursRate},
                                     {"python_samples_per_second", pyRate},
                                     {"ratio", oursRate / pyRate},
                                     {"threads", rt.threads}})
               .toJson(QJsonDocument::Compact)
        << Qt::endl;
    return 0;
}
