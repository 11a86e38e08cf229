// End to end through the `lepton` CLI on the real digit sheet, plus its error paths.
// The exported model is also loaded by Debian's python3-torch, a consumer outside our code.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "processrun.h"

class TestCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;    // made by demoEndToEnd, reused by later cases
    QString m_version;

    using Run = lepton::Testing::ProcessRun;

    static Run lepton(const QStringList &args, int timeoutMs = 600000)
    {
        return lepton::Testing::runProcess(QStringLiteral(LEPTON_CLI), args, QProcessEnvironment::systemEnvironment(),
                                           timeoutMs);
    }

    static QJsonObject json(const Run &r)
    {
        QJsonParseError e{};
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &e);
        return doc.object();
    }

private Q_SLOTS:
    void demoEndToEnd()
    {
        const QString work = m_dir.filePath(QStringLiteral("demo"));
        const Run r = lepton({"demo", "--workdir", work, "--epochs", "3", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = json(r);
        QVERIFY2(!o.isEmpty(), r.out.constData());
        const QJsonObject ds = o.value("dataset").toObject();
        QCOMPARE(ds.value("samples").toInt(), 5000);
        QCOMPARE(ds.value("train").toInt(), 4000);
        QCOMPARE(ds.value("validation").toInt(), 500);
        QCOMPARE(ds.value("test").toInt(), 500);
        for (const QJsonValue &c : ds.value("class_counts").toArray())
            QCOMPARE(c.toInt(), 500);
        const QJsonArray epochs = o.value("training").toObject().value("epochs").toArray();
        QCOMPARE(epochs.size(), 3);
        QVERIFY(epochs[2].toObject().value("train_loss").toDouble() < epochs[0].toObject().value("train_loss").toDouble());
        const QJsonObject eval = o.value("evaluation").toObject();
        QCOMPARE(eval.value("samples").toInt(), 500);
        QVERIFY2(eval.value("accuracy").toDouble() > 0.9, qPrintable(QString::number(eval.value("accuracy").toDouble())));
        const QJsonObject ex = o.value("export").toObject();
        const QString modelPath = ex.value("path").toString();
        QVERIFY(QFile::exists(modelPath));
        QVERIFY(ex.value("verification").toObject().value("passed").toBool());
        QCOMPARE(ex.value("verification").toObject().value("exported_accuracy").toDouble(), eval.value("accuracy").toDouble());
        for (const char *stage : {"import", "train", "evaluate", "compress", "export"})
            QVERIFY(o.value("seconds").toObject().contains(QLatin1String(stage)));
        // compress: the trained version quantized to int8, measured before and after, exported and verified
        const QJsonObject c = o.value("compression").toObject();
        QVERIFY2(!c.contains("error"), qPrintable(c.value("error").toString()));
        QCOMPARE(c.value("before").toObject().value("model_version").toInt(),
                 o.value("training").toObject().value("model_version_id").toInt());
        QVERIFY(c.value("after").toObject().value("precision").toString().startsWith(QLatin1String("int8")));
        QCOMPARE(c.value("before").toObject().value("accuracy").toDouble(), eval.value("accuracy").toDouble());
        QVERIFY(c.value("after").toObject().value("weight_bytes").toDouble()
                < 0.3 * c.value("before").toObject().value("weight_bytes").toDouble());
        const QJsonObject int8 = o.value("export_int8").toObject();
        QVERIFY(QFile::exists(int8.value("path").toString()));
        QVERIFY(int8.value("verification").toObject().value("passed").toBool());
        QCOMPARE(int8.value("verification").toObject().value("exported_accuracy").toDouble(),
                 c.value("after").toObject().value("accuracy").toDouble());

        // The building blocks agree with the demo: eval of the same model version on the same split.
        const QString project = o.value("project").toString();
        const QString version = QString::number(o.value("training").toObject().value("model_version_id").toInt());
        m_project = project;
        m_version = version;
        const Run ev = lepton({"eval", project, "--model", version, "--json"});
        QVERIFY2(ev.exitCode == 0, ev.err.constData());
        const QJsonObject evj = json(ev);
        QCOMPARE(evj.value("accuracy").toDouble(), eval.value("accuracy").toDouble());
        // Score-based metrics come with the evaluation: a trained digit model ranks well.
        const QJsonObject scores = evj.value("scores").toObject();
        QVERIFY2(!scores.isEmpty(), ev.out.constData());
        QVERIFY(scores.value("roc_auc_micro").toDouble() > 0.95);
        QVERIFY(!scores.contains("roc_curves"));   // curves only with --curves
        QVERIFY(scores.value("log_loss").toDouble() > 0);

        // Python (Debian's python3-torch) loads the file and reproduces the stored accuracy.
        const QString python = QStringLiteral("/usr/bin/python3");
        QVERIFY2(QFile::exists(python), "install python3-torch (the README's test command does)");
        const QString script = QStringLiteral(
            "import json, sys, torch\n"
            "m = torch.jit.load(sys.argv[1]); m.eval()\n"
            "files = {'preprocess.json': ''}\n"
            "torch.jit.load(sys.argv[1], _extra_files=files)\n"
            "pre = json.loads(files['preprocess.json'])\n"
            "x = torch.rand(4, 1, 20, 20, generator=torch.Generator().manual_seed(0))\n"
            "y = m(x)\n"
            "print(json.dumps({'shape': list(y.shape), 'labels': pre['labels'], 'sum': float(y.sum())}))\n");
        QProcess py;
        py.start(python, {"-c", script, modelPath});
        QVERIFY(py.waitForFinished(120000));
        QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
        const QJsonObject pyOut = QJsonDocument::fromJson(py.readAllStandardOutput()).object();
        QCOMPARE(pyOut.value("shape").toArray(), QJsonArray({4, 10}));
        QCOMPARE(pyOut.value("labels").toArray().size(), 10);
    }

    void packageRoundTrip()
    {
        QVERIFY(!m_project.isEmpty());
        const QString folder = m_dir.filePath(QStringLiteral("pkg"));
        Run r = lepton({"export", m_project, "--model", m_version, "--target", "package", "--out", folder, "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = json(r);
        const QStringList files = o.value("files").toVariant().toStringList();
        for (const char *f : {"model.pt", "model.onnx", "labels.json", "preprocess.json", "manifest.json", "verification.json",
                              "README.md", "samples/expected.json"})
            QVERIFY2(files.contains(QLatin1String(f)), f);
        QVERIFY(QFile::exists(folder + ".tar.gz"));
        QVERIFY(o.value("passed").toBool());
        const QJsonArray verified = o.value("verified").toArray();
        QCOMPARE(verified.size(), 2);   // model.pt and model.onnx, each checked by its runtime
        for (const QJsonValue &v : verified)
            QVERIFY(v.toObject().value("verification").toObject().value("passed").toBool());

        // Every sample in the package is predicted, from the archive, as the package says it must be.
        QFile ef(folder + "/samples/expected.json");
        QVERIFY(ef.open(QIODevice::ReadOnly));
        const QJsonArray expected = QJsonDocument::fromJson(ef.readAll()).object().value("samples").toArray();
        QCOMPARE(expected.size(), 10);   // one per digit
        QStringList args{"predict", folder + ".tar.gz"};
        for (const QJsonValue &e : expected)
            args << folder + "/" + e.toObject().value("file").toString();
        args << "--json";
        r = lepton(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray predictions = json(r).value("predictions").toArray();
        QCOMPARE(predictions.size(), expected.size());
        int correct = 0;
        for (int i = 0; i < expected.size(); ++i) {
            QCOMPARE(predictions[i].toObject().value("label").toString(),
                     expected[i].toObject().value("predicted_label").toString());
            correct += expected[i].toObject().value("true_label") == expected[i].toObject().value("predicted_label");
        }
        QVERIFY(correct >= 8);

        // A tampered package is refused with a message naming the file.
        QFile model(folder + "/model.pt");
        QVERIFY(model.open(QIODevice::Append));
        model.write("x");
        model.close();
        r = lepton({"predict", folder, folder + "/samples/sample_0.png"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("'model.pt' does not match its SHA-256"), r.err.constData());
        // A corrupt image is named.
        const QString bad = m_dir.filePath(QStringLiteral("bad.png"));
        QFile bf(bad);
        QVERIFY(bf.open(QIODevice::WriteOnly));
        bf.write("not a png");
        bf.close();
        r = lepton({"predict", folder + ".tar.gz", bad});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad.png"), r.err.constData());
        // A truncated archive is refused.
        QFile::copy(folder + ".tar.gz", m_dir.filePath("cut.tar.gz"));
        QFile cut(m_dir.filePath("cut.tar.gz"));
        QVERIFY(cut.resize(cut.size() / 2));
        r = lepton({"predict", m_dir.filePath("cut.tar.gz"), bad});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("cut.tar.gz"), r.err.constData());
    }

    void buildingBlocks()
    {
        const QString project = m_dir.filePath(QStringLiteral("blocks.lepton"));
        Run r = lepton({"new", project, "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = lepton({"import", project, "--digits", "/usr/share/doc/opencv-doc/examples/data/digits.png", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r).value("samples").toInt(), 5000);
        r = lepton({"train", project, "--epochs", "1", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const int version = json(r).value("model_version_id").toInt();
        QVERIFY(version > 0);
        auto verification = [](const Run &run) {
            return json(run).value("verified").toArray().first().toObject().value("verification").toObject();
        };
        r = lepton({"export", project, "--model", QString::number(version), "--out", m_dir.filePath("b/model.pt"), "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(json(r).value("passed").toBool());
        QVERIFY(verification(r).value("passed").toBool());
        r = lepton({"export", project, "--model", QString::number(version), "--target", "onnx", "--option", "opset=11",
                    "--out", m_dir.filePath("b/model.onnx"), "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(verification(r).value("passed").toBool());
        QVERIFY(verification(r).value("max_abs_diff").toDouble() < 1e-4);
        QCOMPARE(verification(r).value("tolerance_abs").toDouble(), 1e-4);
        r = lepton({"export", project, "--model", QString::number(version), "--target", "onnx", "--opset", "7",
                    "--out", m_dir.filePath("b/old.onnx")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("option 'opset': 7 is outside 11..17"), r.err.constData());
        r = lepton({"export", project, "--model", QString::number(version), "--target", "onnx", "--option", "speed=9",
                    "--out", m_dir.filePath("b/old.onnx")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("has no option 'speed'"), r.err.constData());
        QVERIFY(!QFile::exists(m_dir.filePath("b/old.onnx")));
        r = lepton({"info", project, "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject info = json(r);
        QCOMPARE(info.value("datasets").toArray().size(), 1);
        QCOMPARE(info.value("runs").toArray().size(), 1);
        QCOMPARE(info.value("model_versions").toArray().size(), 1);
        QCOMPARE(info.value("exports").toArray().size(), 2);

        // OpenCV's float arithmetic differs from LibTorch's by ~1e-6: with a zero tolerance the ONNX
        // export must fail, exit 1, leave no file, and keep its report as a failed export record.
        const QString strict = m_dir.filePath("b/strict.onnx");
        r = lepton({"export", project, "--model", QString::number(version), "--target", "onnx", "--tolerance", "0",
                    "--out", strict, "--json"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("failed verification") && r.err.contains("allowed 0"), r.err.constData());
        QVERIFY(!QFile::exists(strict));
        QVERIFY(!QFile::exists(strict + ".partial"));
        const QJsonObject failed = json(r);
        QVERIFY(!failed.value("passed").toBool());
        QCOMPARE(failed.value("path").toString(), QString());
        const QJsonObject report = failed.value("verified").toArray().first().toObject();
        QVERIFY(report.value("export_id").toInt() > 0);
        QVERIFY(report.value("verification").toObject().value("max_abs_diff").toDouble() > 0);
        r = lepton({"info", project, "--json"});
        const QJsonArray exports = json(r).value("exports").toArray();
        QCOMPARE(exports.size(), 3);
        QCOMPARE(exports.last().toObject().value("passed").toBool(true), false);
        QCOMPARE(exports.last().toObject().value("sha256").toString(), QString());
        // TorchScript reproduces LibTorch exactly: even a zero tolerance passes.
        r = lepton({"export", project, "--model", QString::number(version), "--tolerance", "0", "--out",
                    m_dir.filePath("b/exact.pt")});
        QVERIFY2(r.exitCode == 0, r.err.constData());

        // Any registry template, sized for the dataset (1x20x20, 10 classes), trains from the CLI.
        r = lepton({"train", project, "--template", "lenet", "--epochs", "1", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(json(r).value("model_version_id").toInt() > version);
        r = lepton({"info", project, "--json"});
        QCOMPARE(json(r).value("architectures").toArray().last().toObject().value("name").toString(), QString("LeNet"));
        r = lepton({"train", project, "--template", "alexnet"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("unknown template 'alexnet' (known: small-cnn, mlp, lenet"), r.err.constData());

        r = lepton({"export", "--list-targets", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QStringList ids;
        for (const QJsonValue &t : json(r).value("targets").toArray())
            ids << t.toObject().value("id").toString();
        QCOMPARE(ids.mid(0, 3), QStringList({"torchscript", "onnx", "package"}));   // built in, then plugins
        QVERIFY(ids.contains("cpp-opencv"));   // the example plugin in this build tree
    }

    void helpForEveryCommand()
    {
        for (const char *cmd : {"demo", "new", "import", "train", "eval", "export", "info", "predict"}) {
            const Run r = lepton({QLatin1String(cmd), "--help"});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.contains("Usage:"), cmd);
        }
    }

    void errorsGoToStderrWithExitCodes()
    {
        Run r = lepton({"frobnicate"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown command"));
        r = lepton({"demo"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--workdir is required"));
        r = lepton({"train", m_dir.filePath("x.lepton"), "--epochs", "zero"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--epochs"));

        const QString broken = m_dir.filePath(QStringLiteral("broken.lepton"));
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("garbage").repeated(100));
        f.close();
        r = lepton({"info", broken});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("not a Lepton project"), r.err.constData());
        QVERIFY(r.out.isEmpty());
        r = lepton({"eval", broken, "--model", "1"});
        QCOMPARE(r.exitCode, 1);
        r = lepton({"import", m_dir.filePath("missing.lepton"), "--digits", "/nonexistent.png"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no such file"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
