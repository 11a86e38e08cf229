// Augmentation: known answers per operation (flips, rotation by 90 = cv::rotate, identity settings,
// blur = cv::GaussianBlur, normalization), probability 0 = identity, seeded reproducibility, JSON
// round trip and error messages, training-split statistics, storage in the project.
#include "data/augment.h"
#include "project/projectstore.h"

#include <QTemporaryDir>
#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

using namespace lepton;

namespace {

// C*H*W planes with distinct values in [0, 1].
std::vector<float> ramp(int c, int h, int w)
{
    std::vector<float> v(size_t(c) * h * w);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = float(i + 1) / float(v.size() + 1);
    return v;
}

AugmentationPipeline only(AugmentOp op)
{
    AugmentationPipeline p;
    p.ops.append(op);
    return p;
}

AugmentOp op(const QString &type, double probability = 1.0, const QMap<QString, double> &params = {})
{
    AugmentOp o = makeAugmentOp(type);
    o.probability = probability;
    for (auto it = params.cbegin(); it != params.cend(); ++it)
        o.params[it.key()] = it.value();
    return o;
}

double maxAbsDiff(const std::vector<float> &a, const std::vector<float> &b)
{
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i)
        m = std::max(m, double(std::abs(a[i] - b[i])));
    return m;
}

AugmentationPipeline everyOp(double probability)
{
    AugmentationPipeline p;
    for (const AugmentOpType &t : augmentOpTypes()) {
        if (t.id == QLatin1String("normalize"))
            continue;
        p.ops.append(op(t.id, probability));
    }
    AugmentOp n = makeAugmentOp(QStringLiteral("normalize"));
    n.mean = {0.5};
    n.std = {0.25};
    p.ops.append(n);
    return p;
}

} // namespace

class TestAugment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void horizontalFlipMovesKnownPixel()
    {
        const int c = 2, h = 3, w = 4;
        const std::vector<float> in = ramp(c, h, w);
        std::vector<float> out = in;
        augmentSample(only(op("hflip")), out.data(), c, h, w, 7);
        for (int k = 0; k < c; ++k)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    QCOMPARE(out[size_t((k * h + y) * w + x)], in[size_t((k * h + y) * w + (w - 1 - x))]);
    }

    void verticalFlipMovesKnownPixel()
    {
        const int h = 3, w = 4;
        const std::vector<float> in = ramp(1, h, w);
        std::vector<float> out = in;
        augmentSample(only(op("vflip")), out.data(), 1, h, w, 7);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                QCOMPARE(out[size_t(y * w + x)], in[size_t((h - 1 - y) * w + x)]);
    }

    void rotationBy90EqualsCvRotate_data()
    {
        QTest::addColumn<double>("degrees");
        QTest::addColumn<int>("code");
        QTest::newRow("+90 counter-clockwise") << 90.0 << int(cv::ROTATE_90_COUNTERCLOCKWISE);
        QTest::newRow("-90 clockwise") << -90.0 << int(cv::ROTATE_90_CLOCKWISE);
        QTest::newRow("180") << 180.0 << int(cv::ROTATE_180);
    }

    void rotationBy90EqualsCvRotate()
    {
        QFETCH(double, degrees);
        QFETCH(int, code);
        const int n = 6;
        std::vector<float> values = ramp(1, n, n);
        const cv::Mat input(n, n, CV_32F, values.data());
        cv::Mat expected;
        cv::rotate(input, expected, code);
        std::vector<float> out = values;
        augmentSample(only(op("rotate", 1, {{"min_degrees", degrees}, {"max_degrees", degrees}})), out.data(), 1, n, n, 3);
        const cv::Mat got(n, n, CV_32F, out.data());
        QVERIFY2(cv::norm(got, expected, cv::NORM_INF) < 1e-6,
                 qPrintable(QStringLiteral("L-inf %1").arg(cv::norm(got, expected, cv::NORM_INF))));
        // ... and rotation by 90 is transpose + flip.
        if (code == cv::ROTATE_90_COUNTERCLOCKWISE) {
            cv::Mat t;
            cv::transpose(input, t);
            cv::flip(t, t, 0);
            QCOMPARE(cv::norm(got, t, cv::NORM_INF), 0.0);
        }
    }

    void identitySettingsLeaveTheImage()
    {
        // Parameters that describe no change must give back the input exactly.
        const int h = 5, w = 7;
        const std::vector<float> in = ramp(3, h, w);
        const QVector<AugmentOp> identities{
            op("rotate", 1, {{"min_degrees", 0}, {"max_degrees", 0}}),
            op("affine", 1, {{"max_degrees", 0}, {"scale_min", 1}, {"scale_max", 1}, {"translate", 0}, {"shear", 0}}),
            op("random_resized_crop", 1, {{"scale_min", 1}, {"scale_max", 1}, {"ratio_min", 7.0 / 5}, {"ratio_max", 7.0 / 5}}),
            op("brightness_contrast", 1, {{"brightness", 0}, {"contrast", 0}}),
            op("gaussian_noise", 1, {{"sigma", 0}}),
        };
        for (const AugmentOp &o : identities) {
            std::vector<float> out = in;
            augmentSample(only(o), out.data(), 3, h, w, 11);
            QVERIFY2(maxAbsDiff(in, out) < 1e-6, qPrintable(o.type));
        }
    }

    void blurMatchesGaussianBlur()
    {
        const int n = 8;
        std::vector<float> values = ramp(1, n, n);
        cv::Mat expected;
        cv::GaussianBlur(cv::Mat(n, n, CV_32F, values.data()), expected, cv::Size(5, 5), 1.2, 1.2, cv::BORDER_REFLECT_101);
        augmentSample(only(op("blur", 1, {{"kernel", 5}, {"sigma_min", 1.2}, {"sigma_max", 1.2}})), values.data(), 1, n, n, 5);
        QVERIFY(cv::norm(cv::Mat(n, n, CV_32F, values.data()), expected, cv::NORM_INF) < 1e-6);
    }

    void brightnessShiftsEveryPixelEqually()
    {
        std::vector<float> in(16, 0.5f);
        std::vector<float> out = in;
        augmentSample(only(op("brightness_contrast", 1, {{"brightness", 0.3}, {"contrast", 0}})), out.data(), 1, 4, 4, 9);
        const float shift = out[0] - in[0];
        QVERIFY(std::abs(shift) > 0 && std::abs(shift) <= 0.3f + 1e-6f);
        for (float v : out)
            QCOMPARE(v - 0.5f, shift);
    }

    void cutoutFillsOneRectangle()
    {
        const int n = 10;
        std::vector<float> out(size_t(n * n), 0.25f);
        augmentSample(only(op("cutout", 1, {{"area_min", 0.2}, {"area_max", 0.2}, {"fill", 1.0}})), out.data(), 1, n, n, 4);
        int minX = n, minY = n, maxX = -1, maxY = -1, filled = 0;
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x)
                if (out[size_t(y * n + x)] == 1.0f) {
                    ++filled;
                    minX = std::min(minX, x), maxX = std::max(maxX, x);
                    minY = std::min(minY, y), maxY = std::max(maxY, y);
                } else {
                    QCOMPARE(out[size_t(y * n + x)], 0.25f);
                }
        QVERIFY(filled > 0);
        QCOMPARE(filled, (maxX - minX + 1) * (maxY - minY + 1));   // one solid rectangle
        QVERIFY(std::abs(filled - 20) <= 8);                       // about 20% of 100 pixels
    }

    void normalizationIsExact()
    {
        AugmentOp n = makeAugmentOp(QStringLiteral("normalize"));
        n.mean = {0.5, 0.25};
        n.std = {0.25, 0.5};
        std::vector<float> v{0.0f, 0.5f, 1.0f, 0.75f, 0.25f, 1.0f};   // 2 channels x 3 values
        normalizeSample(only(n), v.data(), 2, 3);
        const std::vector<float> expected{-2.0f, 0.0f, 2.0f, 1.0f, 0.0f, 1.5f};
        QCOMPARE(maxAbsDiff(v, expected), 0.0);
    }

    void probabilityZeroIsIdentity()
    {
        const std::vector<float> in = ramp(3, 9, 9);
        std::vector<float> out = in;
        AugmentationPipeline p = everyOp(0.0);
        p.ops.removeLast();   // normalize is applied separately (normalizeSample)
        augmentSample(p, out.data(), 3, 9, 9, 123);
        QCOMPARE(maxAbsDiff(in, out), 0.0);
    }

    void sameSeedSameOutput()
    {
        const AugmentationPipeline p = everyOp(0.7);
        const std::vector<float> in = ramp(3, 12, 12);
        std::vector<float> a = in, b = in, c = in;
        augmentSample(p, a.data(), 3, 12, 12, augmentSampleSeed(42, 5));
        augmentSample(p, b.data(), 3, 12, 12, augmentSampleSeed(42, 5));
        augmentSample(p, c.data(), 3, 12, 12, augmentSampleSeed(42, 6));
        QCOMPARE(maxAbsDiff(a, b), 0.0);
        QVERIFY(maxAbsDiff(a, c) > 0);
        QVERIFY(augmentSampleSeed(42, 5) != augmentSampleSeed(43, 5));

        // The preview is the same function: version k uses augmentSampleSeed(seed, k).
        QByteArray pixels(3 * 12 * 12, Qt::Uninitialized);
        for (int i = 0; i < pixels.size(); ++i)
            pixels[i] = char(uchar((i * 7) % 256));
        auto preview = augmentPreview(p, pixels, 3, 12, 12, 3, 42);
        QVERIFY2(preview.ok(), qPrintable(preview.error()));
        QCOMPARE(preview->size(), 3);
        std::vector<float> v(size_t(pixels.size()));
        for (int i = 0; i < pixels.size(); ++i)
            v[size_t(i)] = uchar(pixels[i]) / 255.0f;
        augmentSample(p, v.data(), 3, 12, 12, augmentSampleSeed(42, 2));
        for (int i = 0; i < pixels.size(); ++i)
            QCOMPARE(uchar(preview->at(2)[i]), cv::saturate_cast<uchar>(v[size_t(i)] * 255.0f));
        QVERIFY(!augmentPreview(p, pixels.left(10), 3, 12, 12, 3, 42).ok());
    }

    void jsonRoundTrip()
    {
        AugmentationPipeline p = everyOp(0.3);
        p.ops[2].params[QStringLiteral("max_degrees")] = 33;
        auto back = AugmentationPipeline::fromJsonBytes(p.toJsonBytes());
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->toJson(), p.toJson());
        QCOMPARE(back->ops.size(), p.ops.size());
        QCOMPARE(back->ops.last().mean, QVector<double>{0.5});
        // Omitted parameters take their defaults.
        auto sparse = AugmentationPipeline::fromJsonBytes(R"({"ops": [{"op": "rotate"}]})");
        QVERIFY(sparse.ok());
        QCOMPARE(sparse->ops[0].param("max_degrees"), 15.0);
        QCOMPARE(sparse->ops[0].probability, 1.0);
    }

    void badJsonIsNamed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("syntax") << QByteArray(R"({"ops": [)") << "at byte";
        QTest::newRow("no ops") << QByteArray(R"({"steps": []})") << "\"ops\" array";
        QTest::newRow("unknown op") << QByteArray(R"({"ops": [{"op": "hflip"}, {"op": "swirl"}]})")
                                    << "operation 2 (swirl): unknown operation";
        QTest::newRow("range") << QByteArray(R"({"ops": [{"op": "rotate", "max_degrees": 400}]})")
                               << "operation 1 (rotate): parameter 'max_degrees' = 400 is outside [-180, 180]";
        QTest::newRow("order") << QByteArray(R"({"ops": [{"op": "blur", "sigma_min": 3, "sigma_max": 1}]})")
                               << "operation 1 (blur): parameter 'sigma_min' = 3 is greater than 'sigma_max' = 1";
        QTest::newRow("even kernel") << QByteArray(R"({"ops": [{"op": "blur", "kernel": 4}]})")
                                     << "parameter 'kernel' = 4 must be odd";
        QTest::newRow("unknown parameter") << QByteArray(R"({"ops": [{"op": "hflip", "angle": 3}]})")
                                           << "operation 1 (hflip): unknown parameter 'angle'";
        QTest::newRow("probability") << QByteArray(R"({"ops": [{"op": "vflip", "p": 1.5}]})")
                                     << "operation 1 (vflip): probability 1.5 is outside [0, 1]";
        QTest::newRow("not a number") << QByteArray(R"({"ops": [{"op": "gaussian_noise", "sigma": "big"}]})")
                                      << "parameter 'sigma' must be a number";
        QTest::newRow("normalize not last")
            << QByteArray(R"({"ops": [{"op": "normalize", "mean": [0.5], "std": [0.2]}, {"op": "hflip"}]})")
            << "operation 1 (normalize): normalize must be the last operation";
        QTest::newRow("normalize std") << QByteArray(R"({"ops": [{"op": "normalize", "mean": [0.5], "std": [0]}]})")
                                       << "'std' value 0 (channel 0) must be positive";
    }

    void badJsonIsNamed()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        auto parsed = AugmentationPipeline::fromJsonBytes(json);
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().contains(message), qPrintable(parsed.error()));
    }

    void statisticsAndStorage()
    {
        QTemporaryDir dir;
        auto store = ProjectStore::create(dir.filePath(QStringLiteral("a.lepton")));
        QVERIFY2(store.ok(), qPrintable(store.error()));
        DatasetInfo info;
        info.name = QStringLiteral("two");
        info.kind = QStringLiteral("image-folder");
        info.channels = 2;
        info.height = 1;
        info.width = 2;
        info.classes = {QStringLiteral("a"), QStringLiteral("b")};
        // Channel 0: 0, 255 | 255, 255 -> mean 0.75, std sqrt(0.1875); channel 1: all 51 -> mean 0.2, std 0 (-> 1).
        SampleRecord s1, s2, s3;
        s1.path = QStringLiteral("a/1.png");
        s1.pixels = QByteArray::fromHex("00ff3333");
        s2.path = QStringLiteral("b/2.png");
        s2.label = 1;
        s2.pixels = QByteArray::fromHex("ffff3333");
        s3.path = QStringLiteral("b/3.png");   // test split: not counted
        s3.label = 1;
        s3.split = Split::Test;
        s3.pixels = QByteArray::fromHex("00000000");
        auto id = store.value()->addDataset(info, {s1, s2, s3});
        QVERIFY2(id.ok(), qPrintable(id.error()));
        auto stats = trainingSplitStatistics(*store.value(), id.value());
        QVERIFY2(stats.ok(), qPrintable(stats.error()));
        QCOMPARE(stats->samples, 2);
        QVERIFY(std::abs(stats->mean[0] - 0.75) < 1e-9);
        QVERIFY(std::abs(stats->std[0] - std::sqrt(0.1875)) < 1e-9);
        QVERIFY(std::abs(stats->mean[1] - 0.2) < 1e-9);
        QCOMPARE(stats->std[1], 1.0);

        auto empty = datasetAugmentation(*store.value(), id.value());
        QVERIFY(empty.ok() && empty->isEmpty());
        AugmentationPipeline p;
        p.ops << op("hflip", 0.5);
        AugmentOp n = makeAugmentOp(QStringLiteral("normalize"));
        n.mean = {0.5};   // one value for two channels
        n.std = {0.2};
        p.ops << n;
        auto refused = setDatasetAugmentation(*store.value(), id.value(), p);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains("1 mean/std values, dataset 'two' has 2 channels"), qPrintable(refused.error()));
        p.ops.last().mean = stats->mean;
        p.ops.last().std = stats->std;
        QVERIFY(setDatasetAugmentation(*store.value(), id.value(), p).ok());
        auto back = datasetAugmentation(*store.value(), id.value());
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->toJson(), p.toJson());
        QVERIFY(setDatasetAugmentation(*store.value(), id.value(), AugmentationPipeline{}).ok());
        QVERIFY(datasetAugmentation(*store.value(), id.value())->isEmpty());

        DatasetInfo tabular = info;
        tabular.kind = QStringLiteral("tabular");
        QVERIFY(only(op("rotate")).validateFor(tabular).contains("is tabular"));
        QVERIFY(only(op("gaussian_noise")).validateFor(tabular).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAugment)
#include "tst_augment.moc"
