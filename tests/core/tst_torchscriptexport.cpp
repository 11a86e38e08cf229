// TorchScript export: the written file gives the live model's outputs; evaluation is stored.
#include "pipeline/demopipeline.h"
#include "trainedproject.h"
#include "project/projectstore.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;

class TestTorchScriptExport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    DemoProject m_project;
    qint64 m_version = 0;

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        auto trained = Testing::makeTrainedDemoProject(m_dir.filePath(QStringLiteral("export.lepton")));
        QVERIFY2(trained.ok(), qPrintable(trained.error()));
        m_project = trained->project;
        m_version = trained->modelVersionId;
    }

    void exportRoundTripEqualsLiveModel()
    {
        const QString out = m_dir.filePath(QStringLiteral("out/model.pt"));
        QVector<qint64> progress;
        auto exported = exportTorchScript(m_project.projectPath, m_version, out,
                                          [&](qint64 done, qint64, const QString &) { progress.append(done); });
        QVERIFY2(exported.ok(), qPrintable(exported.error()));
        QVERIFY(QFile::exists(out));
        QVERIFY(!QFile::exists(out + QStringLiteral(".partial")));
        QCOMPARE(exported->verification.samples, 500);
        QVERIFY(exported->verification.passed);
        QCOMPARE(exported->verification.top1Agreement, 1.0);
        QCOMPARE(exported->sha256.size(), 64);
        QVERIFY(!progress.isEmpty());

        // Independent check on inputs the exporter never saw: random images, batch of 7.
        QVector<float> input(7 * 20 * 20);
        QRandomGenerator rng(99);
        for (float &v : input)
            v = float(rng.generateDouble());
        auto live = runModelVersion(m_project.projectPath, m_version, input, {7, 1, 20, 20});
        auto file = runTorchScript(out, input, {7, 1, 20, 20});
        QVERIFY2(live.ok(), qPrintable(live.error()));
        QVERIFY2(file.ok(), qPrintable(file.error()));
        QCOMPARE(live->size(), 70);
        QCOMPARE(file->size(), 70);
        double maxDiff = 0;
        for (int i = 0; i < live->size(); ++i)
            maxDiff = qMax(maxDiff, double(qAbs(live->at(i) - file->at(i))));
        QVERIFY2(maxDiff <= 1e-5, qPrintable(QString::number(maxDiff)));

        auto store = ProjectStore::open(m_project.projectPath);
        auto exports = store.value()->exports();
        QCOMPARE(exports->size(), 1);
        QCOMPARE(exports->first().sha256, exported->sha256);
        QVERIFY(exports->first().verificationJson.contains(QStringLiteral("\"passed\":true")));
    }

    void evaluationIsStored()
    {
        auto eval = evaluateModel(m_project.projectPath, m_version, Split::Test);
        QVERIFY2(eval.ok(), qPrintable(eval.error()));
        QCOMPARE(eval->samples, 500);
        QCOMPARE(eval->metrics.confusion.total(), 500);
        QVERIFY(eval->metrics.accuracy > 0.8);
        auto store = ProjectStore::open(m_project.projectPath);
        auto evals = store.value()->evaluations();
        QCOMPARE(evals->last().accuracy, eval->metrics.accuracy);
        QCOMPARE(evals->last().macroF1, eval->metrics.macroF1);
    }

    void badRequests()
    {
        auto missing = exportTorchScript(m_project.projectPath, 999, m_dir.filePath(QStringLiteral("x.pt")));
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().contains(QStringLiteral("999")));
        auto notAModel = runTorchScript(m_project.projectPath, QVector<float>(400), {1, 1, 20, 20});
        QVERIFY(!notAModel.ok());
        auto wrongShape = runTorchScript(m_dir.filePath(QStringLiteral("out/model.pt")), QVector<float>(10), {1, 1, 20, 20});
        QVERIFY(!wrongShape.ok());
        QVERIFY(wrongShape.error().contains(QStringLiteral("shape needs 400")));
    }
};

QTEST_GUILESS_MAIN(TestTorchScriptExport)
#include "tst_torchscriptexport.moc"
