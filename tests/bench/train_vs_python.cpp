// Benchmark: our trainer vs the same model/batch/optimizer in Debian's python3-torch, same data,
// same run, same thread count, in memory and from image files with augmentation. Prints samples/s of
// each and the ratios (ours / Python); no thresholds.
//   train_vs_python [EPOCHS] [THREADS]
#include "data/augment.h"
#include "data/importer.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <opencv2/imgcodecs.hpp>

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

    // From image files with augmentation: the same training images written as PNG files
    // (class/NNNN.png). Ours: import the folder once (parallel decode), then train with the
    // augmentation pipeline (rotation ±10°, brightness/contrast ±0.2) applied per batch. Python:
    // ImageFolder + the same transforms + DataLoader workers, decoding every file every epoch.
    const QString root = dir.filePath(QStringLiteral("images"));
    for (int i = 0; i < train->size(); ++i) {
        const SampleRecord &s = train->at(i);
        const QString folder = QStringLiteral("%1/%2").arg(root).arg(s.label);
        QDir().mkpath(folder);
        const cv::Mat gray(20, 20, CV_8UC1, const_cast<char *>(s.pixels.constData()));
        cv::imwrite(QStringLiteral("%1/%2.png").arg(folder).arg(i, 4, 10, QLatin1Char('0')).toStdString(), gray);
    }
    QElapsedTimer timer;
    timer.start();
    ImportOptions o;
    o.width = 20;
    o.height = 20;
    o.channels = 1;
    o.name = QStringLiteral("digit files");
    auto files = importImageFolder(root, o);
    if (!files) {
        out << "error: " << files.error() << Qt::endl;
        return 1;
    }
    qint64 filesDataset = 0;
    {
        auto s = ProjectStore::open(demo->projectPath);
        auto id = importIntoProject(*s.value(), files.value());
        if (!id) {
            out << "error: " << id.error() << Qt::endl;
            return 1;
        }
        filesDataset = id.value();
        AugmentationPipeline pipeline;
        AugmentOp rotate = makeAugmentOp(QStringLiteral("rotate"));
        rotate.params[QStringLiteral("min_degrees")] = -10;
        rotate.params[QStringLiteral("max_degrees")] = 10;
        AugmentOp light = makeAugmentOp(QStringLiteral("brightness_contrast"));
        pipeline.ops << rotate << light;
        if (auto st = setDatasetAugmentation(*s.value(), filesDataset, pipeline); !st) {
            out << "error: " << st.error() << Qt::endl;
            return 1;
        }
    }
    const double importSeconds = timer.nsecsElapsed() / 1e9;
    auto fromFiles = trainModel(demo->projectPath, filesDataset, demo->architectureId, config);
    if (!fromFiles) {
        out << "error: " << fromFiles.error() << Qt::endl;
        return 1;
    }
    double trainSeconds = 0;
    for (const EpochMetrics &e : fromFiles->epochs)
        trainSeconds += e.seconds;
    qint64 trainedPerEpoch = 0;
    {
        auto s = ProjectStore::open(demo->projectPath);
        trainedPerEpoch = s.value()->dataset(filesDataset)->splitCounts[0];
    }
    const double oursFiles = double(trainedPerEpoch) * epochs / (importSeconds + trainSeconds);
    QProcess pyFiles;
    pyFiles.start(QStringLiteral("/usr/bin/python3"),
                  {QStringLiteral(LEPTON_SOURCE_DIR "/tests/bench/train_vs_python.py"), QStringLiteral("files"), root,
                   QString::number(epochs), QString::number(config.batchSize), QString::number(rt.threads)});
    pyFiles.waitForFinished(-1);
    const QJsonObject pyFilesOut = QJsonDocument::fromJson(pyFiles.readAllStandardOutput()).object();
    if (pyFiles.exitCode() != 0 || pyFilesOut.isEmpty()) {
        out << "error: python files baseline failed (needs python3-torchvision): " << pyFiles.readAllStandardError()
            << Qt::endl;
        return 1;
    }
    const double pyFilesRate = pyFilesOut.value("samples_per_second").toDouble();
    out << "train_vs_python (image files + augmentation): " << train->size() << " PNG files, rotation + brightness/contrast, "
        << epochs << " epochs, whole run\n";
    out << "  lepton: import once (" << QString::number(importSeconds, 'f', 2) << " s) + augmented training ("
        << QString::number(trainSeconds, 'f', 1) << " s, " << trainedPerEpoch << " training samples/epoch)  "
        << QString::number(oursFiles, 'f', 0) << " samples/s\n";
    out << "  python3-torch + torchvision ImageFolder/DataLoader (" << rt.threads << " workers)  "
        << QString::number(pyFilesRate, 'f', 0) << " samples/s\n";
    out << "  ratio           " << QString::number(oursFiles / pyFilesRate, 'f', 2) << "x\n";
    out << QJsonDocument(QJsonObject{{"ours_samples_per_second", oursRate},
                                     {"python_samples_per_second", pyRate},
                                     {"ratio", oursRate / pyRate},
                                     {"files_ours_samples_per_second", oursFiles},
                                     {"files_python_samples_per_second", pyFilesRate},
                                     {"files_ratio", oursFiles / pyFilesRate},
                                     {"threads", rt.threads}})
               .toJson(QJsonDocument::Compact)
        << Qt::endl;
    return 0;
}
