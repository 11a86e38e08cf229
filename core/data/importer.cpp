#include "data/importer.h"

#include "data/internal/folderscan.h"
#include "data/internal/imageconvert.h"
#include "data/internal/imagedecode.h"
#include "project/projectstore.h"

#include <QFile>
#include <QFileInfo>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <random>

namespace lepton {

QString defaultDigitSheetPath()
{
    const QByteArray env = qgetenv("LEPTON_DIGITS_PNG");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env);
    return QStringLiteral("/usr/share/doc/opencv-doc/examples/data/digits.png");
}

namespace {

using R = Result<ImportedDataset>;

using Internal::sha256Hex;

QByteArray toPixels(const cv::Mat &image, const ImportOptions &o)
{
    return Internal::toModelPixels(image, o.channels, o.width, o.height);
}

QString checkOptions(const ImportOptions &o)
{
    if (o.width < 1 || o.height < 1 || o.width > 4096 || o.height > 4096)
        return QStringLiteral("input size %1×%2 is out of range (1..4096)").arg(o.width).arg(o.height);
    if (o.channels != 1 && o.channels != 3)
        return QStringLiteral("channels must be 1 or 3, got %1").arg(o.channels);
    if (o.trainFraction <= 0 || o.validationFraction < 0 || o.trainFraction + o.validationFraction > 1.0 + 1e-9)
        return QStringLiteral("split fractions train=%1 validation=%2 are invalid (train > 0, sum <= 1)")
            .arg(o.trainFraction)
            .arg(o.validationFraction);
    return {};
}

} // namespace

void assignStratifiedSplit(QVector<SampleRecord> &samples, int classCount, double trainFraction,
                           double validationFraction, quint32 seed)
{
    std::mt19937 rng(seed);
    for (int c = 0; c < classCount; ++c) {
        QVector<int> members;
        for (int i = 0; i < samples.size(); ++i)
            if (samples[i].label == c)
                members.append(i);
        std::shuffle(members.begin(), members.end(), rng);
        const int n = members.size();
        const int nTrain = int(std::lround(n * trainFraction));
        const int nVal = std::min(n - nTrain, int(std::lround(n * validationFraction)));
        for (int k = 0; k < n; ++k)
            samples[members[k]].split = k < nTrain ? Split::Train
                                                   : (k < nTrain + nVal ? Split::Validation : Split::Test);
    }
}

R importDigitSheet(const QString &path, const ImportOptions &options, const ProgressFn &progress,
                   const CancelToken &cancel)
{
    if (const QString bad = checkOptions(options); !bad.isEmpty())
        return R::failure(bad);
    if (!QFileInfo::exists(path))
        return R::failure(QStringLiteral("digit sheet '%1' does not exist (Debian package opencv-doc "
                                         "installs it)").arg(path));
    cv::Mat sheet;
    try {
        sheet = cv::imread(path.toStdString(), cv::IMREAD_GRAYSCALE);
    } catch (const cv::Exception &e) {
        return R::failure(QStringLiteral("'%1': OpenCV cannot decode it: %2").arg(path, QString::fromStdString(e.msg)));
    }
    if (sheet.empty())
        return R::failure(QStringLiteral("'%1': not a readable image").arg(path));
    constexpr int cell = 20, rows = 50, cols = 100;
    if (sheet.cols != cols * cell || sheet.rows != rows * cell)
        return R::failure(QStringLiteral("'%1': a digit sheet is %2×%3 pixels (50 rows × 100 columns of 20×20 "
                                         "cells), this image is %4×%5")
                              .arg(path)
                              .arg(cols * cell)
                              .arg(rows * cell)
                              .arg(sheet.cols)
                              .arg(sheet.rows));
    ImportedDataset out;
    out.info.name = options.name.isEmpty() ? QStringLiteral("OpenCV digits") : options.name;
    out.info.source = QFileInfo(path).absoluteFilePath();
    out.info.kind = QStringLiteral("digit-sheet");
    out.info.channels = options.channels;
    out.info.height = options.height;
    out.info.width = options.width;
    out.info.splitSeed = options.seed;
    for (int d = 0; d < 10; ++d)
        out.info.classes << QString::number(d);
    out.samples.reserve(rows * cols);
    for (int r = 0; r < rows; ++r) {
        if (cancel.isCancelled())
            return R::failure(QStringLiteral("import cancelled"));
        for (int c = 0; c < cols; ++c) {
            cv::Mat cellMat = sheet(cv::Rect(c * cell, r * cell, cell, cell)).clone();
            SampleRecord s;
            s.path = QStringLiteral("%1#r%2c%3").arg(QFileInfo(path).fileName()).arg(r).arg(c);
            s.label = r / 5;
            s.hash = sha256Hex(reinterpret_cast<const char *>(cellMat.data), qsizetype(cellMat.total()));
            s.pixels = toPixels(cellMat, options);
            out.samples.append(std::move(s));
        }
        report(progress, (r + 1) * cols, rows * cols, QStringLiteral("import"));
    }
    assignStratifiedSplit(out.samples, 10, options.trainFraction, options.validationFraction, options.seed);
    return out;
}

R importImageFolder(const QString &dir, const ImportOptions &options, const ProgressFn &progress,
                    const CancelToken &cancel)
{
    if (const QString bad = checkOptions(options); !bad.isEmpty())
        return R::failure(bad);
    auto scan = Internal::scanImageFolder(dir);
    if (!scan)
        return R::failure(scan.error());
    const bool splitFolders = scan->splitFolders;
    ImportedDataset out;
    out.info.classes = scan->classes;
    out.issues = scan->issues;
    QVector<Internal::DecodeJob> jobs;
    QVector<Split> jobSplits;
    for (const Internal::FolderFile &f : scan->files) {
        jobs.append({f.path, f.classIndex});
        jobSplits.append(f.split);
    }
    const QVector<Internal::DecodedImage> decoded = Internal::decodeImages(jobs, options, progress, cancel);
    if (cancel.isCancelled())
        return R::failure(QStringLiteral("import cancelled"));
    for (int i = 0; i < decoded.size(); ++i) {
        if (decoded[i].error.isEmpty()) {
            out.samples.append(decoded[i].sample);
            out.samples.last().split = jobSplits[i];
        } else {
            out.issues.append({jobs[i].path, decoded[i].error});
        }
    }
    if (out.samples.isEmpty())
        return R::failure(QStringLiteral("'%1': no readable images (%2 files skipped)").arg(dir).arg(out.issues.size()));
    out.info.name = options.name.isEmpty() ? QFileInfo(scan->root).fileName() : options.name;
    out.info.source = scan->root;
    out.info.kind = QStringLiteral("image-folder");
    out.info.channels = options.channels;
    out.info.height = options.height;
    out.info.width = options.width;
    if (splitFolders) {
        out.info.kind = QStringLiteral("image-split-folders");   // the folders decided the splits
        out.info.splitSeed = 0;
        if (std::none_of(out.samples.begin(), out.samples.end(), [](const SampleRecord &s) { return s.split == Split::Train; }))
            return R::failure(QStringLiteral("'%1': the train folder has no readable images").arg(dir));
    } else {
        out.info.splitSeed = options.seed;
        assignStratifiedSplit(out.samples, out.info.classes.size(), options.trainFraction,
                              options.validationFraction, options.seed);
    }
    return out;
}

Result<qint64> importIntoProject(ProjectStore &store, const ImportedDataset &data)
{
    return store.addDataset(data.info, data.samples);
}

} // namespace lepton
