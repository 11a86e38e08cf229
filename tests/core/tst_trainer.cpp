// Training on real data: a short run lowers the loss and stores every epoch (metrics, F1,
// per-batch traces, best and last checkpoints); early stopping triggers; pause, stop and resume
// leave a consistent run; a resumed run ends with the weights of an uninterrupted one.
#include "graph/modelgraph.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"
#include "train/sweep.h"

#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace lepton;

namespace {

// A tiny synthetic project: 2 classes of 12x12 images (bright left half vs right half, with
// noise), 48 training samples and ONE validation sample, so validation accuracy is 0 or 1.
struct TinyProject
{
    QString path;
    qint64 datasetId = 0;
    qint64 architectureId = 0;
};

Result<TinyProject> makeTinyProject(const QString &path)
{
    auto store = ProjectStore::create(path);
    if (!store)
        return Result<TinyProject>::failure(store.error());
    DatasetInfo info;
    info.name = QStringLiteral("halves");
    info.kind = QStringLiteral("synthetic");
    info.channels = 1;
    info.height = 12;
    info.width = 12;
    info.classes = QStringList{"left", "right"};
    QVector<SampleRecord> samples;
    quint32 noise = 12345;
    for (int i = 0; i < 49; ++i) {
        SampleRecord s;
        s.label = i % 2;
        s.split = i == 48 ? Split::Validation : Split::Train;
        s.path = QStringLiteral("synthetic#%1").arg(i);
        s.hash = QByteArray::number(i);
        s.pixels.resize(144);
        for (int p = 0; p < 144; ++p) {
            noise = noise * 1664525u + 1013904223u;
            const bool bright = (p % 12 < 6) == (s.label == 0);
            s.pixels[p] = char((bright ? 150 : 40) + int(noise >> 26));
        }
        samples.append(s);
    }
    auto id = store.value()->addDataset(info, samples);
    if (!id)
        return Result<TinyProject>::failure(id.error());
    const ModelGraph g = smallCnnTemplate(1, 12, 12, 2);
    auto arch = store.value()->addArchitecture(g.name, QString::fromUtf8(g.toJson()));
    if (!arch)
        return Result<TinyProject>::failure(arch.error());
    return TinyProject{path, id.value(), arch.value()};
}

} // namespace

class TestTrainer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    DemoProject m_project;
    TinyProject m_tiny;

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        auto demo = createDemoProject(m_dir.filePath(QStringLiteral("train.lepton")));
        QVERIFY2(demo.ok(), qPrintable(demo.error()));
        m_project = demo.value();
        auto tiny = makeTinyProject(m_dir.filePath(QStringLiteral("tiny.lepton")));
        QVERIFY2(tiny.ok(), qPrintable(tiny.error()));
        m_tiny = tiny.value();
    }

    void shortRunLowersLoss()
    {
        TrainConfig config;
        config.epochs = 2;
        config.batchSize = 128;   // 32 batches per epoch
        QVector<double> batchLosses, rates;
        QVector<int> epochsSeen;
        qint64 startedRun = 0;
        TrainObserver observer;
        observer.onStarted = [&](qint64 id) { startedRun = id; };
        observer.onBatch = [&](const BatchProgress &b) {
            batchLosses.append(b.loss);
            rates.append(b.learningRate);
        };
        observer.onEpoch = [&](const EpochMetrics &m) { epochsSeen.append(m.epoch); };
        auto outcome = trainModel(m_project.projectPath, m_project.datasetId, m_project.architectureId, config, observer);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error()));
        QCOMPARE(outcome->epochs.size(), 2);
        QCOMPARE(epochsSeen, QVector<int>({1, 2}));
        QCOMPARE(startedRun, outcome->runId);
        QCOMPARE(batchLosses.size(), 2 * 32);   // 4000 samples / 128 per batch
        // Cosine per step from the configured rate down towards 0.
        QCOMPARE(rates.first(), config.learningRate);
        QVERIFY(rates.last() < rates[31] && rates[31] < rates.first());
        // Mean of the first 10 batches vs the last 10: the model learns.
        double first = 0, last = 0;
        for (int i = 0; i < 10; ++i) {
            first += batchLosses[i];
            last += batchLosses[batchLosses.size() - 1 - i];
        }
        QVERIFY2(last < first / 2, qPrintable(QStringLiteral("first %1 last %2").arg(first).arg(last)));
        QVERIFY(outcome->epochs[1].trainLoss < outcome->epochs[0].trainLoss);
        QVERIFY(outcome->epochs[1].valAccuracy > 0.8);
        QVERIFY(outcome->epochs[1].valF1 > 0.8 && outcome->epochs[1].valF1 <= 1.0);

        auto store = ProjectStore::open(m_project.projectPath);
        QVERIFY(store.ok());
        auto run = store.value()->run(outcome->runId);
        QCOMPARE(run->status, QStringLiteral("finished"));
        QCOMPARE(run->epochsDone, 2);
        QCOMPARE(run->bestEpoch, outcome->bestEpoch);
        QVERIFY(run->seconds > 0);
        auto epochs = store.value()->epochs(outcome->runId);
        QCOMPARE(epochs->at(1).valAccuracy, outcome->epochs[1].valAccuracy);
        QCOMPARE(epochs->at(1).valF1, outcome->epochs[1].valF1);
        QCOMPARE(epochs->at(0).batchLosses.size(), 32);
        QCOMPARE(double(epochs->at(1).batchLosses.last()), double(float(batchLosses.last())));
        QCOMPARE(double(epochs->at(0).batchLearningRates.first()), double(float(rates.first())));
        // The best epoch by validation loss, and the model version made from it.
        const int best = epochs->at(1).valLoss < epochs->at(0).valLoss ? 2 : 1;
        QCOMPARE(outcome->bestEpoch, best);
        auto version = store.value()->modelVersion(outcome->modelVersionId);
        QVERIFY(version.ok());
        QCOMPARE(version->runId, outcome->runId);
        QCOMPARE(version->epoch, best);
        QVERIFY(version->name.contains(QStringLiteral("best val_loss")));
        QCOMPARE(store.value()->modelWeights(version->id).value(), store.value()->checkpointWeights(outcome->runId, best).value());
        // Only the best and the last checkpoints are kept.
        QVERIFY(store.value()->checkpoint(outcome->runId, 2).ok());
        QCOMPARE(store.value()->checkpoint(outcome->runId, 1).ok(), best == 1);
    }

    void sameSeedSameResult()
    {
        TrainConfig config;
        config.epochs = 2;
        config.batchSize = 8;
        config.seed = 5;
        auto a = trainModel(m_tiny.path, m_tiny.datasetId, m_tiny.architectureId, config);
        auto b = trainModel(m_tiny.path, m_tiny.datasetId, m_tiny.architectureId, config);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->epochs[1].trainLoss, b->epochs[1].trainLoss);
        QCOMPARE(a->epochs[1].valLoss, b->epochs[1].valLoss);
        config.seed = 6;
        auto c = trainModel(m_tiny.path, m_tiny.datasetId, m_tiny.architectureId, config);
        QVERIFY(c.ok());
        QVERIFY(c->epochs[1].trainLoss != a->epochs[1].trainLoss);
    }

    // Validation accuracy on one sample is 0 or 1, so with patience 1 it can improve at most once:
    // the run must stop by epoch 3 of 8, keep the best epoch, and say why.
    void earlyStoppingTriggers()
    {
        TrainConfig config;
        config.epochs = 8;
        config.batchSize = 16;
        config.monitor = QStringLiteral("val_accuracy");
        config.patience = 1;
        auto outcome = trainModel(m_tiny.path, m_tiny.datasetId, m_tiny.architectureId, config);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error()));
        QVERIFY(outcome->earlyStopped);
        QVERIFY(outcome->epochs.size() <= 3);
        const int stoppedAt = outcome->epochs.last().epoch;
        QCOMPARE(stoppedAt - outcome->bestEpoch, config.patience);
        for (const EpochMetrics &m : outcome->epochs)
            if (m.epoch > outcome->bestEpoch)
                QVERIFY(m.valAccuracy <= outcome->epochs[outcome->bestEpoch - 1].valAccuracy);
        QVERIFY2(outcome->message.contains(QStringLiteral("early stopping")), qPrintable(outcome->message));
        auto store = ProjectStore::open(m_tiny.path);
        auto run = store.value()->run(outcome->runId);
        QCOMPARE(run->status, QStringLiteral("finished"));
        QCOMPARE(run->message, outcome->message);
        QCOMPARE(run->epochsDone, stoppedAt);
        QCOMPARE(store.value()->modelVersion(outcome->modelVersionId)->epoch, outcome->bestEpoch);
    }

    void cancelStopsWithinAnEpoch()
    {
        TrainConfig config;
        config.epochs = 5;
        config.batchSize = 16;   // 48 samples: 3 batches per epoch
        CancelToken cancel;
        int batches = 0;
        TrainObserver observer;
        observer.onBatch = [&](const BatchProgress &b) {
            ++batches;
            if (b.epoch == 2 && b.batch == 2)
                cancel.cancel();
        };
        auto outcome = trainModel(m_tiny.path, m_tiny.datasetId, m_tiny.architectureId, config, observer, cancel);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error()));
        QVERIFY(outcome->cancelled);
        QCOMPARE(batches, 3 + 2);
        QCOMPARE(outcome->epochs.size(), 1);   // the epoch in flight is not recorded
        auto store = ProjectStore::open(m_tiny.path);
        auto run = store.value()->run(outcome->runId);
        QCOMPARE(run->status, QStringLiteral("cancelled"));
        QCOMPARE(run->message, QStringLiteral("stopped by the user"));
        QCOMPARE(store.value()->epochs(outcome->runId)->size(), 1);
        QVERIFY(outcome->modelVersionId > 0);
    }

    // Paused between batches: no batch runs until resumed; a stop while paused ends the run.
    void pauseResumeAndStopWhilePaused()
    {
        TrainConfig config;
        config.epochs = 3;
        config.batchSize = 16;
        PauseToken pause;
        CancelToken cancel;
        std::atomic_int batches{0};
        TrainObserver observer;
        observer.onBatch = [&](const BatchProgress &b) {
            ++batches;
            if (b.batch == 2)   // 3 batches per epoch: pause in every epoch
                pause.pause();
        };
        Result<TrainOutcome> outcome = Result<TrainOutcome>::failure(QString());
        std::thread worker([&] { outcome = trainModel(m_tiny.path, m_tiny.datasetId, m_tiny.architectureId, config, observer, cancel, pause); });
        QTRY_VERIFY(pause.isPaused());
        QTest::qWait(200);
        QCOMPARE(batches.load(), 2);   // held at the pause
        pause.resume();
        QTRY_VERIFY(batches.load() == 5 && pause.isPaused());   // epoch 1 done, held in epoch 2
        cancel.cancel();
        worker.join();
        QVERIFY2(outcome.ok(), qPrintable(outcome.error()));
        QVERIFY(outcome->cancelled);
        QCOMPARE(batches.load(), 5);
        QCOMPARE(outcome->epochs.size(), 1);
        auto store = ProjectStore::open(m_tiny.path);
        auto run = store.value()->run(outcome->runId);
        QCOMPARE(run->status, QStringLiteral("cancelled"));
        QCOMPARE(run->epochsDone, outcome->epochs.size());
    }

    // Stop mid-run and resume in-process: same losses and same final weights as one go.
    void resumeMatchesUninterrupted()
    {
        TrainConfig config;
        config.epochs = 4;
        config.batchSize = 8;
        config.optimizer = QStringLiteral("sgd");
        config.nesterov = true;
        config.schedule = QStringLiteral("step");
        config.stepEpochs = 1;
        config.gamma = 0.5;
        config.learningRate = 0.05;
        auto whole = trainModel(m_tiny.path, m_tiny.datasetId, m_tiny.architectureId, config);
        QVERIFY2(whole.ok(), qPrintable(whole.error()));

        CancelToken cancel;
        TrainObserver observer;
        observer.onBatch = [&](const BatchProgress &b) {
            if (b.epoch == 3 && b.batch == 2)
                cancel.cancel();
        };
        auto first = trainModel(m_tiny.path, m_tiny.datasetId, m_tiny.architectureId, config, observer, cancel);
        QVERIFY(first.ok() && first->cancelled);
        QCOMPARE(first->epochs.size(), 2);
        auto second = resumeTraining(m_tiny.path, first->runId);
        QVERIFY2(second.ok(), qPrintable(second.error()));
        QCOMPARE(second->firstEpoch, 3);
        QCOMPARE(second->runId, first->runId);
        QCOMPARE(second->epochs.size(), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(second->epochs[i].trainLoss, whole->epochs[i + 2].trainLoss);
            QCOMPARE(second->epochs[i].learningRate, whole->epochs[i + 2].learningRate);
        }
        auto store = ProjectStore::open(m_tiny.path);
        QCOMPARE(store.value()->run(first->runId)->status, QStringLiteral("finished"));
        QCOMPARE(store.value()->epochs(first->runId)->size(), 4);
        QCOMPARE(store.value()->checkpoint(first->runId, 4)->weights, store.value()->checkpoint(whole->runId, 4)->weights);
        auto again = resumeTraining(m_tiny.path, first->runId);
        QVERIFY(!again.ok());
        QVERIFY(again.error().contains(QStringLiteral("nothing to resume")));
    }

    // A 2x2 grid records 4 runs in the sweep; stopped during trial 3 and resumed, it still has 4
    // (the interrupted trial continues rather than starting again).
    void sweepOfFourTrials()
    {
        auto spec = SweepSpec::fromJson(QStringLiteral(R"({"method": "grid", "dataset": %1, "architecture": %2,
            "base": {"epochs": 2, "schedule": "constant"},
            "parameters": {"learning_rate": [0.01, 0.003], "batch_size": [8, 16]}})")
                                            .arg(m_tiny.datasetId)
                                            .arg(m_tiny.architectureId)
                                            .toUtf8());
        QVERIFY2(spec.ok(), qPrintable(spec.error()));
        CancelToken cancel;
        SweepObserver observer;
        int trialsStarted = 0;
        observer.onTrialStarted = [&](int trial, int trials, const TrainConfig &) {
            ++trialsStarted;
            QCOMPARE(trials, 4);
            Q_UNUSED(trial)
        };
        observer.train.onBatch = [&](const BatchProgress &b) {
            if (trialsStarted == 3 && b.epoch == 2 && b.batch == 1)
                cancel.cancel();
        };
        auto stopped = runSweep(m_tiny.path, spec.value(), observer, cancel);
        QVERIFY2(stopped.ok(), qPrintable(stopped.error()));
        QVERIFY(stopped->cancelled);
        QCOMPARE(stopped->trials.size(), 4);
        QCOMPARE(stopped->trials[2].status, QStringLiteral("cancelled"));
        QCOMPARE(stopped->trials[3].status, QStringLiteral("pending"));

        trialsStarted = 0;
        auto done = resumeSweep(m_tiny.path, stopped->sweepId, observer);
        QVERIFY2(done.ok(), qPrintable(done.error()));
        QVERIFY(!done->cancelled);
        QCOMPARE(trialsStarted, 2);   // the stopped trial 3 and trial 4
        auto store = ProjectStore::open(m_tiny.path);
        QVERIFY(store.ok());
        const auto runs = store.value()->runs();   // kept alive: value() of a temporary would dangle in the loop
        QVERIFY(runs.ok());
        int inSweep = 0;
        for (const RunInfo &r : runs.value())
            if (r.sweepId == done->sweepId) {
                ++inSweep;
                QCOMPARE(r.status, QStringLiteral("finished"));
                QCOMPARE(r.epochsDone, 2);
            }
        QCOMPARE(inSweep, 4);
        QSet<QString> combos;
        for (const SweepTrial &t : done->trials)
            combos.insert(QStringLiteral("%1/%2").arg(t.config.learningRate).arg(t.config.batchSize));
        QCOMPARE(combos.size(), 4);
        QVERIFY(done->bestRunId > 0);
        const QVector<SweepTrial> sorted = done->sortedTrials();
        QCOMPARE(sorted.first().runId, done->bestRunId);
        for (int i = 1; i < sorted.size(); ++i)
            QVERIFY(sorted[i - 1].bestMetric <= sorted[i].bestMetric);   // val_loss: lower is better

        auto bad = SweepSpec::fromJson(R"({"method": "grid", "parameters": {"momentum": [0.9]}})");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(QStringLiteral("cannot sweep \"momentum\"")), qPrintable(bad.error()));
    }

    void rejectsBadConfigAndMismatchedArchitecture()
    {
        TrainConfig config;
        config.batchSize = 0;
        auto bad = trainModel(m_project.projectPath, m_project.datasetId, m_project.architectureId, config);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().contains(QStringLiteral("batch size")));

        TrainConfig weights;
        weights.classWeights = {1, 2};
        auto wrongWeights = trainModel(m_project.projectPath, m_project.datasetId, m_project.architectureId, weights);
        QVERIFY(!wrongWeights.ok());
        QVERIFY2(wrongWeights.error().contains(QStringLiteral("2 class weights")), qPrintable(wrongWeights.error()));

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
        auto noRun = resumeTraining(m_project.projectPath, 4242);
        QVERIFY(!noRun.ok());
        QVERIFY(noRun.error().contains(QStringLiteral("4242")));
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
