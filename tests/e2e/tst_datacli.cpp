// lepton import --csv (scikit-learn's iris from python3-sklearn: refused without --skip-rows,
// imported with it), lepton augment (normalization from the training split, a pipeline file, bad
// files named, preview PNG), and lepton train on the tabular dataset with the MLP template.
#include "processrun.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using lepton::Testing::runProcess;

namespace {

const QString kIris = QStringLiteral("/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv");

// The one JSON object a --json command prints on stdout.
QJsonObject outputJson(const QByteArray &out)
{
    return QJsonDocument::fromJson(out).object();
}

} // namespace

class TestDataCli : public QObject
{
    Q_OBJECT

private slots:
    void tabularImportAugmentTrain()
    {
        QVERIFY2(QFile::exists(kIris), "iris.csv missing: install Debian's python3-sklearn");
        QTemporaryDir dir;
        const QString project = dir.filePath("iris.lepton");
        QCOMPARE(runProcess(LEPTON_CLI, {"new", project}).exitCode, 0);

        auto refused = runProcess(LEPTON_CLI, {"import", project, "--csv", kIris});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("--skip-rows 1"), refused.err.constData());

        auto imported = runProcess(LEPTON_CLI, {"import", project, "--csv", kIris, "--skip-rows", "1", "--json"});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        const QJsonObject info = outputJson(imported.out);
        QCOMPARE(info.value("samples").toInt(), 150);
        QCOMPARE(info.value("kind").toString(), QStringLiteral("tabular"));
        QCOMPARE(info.value("classes").toArray().size(), 3);

        auto usage = runProcess(LEPTON_CLI, {"import", project, "--csv", kIris, "--paths", "--tabular"});
        QCOMPARE(usage.exitCode, 2);

        // An image op on tabular data is refused, naming the op.
        const QString bad = dir.filePath("bad.json");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"ops": [{"op": "gaussian_noise", "sigma": 0.01}, {"op": "rotate", "p": 0.5}]})");
        f.close();
        auto refusedOp = runProcess(LEPTON_CLI, {"augment", project, "--set", bad});
        QCOMPARE(refusedOp.exitCode, 1);
        QVERIFY2(refusedOp.err.contains("operation 2 (rotate): an image operation"), refusedOp.err.constData());

        auto stats = runProcess(LEPTON_CLI, {"augment", project, "--compute-normalization", "--json"});
        QVERIFY2(stats.exitCode == 0, stats.err.constData());
        const QJsonArray ops = outputJson(stats.out).value("pipeline").toObject().value("ops").toArray();
        QCOMPARE(ops.size(), 1);
        QCOMPARE(ops[0].toObject().value("op").toString(), QStringLiteral("normalize"));
        QCOMPARE(ops[0].toObject().value("mean").toArray().size(), 4);
        auto shown = runProcess(LEPTON_CLI, {"augment", project, "--show"});
        QCOMPARE(shown.exitCode, 0);
        QVERIFY2(shown.out.contains("normalize"), shown.out.constData());

        auto trained = runProcess(LEPTON_CLI, {"train", project, "--template", "mlp", "--epochs", "40", "--batch-size",
                                               "16", "--lr", "0.01", "--json"});
        QVERIFY2(trained.exitCode == 0, trained.err.constData());
        auto eval = runProcess(LEPTON_CLI, {"eval", project, "--model", "1", "--json"});
        QVERIFY2(eval.exitCode == 0, eval.err.constData());
        const double accuracy = outputJson(eval.out).value("accuracy").toDouble();
        QVERIFY2(accuracy >= 0.8, eval.out.constData());   // chance: 1/3
    }

    void imagePipelineAndPreview()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath("digits.lepton");
        QCOMPARE(runProcess(LEPTON_CLI, {"new", project}).exitCode, 0);
        auto imported = runProcess(LEPTON_CLI, {"import", project, "--digits-sheet",
                                                "/usr/share/doc/opencv-doc/examples/data/digits.png", "--json"});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        const QString pipeline = dir.filePath("pipeline.json");
        QFile f(pipeline);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"ops": [{"op": "rotate", "min_degrees": -20, "max_degrees": 20},
                           {"op": "cutout", "p": 0.5}]})");
        f.close();
        const QString png = dir.filePath("preview.png");
        auto preview = runProcess(LEPTON_CLI, {"augment", project, "--pipeline", pipeline, "--preview", png, "--count", "5"});
        QVERIFY2(preview.exitCode == 0, preview.err.constData());
        QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.width(), 6 * 60 + 5 * 2);   // original + 5 versions, 20 px cells scaled 3x, 2 px gaps
        // --preview with --pipeline only previews; --set stores.
        QVERIFY(!runProcess(LEPTON_CLI, {"augment", project, "--show"}).out.contains("rotate"));
        QCOMPARE(runProcess(LEPTON_CLI, {"augment", project, "--set", pipeline}).exitCode, 0);
        QVERIFY(runProcess(LEPTON_CLI, {"augment", project, "--show"}).out.contains("rotate"));
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(R"({"ops": [{"op": "blur", "kernel": 4}]})");
        f.close();
        auto bad = runProcess(LEPTON_CLI, {"augment", project, "--set", pipeline});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("operation 1 (blur): parameter 'kernel' = 4 must be odd"), bad.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestDataCli)
#include "tst_datacli.moc"
