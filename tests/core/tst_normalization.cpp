// The dataset's normalize step becomes part of the trained model: the model version's module
// applies (x − mean) / std itself, its TorchScript and ONNX exports carry it (both are verified
// against the live module on raw test pixels, in LibTorch and OpenCV), and changing the dataset's
// pipeline afterwards does not change what the trained model computes. Tabular datasets cannot
// be packaged (the runner takes images) and get a feature description in preprocess.json.
#include "data/augment.h"
#include "deploy/exporttarget.h"
#include "eval/evaluator.h"
#include "graph/internal/graphmodule.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace lepton;
using namespace lepton::Internal;

class TestNormalization : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    DemoProject m_demo;
    qint64 m_version = 0;
    ChannelStatistics m_stats;

    Status setNormalization(const QVector<double> &mean, const QVector<double> &std)
    {
        auto store = ProjectStore::open(m_demo.projectPath);
        if (!store)
            return Status::failure(store.error());
        AugmentationPipeline pipeline;
        AugmentOp n = makeAugmentOp(QStringLiteral("normalize"));
        n.mean = mean;
        n.std = std;
        pipeline.ops << n;
        return setDatasetAugmentation(*store.value(), m_demo.datasetId, pipeline);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto demo = createDemoProject(m_dir.filePath(QStringLiteral("norm.lepton")));
        QVERIFY2(demo.ok(), qPrintable(demo.error()));
        m_demo = demo.value();
        auto store = ProjectStore::open(m_demo.projectPath);
        QVERIFY(store.ok());
        auto stats = trainingSplitStatistics(*store.value(), m_demo.datasetId);
        QVERIFY2(stats.ok(), qPrintable(stats.error()));
        m_stats = stats.value();
        QCOMPARE(m_stats.mean.size(), 1);
        QVERIFY(m_stats.mean[0] > 0.05 && m_stats.mean[0] < 0.5);   // dark digits on black
        QVERIFY(m_stats.std[0] > 0.1);
        QVERIFY(setNormalization(m_stats.mean, m_stats.std).ok());
        TrainConfig config;
        config.epochs = 1;
        auto trained = trainModel(m_demo.projectPath, m_demo.datasetId, m_demo.architectureId, config);
        QVERIFY2(trained.ok(), qPrintable(trained.error()));
        m_version = trained->modelVersionId;
    }

    void theModelCarriesIt()
    {
        auto store = ProjectStore::open(m_demo.projectPath);
        auto loaded = loadModelVersion(*store.value(), m_version);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
        GraphModuleImpl &m = *loaded->module;
        QVERIFY(m.hasInputNormalization());
        QCOMPARE(m.inputMean().sizes().vec(), (std::vector<int64_t>{1}));
        QVERIFY(qAbs(m.inputMean().item<float>() - m_stats.mean[0]) < 1e-6);
        QVERIFY(qAbs(m.inputStd().item<float>() - m_stats.std[0]) < 1e-6);

        // forward(x) is the un-normalized module's forward((x − mean) / std).
        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::rand({4, 1, 20, 20});
        const torch::Tensor withIt = m.forward(x);
        const torch::Tensor mean = m.inputMean(), std = m.inputStd();
        QVERIFY(m.setInputNormalization({}, {}).ok());
        QVERIFY(!m.hasInputNormalization());
        const torch::Tensor by_hand = m.forward((x - mean) / std);
        QVERIFY(withIt.sub(by_hand).abs().max().item<float>() < 1e-5);

        // Saved with the weights and read back; weights without it load as no normalization.
        QVERIFY(m.setInputNormalization({0.25}, {0.5}).ok());
        const QByteArray saved = m.saveWeights();
        QVERIFY(m.setInputNormalization({}, {}).ok());
        const QByteArray plain = m.saveWeights();
        QVERIFY(m.loadWeights(saved).ok());
        QVERIFY(m.hasInputNormalization());
        QCOMPARE(m.inputStd().item<float>(), 0.5f);
        QVERIFY(m.loadWeights(plain).ok());
        QVERIFY(!m.hasInputNormalization());

        auto bad = m.setInputNormalization({0.1, 0.2}, {1, 1});
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains("2 mean and 2 std values") && bad.error().contains("1 channels"), qPrintable(bad.error()));
        QVERIFY(!m.setInputNormalization({0.1}, {0}).ok());
    }

    void exportsCarryIt()
    {
        for (const char *id : {"torchscript", "onnx"}) {
            auto target = ExportTargetRegistry::instance().find(QLatin1String(id));
            QVERIFY(target);
            const QString out = m_dir.filePath(target->defaultOutputName());
            auto result = runExportTarget(*target, m_demo.projectPath, m_version, out, ExportSettings{});
            QVERIFY2(result.ok(), qPrintable(result.error()));
            // Verification feeds raw pixels / 255 to the file and to the live model: they agree only
            // if the file normalizes as the model does.
            QVERIFY2(result->passed, qPrintable(result->failure));
            QVERIFY(!result->verified.isEmpty());
            QVERIFY(result->verified.first().verification.maxAbsDiff < 1e-4);
            QVERIFY(result->verified.first().verification.exportedAccuracy > 0.5);
        }
    }

    void changingThePipelineLaterChangesNothing()
    {
        auto before = evaluateModel(m_demo.projectPath, m_version, Split::Test);
        QVERIFY2(before.ok(), qPrintable(before.error()));
        QVERIFY(before->metrics.accuracy > 0.5);   // raw pixels in, normalized inside: a working model
        QVERIFY(setNormalization({0.9}, {0.05}).ok());
        auto after = evaluateModel(m_demo.projectPath, m_version, Split::Test);
        QVERIFY2(after.ok(), qPrintable(after.error()));
        QCOMPARE(after->metrics.accuracy, before->metrics.accuracy);
        QCOMPARE(after->predictions.size(), before->predictions.size());
        for (int i = 0; i < before->predictions.size(); ++i)
            QCOMPARE(after->predictions[i].scores, before->predictions[i].scores);
        QVERIFY(setNormalization(m_stats.mean, m_stats.std).ok());
    }
};

QTEST_GUILESS_MAIN(TestNormalization)
#include "tst_normalization.moc"
