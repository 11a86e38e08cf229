// Several processes on one project file, as a data scientist uses it: a GUI-like process holding the
// project open while `lepton` commands come and go, two trainers, two resumes of one run, a claim
// left by a killed process whose pid now belongs to someone else, kill -9 at seeded points around
// the last epoch, inside a package export and inside a compression, and a mixed workload of
// writers and readers. After each: SQLite's integrity check passes, every committed epoch is
// there, ids are distinct, and nothing half-done is visible.
#include "processrun.h"

#include "project/projectstore.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace lepton;
using lepton::Testing::ProcessRun;
using lepton::Testing::runProcess;

namespace {

const QString kDigits = QStringLiteral("/usr/share/doc/opencv-doc/examples/data/digits.png");
const QString kIris = QStringLiteral("/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv");

ProcessRun runLepton(const QStringList &args) { return runProcess(QStringLiteral(LEPTON_CLI), args); }

QJsonObject json(const QByteArray &out) { return QJsonDocument::fromJson(out).object(); }

quint64 inode(const QString &path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? quint64(st.st_ino) : 0;
}

// Whether this process writes into a deleted file of that name (what another process's close did
// to the GUI's -wal before).
bool holdsDeletedFile(const QString &path)
{
    QDirIterator it(QStringLiteral("/proc/self/fd"), QDir::System | QDir::Files);
    while (it.hasNext()) {
        const QString target = QFile::symLinkTarget(it.next());
        if (target.startsWith(path) && target.endsWith(QLatin1String("(deleted)")))
            return true;
    }
    return false;
}

void killHard(QProcess &p)
{
    if (p.state() != QProcess::NotRunning)
        ::kill(pid_t(p.processId()), SIGKILL);
    p.waitForFinished(30000);
}

// Reads JSON lines from stderr until `count` lines with event "epoch" arrived (or the process ended).
int waitForEpochs(QProcess &p, int count, QByteArray *pending)
{
    int seen = 0;
    if (!p.waitForStarted(30000))
        return 0;
    while (seen < count && p.state() == QProcess::Running) {
        p.waitForReadyRead(200);
        *pending += p.readAllStandardError();
        while (pending->contains('\n')) {
            const int end = int(pending->indexOf('\n'));
            if (json(pending->left(end)).value(QLatin1String("event")).toString() == QLatin1String("epoch"))
                ++seen;
            pending->remove(0, end + 1);
        }
    }
    return seen;
}

} // namespace

class TestProjectConcurrency : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_digits;   // digit sheet imported, one model version (run 1, 1 epoch)
    QString m_iris;     // iris imported (tabular: epochs take milliseconds)

    QString copyOf(const QString &source, const QString &name)
    {
        const QString path = m_dir.filePath(name);
        for (const char *suffix : {"", "-wal", "-shm", "-lock"})
            QFile::remove(path + QLatin1String(suffix));
        return QFile::copy(source, path) ? path : QString();
    }

    // `lepton info --check --json`: integrity "ok", or fails the test.
    static QJsonObject checkedInfo(const QString &project)
    {
        const ProcessRun r = runLepton({"info", project, "--check", "--json"});
        if (r.exitCode != 0)
            qWarning("lepton info --check failed: %s", r.err.constData());
        return r.exitCode == 0 ? json(r.out) : QJsonObject();
    }

    static QJsonArray runsOf(const QString &project)
    {
        return json(runLepton({"runs", project, "--json"}).out).value(QLatin1String("runs")).toArray();
    }

    static QJsonObject runOf(const QString &project, qint64 id)
    {
        for (const QJsonValue &r : runsOf(project))
            if (r.toObject().value(QLatin1String("id")).toInteger() == id)
                return r.toObject();
        return {};
    }

    static QStringList trainArgs(const QString &project, int epochs)
    {
        return {"train", project, "--epochs", QString::number(epochs), "--threads", "1", "--seed", "3", "--json"};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(kDigits), "digits.png missing: install Debian's opencv-doc");
        QVERIFY2(QFile::exists(kIris), "iris.csv missing: install Debian's python3-sklearn");
        m_digits = m_dir.filePath(QStringLiteral("digits.lepton"));
        QCOMPARE(runLepton({"new", m_digits}).exitCode, 0);
        ProcessRun r = runLepton({"import", m_digits, "--digits", kDigits});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runLepton(trainArgs(m_digits, 1));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r.out).value(QLatin1String("model_version_id")).toInteger(), 1);
        m_iris = m_dir.filePath(QStringLiteral("iris.lepton"));
        QCOMPARE(runLepton({"new", m_iris}).exitCode, 0);
        r = runLepton({"import", m_iris, "--csv", kIris, "--skip-rows", "1"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    // A GUI holds the project open (two connections: its own and a worker's); `lepton info` comes and
    // goes; the GUI writes again. Its -wal must be the one on disk, and a third process must see the write.
    void anotherProcessLeavesTheOpenWalAlone()
    {
        const QString project = copyOf(m_digits, QStringLiteral("gui.lepton"));
        QVERIFY(!project.isEmpty());
        auto gui = ProjectStore::open(project);
        QVERIFY2(gui.ok(), qPrintable(gui.error()));
        QVERIFY(gui.value()->addArchitecture(QStringLiteral("before"), QStringLiteral("{}")).ok());
        auto worker = ProjectStore::open(project);   // a worker thread's store in the same process
        QVERIFY2(worker.ok(), qPrintable(worker.error()));
        const quint64 wal = inode(project + QStringLiteral("-wal"));
        QVERIFY(wal != 0);
        QCOMPARE(runLepton({"info", project}).exitCode, 0);
        QCOMPARE(inode(project + QStringLiteral("-wal")), wal);
        QVERIFY(!holdsDeletedFile(project));
        QVERIFY(gui.value()->addArchitecture(QStringLiteral("after"), QStringLiteral("{}")).ok());
        const QJsonObject info = checkedInfo(project);
        QCOMPARE(info.value(QLatin1String("integrity")).toString(), QStringLiteral("ok"));
        QStringList names;
        for (const QJsonValue &a : info.value(QLatin1String("architectures")).toArray())
            names << a.toObject().value(QLatin1String("name")).toString();
        QVERIFY2(names.contains(QStringLiteral("after")), qPrintable(names.join(", ")));
        QVERIFY(!holdsDeletedFile(project));
    }

    void twoTrainersAtOnce()
    {
        const QString project = copyOf(m_iris, QStringLiteral("two-trainers.lepton"));
        QProcess a, b;
        const QStringList args{"train", project, "--template", "mlp", "--epochs", "30", "--threads", "1", "--json"};
        a.start(QStringLiteral(LEPTON_CLI), args);
        b.start(QStringLiteral(LEPTON_CLI), args);
        QVERIFY(a.waitForFinished(300000) && b.waitForFinished(300000));
        QVERIFY2(a.exitCode() == 0, a.readAllStandardError().right(2000).constData());
        QVERIFY2(b.exitCode() == 0, b.readAllStandardError().right(2000).constData());
        const qint64 runA = json(a.readAllStandardOutput()).value(QLatin1String("run_id")).toInteger();
        const qint64 runB = json(b.readAllStandardOutput()).value(QLatin1String("run_id")).toInteger();
        QVERIFY(runA > 0 && runB > 0 && runA != runB);
        QSet<qint64> versions;
        for (qint64 run : {runA, runB}) {
            const QJsonObject r = runOf(project, run);
            QCOMPARE(r.value(QLatin1String("status")).toString(), QStringLiteral("finished"));
            QCOMPARE(r.value(QLatin1String("epochs_done")).toInt(), 30);
            versions << r.value(QLatin1String("model_version_id")).toInteger();
        }
        QCOMPARE(versions.size(), 2);
        QCOMPARE(checkedInfo(project).value(QLatin1String("integrity")).toString(), QStringLiteral("ok"));
    }

    void twoResumesOfOneRun()
    {
        const QString project = copyOf(m_iris, QStringLiteral("two-resumes.lepton"));
        // An interrupted run: killed after its first epoch.
        QProcess first;
        first.start(QStringLiteral(LEPTON_CLI), {"train", project, "--template", "mlp", "--epochs", "400", "--threads",
                                                 "1", "--json"});
        QByteArray pending;
        QVERIFY(waitForEpochs(first, 1, &pending) >= 1);
        killHard(first);
        const QJsonArray runs = runsOf(project);
        QCOMPARE(runs.size(), 1);
        const qint64 run = runs.first().toObject().value(QLatin1String("id")).toInteger();
        QCOMPARE(runs.first().toObject().value(QLatin1String("status")).toString(), QStringLiteral("interrupted"));

        QProcess a, b;
        const QStringList resume{"train", project, "--resume", QString::number(run), "--threads", "1", "--json"};
        a.start(QStringLiteral(LEPTON_CLI), resume);
        b.start(QStringLiteral(LEPTON_CLI), resume);
        QVERIFY(a.waitForFinished(300000) && b.waitForFinished(300000));
        const QByteArray errA = a.readAllStandardError(), errB = b.readAllStandardError();
        QCOMPARE(int(a.exitCode() == 0) + int(b.exitCode() == 0), 1);   // exactly one continued the run
        const QByteArray refused = a.exitCode() == 0 ? errB : errA;
        QVERIFY2(refused.contains("is being trained by") || refused.contains("is finished"), refused.constData());
        const QJsonObject r = runOf(project, run);
        QCOMPARE(r.value(QLatin1String("status")).toString(), QStringLiteral("finished"));
        QCOMPARE(r.value(QLatin1String("epochs_done")).toInt(), 400);
        int versionsOfRun = 0;
        for (const QJsonValue &v : checkedInfo(project).value(QLatin1String("model_versions")).toArray())
            versionsOfRun += v.toObject().value(QLatin1String("run_id")).toInteger() == run;
        QCOMPARE(versionsOfRun, 1);
    }

    // A run whose process was killed, with its recorded pid now belonging to a live process (here
    // this test and pid 1): it reads as interrupted and can be resumed.
    void staleClaimWithReusedPid()
    {
        const QString project = copyOf(m_iris, QStringLiteral("stale.lepton"));
        QProcess first;
        first.start(QStringLiteral(LEPTON_CLI), {"train", project, "--template", "mlp", "--epochs", "300", "--threads",
                                                 "1", "--json"});
        QByteArray pending;
        QVERIFY(waitForEpochs(first, 1, &pending) >= 1);
        killHard(first);
        const qint64 run = runsOf(project).first().toObject().value(QLatin1String("id")).toInteger();
        for (const qint64 livePid : {qint64(getpid()), qint64(1)}) {
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
                db.setDatabaseName(project);
                QVERIFY(db.open());
                QSqlQuery q(db);
                QVERIFY(q.exec(QStringLiteral("UPDATE runs SET owner_pid = %1 WHERE id = %2").arg(livePid).arg(run)));
            }
            QSqlDatabase::removeDatabase(QStringLiteral("raw"));
            const QJsonObject r = runOf(project, run);
            QCOMPARE(r.value(QLatin1String("owner_pid")).toInteger(), livePid);
            QCOMPARE(r.value(QLatin1String("status")).toString(), QStringLiteral("interrupted"));
        }
        const ProcessRun resumed = runLepton({"train", project, "--resume", QString::number(run), "--threads", "1", "--json"});
        QVERIFY2(resumed.exitCode == 0, resumed.err.right(2000).constData());
        QCOMPARE(runOf(project, run).value(QLatin1String("status")).toString(), QStringLiteral("finished"));
    }

    // kill -9 at seeded points around the end of the last epoch (from 0.6 to 1.4 times an epoch
    // after the first one was reported): the run is never "finished" without its model version,
    // and a resume completes an interrupted one.
    void killAroundTheLastEpoch()
    {
        QRandomGenerator rng(20);
        int finished = 0, interrupted = 0;
        for (int trial = 0; trial < 5; ++trial) {
            const QString project = copyOf(m_digits, QStringLiteral("last-epoch.lepton"));
            QProcess p;
            p.start(QStringLiteral(LEPTON_CLI), trainArgs(project, 2));
            QByteArray pending;
            const QElapsedTimer epoch = [] { QElapsedTimer t; t.start(); return t; }();
            QCOMPARE(waitForEpochs(p, 1, &pending), 1);
            const double fraction = 0.6 + 0.8 * rng.generateDouble();
            QTest::qWait(int(double(epoch.elapsed()) * fraction * 0.8));   // epoch 1 also paid the start-up
            killHard(p);
            const QJsonArray runs = runsOf(project);
            QCOMPARE(runs.size(), 2);   // the fixture's run 1, and this one
            QJsonObject r = runs.last().toObject();
            const QString status = r.value(QLatin1String("status")).toString();
            qInfo("trial %d: killed at %.2f of an epoch after epoch 1: %s after %d epochs", trial, fraction,
                  qPrintable(status), r.value(QLatin1String("epochs_done")).toInt());
            if (status == QLatin1String("finished")) {
                ++finished;
                QVERIFY2(r.value(QLatin1String("model_version_id")).toInteger() > 0, "finished without a model version");
                continue;
            }
            ++interrupted;
            QCOMPARE(status, QStringLiteral("interrupted"));
            const qint64 run = r.value(QLatin1String("id")).toInteger();
            const ProcessRun resumed = runLepton({"train", project, "--resume", QString::number(run), "--json"});
            QVERIFY2(resumed.exitCode == 0, resumed.err.right(2000).constData());
            r = runOf(project, run);
            QCOMPARE(r.value(QLatin1String("status")).toString(), QStringLiteral("finished"));
            QVERIFY(r.value(QLatin1String("model_version_id")).toInteger() > 0);
            QCOMPARE(r.value(QLatin1String("epochs_done")).toInt(), 2);
        }
        qInfo("%d runs had finished (each with its model version), %d were resumed to the end", finished, interrupted);
    }

    // What any other process can see of a run that ends: never "finished" without its model
    // version. A reader polls the run's row as fast as it can while `lepton train` finishes it.
    void finishedAndItsModelVersionAreOneCommit()
    {
        const QString project = copyOf(m_digits, QStringLiteral("one-commit.lepton"));
        QProcess p;
        p.start(QStringLiteral(LEPTON_CLI), trainArgs(project, 1));
        QVERIFY(p.waitForStarted());
        qint64 polls = 0, finishedWithout = 0, finishedWith = 0;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("poll"));
            db.setDatabaseName(project);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.prepare(QStringLiteral("SELECT r.status, (SELECT COUNT(*) FROM model_versions m WHERE m.run_id = r.id) "
                                             "FROM runs r WHERE r.id = 2")));
            while (p.state() != QProcess::NotRunning || polls == 0) {
                if (q.exec() && q.next() && q.value(0).toString() == QLatin1String("finished"))
                    ++(q.value(1).toInt() > 0 ? finishedWith : finishedWithout);
                q.finish();
                ++polls;
                if (polls % 64 == 0)
                    p.waitForFinished(0);
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("poll"));
        QCOMPARE(p.exitCode(), 0);
        qInfo("%lld polls: finished with its model version %lld times, without %lld times", polls, finishedWith,
              finishedWithout);
        QCOMPARE(finishedWithout, qint64(0));
        QVERIFY(finishedWith > 0);
    }

    // kill -9 at seeded points of `lepton export --target package`: nothing at the destination
    // (only hidden partial siblings) and no record, or the whole verified package and its records;
    // a re-run succeeds without clean-up.
    void killDuringPackageExport()
    {
        const QString project = copyOf(m_digits, QStringLiteral("export.lepton"));
        QRandomGenerator rng(21);
        for (int trial = 0; trial < 4; ++trial) {
            const QString out = m_dir.filePath(QStringLiteral("package-%1").arg(trial));
            QProcess p;
            p.start(QStringLiteral(LEPTON_CLI), {"export", project, "--model", "1", "--target", "package", "--out", out});
            QVERIFY(p.waitForStarted());
            const int delayMs = 100 + int(rng.bounded(1300));   // the whole export takes ~1.5 s here
            p.waitForFinished(delayMs);
            const bool finished = p.state() == QProcess::NotRunning;
            killHard(p);
            const QJsonArray exports = checkedInfo(project).value(QLatin1String("exports")).toArray();
            bool recorded = false;
            for (const QJsonValue &e : exports)
                recorded = recorded || e.toObject().value(QLatin1String("path")).toString().startsWith(out);
            qInfo("trial %d: killed at %d ms (%s): folder %s, recorded %d", trial, delayMs,
                  finished ? "had finished" : "running", QFileInfo::exists(out) ? "present" : "absent", int(recorded));
            if (QFileInfo::exists(out)) {
                QVERIFY2(recorded, "a package folder without its export record");
                QVERIFY(QFileInfo::exists(out + QStringLiteral("/manifest.json")));
                QVERIFY(QFileInfo::exists(out + QStringLiteral(".tar.gz")));
                continue;
            }
            QVERIFY2(!recorded, "an export record without its package");
            const ProcessRun again = runLepton({"export", project, "--model", "1", "--target", "package", "--out", out});
            QVERIFY2(again.exitCode == 0, again.err.right(2000).constData());
            QVERIFY(QFileInfo::exists(out + QStringLiteral("/manifest.json")));
            // what the killed run left (a hidden partial of a dead process) is gone after the re-run
            const QStringList left = QDir(m_dir.path()).entryList({QStringLiteral(".package-%1.partial-*").arg(trial)},
                                                                  QDir::AllEntries | QDir::Hidden);
            QVERIFY2(left.isEmpty(), qPrintable(left.join(", ")));
        }
    }

    // kill -9 at seeded points of `lepton compress --quantize int8`: every visible version it made
    // has its evaluation, each killed run adds at most its one published version, and a re-run
    // works and adds exactly one.
    void killDuringCompression()
    {
        const QString project = copyOf(m_digits, QStringLiteral("compress.lepton"));
        auto derivedVersions = [&](bool *allEvaluated) {
            const QJsonObject info = checkedInfo(project);
            QSet<qint64> evaluated;
            for (const QJsonValue &e : info.value(QLatin1String("evaluations")).toArray())
                evaluated << e.toObject().value(QLatin1String("model_version_id")).toInteger();
            int derived = 0;
            *allEvaluated = true;
            for (const QJsonValue &v : info.value(QLatin1String("model_versions")).toArray()) {
                const QJsonObject o = v.toObject();
                if (o.value(QLatin1String("parent_id")).toInteger() != 1)
                    continue;
                ++derived;
                if (!evaluated.contains(o.value(QLatin1String("id")).toInteger()))
                    *allEvaluated = false;
            }
            return derived;
        };
        QRandomGenerator rng(22);
        int visible = 0;
        for (int trial = 0; trial < 3; ++trial) {
            QProcess p;
            p.start(QStringLiteral(LEPTON_CLI), {"compress", project, "--model", "1", "--quantize", "int8", "--threads", "1"});
            QVERIFY(p.waitForStarted());
            const int delayMs = 300 + int(rng.bounded(3500));
            p.waitForFinished(delayMs);
            killHard(p);
            bool allEvaluated = false;
            const int now = derivedVersions(&allEvaluated);
            qInfo("trial %d: killed at %d ms: %d derived versions visible", trial, delayMs, now);
            QVERIFY2(allEvaluated, "a version made by the compression is visible without its evaluation");
            QVERIFY(now == visible || now == visible + 1);
            visible = now;
        }
        const ProcessRun again = runLepton({"compress", project, "--model", "1", "--quantize", "int8", "--threads", "1", "--json"});
        QVERIFY2(again.exitCode == 0, again.err.right(2000).constData());
        bool allEvaluated = false;
        QCOMPARE(derivedVersions(&allEvaluated), visible + 1);
        QVERIFY(allEvaluated);
    }

    // train + compress + export + eval + import + a dataset edit + two readers on one project at
    // once, twice; then integrity, every epoch of the run, distinct ids.
    void mixedWorkload()
    {
        for (int round = 0; round < 2; ++round) {
            const QString project = copyOf(m_digits, QStringLiteral("mixed-%1.lepton").arg(round));
            QProcess train, compress, exporter, eval, importer, edit;
            train.start(QStringLiteral(LEPTON_CLI), trainArgs(project, 2) + QStringList{"--dataset", "1"});
            compress.start(QStringLiteral(LEPTON_CLI), {"compress", project, "--model", "1", "--quantize", "int8",
                                                        "--threads", "1"});
            exporter.start(QStringLiteral(LEPTON_CLI), {"export", project, "--model", "1", "--target", "onnx", "--out",
                                                        m_dir.filePath(QStringLiteral("mixed-%1.onnx").arg(round))});
            eval.start(QStringLiteral(LEPTON_CLI), {"eval", project, "--model", "1", "--threads", "1"});
            importer.start(QStringLiteral(LEPTON_CLI), {"import", project, "--csv", kIris, "--skip-rows", "1"});
            edit.start(QStringLiteral(LEPTON_CLI), {"dataset", project, "--dataset", "1", "--copy", "digits copy"});
            int reads = 0;
            const QList<QProcess *> writers{&train, &compress, &exporter, &eval, &importer, &edit};
            auto running = [&] {
                for (QProcess *w : writers)
                    if (w->state() != QProcess::NotRunning)
                        return true;
                return false;
            };
            while (running()) {   // two readers, one after the other, all the time
                QProcess info, runs;
                info.start(QStringLiteral(LEPTON_CLI), {"info", project, "--json"});
                runs.start(QStringLiteral(LEPTON_CLI), {"runs", project, "--json"});
                QVERIFY(info.waitForFinished(60000) && runs.waitForFinished(60000));
                QVERIFY2(info.exitCode() == 0, info.readAllStandardError().constData());
                QVERIFY2(runs.exitCode() == 0, runs.readAllStandardError().constData());
                reads += 2;
                for (QProcess *w : writers)
                    w->waitForFinished(10);
            }
            for (QProcess *w : writers) {
                w->waitForFinished(600000);
                QVERIFY2(w->exitCode() == 0, w->readAllStandardError().right(2000).constData());
            }
            const QJsonObject info = checkedInfo(project);
            QCOMPARE(info.value(QLatin1String("integrity")).toString(), QStringLiteral("ok"));
            qInfo("round %d: %d reads while 6 writers ran", round, reads);
            const QJsonObject trained = json(train.readAllStandardOutput());
            const QJsonObject r = runOf(project, trained.value(QLatin1String("run_id")).toInteger());
            QCOMPARE(r.value(QLatin1String("epochs_done")).toInt(), 2);
            QCOMPARE(r.value(QLatin1String("status")).toString(), QStringLiteral("finished"));
            for (const char *kind : {"runs", "model_versions", "evaluations", "exports", "architectures"}) {
                QSet<qint64> ids;
                const QJsonArray list = info.value(QLatin1String(kind)).toArray();
                for (const QJsonValue &v : list)
                    ids << v.toObject().value(QLatin1String("id")).toInteger();
                QCOMPARE(ids.size(), list.size());
            }
            QCOMPARE(info.value(QLatin1String("runs")).toArray().size(), 2);
            QCOMPARE(info.value(QLatin1String("datasets")).toArray().size(), 3);   // digits, iris, the copy
        }
    }

    // A project the user made read-only (mode 0444, or its folder 0555) opens read-only, says so,
    // and refuses edits with a message; the file is left as it was.
    void readOnlyProject()
    {
        const QString folder = m_dir.filePath(QStringLiteral("ro"));
        QVERIFY(QDir().mkpath(folder));
        const QString project = copyOf(m_iris, QStringLiteral("ro/ro.lepton"));
        QVERIFY(QFile::setPermissions(project, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        const QByteArray before = [&] {
            QFile f(project);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QJsonObject info = json(runLepton({"info", project, "--json"}).out);
        QCOMPARE(info.value(QLatin1String("read_only")).toBool(), true);
        QVERIFY2(info.value(QLatin1String("read_only_reason")).toString().contains(QLatin1String("0444")),
                 qPrintable(info.value(QLatin1String("read_only_reason")).toString()));
        QCOMPARE(info.value(QLatin1String("datasets")).toArray().size(), 1);
        ProcessRun r = runLepton({"train", project, "--template", "mlp", "--epochs", "1"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("read-only"), r.err.constData());
        r = runLepton({"dataset", project, "--rename-class", "setosa=s"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("read-only"), r.err.constData());
        QFile f(project);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
        f.close();

        // the folder read-only instead (the file itself writable)
        QVERIFY(QFile::setPermissions(project, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
        QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup));
        info = json(runLepton({"info", project, "--json"}).out);
        QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QCOMPARE(info.value(QLatin1String("read_only")).toBool(), true);
        QVERIFY2(info.value(QLatin1String("read_only_reason")).toString().contains(QLatin1String("folder")),
                 qPrintable(info.value(QLatin1String("read_only_reason")).toString()));
    }
};

QTEST_GUILESS_MAIN(TestProjectConcurrency)
#include "tst_projectconcurrency.moc"
