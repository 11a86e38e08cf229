// Incremental re-import of an image folder: unchanged files are not read; new, changed, moved
// and missing files are each reported with a known answer, and the project follows.
#include "data/importer.h"
#include "data/reimport.h"
#include "project/projectstore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>

using namespace lepton;

namespace {

const QDateTime kOldTime(QDate(2020, 1, 1), QTime(12, 0), Qt::UTC);

// A 6x6 grayscale PNG of one value, with a fixed old modification time.
void writePng(const QString &file, int value)
{
    QDir().mkpath(QFileInfo(file).absolutePath());
    cv::Mat m(6, 6, CV_8UC1, cv::Scalar::all(value));
    std::vector<uchar> buf;
    cv::imencode(".png", m, buf);
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(reinterpret_cast<const char *>(buf.data()), qint64(buf.size()));
    f.close();
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.setFileTime(kOldTime, QFileDevice::FileModificationTime));
}

void setTime(const QString &file, const QDateTime &t)
{
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.setFileTime(t, QFileDevice::FileModificationTime));
}

QStringList paths(const QVector<ReimportEntry> &entries, const QString &root)
{
    QStringList out;
    for (const ReimportEntry &e : entries)
        out << QDir(root).relativeFilePath(e.path);
    out.sort();
    return out;
}

} // namespace

class TestReimport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_folder;
    std::shared_ptr<ProjectStore> m_store;
    qint64 m_dataset = 0;

    SampleRecord sampleAt(const QString &relative)
    {
        const QString path = QDir(m_folder).filePath(relative);
        for (const SampleRecord &s : m_store->samples(m_dataset, std::nullopt, true).value())
            if (s.path == path)
                return s;
        return {};
    }

private Q_SLOTS:
    // Classes a and b, six files each (a0..a5 values 10..15, b0..b5 values 20..25).
    void init()
    {
        static int n = 0;
        m_folder = m_tmp.filePath(QStringLiteral("images%1").arg(++n));
        for (int i = 0; i < 6; ++i) {
            writePng(QStringLiteral("%1/a/a%2.png").arg(m_folder).arg(i), 10 + i);
            writePng(QStringLiteral("%1/b/b%2.png").arg(m_folder).arg(i), 20 + i);
        }
        auto store = ProjectStore::create(m_tmp.filePath(QStringLiteral("p%1.lepton").arg(n)));
        QVERIFY2(store.ok(), qPrintable(store.error()));
        m_store = store.value();
        ImportOptions o;
        o.width = o.height = 6;
        auto data = importImageFolder(m_folder, o);
        QVERIFY2(data.ok(), qPrintable(data.error()));
        for (const SampleRecord &s : data->samples) {
            QCOMPARE(s.fileSize, QFileInfo(s.path).size());
            QCOMPARE(s.fileMtime, kOldTime.toMSecsSinceEpoch());
        }
        auto id = importIntoProject(*m_store, data.value());
        QVERIFY2(id.ok(), qPrintable(id.error()));
        m_dataset = id.value();
        QCOMPARE(sampleAt(QStringLiteral("a/a0.png")).fileMtime, kOldTime.toMSecsSinceEpoch());   // stored
        QCOMPARE(datasetImportedFrom(*m_store, m_folder).value(), m_dataset);
        QCOMPARE(datasetImportedFrom(*m_store, m_tmp.path()).value(), 0);
    }

    void unchangedFolderReadsNothing()
    {
        auto r = reimportImageFolder(*m_store, m_dataset, {});
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->scanned, 12);
        QCOMPARE(r->unchanged, 12);
        QCOMPARE(r->filesRead, 0);
        QCOMPARE(r->decoded, 0);
        QVERIFY(!r->hasChanges());
        QVERIFY(r->missing.isEmpty() && r->issues.isEmpty());
    }

    void reportsNewChangedMovedAndMissingFiles()
    {
        const SampleRecord a1 = sampleAt(QStringLiteral("a/a1.png"));
        const SampleRecord a2 = sampleAt(QStringLiteral("a/a2.png"));
        const SampleRecord b0 = sampleAt(QStringLiteral("b/b0.png"));
        const SampleRecord b1 = sampleAt(QStringLiteral("b/b1.png"));
        writePng(m_folder + QStringLiteral("/a/new.png"), 200);                  // new
        writePng(m_folder + QStringLiteral("/b/b0.png"), 150);                   // changed content
        setTime(m_folder + QStringLiteral("/b/b0.png"), kOldTime.addSecs(60));
        QVERIFY(QFile::rename(m_folder + QStringLiteral("/a/a1.png"), m_folder + QStringLiteral("/b/a1.png")));   // to class b
        QDir().mkpath(m_folder + QStringLiteral("/a/sub"));
        QVERIFY(QFile::rename(m_folder + QStringLiteral("/a/a2.png"), m_folder + QStringLiteral("/a/sub/a2.png")));
        QVERIFY(QFile::remove(m_folder + QStringLiteral("/b/b1.png")));           // gone
        setTime(m_folder + QStringLiteral("/a/a3.png"), kOldTime.addSecs(3600)); // touched, same bytes
        writePng(m_folder + QStringLiteral("/c/c0.png"), 99);                    // a new class

        // A dry run reports and changes nothing.
        ReimportOptions dry;
        dry.dryRun = true;
        auto preview = reimportImageFolder(*m_store, m_dataset, dry);
        QVERIFY2(preview.ok(), qPrintable(preview.error()));
        QVERIFY(!preview->applied);
        QVERIFY(preview->hasChanges());
        QCOMPARE(m_store->dataset(m_dataset)->sampleCount(), 12);

        auto r = reimportImageFolder(*m_store, m_dataset, {});
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QVERIFY(r->applied);
        QCOMPARE(r->scanned, 13);
        QCOMPARE(r->unchanged, 7);    // a0 a4 a5 b2 b3 b4 b5
        QCOMPARE(r->verified, 1);     // a3
        QCOMPARE(r->filesRead, 6);    // new, b0, a1, a2, a3, c0
        QCOMPARE(r->decoded, 3);      // new, b0, c0
        QCOMPARE(paths(r->added, m_folder), (QStringList{"a/new.png", "c/c0.png"}));
        QCOMPARE(paths(r->changed, m_folder), QStringList{"b/b0.png"});
        QCOMPARE(paths(r->moved, m_folder), (QStringList{"a/sub/a2.png", "b/a1.png"}));
        QCOMPARE(paths(r->missing, m_folder), QStringList{"b/b1.png"});
        QCOMPARE(r->newClasses, QStringList{"c"});
        for (const ReimportEntry &e : r->moved) {
            if (e.sampleId == a1.id) {
                QCOMPARE(e.fromClass, QStringLiteral("a"));   // moved into the folder of class b: relabelled
                QCOMPARE(e.className, QStringLiteral("b"));
            } else {
                QCOMPARE(e.sampleId, a2.id);
                QCOMPARE(e.fromClass, QString());
            }
        }

        // The project: 12 + 2 samples (the missing one kept), class c added, ids kept.
        auto ds = m_store->dataset(m_dataset);
        QCOMPARE(ds->classes, (QStringList{"a", "b", "c"}));
        QCOMPARE(ds->sampleCount(), 14);
        QCOMPARE(sampleAt(QStringLiteral("b/a1.png")).id, a1.id);
        QCOMPARE(sampleAt(QStringLiteral("b/a1.png")).label, 1);
        QCOMPARE(sampleAt(QStringLiteral("b/a1.png")).pixels, a1.pixels);
        QCOMPARE(sampleAt(QStringLiteral("a/sub/a2.png")).id, a2.id);
        QCOMPARE(sampleAt(QStringLiteral("a/sub/a2.png")).label, 0);
        const SampleRecord b0now = sampleAt(QStringLiteral("b/b0.png"));
        QCOMPARE(b0now.id, b0.id);
        QCOMPARE(b0now.split, b0.split);
        QCOMPARE(b0now.pixels, QByteArray(36, char(150)));
        QVERIFY(b0now.hash != b0.hash);
        QCOMPARE(sampleAt(QStringLiteral("c/c0.png")).label, 2);
        QCOMPARE(sampleAt(QStringLiteral("a/new.png")).pixels, QByteArray(36, char(200)));
        QCOMPARE(sampleAt(QStringLiteral("b/b1.png")).id, b1.id);   // kept, with its pixels

        // Again: nothing is read; the missing file is still reported, then removed when asked.
        auto again = reimportImageFolder(*m_store, m_dataset, {});
        QVERIFY2(again.ok(), qPrintable(again.error()));
        QCOMPARE(again->unchanged, 13);
        QCOMPARE(again->filesRead, 0);
        QVERIFY(!again->hasChanges());
        QCOMPARE(again->missing.size(), 1);
        ReimportOptions drop;
        drop.dropMissing = true;
        auto dropped = reimportImageFolder(*m_store, m_dataset, drop);
        QVERIFY2(dropped.ok(), qPrintable(dropped.error()));
        QVERIFY(dropped->missingDropped);
        QCOMPARE(m_store->dataset(m_dataset)->sampleCount(), 13);
        QCOMPARE(sampleAt(QStringLiteral("b/b1.png")).id, 0);
    }

    // Project edits carry over: files in a renamed or merged class's folder join that class.
    void newFilesFollowProjectClassEdits()
    {
        writePng(m_folder + QStringLiteral("/c/c0.png"), 66);
        QCOMPARE(reimportImageFolder(*m_store, m_dataset, {})->newClasses, QStringList{"c"});
        QVERIFY(m_store->renameClass(m_dataset, 0, QStringLiteral("alpha")).ok());
        QVERIFY(m_store->mergeClass(m_dataset, 1, 0).ok());   // b into alpha
        writePng(m_folder + QStringLiteral("/b/b9.png"), 77);
        auto r = reimportImageFolder(*m_store, m_dataset, {});
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QVERIFY(r->newClasses.isEmpty());
        QCOMPARE(r->added.size(), 1);
        QCOMPARE(r->added.first().className, QStringLiteral("alpha"));
        QCOMPARE(m_store->dataset(m_dataset)->classes, (QStringList{"alpha", "c"}));
        QCOMPARE(sampleAt(QStringLiteral("b/b9.png")).label, 0);
    }

    // A dataset used by a run keeps its samples: the report says why and what to do.
    void datasetInUseIsReportedNotChanged()
    {
        auto arch = m_store->addArchitecture(QStringLiteral("net"), QStringLiteral("{}"));
        QVERIFY(m_store->createRun(m_dataset, arch.value(), QStringLiteral("{}")).ok());
        writePng(m_folder + QStringLiteral("/a/late.png"), 5);
        setTime(m_folder + QStringLiteral("/a/a0.png"), kOldTime.addSecs(5));   // touched only
        auto r = reimportImageFolder(*m_store, m_dataset, {});
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QVERIFY(!r->applied);
        QVERIFY2(r->notApplied.contains(QStringLiteral("1 training run(s)")) && r->notApplied.contains(QStringLiteral("copy")),
                 qPrintable(r->notApplied));
        QCOMPARE(r->added.size(), 1);
        QCOMPARE(m_store->dataset(m_dataset)->sampleCount(), 12);
        // The new stamp of the touched file is kept, so the next re-import does not read it again.
        auto again = reimportImageFolder(*m_store, m_dataset, {});
        QCOMPARE(again->filesRead, 1);   // only late.png
    }

    // Samples without a stored stamp (projects older than schema 7) are read once, then skipped.
    void samplesWithoutStampAreVerifiedOnce()
    {
        SampleUpdate clear;
        for (SampleRecord s : m_store->samples(m_dataset).value()) {
            s.fileSize = s.fileMtime = -1;
            clear.restamped << s;
        }
        QVERIFY(m_store->applySampleUpdate(m_dataset, clear).ok());
        QCOMPARE(sampleAt(QStringLiteral("a/a0.png")).fileSize, qint64(-1));
        auto r = reimportImageFolder(*m_store, m_dataset, {});
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->verified, 12);
        QCOMPARE(r->filesRead, 12);
        QCOMPARE(r->decoded, 0);
        QVERIFY(!r->hasChanges());
        QCOMPARE(reimportImageFolder(*m_store, m_dataset, {})->unchanged, 12);
    }

    // The folder moved to another place: every file is matched by content, nothing decoded.
    void relocatedFolderIsMatchedByContent()
    {
        const QString moved = m_folder + QStringLiteral("-moved");
        QVERIFY(QDir().rename(m_folder, moved));
        auto lost = reimportImageFolder(*m_store, m_dataset, {});
        QVERIFY(!lost.ok());
        QVERIFY2(lost.error().contains(m_folder), qPrintable(lost.error()));
        ReimportOptions o;
        o.folder = moved;
        auto r = reimportImageFolder(*m_store, m_dataset, o);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->moved.size(), 12);
        QCOMPARE(r->decoded, 0);
        QVERIFY(r->missing.isEmpty());
        for (const ReimportEntry &e : r->moved)
            QVERIFY(e.fromClass.isEmpty());
        QCOMPARE(m_store->dataset(m_dataset)->source, QFileInfo(moved).absoluteFilePath());
        QCOMPARE(reimportImageFolder(*m_store, m_dataset, {})->unchanged, 12);
        QVERIFY(QDir().rename(moved, m_folder));
    }

    void badFilesAndOtherKindsAreReported()
    {
        QFile empty(m_folder + QStringLiteral("/a/empty.png"));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        QFile junk(m_folder + QStringLiteral("/b/junk.png"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not a png");
        junk.close();
        auto r = reimportImageFolder(*m_store, m_dataset, {});
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->issues.size(), 2);
        QVERIFY(r->added.isEmpty());
        QCOMPARE(m_store->dataset(m_dataset)->sampleCount(), 12);

        DatasetInfo tabular;
        tabular.name = QStringLiteral("iris");
        tabular.kind = QStringLiteral("tabular");
        tabular.classes = QStringList{"x"};
        SampleRecord s;
        s.path = QStringLiteral("iris.csv:2");
        auto other = m_store->addDataset(tabular, {s});
        QVERIFY(other.ok());
        auto refused = reimportImageFolder(*m_store, other.value(), {});
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QStringLiteral("only image-folder datasets")), qPrintable(refused.error()));
    }
};

QTEST_GUILESS_MAIN(TestReimport)
#include "tst_reimport.moc"
