// The augmentation operations on one sample (OpenCV, seeded cv::RNG per sample), the preview
// and the training-split statistics for normalization.
#include "data/augment.h"

#include "data/internal/imageconvert.h"
#include "data/internal/samplevalues.h"
#include "project/projectstore.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace lepton {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Exact sine/cosine for multiples of 90 degrees, so rotating by 90 moves pixels exactly.
void sinCos(double degrees, double *s, double *c)
{
    const double quarter = degrees / 90.0;
    if (quarter == std::floor(quarter)) {
        const int k = ((int(quarter) % 4) + 4) % 4;
        static const double sines[] = {0, 1, 0, -1};
        static const double cosines[] = {1, 0, -1, 0};
        *s = sines[k];
        *c = cosines[k];
        return;
    }
    *s = std::sin(degrees * kPi / 180.0);
    *c = std::cos(degrees * kPi / 180.0);
}

// 2x3 matrix of: rotate by `degrees` (counter-clockwise on screen), scale, shear along x by
// `shearDegrees`, about the image centre, then shift by (tx, ty) pixels.
cv::Mat affineAboutCentre(int width, int height, double degrees, double scale, double shearDegrees, double tx,
                          double ty)
{
    double s = 0, c = 1;
    sinCos(degrees, &s, &c);
    const double sh = std::tan(shearDegrees * kPi / 180.0);
    // Screen coordinates (y down): counter-clockwise rotation is [c s; -s c].
    const double a = scale * c, b = scale * (c * sh + s);
    const double d = -scale * s, e = scale * (-s * sh + c);
    const double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
    cv::Mat m(2, 3, CV_64F);
    m.at<double>(0, 0) = a;
    m.at<double>(0, 1) = b;
    m.at<double>(0, 2) = cx + tx - a * cx - b * cy;
    m.at<double>(1, 0) = d;
    m.at<double>(1, 1) = e;
    m.at<double>(1, 2) = cy + ty - d * cx - e * cy;
    return m;
}

using Planes = std::vector<cv::Mat>;

void warpPlanes(Planes &planes, const cv::Mat &m, double fill)
{
    for (cv::Mat &p : planes) {
        cv::Mat out;
        cv::warpAffine(p, out, m, p.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(fill));
        p = out;
    }
}

void randomResizedCrop(Planes &planes, const AugmentOp &op, cv::RNG &rng)
{
    const int height = planes[0].rows, width = planes[0].cols;
    const double area = double(height) * width;
    const double logLo = std::log(op.param(QStringLiteral("ratio_min")));
    const double logHi = std::log(op.param(QStringLiteral("ratio_max")));
    cv::Rect crop(0, 0, width, height);
    for (int attempt = 0; attempt < 10; ++attempt) {
        const double target = area * rng.uniform(op.param(QStringLiteral("scale_min")), op.param(QStringLiteral("scale_max")));
        const double ratio = std::exp(logLo == logHi ? logLo : rng.uniform(logLo, logHi));
        const int w = int(std::lround(std::sqrt(target * ratio)));
        const int h = int(std::lround(std::sqrt(target / ratio)));
        if (w > 0 && h > 0 && w <= width && h <= height) {
            const int x = width == w ? 0 : rng.uniform(0, width - w + 1);
            const int y = height == h ? 0 : rng.uniform(0, height - h + 1);
            crop = cv::Rect(x, y, w, h);
            break;
        }
    }
    for (cv::Mat &p : planes) {
        cv::Mat out;
        cv::resize(p(crop), out, p.size(), 0, 0, cv::INTER_LINEAR);
        p = out;
    }
}

void brightnessContrast(Planes &planes, const AugmentOp &op, cv::RNG &rng)
{
    const double b = op.param(QStringLiteral("brightness")), c = op.param(QStringLiteral("contrast"));
    const double offset = b > 0 ? rng.uniform(-b, b) : 0.0;
    const double factor = c > 0 ? rng.uniform(1 - c, 1 + c) : 1.0;
    double sum = 0;
    for (const cv::Mat &p : planes)
        sum += cv::sum(p)[0];
    const double mean = sum / (double(planes.size()) * planes[0].total());
    for (cv::Mat &p : planes) {
        p.convertTo(p, CV_32F, factor, (1 - factor) * mean + offset);
        cv::min(cv::max(p, 0.0), 1.0, p);
    }
}

void cutout(Planes &planes, const AugmentOp &op, cv::RNG &rng)
{
    const int height = planes[0].rows, width = planes[0].cols;
    const double area = double(height) * width
                        * rng.uniform(op.param(QStringLiteral("area_min")), op.param(QStringLiteral("area_max")));
    const double ratio = std::exp(rng.uniform(std::log(0.3), std::log(1 / 0.3)));
    const int h = std::clamp(int(std::lround(std::sqrt(area * ratio))), 1, height);
    const int w = std::clamp(int(std::lround(std::sqrt(area / ratio))), 1, width);
    const int y = height == h ? 0 : rng.uniform(0, height - h + 1);
    const int x = width == w ? 0 : rng.uniform(0, width - w + 1);
    for (cv::Mat &p : planes)
        p(cv::Rect(x, y, w, h)).setTo(cv::Scalar(op.param(QStringLiteral("fill"))));
}

void applyOp(const AugmentOp &op, Planes &planes, cv::RNG &rng)
{
    const QString &t = op.type;
    const int height = planes[0].rows, width = planes[0].cols;
    if (t == QLatin1String("hflip") || t == QLatin1String("vflip")) {
        for (cv::Mat &p : planes)
            cv::flip(p, p, t == QLatin1String("hflip") ? 1 : 0);
    } else if (t == QLatin1String("rotate")) {
        const double lo = op.param(QStringLiteral("min_degrees")), hi = op.param(QStringLiteral("max_degrees"));
        const double angle = lo == hi ? lo : rng.uniform(lo, hi);
        warpPlanes(planes, affineAboutCentre(width, height, angle, 1, 0, 0, 0), op.param(QStringLiteral("fill")));
    } else if (t == QLatin1String("affine")) {
        const double maxDeg = op.param(QStringLiteral("max_degrees"));
        const double angle = maxDeg > 0 ? rng.uniform(-maxDeg, maxDeg) : 0.0;
        const double sLo = op.param(QStringLiteral("scale_min")), sHi = op.param(QStringLiteral("scale_max"));
        const double scale = sLo == sHi ? sLo : rng.uniform(sLo, sHi);
        const double shift = op.param(QStringLiteral("translate"));
        const double tx = shift > 0 ? rng.uniform(-shift, shift) * width : 0.0;
        const double ty = shift > 0 ? rng.uniform(-shift, shift) * height : 0.0;
        const double maxShear = op.param(QStringLiteral("shear"));
        const double shear = maxShear > 0 ? rng.uniform(-maxShear, maxShear) : 0.0;
        warpPlanes(planes, affineAboutCentre(width, height, angle, scale, shear, tx, ty),
                   op.param(QStringLiteral("fill")));
    } else if (t == QLatin1String("random_resized_crop")) {
        randomResizedCrop(planes, op, rng);
    } else if (t == QLatin1String("brightness_contrast")) {
        brightnessContrast(planes, op, rng);
    } else if (t == QLatin1String("gaussian_noise")) {
        const double sigma = op.param(QStringLiteral("sigma"));
        for (cv::Mat &p : planes)
            for (auto it = p.begin<float>(); it != p.end<float>(); ++it)
                *it += float(rng.gaussian(sigma));
    } else if (t == QLatin1String("blur")) {
        const int k = int(op.param(QStringLiteral("kernel")));
        const double lo = op.param(QStringLiteral("sigma_min")), hi = op.param(QStringLiteral("sigma_max"));
        const double sigma = lo == hi ? lo : rng.uniform(lo, hi);
        for (cv::Mat &p : planes) {
            cv::Mat out;
            cv::GaussianBlur(p, out, cv::Size(k, k), sigma, sigma, cv::BORDER_REFLECT_101);
            p = out;
        }
    } else if (t == QLatin1String("cutout")) {
        cutout(planes, op, rng);
    }
}

} // namespace

quint64 augmentSampleSeed(quint64 epochSeed, qint64 index)
{
    quint64 z = epochSeed ^ (0x9E3779B97F4A7C15ULL * quint64(index + 1));
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void augmentSample(const AugmentationPipeline &pipeline, float *chw, int channels, int height, int width,
                   quint64 seed)
{
    if (!pipeline.hasRandomOps() || channels <= 0 || height <= 0 || width <= 0)
        return;
    cv::RNG rng(seed);
    Planes planes;
    planes.reserve(size_t(channels));
    for (int c = 0; c < channels; ++c)
        planes.push_back(cv::Mat(height, width, CV_32F, chw + qint64(c) * height * width).clone());
    for (const AugmentOp &op : pipeline.ops) {
        if (op.type == QLatin1String("normalize"))
            continue;
        // One draw per op whether or not it applies, so later ops see the same stream.
        const double draw = rng.uniform(0.0, 1.0);
        if (draw < op.probability)
            applyOp(op, planes, rng);
    }
    for (int c = 0; c < channels; ++c)
        planes[size_t(c)].copyTo(cv::Mat(height, width, CV_32F, chw + qint64(c) * height * width));
}

void normalizeSample(const AugmentationPipeline &pipeline, float *chw, int channels, qint64 planeSize)
{
    const AugmentOp *n = pipeline.normalization();
    if (!n || n->mean.size() != channels)
        return;
    for (int c = 0; c < channels; ++c) {
        const float mean = float(n->mean[c]), inv = float(1.0 / n->std[c]);
        float *p = chw + qint64(c) * planeSize;
        for (qint64 i = 0; i < planeSize; ++i)
            p[i] = (p[i] - mean) * inv;
    }
}

Result<QVector<QByteArray>> augmentPreview(const AugmentationPipeline &pipeline, const QByteArray &pixels,
                                           int channels, int height, int width, int count, quint64 seed)
{
    using R = Result<QVector<QByteArray>>;
    const qint64 n = qint64(channels) * height * width;
    if (n <= 0 || pixels.size() != n)
        return R::failure(QStringLiteral("preview: the sample has %1 bytes, a %2x%3x%4 input needs %5")
                              .arg(pixels.size())
                              .arg(channels)
                              .arg(height)
                              .arg(width)
                              .arg(n));
    QVector<QByteArray> out;
    std::vector<float> values(static_cast<size_t>(n));
    try {
        for (int k = 0; k < count; ++k) {
            const auto *src = reinterpret_cast<const uchar *>(pixels.constData());
            for (qint64 i = 0; i < n; ++i)
                values[size_t(i)] = src[i] / 255.0f;
            augmentSample(pipeline, values.data(), channels, height, width, augmentSampleSeed(seed, k));
            QByteArray bytes(n, Qt::Uninitialized);
            auto *dst = reinterpret_cast<uchar *>(bytes.data());
            for (qint64 i = 0; i < n; ++i)
                dst[i] = cv::saturate_cast<uchar>(values[size_t(i)] * 255.0f);
            out.append(bytes);
        }
    } catch (const cv::Exception &e) {
        return R::failure(QStringLiteral("preview: OpenCV: %1").arg(QString::fromStdString(e.what())));
    }
    return out;
}

Status writePreviewGrid(const QString &path, const QVector<QByteArray> &images, int channels, int height, int width,
                        int scale)
{
    const qint64 n = qint64(channels) * height * width;
    if (images.isEmpty() || (channels != 1 && channels != 3) || n <= 0 || scale < 1)
        return Status::failure(QStringLiteral("preview grid '%1': nothing to write (%2 images of %3x%4x%5)")
                                   .arg(path)
                                   .arg(images.size())
                                   .arg(channels)
                                   .arg(height)
                                   .arg(width));
    const int gap = 2, cellW = width * scale, cellH = height * scale;
    const int type = channels == 1 ? CV_8UC1 : CV_8UC3;
    cv::Mat grid(cellH, int(images.size()) * (cellW + gap) - gap, type, cv::Scalar::all(255));
    try {
        for (qsizetype k = 0; k < images.size(); ++k) {
            if (images[k].size() != n)
                return Status::failure(QStringLiteral("preview grid '%1': image %2 has %3 bytes, expected %4")
                                           .arg(path)
                                           .arg(k)
                                           .arg(images[k].size())
                                           .arg(n));
            const cv::Mat hwc = Internal::pixelsToImage(images[k], channels, width, height);
            cv::Mat big;
            cv::resize(hwc, big, cv::Size(cellW, cellH), 0, 0, cv::INTER_NEAREST);
            big.copyTo(grid(cv::Rect(int(k) * (cellW + gap), 0, cellW, cellH)));
        }
        if (!cv::imwrite(path.toStdString(), grid))
            return Status::failure(QStringLiteral("cannot write the preview image '%1'").arg(path));
    } catch (const cv::Exception &e) {
        return Status::failure(QStringLiteral("writing '%1': %2").arg(path, QString::fromStdString(e.what())));
    }
    return success();
}

Result<ChannelStatistics> trainingSplitStatistics(const ProjectStore &store, qint64 datasetId,
                                                  const ProgressFn &progress, const CancelToken &cancel)
{
    using R = Result<ChannelStatistics>;
    auto dataset = store.dataset(datasetId);
    if (!dataset)
        return R::failure(dataset.error());
    const DatasetInfo &info = dataset.value();
    auto samples = store.samples(datasetId, Split::Train, true);
    if (!samples)
        return R::failure(samples.error());
    if (samples->isEmpty())
        return R::failure(QStringLiteral("dataset '%1' has no training samples to compute statistics from").arg(info.name));
    const int channels = info.channels;
    const qint64 plane = qint64(info.height) * info.width;
    std::vector<double> sum(size_t(channels), 0.0), sumSq(size_t(channels), 0.0);
    std::vector<float> values;
    const QString stage = QStringLiteral("statistics");
    for (qsizetype i = 0; i < samples->size(); ++i) {
        if (cancel.isCancelled())
            return R::failure(QStringLiteral("cancelled"));
        const SampleRecord &s = samples->at(i);
        if (QString bad = Internal::sampleValues(info, s, &values); !bad.isEmpty())
            return R::failure(bad);
        // Pixels are summed in double from their bytes (byte / 255), not from the float values.
        const auto *bytes = reinterpret_cast<const uchar *>(s.pixels.constData());
        const bool pixels = !Internal::holdsFloatValues(info);
        for (int c = 0; c < channels; ++c) {
            const qint64 offset = qint64(c) * plane;
            double a = 0, b = 0;
            for (qint64 j = 0; j < plane; ++j) {
                const double v = pixels ? bytes[offset + j] / 255.0 : double(values[size_t(offset + j)]);
                a += v;
                b += v * v;
            }
            sum[size_t(c)] += a;
            sumSq[size_t(c)] += b;
        }
        if (i % 256 == 0 || i + 1 == samples->size())
            report(progress, i + 1, samples->size(), stage);
    }
    ChannelStatistics out;
    out.samples = samples->size();
    const double count = double(samples->size()) * plane;
    for (int c = 0; c < channels; ++c) {
        const double mean = sum[size_t(c)] / count;
        out.mean.append(mean);
        const double sd = std::sqrt(std::max(0.0, sumSq[size_t(c)] / count - mean * mean));
        out.std.append(sd > 1e-12 ? sd : 1.0);   // a constant channel: only centre it
    }
    return out;
}

} // namespace lepton
