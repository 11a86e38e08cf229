#include "data/internal/imagedecode.h"

#include "data/internal/imageconvert.h"

#include <QCryptographicHash>
#include <QFile>
#include <QtConcurrent/QtConcurrentMap>

#include <opencv2/imgcodecs.hpp>

#include <atomic>

namespace lepton::Internal {

QByteArray sha256Hex(const char *data, qsizetype size)
{
    return QCryptographicHash::hash(QByteArrayView(data, size), QCryptographicHash::Sha256).toHex();
}

QVector<DecodedImage> decodeImages(const QVector<DecodeJob> &jobs, const ImportOptions &options,
                                   const ProgressFn &progress, const CancelToken &cancel)
{
    const qint64 total = jobs.size();
    std::atomic<qint64> done{0};
    // Decoding is the expensive part: spread it over the global pool (one thread per core).
    return QtConcurrent::blockingMapped<QVector<DecodedImage>>(jobs, [&](const DecodeJob &job) {
        DecodedImage d;
        if (cancel.isCancelled()) {
            d.error = QStringLiteral("cancelled");
            return d;
        }
        QFile f(job.path);
        QByteArray bytes;
        if (!f.open(QIODevice::ReadOnly))
            d.error = QStringLiteral("cannot read: %1").arg(f.errorString());
        else if ((bytes = f.readAll()).isEmpty())
            d.error = QStringLiteral("empty file (0 bytes)");
        if (f.isOpen()) {
            d.sample.fileSize = bytes.size();
            d.sample.fileMtime = f.fileTime(QFileDevice::FileModificationTime).toMSecsSinceEpoch();
        }
        if (d.error.isEmpty()) {
            try {
                cv::Mat buf(1, int(bytes.size()), CV_8U, bytes.data());
                cv::Mat img = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
                if (img.empty()) {
                    d.error = QStringLiteral("not an image OpenCV can decode (corrupt or unsupported format)");
                } else {
                    d.sample.path = job.path;
                    d.sample.label = job.label;
                    d.sample.hash = sha256Hex(bytes.constData(), bytes.size());
                    d.sample.pixels = toModelPixels(img, options.channels, options.width, options.height);
                }
            } catch (const cv::Exception &e) {
                d.error = QStringLiteral("OpenCV: %1").arg(QString::fromStdString(e.msg).trimmed());
            }
        }
        const qint64 n = ++done;
        if (n % 64 == 0 || n == total)
            report(progress, n, total, QStringLiteral("import"));
        return d;
    });
}

} // namespace lepton::Internal
