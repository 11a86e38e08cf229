// Crash-safe training: a `lepton train` child process is killed with SIGKILL in the middle of
// an epoch; the project must still pass SQLite's integrity check with every finished epoch in
// it, `lepton train --resume` must finish the run, and the final weights must equal those of an
// uninterrupted run with the same seed and thread count (bit for bit: max |diff| 0, because
// shuffling and dropout are seeded from seed + epoch and the optimizer/schedule state is restored).
#include "graph/internal/graphmodule.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>

using namespace lepton;

class TestResume : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_fresh;   // demo project without runs, copied for each scenario

    const QStringList m_trainArgs{"--epochs", "3", "--seed", "7", "--threads", "1", "--optimizer", "adamw",
                                  "--weight-decay", "0.01", "--schedule", "plateau", "--warmup", "1",
                                  "--plateau-patience", "0", "--gamma", "0.5", "--json"};

    QString copyOfFresh(const QString &name)
    {
        const QString path = m_dir.filePath(name);
        QFile::remove(path);
        if (!QFile::copy(m_fresh, path))
            return {};
        return path;
    }

    // Weights of a run's last checkpoint, loaded into the module of its architecture.
    static std::shared_ptr<Internal::GraphModuleImpl> lastWeights(const QString &project, qint64 runId, int *epoch)
    {
        auto store = ProjectStore::open(project);
        if (!store)
            return {};
        auto run = store.value()->run(runId);
        auto arch = store.value()->architecture(run->architectureId);
        auto checkpoint = store.value()->checkpoint(runId);
        if (!checkpoint)
            return {};
        *epoch = checkpoint->epoch;
        auto graph = ModelGraph::fromJson(arch->graphJson.toUtf8());
        auto module = Internal::GraphModuleImpl::build(graph.value());
        if (!module || !module.value()->loadWeights(checkpoint->weights))
            return {};
        return module.value();
    }

    static QJsonObject resultJson(const QByteArray &out) { return QJsonDocument::fromJson(out).object(); }

private Q_SLOTS:
    void initTestCase()
    {
        m_fresh = m_dir.filePath(QStringLiteral("fresh.lepton"));
        auto demo = createDemoProject(m_fresh);
        QVERIFY2(demo.ok(), qPrintable(demo.error()));
    }

    void killedRunResumesToTheSameWeights()
    {
        // Reference: the same training, uninterrupted.
        const QString reference = copyOfFresh(QStringLiteral("reference.lepton"));
        QVERIFY(!reference.isEmpty());
        QProcess whole;
        whole.start(QStringLiteral(LEPTON_CLI), QStringList{"train", reference} + m_trainArgs);
        QVERIFY(whole.waitForFinished(600000));
        QVERIFY2(whole.exitCode() == 0, whole.readAllStandardError().constData());
        const QJsonObject referenceResult = resultJson(whole.readAllStandardOutput());
        const qint64 referenceRun = referenceResult.value("run_id").toInteger();
        QCOMPARE(referenceResult.value("epochs").toArray().size(), 3);

        // The same, killed with SIGKILL as soon as epoch 1 is reported (so in epoch 2).
        const QString killed = copyOfFresh(QStringLiteral("killed.lepton"));
        QProcess child;
        child.setReadChannel(QProcess::StandardError);
        child.start(QStringLiteral(LEPTON_CLI), QStringList{"train", killed} + m_trainArgs);
        QVERIFY(child.waitForStarted());
        int epochsReported = 0;
        QByteArray pending;
        while (epochsReported < 1 && child.state() == QProcess::Running) {
            child.waitForReadyRead(1000);
            pending += child.readAllStandardError();   // progress: one JSON line per epoch
            while (pending.contains('\n')) {
                const int end = pending.indexOf('\n');
                const QJsonObject line = QJsonDocument::fromJson(pending.left(end)).object();
                pending.remove(0, end + 1);
                if (line.value("event").toString() == QLatin1String("epoch"))
                    ++epochsReported;
            }
        }
        QCOMPARE(epochsReported, 1);
        QTest::qWait(300);   // into epoch 2's batches
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(30000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        // The file is sound and holds every finished epoch.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            db.setDatabaseName(killed);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
        qint64 runId = 0;
        {
            auto store = ProjectStore::open(killed);
            QVERIFY2(store.ok(), qPrintable(store.error()));
            auto runs = store.value()->runs();
            QCOMPARE(runs->size(), 1);
            runId = runs->first().id;
            QCOMPARE(runs->first().status, QStringLiteral("interrupted"));
            auto epochs = store.value()->epochs(runId);
            QVERIFY(epochs->size() >= epochsReported && epochs->size() < 3);
            for (int i = 0; i < epochs->size(); ++i) {
                QCOMPARE(epochs->at(i).epoch, i + 1);
                QCOMPARE(epochs->at(i).batchLosses.size(), 63);   // 4000 samples / 64 per batch
            }
            QCOMPARE(store.value()->checkpoint(runId)->epoch, epochs->size());
        }

        // Resume finishes the run.
        QProcess resume;
        resume.start(QStringLiteral(LEPTON_CLI), {"train", killed, "--resume", QString::number(runId), "--threads", "1",
                                                  "--json"});
        QVERIFY(resume.waitForFinished(600000));
        const QByteArray resumeErr = resume.readAllStandardError();
        QVERIFY2(resume.exitCode() == 0, resumeErr.constData());
        const QJsonObject resumed = resultJson(resume.readAllStandardOutput());
        QCOMPARE(resumed.value("run_id").toInteger(), runId);
        QVERIFY(resumed.value("first_epoch").toInt() >= 2);
        {
            auto store = ProjectStore::open(killed);
            QCOMPARE(store.value()->run(runId)->status, QStringLiteral("finished"));
            QCOMPARE(store.value()->epochs(runId)->size(), 3);
            // Per-epoch metrics equal those of the uninterrupted run.
            auto a = store.value()->epochs(runId);
            auto storeRef = ProjectStore::open(reference);
            auto b = storeRef.value()->epochs(referenceRun);
            for (int i = 0; i < 3; ++i) {
                QCOMPARE(a->at(i).trainLoss, b->at(i).trainLoss);
                QCOMPARE(a->at(i).valLoss, b->at(i).valLoss);
                QCOMPARE(a->at(i).learningRate, b->at(i).learningRate);
            }
        }

        // Final weights: identical to the uninterrupted run.
        int epochA = 0, epochB = 0;
        auto a = lastWeights(killed, runId, &epochA);
        auto b = lastWeights(reference, referenceRun, &epochB);
        QVERIFY(a && b);
        QCOMPARE(epochA, 3);
        QCOMPARE(epochB, 3);
        double maxDiff = 0;
        const auto pa = a->named_parameters(true), pb = b->named_parameters(true);
        QCOMPARE(pa.size(), pb.size());
        for (const auto &item : pa)
            maxDiff = std::max(maxDiff, (item.value() - pb[item.key()]).abs().max().item<double>());
        const auto ba = a->named_buffers(true), bb = b->named_buffers(true);
        for (const auto &item : ba)
            maxDiff = std::max(maxDiff, (item.value().to(torch::kDouble) - bb[item.key()].to(torch::kDouble)).abs().max().item<double>());
        QCOMPARE(maxDiff, 0.0);

        // `lepton runs` lists it with its state and settings.
        QProcess runs;
        runs.start(QStringLiteral(LEPTON_CLI), {"runs", killed, "--json"});
        QVERIFY(runs.waitForFinished(60000));
        QCOMPARE(runs.exitCode(), 0);
        const QJsonArray list = QJsonDocument::fromJson(runs.readAllStandardOutput()).object().value("runs").toArray();
        QCOMPARE(list.size(), 1);
        const QJsonObject listed = list.first().toObject();
        QCOMPARE(listed.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(listed.value("epochs_done").toInt(), 3);
        QCOMPARE(listed.value("epochs_planned").toInt(), 3);
        QVERIFY(listed.value("best_epoch").toInt() >= 1);
        QCOMPARE(listed.value("config").toObject().value("optimizer").toString(), QStringLiteral("adamw"));

        // A sweep description with a parameter that cannot be swept is a usage error.
        QFile sweep(m_dir.filePath(QStringLiteral("sweep.json")));
        QVERIFY(sweep.open(QIODevice::WriteOnly));
        sweep.write(R"({"method": "grid", "parameters": {"momentum": [0.5, 0.9]}})");
        sweep.close();
        QProcess badSweep;
        badSweep.start(QStringLiteral(LEPTON_CLI), {"sweep", killed, "--config", sweep.fileName()});
        QVERIFY(badSweep.waitForFinished(60000));
        QCOMPARE(badSweep.exitCode(), 2);
        QVERIFY(badSweep.readAllStandardError().contains("cannot sweep"));

        // A finished run cannot be resumed again.
        QProcess again;
        again.start(QStringLiteral(LEPTON_CLI), {"train", killed, "--resume", QString::number(runId)});
        QVERIFY(again.waitForFinished(60000));
        QCOMPARE(again.exitCode(), 1);
        QVERIFY(again.readAllStandardError().contains("nothing to resume"));
    }

    // A 2-trial grid sweep from the CLI, then `sweep --list` and `--show` read it back.
    void sweepListAndShow()
    {
        const QString project = copyOfFresh(QStringLiteral("sweep.lepton"));
        QVERIFY(!project.isEmpty());
        QFile config(m_dir.filePath(QStringLiteral("grid.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(R"({"method": "grid", "seed": 3, "base": {"epochs": 1, "batch_size": 256},
                        "parameters": {"learning_rate": [0.0005, 0.002]}})");
        config.close();
        auto run = [](const QStringList &args, int *exitCode) {
            QProcess p;
            p.start(QStringLiteral(LEPTON_CLI), args);
            p.waitForFinished(600000);
            *exitCode = p.exitCode();
            const QByteArray err = p.readAllStandardError();
            if (p.exitCode() != 0)
                qWarning("%s", err.constData());
            return resultJson(p.readAllStandardOutput());
        };
        int code = -1;
        const QJsonObject swept = run({"sweep", project, "--config", config.fileName(), "--threads", "1", "--json"}, &code);
        QCOMPARE(code, 0);
        const qint64 sweepId = swept.value("sweep_id").toInteger();
        QVERIFY(sweepId > 0);
        QCOMPARE(swept.value("trials").toArray().size(), 2);

        const QJsonArray list = run({"sweep", project, "--list", "--json"}, &code).value("sweeps").toArray();
        QCOMPARE(code, 0);
        QCOMPARE(list.size(), 1);
        const QJsonObject listed = list.first().toObject();
        QCOMPARE(listed.value("id").toInteger(), sweepId);
        QCOMPARE(listed.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(listed.value("trials").toInt(), 2);
        QCOMPARE(listed.value("finished").toInt(), 2);
        QCOMPARE(listed.value("best_run_id").toInteger(), swept.value("best_run_id").toInteger());

        const QJsonObject shown = run({"sweep", project, "--show", QString::number(sweepId), "--json"}, &code);
        QCOMPARE(code, 0);
        QCOMPARE(shown.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(shown.value("best_run_id").toInteger(), swept.value("best_run_id").toInteger());
        QList<double> rates;
        for (const QJsonValue &t : shown.value("trials").toArray()) {
            QCOMPARE(t.toObject().value("status").toString(), QStringLiteral("finished"));
            rates.append(t.toObject().value("config").toObject().value("learning_rate").toDouble());
        }
        std::sort(rates.begin(), rates.end());
        QCOMPARE(rates, QList<double>({0.0005, 0.002}));

        run({"sweep", project, "--show", "999", "--json"}, &code);
        QCOMPARE(code, 1);
        run({"sweep", project, "--list", "--show", QString::number(sweepId)}, &code);
        QCOMPARE(code, 2);
    }
};

QTEST_GUILESS_MAIN(TestResume)
#include "tst_resume.moc"
