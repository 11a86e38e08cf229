// Known values of the trainer's pieces against python3-torch (tests/fixtures/trainer_fixture.json,
// made by make_trainer_fixture.py): optimizer steps with weight decay, Nesterov, clipping, label
// smoothing and class weights; every learning-rate schedule with and without warm-up; plus
// hand-computed early stopping and macro F1.
#include "train/internal/optimization.h"
#include "train/schedule.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace lepton;
using namespace lepton::Internal;

namespace {

torch::Tensor tensorOf(const QJsonArray &rows)
{
    std::vector<float> values;
    int cols = 1;
    for (const QJsonValue &row : rows) {
        if (row.isArray()) {
            cols = row.toArray().size();
            for (const QJsonValue &v : row.toArray())
                values.push_back(float(v.toDouble()));
        } else {
            values.push_back(float(row.toDouble()));
        }
    }
    auto t = torch::tensor(values);
    return rows.first().isArray() ? t.reshape({rows.size(), cols}) : t;
}

double maxAbsDiff(const torch::Tensor &a, const QJsonArray &expected)
{
    return (a.flatten() - tensorOf(expected)).abs().max().item<double>();
}

} // namespace

class TestTrainerSteps : public QObject
{
    Q_OBJECT

    QJsonObject m_fixture;

private Q_SLOTS:
    void initTestCase()
    {
        QFile f(QStringLiteral(LEPTON_SOURCE_DIR "/tests/fixtures/trainer_fixture.json"));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        m_fixture = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(!m_fixture.isEmpty());
    }

    void optimizerSteps_data()
    {
        QTest::addColumn<QJsonObject>("testCase");
        for (const QJsonValue &c : m_fixture.value("optimizers").toArray())
            QTest::newRow(qPrintable(c.toObject().value("name").toString())) << c.toObject();
    }

    // Three full-batch steps from the same weights: losses and final weights match torch.
    void optimizerSteps()
    {
        QFETCH(QJsonObject, testCase);
        TrainConfig config;
        config.optimizer = testCase.value("optimizer").toString();
        config.momentum = testCase.value("momentum").toDouble();
        config.nesterov = testCase.value("nesterov").toBool();
        config.weightDecay = testCase.value("weight_decay").toDouble();
        config.clipNorm = testCase.value("clip_norm").toDouble();
        config.labelSmoothing = testCase.value("label_smoothing").toDouble();
        for (const QJsonValue &w : testCase.value("class_weights").toArray())
            config.classWeights.append(w.toDouble());
        const QJsonArray lrs = testCase.value("lrs").toArray();
        config.learningRate = lrs.first().toDouble();
        QVERIFY2(config.validate().isEmpty(), qPrintable(config.validate()));

        torch::nn::Linear model(4, 3);
        {
            torch::NoGradGuard guard;
            model->weight.copy_(tensorOf(m_fixture.value("weight0").toArray()));
            model->bias.copy_(tensorOf(m_fixture.value("bias0").toArray()));
        }
        const torch::Tensor x = tensorOf(m_fixture.value("x").toArray());
        std::vector<int64_t> labels;
        for (const QJsonValue &v : m_fixture.value("y").toArray())
            labels.push_back(v.toInt());
        const torch::Tensor y = torch::tensor(labels, torch::kInt64);
        torch::Tensor weights;
        if (!config.classWeights.isEmpty())
            weights = tensorOf(testCase.value("class_weights").toArray());
        auto optimizer = makeOptimizer(config, model->parameters());
        const QJsonArray losses = testCase.value("losses").toArray();
        for (int step = 0; step < lrs.size(); ++step) {
            optimizer->zero_grad();
            const torch::Tensor loss = classificationLoss(model(x), y, config, weights);
            optimizationStep(*optimizer, loss, lrs[step].toDouble(), config.clipNorm);
            QVERIFY2(std::abs(loss.item<double>() - losses[step].toDouble()) < 1e-6,
                     qPrintable(QStringLiteral("step %1: loss %2, torch %3")
                                    .arg(step)
                                    .arg(loss.item<double>(), 0, 'g', 9)
                                    .arg(losses[step].toDouble(), 0, 'g', 9)));
        }
        // float32 arithmetic in a possibly different order: 1e-6 is ~10 ulp at these magnitudes.
        const double dw = maxAbsDiff(model->weight.detach(), testCase.value("weight").toArray());
        const double db = maxAbsDiff(model->bias.detach(), testCase.value("bias").toArray());
        QVERIFY2(dw < 1e-6 && db < 1e-6, qPrintable(QStringLiteral("max |dW| %1, |db| %2").arg(dw).arg(db)));
    }

    // The optimizer state survives save/load: continuing from a saved state gives the same step.
    void optimizerStateRoundTrip()
    {
        TrainConfig config;
        config.optimizer = QStringLiteral("adamw");
        config.weightDecay = 0.01;
        torch::manual_seed(3);
        torch::nn::Linear a(4, 3), b(4, 3);
        {
            torch::NoGradGuard guard;
            b->weight.copy_(a->weight);
            b->bias.copy_(a->bias);
        }
        const torch::Tensor x = torch::randn({8, 4});
        const torch::Tensor y = torch::tensor(std::vector<int64_t>{0, 1, 2, 0, 1, 2, 0, 1});
        auto optA = makeOptimizer(config, a->parameters());
        auto optB = makeOptimizer(config, b->parameters());
        for (int i = 0; i < 2; ++i) {
            for (auto *pair : {&optA, &optB}) {
                auto &opt = *pair;
                auto &model = pair == &optA ? a : b;
                opt->zero_grad();
                optimizationStep(*opt, classificationLoss(model(x), y, config, {}), 0.01, 0);
            }
        }
        auto optC = makeOptimizer(config, b->parameters());
        loadOptimizer(*optC, saveOptimizer(*optB));
        optA->zero_grad();
        optimizationStep(*optA, classificationLoss(a(x), y, config, {}), 0.01, 0);
        optC->zero_grad();
        optimizationStep(*optC, classificationLoss(b(x), y, config, {}), 0.01, 0);
        QCOMPARE((a->weight - b->weight).abs().max().item<double>(), 0.0);
    }

    void schedules_data()
    {
        QTest::addColumn<QJsonObject>("testCase");
        for (const QJsonValue &c : m_fixture.value("schedules").toArray())
            QTest::newRow(qPrintable(c.toObject().value("name").toString())) << c.toObject();
    }

    void schedules()
    {
        QFETCH(QJsonObject, testCase);
        TrainConfig config;
        config.learningRate = testCase.value("learning_rate").toDouble();
        config.epochs = testCase.value("epochs").toInt();
        config.schedule = testCase.value("schedule").toString();
        config.stepEpochs = testCase.value("step_epochs").toInt();
        config.gamma = testCase.value("gamma").toDouble();
        config.plateauPatience = testCase.value("plateau_patience").toInt();
        config.warmupEpochs = testCase.value("warmup_epochs").toInt();
        config.monitor = testCase.value("maximize").toBool() ? QStringLiteral("val_accuracy") : QStringLiteral("val_loss");
        QVERIFY2(config.validate().isEmpty(), qPrintable(config.validate()));
        const int batches = testCase.value("batches").toInt();
        LearningRateSchedule schedule(config, batches);
        const QJsonArray rates = testCase.value("rates").toArray();
        const QJsonArray metrics = testCase.value("metrics").toArray();
        QCOMPARE(rates.size(), config.epochs * batches);
        for (int e = 0; e < config.epochs; ++e) {
            for (int b = 0; b < batches; ++b) {
                const int step = e * batches + b;
                const double ours = schedule.rateAt(step);
                QVERIFY2(std::abs(ours - rates[step].toDouble()) < 1e-12,
                         qPrintable(QStringLiteral("step %1: %2, torch %3").arg(step).arg(ours, 0, 'g', 15).arg(rates[step].toDouble(), 0, 'g', 15)));
            }
            if (!metrics.isEmpty()) {
                // The state saved with a checkpoint continues the schedule exactly.
                LearningRateSchedule restored(config, batches);
                schedule.epochEnded(metrics[e].toDouble());
                restored.restore(schedule.state());
                schedule = restored;
            }
        }
    }

    // Early stopping: hand-computed on a loss sequence (patience 2) and an accuracy one.
    void earlyStopping()
    {
        MetricMonitor loss(false, 2);
        const double losses[] = {1.0, 0.8, 0.85, 0.7, 0.7, 0.71, 0.5};
        int stoppedAt = 0;
        for (int e = 1; e <= 7 && !stoppedAt; ++e) {
            loss.update(e, losses[e - 1]);
            if (loss.shouldStop())
                stoppedAt = e;
        }
        QCOMPARE(stoppedAt, 6);   // 0.7 at epoch 4, not beaten at 5 (equal) or 6
        QCOMPARE(loss.bestEpoch(), 4);
        QCOMPARE(loss.bestValue(), 0.7);

        MetricMonitor accuracy(true, 1);
        QVERIFY(accuracy.update(1, 0.5));
        QVERIFY(accuracy.update(2, 0.6));
        QVERIFY(!accuracy.shouldStop());
        MetricMonitor restored(true, 1);
        restored.restore(accuracy.state());
        QVERIFY(!restored.update(3, 0.55));
        QVERIFY(restored.shouldStop());
        QCOMPARE(restored.bestEpoch(), 2);

        MetricMonitor off(false, 0);
        for (int e = 1; e <= 5; ++e)
            off.update(e, 1.0);
        QVERIFY(!off.shouldStop());
    }

    // Macro F1 over the classes present in labels or predictions (scikit-learn's default).
    void macroF1()
    {
        F1Counter f1(4);
        // labels 0 0 1 1 2, predicted 0 1 1 1 0; class 3 absent from both.
        f1.add(torch::tensor(std::vector<int64_t>{0, 1, 1, 1, 0}), torch::tensor(std::vector<int64_t>{0, 0, 1, 1, 2}));
        // class 0: tp 1 fp 1 fn 1 -> 0.5; class 1: tp 2 fp 1 fn 0 -> 0.8; class 2: tp 0 fn 1 -> 0
        QVERIFY(std::abs(f1.macroF1() - (0.5 + 0.8 + 0.0) / 3.0) < 1e-12);
    }

    void epochSeedsDiffer()
    {
        QCOMPARE(epochSeed(42, 3), epochSeed(42, 3));
        QVERIFY(epochSeed(42, 3) != epochSeed(42, 4));
        QVERIFY(epochSeed(42, 3) != epochSeed(43, 3));
    }

    void rejectsBadConfig_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("optimizer") << "optimizer" << QJsonValue("rmsprop") << "optimizer must be one of";
        QTest::newRow("schedule") << "schedule" << QJsonValue("linear") << "schedule must be one of";
        QTest::newRow("smoothing") << "label_smoothing" << QJsonValue(1.0) << "label smoothing";
        QTest::newRow("monitor") << "monitor" << QJsonValue("train_loss") << "monitored metric";
        QTest::newRow("warmup") << "warmup_epochs" << QJsonValue(12) << "warm-up";
        QTest::newRow("clip") << "clip_norm" << QJsonValue(-1) << "clipping";
        QTest::newRow("nesterov") << "nesterov" << QJsonValue(true) << "Nesterov";
    }

    void rejectsBadConfig()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QFETCH(QString, message);
        QJsonObject json = TrainConfig().toJson();
        json.insert(key, value);
        auto parsed = TrainConfig::fromJson(json);
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().contains(message), qPrintable(parsed.error()));
    }

    void configRoundTrip()
    {
        TrainConfig c;
        c.optimizer = QStringLiteral("sgd");
        c.nesterov = true;
        c.schedule = QStringLiteral("plateau");
        c.warmupEpochs = 2;
        c.clipNorm = 1.5;
        c.labelSmoothing = 0.1;
        c.classWeights = {1, 2, 3};
        c.monitor = QStringLiteral("val_macro_f1");
        c.patience = 4;
        c.seed = 18446744073709551615ULL;
        auto back = TrainConfig::fromJson(c.toJson());
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->toJson(), c.toJson());
    }
};

QTEST_GUILESS_MAIN(TestTrainerSteps)
#include "tst_trainer_steps.moc"
