// Training: a short run lowers the loss, writes every epoch, and can be cancelled.
#include "graph/modelgraph.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace lepton;

class TestTrainer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    DemoProject m_project;

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        auto demo = createDemoProject(m_dir.filePath(QStringLiteral("train.lepton")));
        QVERIFY2(demo.ok(), qPrintable(demo.error()));
        m_project = demo.value();
    }

    void shortRunLowersLoss()
    {
        TrainConfig config;
        config.epochs = 2;
        QVector<double> batchLosses;
        QVector<int> epochsSeen;
        qint64 startedRun = 0;
        TrainObserver observer;
        observer.onStarted = [&](qint64 id) { startedRun = id; };
        observer.onBatch = [&](const BatchProgress &b) { batchLosses.append(b.loss); };
        observer.onEpoch = [&](const EpochMetrics &m) { epochsSeen.append(m.epoch); };
        auto outcome = trainModel(m_project.projectPath, m_project.datasetId, m_project.architectureId, config, observer);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error()));
        QCOMPARE(outcome->epochs.size(), 2);
        QCOMPARE(epochsSeen, QVector<int>({1, 2}));
        QCOMPARE(startedRun, outcome->runId);
        QCOMPARE(batchLosses.size(), 2 * 63);   // 4000 samples / 64 per batch
        // Mean of the first 10 batches vs the last 10: the model learns.
        double first = 0, last = 0;
        for (int i = 0; i < 10; ++i) {
            first += batchLosses[i];
            last += batchLosses[batchLosses.size() - 1 - i];
        }
        QVERIFY2(last < first / 3, qPrintable(QStringLiteral("first %1 last %2").arg(first).arg(last)));
        QVERIFY(outcome->epochs[1].trainLoss < outcome->epochs[0].trainLoss);
        QVERIFY(outcome->epochs[1].valAccuracy > 0.8);

        auto store = ProjectStore::open(m_project.projectPath);
        QVERIFY(store.ok());
        auto run = store.value()->run(outcome->runId);
        QCOMPARE(run->status, QStringLiteral("finished"));
        QCOMPARE(run->epochsDone, 2);
        auto epochs = store.value()->epochs(outcome->runId);
        QCOMPARE(epochs->at(1).valAccuracy, outcome->epochs[1].valAccuracy);
        QVERIFY(store.value()->checkpointWeights(outcome->runId, 1).ok());
        auto version = store.value()->modelVersion(outcome->modelVersionId);
        QVERIFY(version.ok());
        QCOMPARE(version->runId, outcome->runId);
        QCOMPARE(version->epoch, 2);
        // The model version holds the weights of the last epoch's checkpoint.
        QCOMPARE(store.value()->modelWeights(version->id).value(),
                 store.value()->checkpointWeights(outcome->runId, 2).value());
    }

    void sameSeedSameResult()
    {
        TrainConfig config;
        config.epochs = 1;
        config.seed = 5;
        auto a = trainModel(m_project.projectPath, m_project.datasetId, m_project.architectureId, config);
        auto b = trainModel(m_project.projectPath, m_project.datasetId, m_project.architectureId, config);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->epochs[0].trainLoss, b->epochs[0].trainLoss);
        QCOMPARE(a->epochs[0].valAccuracy, b->epochs[0].valAccuracy);
    }

    void cancelStopsWithinAnEpoch()
    {
        TrainConfig config;
        config.epochs = 5;
        CancelToken cancel;
        int batches = 0;
        TrainObserver observer;
        observer.onBatch = [&](const BatchProgress &b) {
            ++batches;
            if (b.epoch == 2 && b.batch == 5)
                cancel.cancel();
        };
        auto outcome = trainModel(m_project.projectPath, m_project.datasetId, m_project.architectureId, config,
                                  observer, cancel);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error()));
        QVERIFY(outcome->cancelled);
        QCOMPARE(batches, 63 + 5);
        QCOMPARE(outcome->epochs.size(), 1);   // the epoch in flight is not recorded
        auto store = ProjectStore::open(m_project.projectPath);
        QCOMPARE(store.value()->run(outcome->runId)->status, QStringLiteral("cancelled"));
        QCOMPARE(store.value()->epochs(outcome->runId)->size(), 1);
        QVERIFY(outcome->modelVersionId > 0);
    }

    void rejectsBadConfigAndMismatchedArchitecture()
    {
        TrainConfig config;
        config.batchSize = 0;
        auto bad = trainModel(m_project.projectPath, m_project.datasetId, m_project.architectureId, config);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().contains(QStringLiteral("batch size")));

        auto store = ProjectStore::open(m_project.projectPath);
        const ModelGraph wrong = smallCnnTemplate(3, 32, 32, 10);
        auto archId = store.value()->addArchitecture(QStringLiteral("wrong"), QString::fromUtf8(wrong.toJson()));
        QVERIFY(archId.ok());
        auto mismatch = trainModel(m_project.projectPath, m_project.datasetId, archId.value(), TrainConfig());
        QVERIFY(!mismatch.ok());
        QVERIFY2(mismatch.error().contains(QStringLiteral("3×32×32")), qPrintable(mismatch.error()));
        auto missing = trainModel(m_project.projectPath, 999, m_project.architectureId, TrainConfig());
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().contains(QStringLiteral("999")));
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
