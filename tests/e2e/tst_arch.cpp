// `lepton arch` end to end: templates sized from the imported digit sheet, the summary table and
// totals, saving, JSON export and re-reading, an invalid graph and malformed JSON (exit 1 with the
// node's error), ONNX import, and a saved ResNet template training on the digits.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "processrun.h"

class TestArch : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;
    QString m_resnetVersion;   // trained by saveExportAndTrainResnet

    using Run = lepton::Testing::ProcessRun;

    static Run lepton(const QStringList &args, int timeoutMs = 900000)
    {
        return lepton::Testing::runProcess(QStringLiteral(LEPTON_CLI), args, QProcessEnvironment::systemEnvironment(),
                                           timeoutMs);
    }
    static QJsonObject json(const Run &r) { return QJsonDocument::fromJson(r.out).object(); }
    // `train --json` may print one JSON line per epoch before the result: the last line is the result.
    static QJsonObject lastJson(const Run &r)
    {
        const QJsonDocument whole = QJsonDocument::fromJson(r.out);
        if (whole.isObject())
            return whole.object();
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        return QJsonDocument::fromJson(lines.last()).object();
    }

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(bytes);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString digits = QStringLiteral("/usr/share/doc/opencv-doc/examples/data/digits.png");
        if (!QFile::exists(digits))
            QSKIP("opencv-doc's digits.png is not installed");
        m_project = m_dir.filePath(QStringLiteral("arch.lepton"));
        Run r = lepton({"new", m_project});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = lepton({"import", m_project, "--digits", digits});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void listsTemplates()
    {
        Run r = lepton({"arch", m_project, "--list-templates", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QStringList names;
        for (const QJsonValue &t : json(r).value("templates").toArray())
            names << t.toObject().value("name").toString();
        // The built-in templates first; plugins' templates (the in-tree se-block plugin) follow.
        QCOMPARE(names.mid(0, 6), QStringList({"small-cnn", "mlp", "lenet", "vgg", "resnet", "mobilenet"}));
        r = lepton({"arch", m_project, "--list-templates"});
        QVERIFY(r.out.contains("resnet"));
    }

    void templateSummaryFromDataset()
    {
        // The digit sheet is 1×20×20 with 10 classes; LeNet's counts are hand-computed in tst_templates.
        Run r = lepton({"arch", m_project, "--template", "lenet", "--summary", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = json(r);
        QCOMPARE(o.value("valid").toBool(), true);
        QCOMPARE(o.value("input_shape").toString(), QStringLiteral("1×20×20"));
        QCOMPARE(o.value("output_shape").toString(), QStringLiteral("10"));
        QCOMPARE(o.value("total_parameters").toInteger(), qint64(30986));
        QCOMPARE(o.value("total_macs").toInteger(), qint64(177576));
        QCOMPARE(o.value("size_bytes").toInteger(), qint64(4 * 30986));
        const QJsonArray layers = o.value("layers").toArray();
        QCOMPARE(layers.size(), 13);
        QCOMPARE(layers[1].toObject().value("id").toString(), QStringLiteral("conv1"));
        QCOMPARE(layers[1].toObject().value("parameters").toInt(), 156);
        QCOMPARE(layers[1].toObject().value("macs").toInt(), 60000);

        r = lepton({"arch", m_project, "--template", "mlp", "--input", "30", "--classes", "4", "--summary"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("logits"), r.out.constData());
        // fc1 30·128+128, bn1 256, fc2 128·64+64, logits 64·4+4
        QVERIFY2(r.out.contains("total: 12,740 parameters"), r.out.constData());
    }

    void invalidGraphExitsWithNodeError()
    {
        const QString path = write("bad.json", R"({"format": "lepton-graph", "version": 1, "name": "bad", "nodes": [
            {"id": "in", "type": "Input", "params": {"channels": 3, "height": 10, "width": 10}},
            {"id": "a", "type": "Conv2d", "params": {"out_channels": 32, "padding": 1}, "inputs": ["in"]},
            {"id": "b", "type": "Conv2d", "params": {"out_channels": 64, "padding": 1}, "inputs": ["in"]},
            {"id": "sum", "type": "Add", "inputs": ["a", "b"]},
            {"id": "gap", "type": "GlobalAvgPool", "inputs": ["sum"]},
            {"id": "fc", "type": "Linear", "inputs": ["gap"]}]})");
        Run r = lepton({"arch", m_project, "--file", path, "--summary", "--save"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("node 'sum' (Add): input shapes 32×10×10 and 64×10×10 differ"), r.err.constData());
        QVERIFY2(r.out.contains("! input shapes 32×10×10 and 64×10×10 differ"), r.out.constData());
        r = lepton({"arch", m_project, "--file", path, "--json"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(json(r).value("valid").toBool(), false);
        // nothing was saved
        r = lepton({"info", m_project, "--json"});
        QCOMPARE(json(r).value("architectures").toArray().size(), 0);

        const QString unknown = write("unknown.json", R"({"format": "lepton-graph", "version": 1, "nodes": [
            {"id": "in", "type": "Input", "params": {"features": 4}},
            {"id": "w", "type": "Wobble", "inputs": ["in"]}]})");
        r = lepton({"arch", m_project, "--file", unknown});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("node 'w' (Wobble): unknown layer type 'Wobble'"), r.err.constData());

        // LayerNorm normalizes a whole C×H×W map (a weight and a bias per element); eps must be > 0.
        const QString layerNorm = write("layernorm.json", R"({"format": "lepton-graph", "version": 1, "nodes": [
            {"id": "in", "type": "Input", "params": {"channels": 8, "height": 10, "width": 10}},
            {"id": "ln", "type": "LayerNorm", "inputs": ["in"]},
            {"id": "flat", "type": "Flatten", "inputs": ["ln"]},
            {"id": "fc", "type": "Linear", "params": {"out_features": 2}, "inputs": ["flat"]}]})");
        r = lepton({"arch", m_project, "--file", layerNorm, "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("\"total_parameters\": 3202"), r.out.constData());   // 2·800 + 800·2 + 2
        const QString badEps = write("layernorm_eps.json", R"({"format": "lepton-graph", "version": 1, "nodes": [
            {"id": "in", "type": "Input", "params": {"channels": 8, "height": 10, "width": 10}},
            {"id": "ln", "type": "LayerNorm", "params": {"eps": -1}, "inputs": ["in"]}]})");
        r = lepton({"arch", m_project, "--file", badEps});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("node 'ln' (LayerNorm): eps must be > 0, got -1"),
                 r.err.constData());
    }

    void malformedJson()
    {
        const QString path = write("broken.json", "{\n  \"format\": \"lepton-graph\",\n  \"nodes\": [\n");
        Run r = lepton({"arch", m_project, "--file", path});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("broken.json: architecture JSON:") && r.err.contains("line"), r.err.constData());
        r = lepton({"arch", m_project, "--file", m_dir.filePath("absent.json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("cannot read"));
        r = lepton({"arch", m_project, "--template", "resnet", "--input", "12"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("template 'resnet' needs an image input"), r.err.constData());
        r = lepton({"arch", m_project, "--template", "resnet", "--input", "1x20"});
        QCOMPARE(r.exitCode, 2);
        r = lepton({"arch", m_project, "--summary"});
        QCOMPARE(r.exitCode, 2);
        r = lepton({"arch", m_project, "--template", "resnet", "--file", "x.json"});
        QCOMPARE(r.exitCode, 2);
    }

    void saveExportAndTrainResnet()
    {
        Run r = lepton({"arch", m_project, "--template", "resnet", "--save", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject saved = json(r);
        const qint64 id = saved.value("architecture_id").toInteger();
        QVERIFY(id > 0);
        QCOMPARE(saved.value("architecture_version").toInt(), 1);
        r = lepton({"arch", m_project, "--template", "resnet", "--save", "--json"});
        QCOMPARE(json(r).value("architecture_version").toInt(), 2);   // same name: a new version

        const QString out = m_dir.filePath("resnet.json");
        r = lepton({"arch", m_project, "--export-json", out, "--architecture", QString::number(id)});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = lepton({"arch", m_project, "--file", out, "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r).value("total_parameters"), saved.value("total_parameters"));
        QCOMPARE(json(r).value("name").toString(), QStringLiteral("Small ResNet"));
        r = lepton({"arch", m_project, "--export-json", out, "--architecture", "999"});
        QCOMPARE(r.exitCode, 1);

        // The residual network trains on the digits (one epoch) through the ordinary train command.
        r = lepton({"train", m_project, "--architecture", QString::number(id), "--epochs", "1", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject trained = lastJson(r);
        m_resnetVersion = QString::number(trained.value("model_version_id").toInteger());
        const QJsonArray epochs = trained.value("epochs").toArray();
        QCOMPARE(epochs.size(), 1);
        const double valAcc = epochs[0].toObject().value("val_accuracy").toDouble();
        QVERIFY2(valAcc > 0.5, qPrintable(QString::number(valAcc)));   // chance is 0.1
    }

    void importsOnnx()
    {
        const QString model = QStringLiteral(LEPTON_SOURCE_DIR "/tests/fixtures/onnx_import_small.onnx");
        Run r = lepton({"arch", m_project, "--import-onnx", model, "--save", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = json(r);
        QCOMPARE(o.value("valid").toBool(), true);
        QCOMPARE(o.value("input_shape").toString(), QStringLiteral("1×12×12"));
        QVERIFY(o.value("architecture_id").toInteger() > 0);
        QVERIFY(o.value("notes").toArray().first().toString().contains("Softmax"));
        QVERIFY(!o.contains("model_version_id"));   // no dataset is 1×12×12 with 5 classes

        // Our own ONNX export of the trained ResNet, imported back with its weights, is a model version
        // that evaluates exactly like the original.
        QVERIFY(!m_resnetVersion.isEmpty());
        const QString onnxPath = m_dir.filePath("resnet.onnx");
        r = lepton({"export", m_project, "--model", m_resnetVersion, "--target", "onnx", "--out", onnxPath});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = lepton({"arch", m_project, "--import-onnx", onnxPath, "--save", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString imported = QString::number(json(r).value("model_version_id").toInteger());
        QVERIFY(imported != "0");
        r = lepton({"eval", m_project, "--model", m_resnetVersion, "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const double original = json(r).value("accuracy").toDouble();
        r = lepton({"eval", m_project, "--model", imported, "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r).value("accuracy").toDouble(), original);

        r = lepton({"arch", m_project, "--import-onnx",
                    QStringLiteral(LEPTON_SOURCE_DIR "/tests/fixtures/onnx_import_unsupported.onnx")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("node 'act1' (Elu): operator Elu is not supported"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestArch)
#include "tst_arch.moc"
