// Benchmark: image-folder import throughput. Generates N small PNGs (10 classes) in a temporary
// folder, then measures in the same run: (1) a single-thread loop doing the same per-file work
// (read, SHA-256, decode, convert/resize), (2) importImageFolder (all cores), (3) import + one
// augmented pass over the samples, and (4) Python's torchvision ImageFolder with the equivalent
// transforms (Debian's python3-torchvision), when available. Prints images/s and ratios; no thresholds.
//   import_bench [IMAGES=20000] [SIZE=28]
#include "data/augment.h"
#include "data/importer.h"
#include "runtime/runtimeconfig.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <numeric>

using namespace lepton;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int count = argc > 1 ? std::max(100, atoi(argv[1])) : 20000;
    const int size = argc > 2 ? std::max(8, atoi(argv[2])) : 28;
    QTextStream out(stdout);
    const RuntimeInfo rt = configureRuntime(0);
    QTemporaryDir dir;
    const QString root = dir.filePath(QStringLiteral("images"));
    cv::RNG rng(1);
    for (int i = 0; i < count; ++i) {
        const QString cls = QStringLiteral("class%1").arg(i % 10);
        if (i < 10)
            QDir().mkpath(root + QLatin1Char('/') + cls);
        cv::Mat m(size, size, CV_8UC3);
        rng.fill(m, cv::RNG::UNIFORM, 0, 256);
        cv::circle(m, cv::Point(size / 2, size / 2), size / 4 + i % 5, cv::Scalar(i % 256, 0, 255), -1);
        cv::imwrite(QStringLiteral("%1/%2/%3.png").arg(root, cls).arg(i).toStdString(), m);
    }
    out << "generated " << count << " PNG images of " << size << "x" << size << " (colour) in " << root << Qt::endl;
    ImportOptions options;
    options.width = options.height = size;
    options.channels = 3;

    // (1) Baseline: the same per-file work, one thread.
    QStringList files;
    for (QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories); it.hasNext();)
        files << it.next();
    QElapsedTimer timer;
    timer.start();
    qint64 checksum = 0;
    for (const QString &f : files) {
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = file.readAll();
        checksum += QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).at(0);
        cv::Mat img = cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.data())), cv::IMREAD_UNCHANGED);
        cv::Mat resized;
        cv::resize(img, resized, cv::Size(size, size), 0, 0, cv::INTER_AREA);
        std::vector<cv::Mat> planes;
        cv::split(resized, planes);
        checksum += planes[0].at<uchar>(0, 0);
    }
    const double single = files.size() / (timer.nsecsElapsed() / 1e9);

    // (2) importImageFolder on all cores.
    timer.restart();
    auto data = importImageFolder(root, options);
    const double importSeconds = timer.nsecsElapsed() / 1e9;
    if (!data) {
        out << "error: " << data.error() << Qt::endl;
        return 1;
    }
    const double imported = data->samples.size() / importSeconds;

    // (3) + one augmented pass (flip, rotation, crop, brightness/contrast, normalize) per sample.
    AugmentationPipeline pipeline;
    pipeline.ops << makeAugmentOp(QStringLiteral("hflip")) << makeAugmentOp(QStringLiteral("rotate"))
                 << makeAugmentOp(QStringLiteral("random_resized_crop")) << makeAugmentOp(QStringLiteral("brightness_contrast"));
    AugmentOp normalize = makeAugmentOp(QStringLiteral("normalize"));
    normalize.mean = {0.5, 0.5, 0.5};
    normalize.std = {0.25, 0.25, 0.25};
    pipeline.ops << normalize;
    timer.restart();
    const qint64 per = 3LL * size * size;
    QVector<int> indices(data->samples.size());
    std::iota(indices.begin(), indices.end(), 0);
    cv::parallel_for_(cv::Range(0, int(indices.size())), [&](const cv::Range &r) {
        std::vector<float> values(size_t(per), 0.0f);
        for (int i = r.start; i < r.end; ++i) {
            const auto *src = reinterpret_cast<const uchar *>(data->samples[i].pixels.constData());
            for (qint64 k = 0; k < per; ++k)
                values[size_t(k)] = src[k] / 255.0f;
            augmentSample(pipeline, values.data(), 3, size, size, augmentSampleSeed(1, i));
            normalizeSample(pipeline, values.data(), 3, qint64(size) * size);
        }
    });
    const double augmentSeconds = timer.nsecsElapsed() / 1e9;
    const double importAugment = data->samples.size() / (importSeconds + augmentSeconds);

    out << "threads: " << rt.threads << " (checksum " << checksum << ")\n";
    out << QStringLiteral("single-thread decode loop:  %1 images/s\n").arg(single, 0, 'f', 0);
    out << QStringLiteral("importImageFolder:          %1 images/s  (%2 s, %3 imported, %4 skipped) = %5x the single-thread loop\n")
               .arg(imported, 0, 'f', 0)
               .arg(importSeconds, 0, 'f', 2)
               .arg(data->samples.size())
               .arg(data->issues.size())
               .arg(imported / single, 0, 'f', 2);
    out << QStringLiteral("import + augment pass:      %1 images/s  (augment %2 s)\n").arg(importAugment, 0, 'f', 0).arg(augmentSeconds, 0, 'f', 2);

    // (4) torchvision, same files, same transforms, DataLoader with one worker per core.
    const QString script = QStringLiteral(R"PY(
import sys, time, torch, torchvision
from torchvision import transforms as T
root, size, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(1)
tf = T.Compose([T.RandomHorizontalFlip(), T.RandomRotation(15), T.RandomResizedCrop(size, scale=(0.6, 1.0)),
                T.ColorJitter(0.2, 0.2), T.ToTensor(), T.Normalize([0.5] * 3, [0.25] * 3)])
t = time.time()
ds = torchvision.datasets.ImageFolder(root, transform=tf)
n = 0
for x, y in torch.utils.data.DataLoader(ds, batch_size=256, num_workers=workers):
    n += x.shape[0]
print(n / (time.time() - t))
)PY");
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral("-c"), script, root, QString::number(size), QString::number(rt.threads)});
    if (python.waitForFinished(30 * 60 * 1000) && python.exitCode() == 0) {
        const double py = python.readAllStandardOutput().trimmed().toDouble();
        out << QStringLiteral("torchvision ImageFolder + transforms (%1 workers): %2 images/s; ours / python = %3x\n")
                   .arg(rt.threads)
                   .arg(py, 0, 'f', 0)
                   .arg(py > 0 ? importAugment / py : 0.0, 0, 'f', 2);
    } else {
        out << "python3-torchvision not measured: " << python.readAllStandardError().trimmed().right(300) << "\n";
    }
    out.flush();
    return 0;
}
