// Regression end to end with known answers: a CSV whose target is exactly y = 2a − 3b + 1 is
// imported as a regression dataset, a single Linear layer trained with the MSE loss recovers the
// coefficients, evaluation reports MAE/RMSE/R² of predictions recomputed by hand, and the exports
// carry the target scaling (verified in LibTorch and OpenCV). The loss and the per-epoch counters
// are checked against hand-computed values; mismatched settings are refused with the reason.
#include "data/tabularimport.h"
#include "deploy/exporttarget.h"
#include "deploy/onnxexport.h"
#include "eval/evaluator.h"
#include "graph/internal/graphmodule.h"
#include "graph/templates.h"
#include "project/projectstore.h"
#include "train/internal/optimization.h"
#include "train/trainer.h"
#include "regressionproject.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;
using namespace lepton::Internal;

using Testing::linearGraph;

namespace {

double truth(double a, double b) { return Testing::planeTarget(a, b); }

} // namespace

class TestRegression : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_csv, m_project;
    qint64 m_dataset = 0, m_linear = 0, m_version = 0;

    qint64 addArchitecture(const ModelGraph &g)
    {
        auto store = ProjectStore::open(m_project);
        auto id = store.value()->addArchitecture(g.name, QString::fromUtf8(g.toJson()));
        return id ? id.value() : 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_csv = m_dir.filePath(QStringLiteral("plane.csv"));
        QFile f(m_csv);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(Testing::planeCsv()) > 0);
        f.close();
        m_project = m_dir.filePath(QStringLiteral("regression.lepton"));
        QVERIFY(ProjectStore::create(m_project).ok());
    }

    void importsNumericTargets()
    {
        CsvOptions o;
        o.regression = true;
        auto data = importTabularCsv(m_csv, o);
        QVERIFY2(data.ok(), qPrintable(data.error()));
        QCOMPARE(data->info.task, QStringLiteral("regression"));
        QCOMPARE(data->info.targetName, QStringLiteral("y"));
        QVERIFY(data->info.classes.isEmpty());
        QCOMPARE(data->info.channels, 2);
        QCOMPARE(data->samples.size(), 200);
        QCOMPARE(data->issues.size(), 2);
        QCOMPARE(data->issues[0].path, QStringLiteral("plane.csv:202"));
        QVERIFY2(data->issues[0].reason.contains("target column 'y'") && data->issues[0].reason.contains("'expensive'"),
                 qPrintable(data->issues[0].reason));
        QCOMPARE(data->issues[1].path, QStringLiteral("plane.csv:203"));
        auto store = ProjectStore::open(m_project);
        auto id = importIntoProject(*store.value(), data.value());
        QVERIFY2(id.ok(), qPrintable(id.error()));
        m_dataset = id.value();
        // Read back: task, target name, every target, a seeded 80/10/10 split of all samples.
        auto info = store.value()->dataset(m_dataset);
        QVERIFY(info.ok());
        QVERIFY(info->isRegression());
        QCOMPARE(info->targetName, QStringLiteral("y"));
        QCOMPARE(info->outputCount(), 1);
        QCOMPARE(info->splitCounts[0], 160);
        QCOMPARE(info->splitCounts[1], 20);
        QCOMPARE(info->splitCounts[2], 20);
        auto samples = store.value()->samples(m_dataset, std::nullopt, true);
        QVERIFY(samples.ok());
        QCOMPARE(samples->size(), 200);
        for (const SampleRecord &s : samples.value()) {
            float ab[2];
            memcpy(ab, s.pixels.constData(), sizeof ab);
            QVERIFY2(qAbs(s.target - truth(ab[0], ab[1])) < 1e-5, qPrintable(s.path));
        }
    }

    void lossAndCountersKnownValues()
    {
        // mse_loss([1, 2, 3], [1, 1, 1]) = (0 + 1 + 4) / 3; the N×1 output shape is accepted.
        const torch::Tensor loss = regressionLoss(torch::tensor({1.0f, 2.0f, 3.0f}).view({3, 1}),
                                                  torch::tensor({1.0f, 1.0f, 1.0f}));
        QVERIFY(qAbs(loss.item<double>() - 5.0 / 3.0) < 1e-6);
        // Targets 1..4, predictions 1.5, 2, 2, 5: errors .5, 0, −1, 1 → SSE 2.25, SAE 2.5; SST 5.
        RegressionCounter c;
        c.add(torch::tensor({1.5f, 2.0f}), torch::tensor({1.0f, 2.0f}));
        c.add(torch::tensor({2.0f, 5.0f}), torch::tensor({3.0f, 4.0f}));
        QCOMPARE(c.count(), qint64(4));
        QVERIFY(qAbs(c.mse() - 0.5625) < 1e-12);
        QVERIFY(qAbs(c.mae() - 0.625) < 1e-12);
        QVERIFY(qAbs(c.r2() - 0.55) < 1e-12);
        auto reference = computeRegressionMetrics({1, 2, 3, 4}, {1.5, 2, 2, 5});
        QVERIFY(reference.ok());
        QVERIFY(qAbs(*reference->r2 - c.r2()) < 1e-12);
        RegressionCounter constant;
        constant.add(torch::tensor({1.0f, 3.0f}), torch::tensor({2.0f, 2.0f}));
        QCOMPARE(constant.r2(), 0.0);   // undefined (every target equal): reported as 0
    }

    void outputScalingIsPartOfTheModel()
    {
        auto built = GraphModuleImpl::build(linearGraph(1));
        QVERIFY2(built.ok(), qPrintable(built.error()));
        GraphModuleImpl &m = *built.value();
        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::randn({5, 2});
        const torch::Tensor raw = m.forward(x);
        QVERIFY(!m.setOutputScaling(1, 0).ok());
        QVERIFY(!m.setOutputScaling(std::nan(""), 1).ok());
        QVERIFY(m.setOutputScaling(10, 2).ok());
        const torch::Tensor scaled = m.forward(x);
        QVERIFY(torch::allclose(scaled, raw * 2 + 10));
        // Saved with the weights; a fresh module of the graph computes the same.
        const QByteArray weights = m.saveWeights();
        auto other = GraphModuleImpl::build(linearGraph(1));
        QVERIFY(other.value()->loadWeights(weights).ok());
        QVERIFY(other.value()->hasOutputScaling());
        QVERIFY(torch::allclose(other.value()->forward(x), scaled));
        // And its TorchScript.
        auto script = m.toTorchScript();
        QVERIFY2(script.ok(), qPrintable(script.error()));
        const torch::Tensor fromScript = script->forward({x}).toTensor();
        QVERIFY(torch::allclose(fromScript, scaled, 1e-5, 1e-6));
    }

    void trainsTheCoefficients()
    {
        m_linear = addArchitecture(linearGraph(1));
        QVERIFY(m_linear > 0);
        TrainConfig config;
        config.epochs = 60;
        config.batchSize = 16;
        config.learningRate = 0.05;
        config.schedule = QStringLiteral("constant");
        config.monitor = QStringLiteral("val_r2");
        auto trained = trainModel(m_project, m_dataset, m_linear, config);
        QVERIFY2(trained.ok(), qPrintable(trained.error()));
        QCOMPARE(trained->epochs.size(), 60);
        const EpochMetrics &last = trained->epochs.last();
        QVERIFY(last.regression);
        QCOMPARE(last.trainAccuracy, 0.0);
        QVERIFY2(last.valR2 > 0.9999, qPrintable(QString::number(last.valR2)));
        QVERIFY2(last.valMae < 0.01, qPrintable(QString::number(last.valMae)));
        // The first epoch is far from it: the curve records learning, not a constant.
        QVERIFY(trained->epochs.first().valLoss > 10 * last.valLoss);
        m_version = trained->modelVersionId;
        // Stored per epoch.
        auto store = ProjectStore::open(m_project);
        auto epochs = store.value()->epochs(trained->runId);
        QVERIFY(epochs.ok());
        QCOMPARE(epochs->size(), 60);
        QCOMPARE(epochs->last().valR2, last.valR2);
        QCOMPARE(epochs->last().valMae, last.valMae);
        QVERIFY(qAbs(epochs->last().valLoss - last.valLoss) < 1e-12);

        // The learned function: (w · x + b) · std + mean equals 2a − 3b + 1.
        auto loaded = loadModelVersion(*store.value(), m_version);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
        GraphModuleImpl &m = *loaded->module;
        QVERIFY(m.hasOutputScaling());
        torch::Tensor w, b;
        for (const auto &p : m.named_parameters(true)) {
            if (p.key().find("weight") != std::string::npos)
                w = p.value();
            else if (p.key().find("bias") != std::string::npos)
                b = p.value();
        }
        QVERIFY(w.defined() && b.defined());
        const double scale = m.outputStd(), shift = m.outputMean();
        const double slopeA = w[0][0].item<double>() * scale, slopeB = w[0][1].item<double>() * scale;
        const double intercept = b[0].item<double>() * scale + shift;
        QVERIFY2(qAbs(slopeA - 2) < 0.01 && qAbs(slopeB + 3) < 0.01 && qAbs(intercept - 1) < 0.01,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(slopeA).arg(slopeB).arg(intercept)));
    }

    void evaluatesWithRegressionMetrics()
    {
        auto e = evaluateModel(m_project, m_version, Split::Test);
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QVERIFY(e->regression);
        QCOMPARE(e->targetName, QStringLiteral("y"));
        QCOMPARE(e->samples, qint64(20));
        // Every prediction is the model's value for that sample; the truth is the exact plane.
        auto store = ProjectStore::open(m_project);
        auto samples = store.value()->samples(m_dataset, Split::Test, true);
        QVERIFY(samples.ok());
        QVector<double> targets, predicted;
        for (int i = 0; i < e->predictions.size(); ++i) {
            const PredictionRecord &p = e->predictions[i];
            const SampleRecord &s = samples->at(i);
            QCOMPARE(p.sampleId, s.id);
            float ab[2];
            memcpy(ab, s.pixels.constData(), sizeof ab);
            QVERIFY(qAbs(p.targetValue - truth(ab[0], ab[1])) < 1e-5);
            QVERIFY2(qAbs(p.predictedValue - p.targetValue) < 0.03, qPrintable(p.sample));
            targets << p.targetValue;
            predicted << p.predictedValue;
        }
        auto reference = computeRegressionMetrics(targets, predicted);
        QVERIFY(reference.ok());
        QCOMPARE(e->regressionMetrics.mae, reference->mae);
        QCOMPARE(e->regressionMetrics.rmse, reference->rmse);
        QVERIFY(*e->regressionMetrics.r2 > 0.9999);
        // Stored: no accuracy, the metrics JSON says regression; loading rebuilds the same metrics.
        auto infos = store.value()->evaluations();
        QVERIFY(infos.ok() && !infos->isEmpty());
        QVERIFY(infos->last().regression);
        auto again = loadEvaluation(*store.value(), e->evaluationId);
        QVERIFY2(again.ok(), qPrintable(again.error()));
        QVERIFY(again->regression);
        QCOMPARE(again->regressionMetrics.mae, e->regressionMetrics.mae);
        QCOMPARE(again->predictions.size(), e->predictions.size());
        QCOMPARE(again->predictions[3].predictedValue, e->predictions[3].predictedValue);
        const QJsonObject json = evaluationJson(again.value(), true);
        QCOMPARE(json.value("task").toString(), QStringLiteral("regression"));
        QCOMPARE(json.value("target").toString(), QStringLiteral("y"));
        QVERIFY(!json.contains("accuracy") && !json.contains("classes"));
        QCOMPARE(json.value("mae").toDouble(), reference->mae);
    }

    void exportsCarryTheScaling()
    {
        double scale = 0;
        {
            auto store = ProjectStore::open(m_project);
            auto loaded = loadModelVersion(*store.value(), m_version);
            QVERIFY(loaded.ok());
            scale = loaded->module->outputStd();
            QVERIFY(scale > 3.5 && scale < 5.5);   // the std of y over the whole grid is 4.53
        }
        for (const char *id : {"torchscript", "onnx"}) {
            auto target = ExportTargetRegistry::instance().find(QLatin1String(id));
            QVERIFY(target);
            auto result = runExportTarget(*target, m_project, m_version, m_dir.filePath(target->defaultOutputName()),
                                          ExportSettings{});
            QVERIFY2(result.ok(), qPrintable(result.error()));
            QVERIFY2(result->passed, qPrintable(result->failure));
            const ExportVerification &v = result->verified.first().verification;
            QVERIFY(v.regression);
            QCOMPARE(v.samples, qint64(20));
            QVERIFY2(v.maxAbsDiff < 1e-4, qPrintable(QString::number(v.maxAbsDiff)));
            QVERIFY(!v.toJson().contains("exported_accuracy"));
            // Allowed: the default 1e-4 times the target's std (≈ 4.5 here): float32 rounding scales with it.
            QCOMPARE(v.tolerance, 1e-4 * std::max(1.0, scale));
        }
        // The ONNX file predicts y itself (the scaling is in it): run it on (a, b) = (1, −1) → 6.
        auto onnx = runOnnx(m_dir.filePath(QStringLiteral("model.onnx")), {1.0f, -1.0f}, {1, 2});
        QVERIFY2(onnx.ok(), qPrintable(onnx.error()));
        QCOMPARE(onnx->size(), 1);
        QVERIFY2(qAbs(onnx->first() - 6.0) < 0.03, qPrintable(QString::number(onnx->first())));
        auto package = runExportTarget(*ExportTargetRegistry::instance().find(QStringLiteral("package")), m_project,
                                       m_version, m_dir.filePath(QStringLiteral("package")), ExportSettings{});
        QVERIFY(!package.ok());
    }

    void mismatchedSettingsAreRefused()
    {
        const qint64 three = addArchitecture(linearGraph(3));
        TrainConfig config;
        config.epochs = 1;
        auto r = trainModel(m_project, m_dataset, three, config);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains("regression dataset (target 'y')") && r.error().contains("one output"),
                 qPrintable(r.error()));
        config.monitor = QStringLiteral("val_accuracy");
        r = trainModel(m_project, m_dataset, m_linear, config);
        QVERIFY2(!r.ok() && r.error().contains("classification metric"), qPrintable(r.error()));
        config.monitor = QStringLiteral("val_loss");
        config.labelSmoothing = 0.1;
        r = trainModel(m_project, m_dataset, m_linear, config);
        QVERIFY2(!r.ok() && r.error().contains("label smoothing"), qPrintable(r.error()));

        // A classification dataset with the same two features: the regression model is not
        // evaluated on it, and regression metrics are not monitored on it.
        const QString classes = m_dir.filePath(QStringLiteral("classes.csv"));
        QFile f(classes);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 40; ++i)
            f.write(QByteArray::number(i % 7) + ',' + QByteArray::number(i % 5) + ',' + (i % 2 ? "odd" : "even") + '\n');
        f.close();
        auto data = importTabularCsv(classes, CsvOptions{});
        QVERIFY2(data.ok(), qPrintable(data.error()));
        auto store = ProjectStore::open(m_project);
        auto other = importIntoProject(*store.value(), data.value());
        QVERIFY(other.ok());
        auto e = evaluateModel(m_project, m_version, EvaluationTarget{other.value(), Split::Test});
        QVERIFY(!e.ok());
        QVERIFY2(e.error().contains("predicts 'y' (regression)"), qPrintable(e.error()));
        const qint64 twoClasses = addArchitecture(linearGraph(2));
        TrainConfig mae;
        mae.epochs = 1;
        mae.monitor = QStringLiteral("val_mae");
        r = trainModel(m_project, other.value(), twoClasses, mae);
        QVERIFY2(!r.ok() && r.error().contains("regression metric"), qPrintable(r.error()));
    }
};

QTEST_GUILESS_MAIN(TestRegression)
#include "tst_regression.moc"
