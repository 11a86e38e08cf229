// Project file: round trip, migration from schema 1, and broken or foreign files.
#include "project/projectstore.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

using namespace lepton;

class TestProjectStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }

    static DatasetInfo datasetInfo()
    {
        DatasetInfo d;
        d.name = QStringLiteral("tiny");
        d.source = QStringLiteral("/data/tiny");
        d.kind = QStringLiteral("image-folder");
        d.channels = 1;
        d.height = 2;
        d.width = 2;
        d.classes = {QStringLiteral("a"), QStringLiteral("b")};
        d.splitSeed = 7;
        return d;
    }
    static QVector<SampleRecord> samples()
    {
        QVector<SampleRecord> s;
        for (int i = 0; i < 6; ++i) {
            SampleRecord r;
            r.path = QStringLiteral("img%1.png").arg(i);
            r.label = i % 2;
            r.split = i < 4 ? Split::Train : (i == 4 ? Split::Validation : Split::Test);
            r.hash = QByteArray::number(i).repeated(8);
            r.pixels = QByteArray(4, char(i * 10));
            s.append(r);
        }
        return s;
    }

private Q_SLOTS:
    void roundTrip()
    {
        const QString file = path(QStringLiteral("round.lepton"));
        {
            auto store = ProjectStore::create(file);
            QVERIFY2(store.ok(), qPrintable(store.error()));
            QCOMPARE(store.value()->schemaVersion(), ProjectStore::SchemaVersion);
            auto ds = store.value()->addDataset(datasetInfo(), samples());
            QVERIFY2(ds.ok(), qPrintable(ds.error()));
            auto arch = store.value()->addArchitecture(QStringLiteral("net"), QStringLiteral("{\"x\":1}"));
            QVERIFY(arch.ok());
            auto arch2 = store.value()->addArchitecture(QStringLiteral("net"), QStringLiteral("{\"x\":2}"));
            QVERIFY(arch2.ok());
            auto run = store.value()->createRun(ds.value(), arch.value(), QStringLiteral("{\"epochs\":2}"));
            QVERIFY(run.ok());
            QVERIFY(store.value()->recordEpoch(run.value(), {1, 0.9, 0.5, 0.8, 0.6, 1.5}, "w1", "o1").ok());
            QVERIFY(store.value()->recordEpoch(run.value(), {2, 0.4, 0.8, 0.5, 0.7, 1.25}, "w2", "o2").ok());
            QVERIFY(store.value()->setRunStatus(run.value(), QStringLiteral("finished")).ok());
            ModelVersionInfo mv;
            mv.runId = run.value();
            mv.architectureId = arch.value();
            mv.datasetId = ds.value();
            mv.name = QStringLiteral("v1");
            mv.epoch = 2;
            auto version = store.value()->addModelVersion(mv, "weights");
            QVERIFY(version.ok());
            EvaluationInfo ev;
            ev.modelVersionId = version.value();
            ev.split = QStringLiteral("test");
            ev.accuracy = 0.75;
            ev.macroF1 = 0.5;
            ev.metricsJson = QStringLiteral("{}");
            QVERIFY(store.value()->addEvaluation(ev).ok());
            ExportInfo ex;
            ex.modelVersionId = version.value();
            ex.format = QStringLiteral("torchscript");
            ex.path = QStringLiteral("/tmp/model.pt");
            ex.sha256 = QStringLiteral("abc");
            QVERIFY(store.value()->addExport(ex).ok());
        }
        auto store = ProjectStore::open(file);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        ProjectStore &s = *store.value();
        auto all = s.datasets();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 1);
        const DatasetInfo d = all->first();
        QCOMPARE(d.name, QStringLiteral("tiny"));
        QCOMPARE(d.classes, QStringList({"a", "b"}));
        QCOMPARE(d.classCounts, QVector<int>({3, 3}));
        QCOMPARE(d.splitCounts[0], 4);
        QCOMPARE(d.splitCounts[1], 1);
        QCOMPARE(d.splitCounts[2], 1);
        QCOMPARE(d.splitSeed, 7u);
        auto train = s.samples(d.id, Split::Train);
        QVERIFY(train.ok());
        QCOMPARE(train->size(), 4);
        QCOMPARE(train->at(2).pixels, QByteArray(4, char(20)));
        QCOMPARE(train->at(2).hash, QByteArray("22222222"));
        auto archs = s.architectures();
        QCOMPARE(archs->size(), 2);
        QCOMPARE(archs->at(1).version, 2);   // same name: next version
        auto runs = s.runs();
        QCOMPARE(runs->size(), 1);
        QCOMPARE(runs->first().status, QStringLiteral("finished"));
        QCOMPARE(runs->first().epochsDone, 2);
        auto epochs = s.epochs(runs->first().id);
        QCOMPARE(epochs->size(), 2);
        QCOMPARE(epochs->at(1).valAccuracy, 0.7);
        QCOMPARE(epochs->at(1).seconds, 1.25);
        QCOMPARE(s.checkpointWeights(runs->first().id).value(), QByteArray("w2"));
        QCOMPARE(s.checkpointWeights(runs->first().id, 1).value(), QByteArray("w1"));
        QVERIFY(!s.checkpointWeights(runs->first().id, 9).ok());
        auto versions = s.modelVersions();
        QCOMPARE(versions->size(), 1);
        QCOMPARE(versions->first().runId, runs->first().id);
        QCOMPARE(versions->first().parentId, 0);
        QCOMPARE(s.modelWeights(versions->first().id).value(), QByteArray("weights"));
        QCOMPARE(s.evaluations()->first().accuracy, 0.75);
        QCOMPARE(s.exports()->first().sha256, QStringLiteral("abc"));
        QVERIFY(!s.dataset(999).ok());
        QVERIFY(s.dataset(999).error().contains(QStringLiteral("999")));
    }

    void usesWal()
    {
        const QString file = path(QStringLiteral("wal.lepton"));
        auto store = ProjectStore::create(file);
        QVERIFY(store.ok());
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
        db.setDatabaseName(file);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        q.finish();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("probe"));
    }

    void createRefusesExistingFile()
    {
        const QString file = path(QStringLiteral("exists.lepton"));
        QVERIFY(ProjectStore::create(file).ok());
        auto again = ProjectStore::create(file);
        QVERIFY(!again.ok());
        QVERIFY(again.error().contains(QStringLiteral("already exists")));
    }

    void migratesFromSchemaVersion1()
    {
        const QString file = path(QStringLiteral("old.lepton"));
        QVERIFY(ProjectStore::createAtSchemaVersion(file, 1).ok());
        {
            // Data written the way a schema-1 build wrote it.
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
            QVERIFY(q.exec(QStringLiteral("INSERT INTO datasets (id, name, kind, channels, height, width) "
                                          "VALUES (1, 'old', 'digit-sheet', 1, 20, 20)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO model_versions (id, name, weights) VALUES (1, 'm', x'00')")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO evaluations (model_version_id, split, accuracy, macro_f1) "
                                          "VALUES (1, 'test', 0.5, 0.25)")));
            QVERIFY(!q.exec(QStringLiteral("SELECT * FROM exports")));   // not in schema 1
            q.finish();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("v1"));
        }
        auto store = ProjectStore::open(file);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        QCOMPARE(store.value()->schemaVersion(), ProjectStore::SchemaVersion);   // migrated to the newest
        QCOMPARE(store.value()->datasets()->first().name, QStringLiteral("old"));
        auto evals = store.value()->evaluations();
        QVERIFY2(evals.ok(), qPrintable(evals.error()));
        QCOMPARE(evals->first().macroF1, 0.25);
        QVERIFY(evals->first().metricsJson.isEmpty());
        ExportInfo ex;
        ex.modelVersionId = 1;
        ex.format = QStringLiteral("torchscript");
        ex.path = QStringLiteral("x.pt");
        QVERIFY(store.value()->addExport(ex).ok());   // table added by migration 2
    }

    void rejectsBrokenFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("not an SQLite database");
        QTest::newRow("text") << QByteArray("hello, I am not a project\n").repeated(20)
                              << QStringLiteral("not an SQLite database");
        QTest::newRow("header only") << QByteArray("SQLite format 3\0", 16) + QByteArray(200, '\xff')
                                     << QStringLiteral("project");
    }
    void rejectsBrokenFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString file = path(QStringLiteral("broken-%1.lepton").arg(QTest::currentDataTag()).replace(' ', '-'));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        auto store = ProjectStore::open(file);
        QVERIFY(!store.ok());
        QVERIFY2(store.error().contains(expected), qPrintable(store.error()));
        QVERIFY2(store.error().contains(file), qPrintable(store.error()));
    }

    void rejectsTruncatedProject()
    {
        const QString file = path(QStringLiteral("truncated.lepton"));
        {
            auto store = ProjectStore::create(file);
            QVERIFY(store.ok());
            QVector<SampleRecord> many;
            for (int i = 0; i < 400; ++i) {
                SampleRecord r = samples().at(i % 6);
                r.pixels = QByteArray(4, char(i));
                many.append(r);
            }
            DatasetInfo d = datasetInfo();
            QVERIFY(store.value()->addDataset(d, many).ok());
        }
        QFile::remove(file + QStringLiteral("-wal"));
        QFile::remove(file + QStringLiteral("-shm"));
        QFile f(file);
        const qint64 size = f.size();
        QVERIFY(size > 8192);
        QVERIFY(f.resize(size / 2));
        auto store = ProjectStore::open(file);
        QVERIFY(!store.ok());
        QVERIFY2(store.error().contains(file), qPrintable(store.error()));
    }

    void rejectsForeignSqliteDatabase()
    {
        const QString file = path(QStringLiteral("foreign.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("foreign"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE t (x)")));
            q.finish();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("foreign"));
        }
        auto store = ProjectStore::open(file);
        QVERIFY(!store.ok());
        QVERIFY2(store.error().contains(QStringLiteral("not a Lepton project")), qPrintable(store.error()));
    }

    void rejectsNewerSchema()
    {
        const QString file = path(QStringLiteral("newer.lepton"));
        QVERIFY(ProjectStore::create(file).ok());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("newer"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 99")));
            q.finish();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("newer"));
        }
        auto store = ProjectStore::open(file);
        QVERIFY(!store.ok());
        QVERIFY2(store.error().contains(QStringLiteral("newer")), qPrintable(store.error()));
    }

    void missingFile()
    {
        auto store = ProjectStore::open(path(QStringLiteral("nope.lepton")));
        QVERIFY(!store.ok());
        QVERIFY(store.error().contains(QStringLiteral("no such file")));
    }

    void workerThreadHasItsOwnConnection()
    {
        const QString file = path(QStringLiteral("threads.lepton"));
        auto store = ProjectStore::create(file);
        QVERIFY(store.ok());
        auto ds = store.value()->addDataset(datasetInfo(), samples());
        QVERIFY(ds.ok());
        // A worker writes through its own store while the GUI-thread store reads.
        auto future = QtConcurrent::run([file, id = ds.value()]() {
            auto worker = ProjectStore::open(file);
            if (!worker)
                return worker.error();
            auto arch = worker.value()->addArchitecture(QStringLiteral("w"), QStringLiteral("{}"));
            auto run = worker.value()->createRun(id, arch.value(), QStringLiteral("{}"));
            for (int e = 1; e <= 20; ++e)
                if (auto st = worker.value()->recordEpoch(run.value(), {e, 1, 1, 1, 1, 1}, "w", "o"); !st)
                    return st.error();
            return QString();
        });
        for (int i = 0; i < 20; ++i)
            QVERIFY(store.value()->runs().ok());
        future.waitForFinished();
        QVERIFY2(future.result().isEmpty(), qPrintable(future.result()));
        QCOMPARE(store.value()->runs()->first().epochsDone, 20);
    }
};

QTEST_GUILESS_MAIN(TestProjectStore)
#include "tst_projectstore.moc"
