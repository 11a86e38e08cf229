// `lepton arch --import-onnx --save` then `lepton train --init-from`: a run really starts from the
// imported weights. With a negligible learning rate (SGD 1e-9, no BatchNorm in the fixture) the
// first epoch's validation loss must equal the log loss of evaluating the imported model on the
// validation split, and differ from a run of the same architecture initialized at random. An
// architecture whose parameters do not match is refused with every mismatch listed.
#include "pipeline/demopipeline.h"
#include "processrun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;

class TestArchInit : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;
    qint64 m_demoArchitecture = 0;
    QString m_importedArchitecture;
    QString m_importedVersion;

    static Testing::ProcessRun lepton(const QStringList &args)
    {
        return Testing::runProcess(QStringLiteral(LEPTON_CLI), args);
    }

    static QJsonObject json(const Testing::ProcessRun &r) { return QJsonDocument::fromJson(r.out).object(); }

    static QStringList tinyStep()
    {
        return {"--epochs", "1", "--lr", "1e-9", "--optimizer", "sgd", "--momentum", "0", "--schedule", "constant", "--json"};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath("init.lepton");
        auto demo = createDemoProject(m_project);
        QVERIFY2(demo.ok(), qPrintable(demo.error()));
        m_demoArchitecture = demo->architectureId;
    }

    void importedWeightsStartTheRun()
    {
        const QString onnx = QStringLiteral(LEPTON_SOURCE_DIR "/tests/fixtures/onnx_import_digits.onnx");
        auto r = lepton({"arch", m_project, "--import-onnx", onnx, "--save", "--name", "digits-onnx", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject imported = json(r);
        m_importedArchitecture = QString::number(imported.value("architecture_id").toInteger());
        m_importedVersion = QString::number(imported.value("model_version_id").toInteger());
        QVERIFY2(imported.value("model_version_id").toInteger() > 0, r.out.constData());

        r = lepton({"eval", m_project, "--model", m_importedVersion, "--split", "validation", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const double evaluated = json(r).value("scores").toObject().value("log_loss").toDouble();
        QVERIFY(evaluated > 0);

        // --init-from without --arch trains the model version's own architecture.
        r = lepton(QStringList{"train", m_project, "--init-from", m_importedVersion} + tinyStep());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject trained = json(r);
        QCOMPARE(QString::number(trained.value("architecture_id").toInteger()), m_importedArchitecture);
        const double fromImport = trained.value("epochs").toArray().first().toObject().value("val_loss").toDouble();
        QVERIFY2(qAbs(fromImport - evaluated) < 1e-4,
                 qPrintable(QStringLiteral("val loss %1, evaluation log loss %2").arg(fromImport).arg(evaluated)));

        // The same architecture from a random initialization is far from it.
        r = lepton(QStringList{"train", m_project, "--arch", m_importedArchitecture} + tinyStep());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const double fresh = json(r).value("epochs").toArray().first().toObject().value("val_loss").toDouble();
        QVERIFY2(qAbs(fresh - evaluated) > 0.5, qPrintable(QStringLiteral("fresh %1 vs %2").arg(fresh).arg(evaluated)));
    }

    void mismatchedArchitectureIsRefused()
    {
        QVERIFY(!m_importedVersion.isEmpty());
        auto r = lepton({"train", m_project, "--arch", QString::number(m_demoArchitecture), "--init-from",
                         m_importedVersion, "--epochs", "1"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("matched by name and shape") && r.err.contains("is not in the model version")
                     && r.err.contains("has no place here"),
                 r.err.constData());

        r = lepton({"train", m_project, "--init-from", "abc"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--init-from"), r.err.constData());
        r = lepton({"train", m_project, "--init-from", "999", "--epochs", "1"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("999"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestArchInit)
#include "tst_archinit.moc"
