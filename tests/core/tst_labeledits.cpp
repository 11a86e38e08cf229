// Label edits of a dataset (rename/merge classes, relabel/remove samples, copy) with known
// answers, each followed by its undo restoring the dataset exactly; refusals leave it unchanged.
#include "data/datasetstats.h"
#include "data/datasplit.h"
#include "data/importer.h"
#include "project/projectstore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace lepton;

namespace {

// Four classes a, b, c, d; sample i (ids 1..12) has label i % 4, split train for i < 8, then
// validation for 8..9 and test for 10..11.
DatasetInfo info()
{
    DatasetInfo d;
    d.name = QStringLiteral("letters");
    d.source = QStringLiteral("/data/letters");
    d.kind = QStringLiteral("image-folder");
    d.channels = 1;
    d.height = 1;
    d.width = 2;
    d.classes = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")};
    d.splitSeed = 3;
    return d;
}

QVector<SampleRecord> samples()
{
    QVector<SampleRecord> s;
    for (int i = 0; i < 12; ++i) {
        SampleRecord r;
        r.path = QStringLiteral("s%1.png").arg(i);
        r.label = i % 4;
        r.split = i < 8 ? Split::Train : (i < 10 ? Split::Validation : Split::Test);
        r.hash = QByteArray::number(i).repeated(4);
        r.pixels = QByteArray(2, char(i));
        s << r;
    }
    return s;
}

// (id, label, split, path, pixels) of every sample, and the class names: what an undo must restore.
QString snapshot(const ProjectStore &store, qint64 datasetId)
{
    auto ds = store.dataset(datasetId);
    auto all = store.samples(datasetId, std::nullopt, true);
    if (!ds || !all)
        return QStringLiteral("unreadable");
    QStringList parts{ds->classes.join(QLatin1Char('|'))};
    for (const SampleRecord &s : all.value())
        parts << QStringLiteral("%1:%2:%3:%4:%5:%6")
                     .arg(s.id)
                     .arg(s.label)
                     .arg(int(s.split))
                     .arg(s.path, QString::fromLatin1(s.hash), QString::fromLatin1(s.pixels.toHex()));
    return parts.join(QLatin1Char(' '));
}

QVector<int> labelsOf(const ProjectStore &store, qint64 datasetId)
{
    QVector<int> labels;
    for (const SampleRecord &s : store.samples(datasetId, std::nullopt, false).value())
        labels << s.label;
    return labels;
}

} // namespace

class TestLabelEdits : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<ProjectStore> m_store;
    qint64 m_dataset = 0;

private Q_SLOTS:
    void init()
    {
        static int n = 0;
        auto store = ProjectStore::create(m_dir.filePath(QStringLiteral("p%1.lepton").arg(++n)));
        QVERIFY2(store.ok(), qPrintable(store.error()));
        m_store = store.value();
        auto ds = m_store->addDataset(info(), samples());
        QVERIFY2(ds.ok(), qPrintable(ds.error()));
        m_dataset = ds.value();
    }

    void renameAndUndo()
    {
        const QString before = snapshot(*m_store, m_dataset);
        auto old = m_store->renameClass(m_dataset, 2, QStringLiteral(" cat "));
        QVERIFY2(old.ok(), qPrintable(old.error()));
        QCOMPARE(old.value(), QStringLiteral("c"));
        QCOMPARE(m_store->dataset(m_dataset)->classes,
                 (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("cat"), QStringLiteral("d")}));
        // Another class's name and an empty name are refused.
        auto clash = m_store->renameClass(m_dataset, 2, QStringLiteral("a"));
        QVERIFY(!clash.ok());
        QVERIFY2(clash.error().contains(QStringLiteral("already has a class 'a'")), qPrintable(clash.error()));
        QVERIFY(!m_store->renameClass(m_dataset, 2, QStringLiteral("  ")).ok());
        QVERIFY(!m_store->renameClass(m_dataset, 4, QStringLiteral("e")).ok());
        QVERIFY(m_store->renameClass(m_dataset, 2, old.value()).ok());   // the undo
        QCOMPARE(snapshot(*m_store, m_dataset), before);
    }

    void mergeAndUndo()
    {
        const QString before = snapshot(*m_store, m_dataset);
        // b (1) into d (3): b's three samples become d, c and d move up to 1 and 2.
        auto merge = m_store->mergeClass(m_dataset, 1, 3);
        QVERIFY2(merge.ok(), qPrintable(merge.error()));
        QCOMPARE(merge->fromName, QStringLiteral("b"));
        QCOMPARE(merge->sampleIds, (QVector<qint64>{2, 6, 10}));
        QCOMPARE(m_store->dataset(m_dataset)->classes, (QStringList{QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("d")}));
        // Labels were 0,1,2,3,... → a=0, b→d=2, c=1, d=2.
        QCOMPARE(labelsOf(*m_store, m_dataset), (QVector<int>{0, 2, 1, 2, 0, 2, 1, 2, 0, 2, 1, 2}));
        auto st = datasetStatistics(*m_store, m_dataset);
        QVERIFY(st.ok());
        QCOMPARE(st->classCounts.size(), 3);
        QCOMPARE(st->classCounts[2], (std::array<int, 3>{4, 1, 1}));   // d: 6 samples, 4 train, 1 val, 1 test
        QCOMPARE(st->classCounts[1], (std::array<int, 3>{2, 0, 1}));
        QVERIFY(m_store->undoMergeClass(m_dataset, merge.value()).ok());
        QCOMPARE(snapshot(*m_store, m_dataset), before);
        // Into a class before it: d (3) into a (0); nothing moves up.
        auto merge2 = m_store->mergeClass(m_dataset, 3, 0);
        QVERIFY(merge2.ok());
        QCOMPARE(labelsOf(*m_store, m_dataset), (QVector<int>{0, 1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0}));
        QVERIFY(m_store->undoMergeClass(m_dataset, merge2.value()).ok());
        QCOMPARE(snapshot(*m_store, m_dataset), before);
        QVERIFY(!m_store->mergeClass(m_dataset, 1, 1).ok());
        QVERIFY(!m_store->mergeClass(m_dataset, 1, 7).ok());
        QCOMPARE(snapshot(*m_store, m_dataset), before);
    }

    void relabelAndUndo()
    {
        const QString before = snapshot(*m_store, m_dataset);
        auto old = m_store->relabelSamples(m_dataset, {5, 1, 5}, 3);   // duplicates count once
        QVERIFY2(old.ok(), qPrintable(old.error()));
        QCOMPARE(old->size(), 2);
        QCOMPARE(old->at(0).id, 1);
        QCOMPARE(old->at(0).label, 0);
        QCOMPARE(old->at(1).id, 5);
        QCOMPARE(old->at(1).label, 0);
        QCOMPARE(labelsOf(*m_store, m_dataset), (QVector<int>{3, 1, 2, 3, 3, 1, 2, 3, 0, 1, 2, 3}));
        QVERIFY(m_store->restoreLabels(m_dataset, old.value()).ok());
        QCOMPARE(snapshot(*m_store, m_dataset), before);
        // An unknown id, an unknown class or no ids at all: refused, nothing changed.
        auto unknown = m_store->relabelSamples(m_dataset, {1, 99}, 2);
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.error().contains(QStringLiteral("1 of the 2 samples are not in dataset 'letters'")),
                 qPrintable(unknown.error()));
        QVERIFY(!m_store->relabelSamples(m_dataset, {1}, 4).ok());
        QVERIFY(!m_store->relabelSamples(m_dataset, {}, 1).ok());
        QCOMPARE(snapshot(*m_store, m_dataset), before);
    }

    void removeAndUndo()
    {
        const QString before = snapshot(*m_store, m_dataset);
        auto removed = m_store->removeSamples(m_dataset, {12, 3});
        QVERIFY2(removed.ok(), qPrintable(removed.error()));
        QCOMPARE(removed->size(), 2);
        auto ds = m_store->dataset(m_dataset);
        QCOMPARE(ds->sampleCount(), 10);
        QCOMPARE(ds->splitCounts[0], 7);
        QCOMPARE(ds->splitCounts[2], 1);
        QVERIFY(m_store->restoreSamples(m_dataset, removed.value()).ok());
        QCOMPARE(snapshot(*m_store, m_dataset), before);   // same ids, pixels, hashes and splits
        QVector<qint64> all;
        for (qint64 id = 1; id <= 12; ++id)
            all << id;
        auto everything = m_store->removeSamples(m_dataset, all);
        QVERIFY(!everything.ok());
        QVERIFY2(everything.error().contains(QStringLiteral("without samples")), qPrintable(everything.error()));
        QCOMPARE(snapshot(*m_store, m_dataset), before);
    }

    void copyIsIndependent()
    {
        const QString before = snapshot(*m_store, m_dataset);
        QVERIFY(m_store->setAugmentationJson(m_dataset, QStringLiteral("{\"seed\":5,\"ops\":[]}")).ok());
        auto copy = m_store->copyDataset(m_dataset, QStringLiteral("letters v2"));
        QVERIFY2(copy.ok(), qPrintable(copy.error()));
        auto ds = m_store->dataset(copy.value());
        QCOMPARE(ds->name, QStringLiteral("letters v2"));
        QCOMPARE(ds->classes, info().classes);
        QCOMPARE(ds->sampleCount(), 12);
        QCOMPARE(ds->splitCounts[1], 2);
        QCOMPARE(labelsOf(*m_store, copy.value()), labelsOf(*m_store, m_dataset));
        QCOMPARE(m_store->augmentationJson(copy.value()).value(), QStringLiteral("{\"seed\":5,\"ops\":[]}"));
        // Editing the copy leaves the original alone; deleting the copy removes it whole.
        QVERIFY(m_store->mergeClass(copy.value(), 0, 1).ok());
        QCOMPARE(snapshot(*m_store, m_dataset), before);
        QVERIFY(m_store->deleteDataset(copy.value()).ok());
        QVERIFY(!m_store->dataset(copy.value()).ok());
        QCOMPARE(m_store->datasets()->size(), 1);
    }

    // Samples and classes of a dataset that a run used are not edited (the copy is); renaming is.
    // A new seeded stratified split: 2/3 train and 1/3 validation of three samples per class is
    // two train and one validation in each class, exactly the samples assignStratifiedSplit picks;
    // the same seed gives the same split, and the undo restores splits and seed.
    void resplitIsSeededStratifiedAndUndoable()
    {
        const QString before = snapshot(*m_store, m_dataset);
        auto change = resplitDataset(*m_store, m_dataset, 2.0 / 3, 1.0 / 3, 11);
        QVERIFY2(change.ok(), qPrintable(change.error()));
        QCOMPARE(change->counts[0], 8);
        QCOMPARE(change->counts[1], 4);
        QCOMPARE(change->counts[2], 0);
        QCOMPARE(change->previousSeed, 3u);
        QCOMPARE(m_store->dataset(m_dataset)->splitSeed, 11u);
        QVector<SampleRecord> expected = m_store->samples(m_dataset, std::nullopt, false).value();
        const QVector<SampleRecord> stored = expected;
        assignStratifiedSplit(expected, 4, 2.0 / 3, 1.0 / 3, 11);
        int perClass[4][3] = {};
        for (int i = 0; i < stored.size(); ++i) {
            QCOMPARE(stored[i].split, expected[i].split);
            ++perClass[stored[i].label][int(stored[i].split)];
        }
        for (int c = 0; c < 4; ++c) {
            QCOMPARE(perClass[c][0], 2);
            QCOMPARE(perClass[c][1], 1);
        }
        const QString resplit = snapshot(*m_store, m_dataset);
        QVERIFY(resplit != before);
        QVERIFY(undoResplit(*m_store, m_dataset, change.value()).ok());
        QCOMPARE(snapshot(*m_store, m_dataset), before);
        QCOMPARE(m_store->dataset(m_dataset)->splitSeed, 3u);
        QVERIFY(resplitDataset(*m_store, m_dataset, 2.0 / 3, 1.0 / 3, 11).ok());   // redo: the same split
        QCOMPARE(snapshot(*m_store, m_dataset), resplit);

        // Bad fractions and a dataset in use are refused, nothing changed.
        for (const auto &[train, val] : {std::pair{0.0, 0.5}, std::pair{0.8, 0.3}, std::pair{0.5, -0.1}}) {
            auto bad = resplitDataset(*m_store, m_dataset, train, val, 1);
            QVERIFY(!bad.ok());
            QVERIFY2(bad.error().contains(QStringLiteral("invalid")), qPrintable(bad.error()));
        }
        auto arch = m_store->addArchitecture(QStringLiteral("net"), QStringLiteral("{}"));
        QVERIFY(m_store->createRun(m_dataset, arch.value(), QStringLiteral("{}")).ok());
        auto refused = resplitDataset(*m_store, m_dataset, 0.5, 0.25, 1);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QStringLiteral("training run")), qPrintable(refused.error()));
        QCOMPARE(snapshot(*m_store, m_dataset), resplit);
    }

    void refusedWhileInUse()
    {
        auto arch = m_store->addArchitecture(QStringLiteral("net"), QStringLiteral("{}"));
        QVERIFY(arch.ok());
        QCOMPARE(m_store->datasetInUse(m_dataset).value(), QString());
        auto removed = m_store->removeSamples(m_dataset, {12});   // before the run: allowed
        QVERIFY(removed.ok());
        auto run = m_store->createRun(m_dataset, arch.value(), QStringLiteral("{}"));
        QVERIFY(run.ok());
        const QString before = snapshot(*m_store, m_dataset);
        const QString why = m_store->datasetInUse(m_dataset).value();
        QVERIFY2(why.contains(QStringLiteral("1 training run(s)")) && why.contains(QStringLiteral("copy")), qPrintable(why));
        auto merge = m_store->mergeClass(m_dataset, 0, 1);
        QVERIFY(!merge.ok());
        QCOMPARE(merge.error(), why);
        QVERIFY(!m_store->relabelSamples(m_dataset, {1}, 1).ok());
        QVERIFY(!m_store->removeSamples(m_dataset, {1}).ok());
        QVERIFY(!m_store->deleteDataset(m_dataset).ok());
        QVERIFY(!m_store->restoreSamples(m_dataset, removed.value()).ok());   // nor undone after it
        QVERIFY(!m_store->restoreLabels(m_dataset, {SampleRecord{1, {}, 3}}).ok());
        QCOMPARE(snapshot(*m_store, m_dataset), before);
        QVERIFY(m_store->renameClass(m_dataset, 0, QStringLiteral("alpha")).ok());
        auto copy = m_store->copyDataset(m_dataset, QString());
        QVERIFY(copy.ok());
        QCOMPARE(m_store->dataset(copy.value())->name, QStringLiteral("letters (copy)"));
        QVERIFY(m_store->removeSamples(copy.value(), {m_store->samples(copy.value(), std::nullopt, false)->first().id}).ok());
        QCOMPARE(m_store->dataset(copy.value())->sampleCount(), 10);
    }
};

QTEST_GUILESS_MAIN(TestLabelEdits)
#include "tst_labeledits.moc"
