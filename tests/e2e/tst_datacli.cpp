// lepton import --csv (scikit-learn's iris from python3-sklearn: refused without --skip-rows,
// imported with it), lepton augment (normalization from the training split, a pipeline file, bad
// files named, preview PNG), and lepton train on the tabular dataset with the MLP template.
#include "processrun.h"

#include <QDir>
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
const QString kBoston = QStringLiteral("/usr/lib/python3/dist-packages/sklearn/datasets/data/boston_house_prices.csv");

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

    // lepton dataset on iris: --list, --stats with known counts, rename, merge, relabel and exclude
    // with their effect in --stats, refusals with exit codes, and --copy once a run uses the dataset.
    void datasetListStatsAndLabelEdits()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath("labels.lepton");
        QCOMPARE(runProcess(LEPTON_CLI, {"new", project}).exitCode, 0);
        auto imported = runProcess(LEPTON_CLI, {"import", project, "--csv", kIris, "--skip-rows", "1"});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());

        auto list = runProcess(LEPTON_CLI, {"dataset", project, "--list", "--json"});
        QVERIFY2(list.exitCode == 0, list.err.constData());
        const QJsonArray datasets = outputJson(list.out).value("datasets").toArray();
        QCOMPARE(datasets.size(), 1);
        QCOMPARE(datasets[0].toObject().value("samples").toInt(), 150);
        QCOMPARE(datasets[0].toObject().value("classes").toArray().size(), 3);

        // The stratified split of 50 per class: 40 train, 5 validation, 5 test each.
        const auto classes = [&]() {
            auto stats = runProcess(LEPTON_CLI, {"dataset", project, "--stats", "--json"});
            return outputJson(stats.out).value("classes").toArray();
        };
        QJsonArray c = classes();
        QCOMPARE(c.size(), 3);
        for (const QJsonValue &v : c) {
            QCOMPARE(v.toObject().value("samples").toInt(), 50);
            QCOMPARE(v.toObject().value("train").toInt(), 40);
            QCOMPARE(v.toObject().value("validation").toInt(), 5);
        }
        auto text = runProcess(LEPTON_CLI, {"dataset", project, "--stats"});
        QVERIFY2(text.out.contains("versicolor") && text.out.contains("150 samples"), text.out.constData());

        auto renamed = runProcess(LEPTON_CLI, {"dataset", project, "--rename-class", "virginica=Virginica"});
        QVERIFY2(renamed.exitCode == 0, renamed.err.constData());
        QCOMPARE(classes()[2].toObject().value("name").toString(), QStringLiteral("Virginica"));
        auto clash = runProcess(LEPTON_CLI, {"dataset", project, "--rename-class", "setosa=versicolor"});
        QCOMPARE(clash.exitCode, 1);
        QVERIFY2(clash.err.contains("already has a class 'versicolor'"), clash.err.constData());
        QCOMPARE(runProcess(LEPTON_CLI, {"dataset", project, "--rename-class", "setosa"}).exitCode, 2);
        auto unknown = runProcess(LEPTON_CLI, {"dataset", project, "--merge-class", "rose=setosa"});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains("no class 'rose'"), unknown.err.constData());

        // Two samples of setosa (ids from --samples) to versicolor, one excluded.
        auto setosa = runProcess(LEPTON_CLI, {"dataset", project, "--samples", "setosa", "--json"});
        const QJsonArray ids = outputJson(setosa.out).value("samples").toArray();
        QCOMPARE(ids.size(), 50);
        const QString a = QString::number(ids[0].toObject().value("id").toInteger());
        const QString b = QString::number(ids[1].toObject().value("id").toInteger());
        const QString e = QString::number(ids[2].toObject().value("id").toInteger());
        auto relabel = runProcess(LEPTON_CLI, {"dataset", project, "--relabel", a + "," + b + "=versicolor"});
        QVERIFY2(relabel.exitCode == 0, relabel.err.constData());
        auto excluded = runProcess(LEPTON_CLI, {"dataset", project, "--exclude", e, "--json"});
        QVERIFY2(excluded.exitCode == 0, excluded.err.constData());
        QCOMPARE(outputJson(excluded.out).value("dataset").toObject().value("samples").toInt(), 149);
        c = classes();
        QCOMPARE(c[0].toObject().value("samples").toInt(), 47);
        QCOMPARE(c[1].toObject().value("samples").toInt(), 52);
        QCOMPARE(runProcess(LEPTON_CLI, {"dataset", project, "--exclude", "x1"}).exitCode, 2);

        // versicolor into Virginica: two classes of 47 and 102.
        auto merged = runProcess(LEPTON_CLI, {"dataset", project, "--merge-class", "versicolor=Virginica", "--json"});
        QVERIFY2(merged.exitCode == 0, merged.err.constData());
        QCOMPARE(outputJson(merged.out).value("moved_samples").toInt(), 52);
        c = classes();
        QCOMPARE(c.size(), 2);
        QCOMPARE(c[1].toObject().value("name").toString(), QStringLiteral("Virginica"));
        QCOMPARE(c[1].toObject().value("samples").toInt(), 102);

        // Once a run used the dataset, its samples stay as trained on: edits are refused, a copy is edited.
        auto trained = runProcess(LEPTON_CLI, {"train", project, "--template", "mlp", "--epochs", "1"});
        QVERIFY2(trained.exitCode == 0, trained.err.constData());
        auto refused = runProcess(LEPTON_CLI, {"dataset", project, "--exclude", a});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("used by 1 training run(s)"), refused.err.constData());
        auto copy = runProcess(LEPTON_CLI, {"dataset", project, "--copy", "iris v2", "--json"});
        QVERIFY2(copy.exitCode == 0, copy.err.constData());
        const QString copyId = QString::number(outputJson(copy.out).value("copy_id").toInteger());
        QCOMPARE(runProcess(LEPTON_CLI, {"dataset", project, "--stats"}).exitCode, 1);   // two datasets: which?
        auto copyStats = runProcess(LEPTON_CLI, {"dataset", project, "--dataset", copyId, "--stats", "--json"});
        QCOMPARE(outputJson(copyStats.out).value("samples").toInt(), 149);
        auto copySamples = runProcess(LEPTON_CLI, {"dataset", project, "--dataset", copyId, "--samples", "0", "--json"});
        const QString first = QString::number(
            outputJson(copySamples.out).value("samples").toArray()[0].toObject().value("id").toInteger());
        auto edited = runProcess(LEPTON_CLI, {"dataset", project, "--dataset", copyId, "--exclude", first});
        QVERIFY2(edited.exitCode == 0, edited.err.constData());
    }

    // Regression from the CLI: scikit-learn's Boston house prices (506 rows, 13 features, target
    // MEDV) imported with --regression, standardized, an MLP trained with the MSE loss, evaluated
    // with MAE/RMSE/R², the per-sample CSV and the HTML report written from the same predictions.
    // lepton import --folder, then the same folder again: incremental (nothing read when nothing
    // changed; a new and a deleted file reported, --dry-run changes nothing, --drop-missing removes);
    // --new imports a separate dataset; lepton dataset --resplit.
    void folderImportIsIncrementalAndResplit()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath("images.lepton");
        const QString folder = dir.filePath("images");
        for (int i = 0; i < 5; ++i)
            for (const char *c : {"a", "b"}) {
                QDir().mkpath(QStringLiteral("%1/%2").arg(folder, QLatin1String(c)));
                QImage image(10, 10, QImage::Format_Grayscale8);
                image.fill(i * 40 + (c[0] == 'a' ? 0 : 7));
                QVERIFY(image.save(QStringLiteral("%1/%2/%2%3.png").arg(folder, QLatin1String(c)).arg(i)));
            }
        QCOMPARE(runProcess(LEPTON_CLI, {"new", project}).exitCode, 0);
        auto first = runProcess(LEPTON_CLI, {"import", project, "--folder", folder, "--size", "8x8", "--json"});
        QVERIFY2(first.exitCode == 0, first.err.constData());
        QCOMPARE(outputJson(first.out).value("samples").toInt(), 10);

        auto again = runProcess(LEPTON_CLI, {"import", project, "--folder", folder, "--json"});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QJsonObject r = outputJson(again.out);
        QCOMPARE(r.value("dataset_id").toInt(), 1);
        QCOMPARE(r.value("unchanged").toInt(), 10);
        QCOMPARE(r.value("files_read").toInt(), 0);
        QVERIFY(r.value("applied").toBool());
        QCOMPARE(outputJson(runProcess(LEPTON_CLI, {"dataset", project, "--list", "--json"}).out).value("datasets").toArray().size(), 1);

        QImage extra(10, 10, QImage::Format_Grayscale8);
        extra.fill(255);
        QVERIFY(extra.save(folder + "/a/new.png"));
        QVERIFY(QFile::remove(folder + "/b/b0.png"));
        auto dry = runProcess(LEPTON_CLI, {"import", project, "--folder", folder, "--dry-run", "--json"});
        QVERIFY2(dry.exitCode == 0, dry.err.constData());
        r = outputJson(dry.out);
        QCOMPARE(r.value("added").toArray().size(), 1);
        QCOMPARE(r.value("missing").toArray().size(), 1);
        QCOMPARE(r.value("files_read").toInt(), 1);
        QVERIFY(!r.value("applied").toBool());
        auto drop = runProcess(LEPTON_CLI, {"import", project, "--folder", folder, "--drop-missing"});
        QVERIFY2(drop.exitCode == 0, drop.err.constData());
        QVERIFY2(drop.out.contains("new      ") && drop.out.contains("a/new.png") && drop.out.contains("b/b0.png")
                     && drop.out.contains("removed"),
                 drop.out.constData());
        auto stats = outputJson(runProcess(LEPTON_CLI, {"dataset", project, "--stats", "--json"}).out);
        QCOMPARE(stats.value("samples").toInt(), 10);   // 10 + 1 - 1

        auto otherSize = runProcess(LEPTON_CLI, {"import", project, "--folder", folder, "--size", "16x16"});
        QCOMPARE(otherSize.exitCode, 2);
        QVERIFY2(otherSize.err.contains("--new"), otherSize.err.constData());
        auto separate = runProcess(LEPTON_CLI, {"import", project, "--folder", folder, "--new", "--json"});
        QVERIFY2(separate.exitCode == 0, separate.err.constData());
        QCOMPARE(outputJson(separate.out).value("dataset_id").toInt(), 2);
        QCOMPARE(runProcess(LEPTON_CLI, {"import", project, "--csv", kIris, "--dry-run"}).exitCode, 2);

        auto resplit = runProcess(LEPTON_CLI, {"dataset", project, "--dataset", "1", "--resplit", "0.6,0.2", "--seed", "3", "--json"});
        QVERIFY2(resplit.exitCode == 0, resplit.err.constData());
        const QJsonObject after = outputJson(resplit.out).value("dataset").toObject();
        QCOMPARE(after.value("samples").toInt(), 10);
        QVERIFY2(outputJson(resplit.out).value("message").toString().contains("seed 3"), resplit.out.constData());
        auto badSplit = runProcess(LEPTON_CLI, {"dataset", project, "--dataset", "1", "--resplit", "0.9,0.3"});
        QCOMPARE(badSplit.exitCode, 1);
        QVERIFY2(badSplit.err.contains("invalid"), badSplit.err.constData());
    }

    void regressionImportTrainEvaluate()
    {
        QVERIFY2(QFile::exists(kBoston), "boston_house_prices.csv missing: install Debian's python3-sklearn");
        QTemporaryDir dir;
        const QString project = dir.filePath("boston.lepton");
        QCOMPARE(runProcess(LEPTON_CLI, {"new", project}).exitCode, 0);
        auto usage = runProcess(LEPTON_CLI, {"import", project, "--digits", "x.png", "--regression"});
        QCOMPARE(usage.exitCode, 2);
        auto imported = runProcess(LEPTON_CLI, {"import", project, "--csv", kBoston, "--skip-rows", "1", "--regression",
                                                "--json"});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        const QJsonObject info = outputJson(imported.out);
        QCOMPARE(info.value("samples").toInt(), 506);
        QCOMPARE(info.value("task").toString(), QStringLiteral("regression"));
        QCOMPARE(info.value("target").toString(), QStringLiteral("MEDV"));
        QVERIFY(info.value("classes").toArray().isEmpty());
        QCOMPARE(info.value("input").toArray().first().toInt(), 13);
        QCOMPARE(runProcess(LEPTON_CLI, {"augment", project, "--compute-normalization"}).exitCode, 0);

        auto refused = runProcess(LEPTON_CLI, {"train", project, "--template", "mlp", "--epochs", "1", "--monitor",
                                               "val_accuracy"});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("val_accuracy is a classification metric"), refused.err.constData());

        auto trained = runProcess(LEPTON_CLI, {"train", project, "--template", "mlp", "--epochs", "60", "--batch-size",
                                               "32", "--lr", "0.003", "--monitor", "val_r2", "--json"});
        QVERIFY2(trained.exitCode == 0, trained.err.constData());
        const QJsonObject run = outputJson(trained.out);
        const QJsonArray epochs = run.value("epochs").toArray();
        QCOMPARE(epochs.size(), 60);
        QVERIFY(epochs.last().toObject().contains("val_r2"));
        QVERIFY(!epochs.last().toObject().contains("val_accuracy"));
        const qint64 model = run.value("model_version_id").toInteger();

        const QString csv = dir.filePath("pred.csv"), html = dir.filePath("report.html");
        auto eval = runProcess(LEPTON_CLI, {"eval", project, "--model", QString::number(model), "--predictions", csv,
                                            "--report", html, "--json"});
        QVERIFY2(eval.exitCode == 0, eval.err.constData());
        const QJsonObject metrics = outputJson(eval.out);
        QCOMPARE(metrics.value("task").toString(), QStringLiteral("regression"));
        QCOMPARE(metrics.value("samples").toInt(), 50);
        // Predicting the mean gives R² 0. On this same split (seed 42; measured once with Debian's
        // scikit-learn 1.2) LinearRegression scores R² 0.769 and MLPRegressor(128, 64) on
        // standardized features 0.842: the MLP must at least learn the signal.
        const double r2 = metrics.value("r2").toDouble();
        QVERIFY2(r2 > 0.6, eval.out.constData());
        // The CSV holds the same predictions: its MAE is the reported one.
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.first(), QByteArray("sample,target,predicted,residual"));
        QCOMPARE(lines.size(), 51);
        double absSum = 0;
        for (int i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> fields = lines[i].split(',');
            QCOMPARE(fields.size(), 4);
            QVERIFY(qAbs(fields[2].toDouble() - fields[1].toDouble() - fields[3].toDouble()) < 1e-9);
            absSum += qAbs(fields[3].toDouble());
        }
        QVERIFY(qAbs(absSum / 50 - metrics.value("mae").toDouble()) < 1e-9);
        QFile report(html);
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QByteArray page = report.readAll();
        QVERIFY(page.contains("regression of &#39;MEDV&#39;") || page.contains("regression of 'MEDV'"));
        QVERIFY(page.contains("Largest errors") && page.contains("Predicted vs true"));
        // The project listing names the task and the evaluation's regression metrics.
        auto listed = runProcess(LEPTON_CLI, {"info", project, "--json"});
        const QJsonObject all = outputJson(listed.out);
        QCOMPARE(all.value("datasets").toArray().first().toObject().value("task").toString(), QStringLiteral("regression"));
        const QJsonObject evaluation = all.value("evaluations").toArray().first().toObject();
        QCOMPARE(evaluation.value("r2").toDouble(), r2);
        QVERIFY(!evaluation.contains("accuracy"));
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
