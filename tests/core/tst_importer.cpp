// Import: the digit sheet (counts, stratified split), image folders with bad files, split folders.
#include "data/importer.h"
#include "project/projectstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>

using namespace lepton;

class TestImporter : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static void writeBytes(const QString &file, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(file).absolutePath());
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }

    static QByteArray png(int w, int h, int channels, int value)
    {
        cv::Mat m(h, w, channels == 1 ? CV_8UC1 : CV_8UC3, cv::Scalar::all(value));
        std::vector<uchar> buf;
        cv::imencode(".png", m, buf);
        return QByteArray(reinterpret_cast<const char *>(buf.data()), int(buf.size()));
    }

private Q_SLOTS:
    void digitSheetCountsAndSplit()
    {
        QVERIFY2(QFile::exists(defaultDigitSheetPath()),
                 "digits.png missing: install Debian's opencv-doc (the README's test command does)");
        ImportOptions o;
        auto data = importDigitSheet(defaultDigitSheetPath(), o);
        QVERIFY2(data.ok(), qPrintable(data.error()));
        QCOMPARE(data->samples.size(), 5000);
        QCOMPARE(data->info.classes.size(), 10);
        QVERIFY(data->issues.isEmpty());
        int perClass[10] = {};
        int perSplit[3] = {};
        int perClassSplit[10][3] = {};
        for (const SampleRecord &s : data->samples) {
            ++perClass[s.label];
            ++perSplit[int(s.split)];
            ++perClassSplit[s.label][int(s.split)];
            QCOMPARE(s.pixels.size(), 400);
            QCOMPARE(s.hash.size(), 64);
        }
        for (int c = 0; c < 10; ++c) {
            QCOMPARE(perClass[c], 500);
            QCOMPARE(perClassSplit[c][0], 400);   // stratified 80/10/10
            QCOMPARE(perClassSplit[c][1], 50);
            QCOMPARE(perClassSplit[c][2], 50);
        }
        QCOMPARE(perSplit[0], 4000);
        QCOMPARE(perSplit[1], 500);
        QCOMPARE(perSplit[2], 500);
        // Row 0 holds zeros, row 5 ones (five rows per digit).
        QCOMPARE(data->samples[0].label, 0);
        QCOMPARE(data->samples[5 * 100].label, 1);
        QCOMPARE(data->samples[4999].label, 9);

        // Same seed, same split; another seed, another split.
        auto again = importDigitSheet(defaultDigitSheetPath(), o);
        o.seed = 7;
        auto other = importDigitSheet(defaultDigitSheetPath(), o);
        int sameAsAgain = 0, sameAsOther = 0;
        for (int i = 0; i < 5000; ++i) {
            sameAsAgain += again->samples[i].split == data->samples[i].split;
            sameAsOther += other->samples[i].split == data->samples[i].split;
        }
        QCOMPARE(sameAsAgain, 5000);
        QVERIFY(sameAsOther < 5000);

        // Stored in a project, counts come back from the database.
        auto store = ProjectStore::create(m_dir.filePath(QStringLiteral("digits.lepton")));
        QVERIFY(store.ok());
        auto id = importIntoProject(*store.value(), data.value());
        QVERIFY2(id.ok(), qPrintable(id.error()));
        auto info = store.value()->dataset(id.value());
        QCOMPARE(info->sampleCount(), 5000);
        QCOMPARE(info->classCounts, QVector<int>(10, 500));
        QCOMPARE(info->splitCounts[2], 500);
    }

    void digitSheetWrongSize()
    {
        const QString file = m_dir.filePath(QStringLiteral("small.png"));
        writeBytes(file, png(30, 30, 1, 0));
        auto data = importDigitSheet(file, ImportOptions());
        QVERIFY(!data.ok());
        QVERIFY2(data.error().contains(QStringLiteral("30×30")), qPrintable(data.error()));
    }

    void digitSheetCorrupt()
    {
        const QString file = m_dir.filePath(QStringLiteral("corrupt-sheet.png"));
        writeBytes(file, QByteArray("\x89PNG\r\n\x1a\n this is not really a png", 34));
        auto data = importDigitSheet(file, ImportOptions());
        QVERIFY(!data.ok());
        QVERIFY2(data.error().contains(file), qPrintable(data.error()));
    }

    void imageFolderWithBadFiles()
    {
        const QString root = m_dir.filePath(QStringLiteral("folder"));
        for (int i = 0; i < 10; ++i) {
            writeBytes(QStringLiteral("%1/cat/c%2.png").arg(root).arg(i), png(32, 24, 3, 10 * i));
            writeBytes(QStringLiteral("%1/dog/nested/d%2.png").arg(root).arg(i), png(16, 16, 1, 200));
        }
        const QByteArray valid = png(8, 8, 1, 1);
        writeBytes(root + QStringLiteral("/cat/empty.png"), QByteArray());
        writeBytes(root + QStringLiteral("/cat/garbage.jpg"), QByteArray("definitely not a jpeg").repeated(10));
        writeBytes(root + QStringLiteral("/dog/truncated.png"), valid.left(valid.size() / 2));
        QDir().mkpath(root + QStringLiteral("/emu"));
        ImportOptions o;
        o.width = o.height = 12;
        o.channels = 3;
        auto data = importImageFolder(root, o);
        QVERIFY2(data.ok(), qPrintable(data.error()));
        QCOMPARE(data->info.classes, QStringList({"cat", "dog", "emu"}));
        QCOMPARE(data->samples.size(), 20);
        QCOMPARE(data->issues.size(), 4);
        QStringList reasons;
        for (const ImportIssue &i : data->issues)
            reasons << QFileInfo(i.path).fileName() + QStringLiteral(": ") + i.reason;
        const QString all = reasons.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("empty.png: empty file")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("garbage.jpg: not an image")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("truncated.png")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("emu: class folder is empty")), qPrintable(all));
        for (const SampleRecord &s : data->samples)
            QCOMPARE(s.pixels.size(), 3 * 12 * 12);
        // Grayscale source expanded to 3 channels keeps its value in every plane.
        const SampleRecord &dog = *std::find_if(data->samples.begin(), data->samples.end(),
                                                [](const SampleRecord &s) { return s.label == 1; });
        QCOMPARE(quint8(dog.pixels[0]), quint8(200));
        QCOMPARE(quint8(dog.pixels[2 * 144]), quint8(200));
    }

    // train/ val/ test/ folders of class folders: the folders give the splits (no seeded split);
    // a class may be missing from a split; the classes are the union, sorted.
    void splitFolders()
    {
        const QString root = m_dir.filePath(QStringLiteral("splits"));
        for (int i = 0; i < 4; ++i) {
            writeBytes(QStringLiteral("%1/train/cat/t%2.png").arg(root).arg(i), png(8, 8, 1, 10));
            writeBytes(QStringLiteral("%1/train/dog/t%2.png").arg(root).arg(i), png(8, 8, 1, 200));
        }
        writeBytes(root + QStringLiteral("/Val/dog/v0.png"), png(8, 8, 1, 190));
        writeBytes(root + QStringLiteral("/test/cat/x0.png"), png(8, 8, 1, 20));
        writeBytes(root + QStringLiteral("/test/cat/x1.png"), png(8, 8, 1, 30));
        writeBytes(root + QStringLiteral("/test/emu/x2.png"), png(8, 8, 1, 90));
        ImportOptions o;
        o.width = o.height = 8;
        auto data = importImageFolder(root, o);
        QVERIFY2(data.ok(), qPrintable(data.error()));
        QCOMPARE(data->info.classes, QStringList({"cat", "dog", "emu"}));
        QCOMPARE(data->info.kind, QStringLiteral("image-split-folders"));
        QCOMPARE(data->samples.size(), 12);
        QVERIFY(data->issues.isEmpty());
        QMap<QString, QPair<int, int>> seen;   // file -> (split, label)
        for (const SampleRecord &s : data->samples)
            seen.insert(QFileInfo(s.path).fileName(), {int(s.split), s.label});
        QCOMPARE(seen.value("t3.png"), qMakePair(int(Split::Train), 1));   // the last written: dog
        QCOMPARE(seen.value("v0.png"), qMakePair(int(Split::Validation), 1));
        QCOMPARE(seen.value("x1.png"), qMakePair(int(Split::Test), 0));
        QCOMPARE(seen.value("x2.png"), qMakePair(int(Split::Test), 2));
        QTemporaryDir projectDir;
        auto store = ProjectStore::create(projectDir.filePath(QStringLiteral("s.lepton")));
        QVERIFY(store.ok());
        auto id = importIntoProject(*store.value(), data.value());
        QVERIFY2(id.ok(), qPrintable(id.error()));
        const DatasetInfo info = store.value()->dataset(id.value()).value();
        QCOMPARE(info.splitCounts[0], 8);
        QCOMPARE(info.splitCounts[1], 1);
        QCOMPARE(info.splitCounts[2], 3);

        // A folder named like a split among class folders is a class; split folders without class
        // folders are refused.
        writeBytes(m_dir.filePath(QStringLiteral("mixed/train/a.png")), png(8, 8, 1, 1));
        writeBytes(m_dir.filePath(QStringLiteral("mixed/zebra/b.png")), png(8, 8, 1, 1));
        auto mixed = importImageFolder(m_dir.filePath(QStringLiteral("mixed")), o);
        QVERIFY2(mixed.ok(), qPrintable(mixed.error()));
        QCOMPARE(mixed->info.classes, QStringList({"train", "zebra"}));
        QCOMPARE(mixed->info.kind, QStringLiteral("image-folder"));
        writeBytes(m_dir.filePath(QStringLiteral("bare/train/a.png")), png(8, 8, 1, 1));
        writeBytes(m_dir.filePath(QStringLiteral("bare/test/b.png")), png(8, 8, 1, 1));
        auto bare = importImageFolder(m_dir.filePath(QStringLiteral("bare")), o);
        QVERIFY(!bare.ok());
        QVERIFY2(bare.error().contains("split folders (test, train) but no class folders"), qPrintable(bare.error()));
    }

    void imageFolderErrors()
    {
        auto missing = importImageFolder(m_dir.filePath(QStringLiteral("nope")), ImportOptions());
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().contains(QStringLiteral("not a folder")));
        const QString flat = m_dir.filePath(QStringLiteral("flat"));
        QDir().mkpath(flat);
        writeBytes(flat + QStringLiteral("/a.png"), png(4, 4, 1, 0));
        auto noClasses = importImageFolder(flat, ImportOptions());
        QVERIFY(!noClasses.ok());
        QVERIFY(noClasses.error().contains(QStringLiteral("no class sub-folders")));
        ImportOptions bad;
        bad.channels = 2;
        QVERIFY(importImageFolder(flat, bad).error().contains(QStringLiteral("channels")));
    }

    void cancelStopsImport()
    {
        CancelToken cancel;
        cancel.cancel();
        auto data = importDigitSheet(defaultDigitSheetPath(), ImportOptions(), {}, cancel);
        QVERIFY(!data.ok());
        QVERIFY(data.error().contains(QStringLiteral("cancelled")));
    }
};

QTEST_GUILESS_MAIN(TestImporter)
#include "tst_importer.moc"
