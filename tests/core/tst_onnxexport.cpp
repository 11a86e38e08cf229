// ONNX export: the written file, run by OpenCV DNN, gives the live model's outputs for every
// layer type; Debian's ONNX checker accepts it.
#include "deploy/onnxexport.h"
#include "graph/modelgraph.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"
#include "trainedproject.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;

namespace {

// Every layer type: Conv2d with and without bias, BatchNorm2d, a three-way residual Add, ReLU,
// Sigmoid, Tanh, padded MaxPool2d and AvgPool2d (count_include_pad matters), GlobalAvgPool,
// Flatten, Linear with and without bias, and Dropout as the output node.
ModelGraph allLayersGraph()
{
    ModelGraph g;
    g.name = QStringLiteral("All layers");
    auto add = [&](const QString &id, const QString &type, QJsonObject params, QStringList inputs) {
        g.nodes.append(GraphNode{id, type, params, inputs});
    };
    add("input", "Input", {{"channels", 1}, {"height", 20}, {"width", 20}}, {});
    add("c1", "Conv2d", {{"out_channels", 8}, {"kernel_size", 3}, {"padding", 1}, {"bias", false}}, {"input"});
    add("b1", "BatchNorm2d", {}, {"c1"});
    add("r1", "ReLU", {}, {"b1"});
    add("c2", "Conv2d", {{"out_channels", 8}, {"kernel_size", 3}, {"padding", 1}, {"bias", false}}, {"r1"});
    add("b2", "BatchNorm2d", {}, {"c2"});
    add("s2", "Sigmoid", {}, {"b2"});
    add("c3", "Conv2d", {{"out_channels", 8}, {"kernel_size", 3}, {"padding", 1}}, {"r1"});
    add("t3", "Tanh", {}, {"c3"});
    add("sum", "Add", {}, {"r1", "s2", "t3"});
    add("mp", "MaxPool2d", {{"kernel_size", 3}, {"stride", 2}, {"padding", 1}}, {"sum"});
    add("ap", "AvgPool2d", {{"kernel_size", 3}, {"stride", 1}, {"padding", 1}}, {"mp"});
    add("gap", "GlobalAvgPool", {}, {"ap"});
    add("gfc", "Linear", {{"out_features", 10}, {"bias", false}}, {"gap"});
    add("flat", "Flatten", {}, {"ap"});
    add("ffc", "Linear", {{"out_features", 10}}, {"flat"});
    add("join", "Add", {}, {"gfc", "ffc"});
    add("drop", "Dropout", {{"p", 0.2}}, {"join"});
    return g;
}

double maxAbsDiff(const QVector<float> &a, const QVector<float> &b)
{
    double m = 0;
    for (int i = 0; i < a.size(); ++i)
        m = qMax(m, double(qAbs(a[i] - b[i])));
    return m;
}

} // namespace

class TestOnnxExport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    DemoProject m_project;
    qint64 m_cnnVersion = 0;
    qint64 m_allLayersVersion = 0;

    // Debian's python3-onnx checker on the written file.
    void checkWithPythonOnnx(const QString &path)
    {
        QProcess p;
        p.start(QStringLiteral("/usr/bin/python3"),
                {QStringLiteral("-c"),
                 QStringLiteral("import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]))"), path});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                 qPrintable(QString::fromLocal8Bit(p.readAllStandardError())));
    }

    // Random images, batch 7: the file and the live model agree on inputs the exporter never saw.
    void compareOnRandomInputs(qint64 version, const QString &onnxPath)
    {
        QVector<float> input(7 * 20 * 20);
        QRandomGenerator rng(7);
        for (float &v : input)
            v = float(rng.generateDouble());
        auto live = runModelVersion(m_project.projectPath, version, input, {7, 1, 20, 20});
        auto file = runOnnx(onnxPath, input, {7, 1, 20, 20});
        QVERIFY2(live.ok(), qPrintable(live.error()));
        QVERIFY2(file.ok(), qPrintable(file.error()));
        QCOMPARE(live->size(), 70);
        QCOMPARE(file->size(), 70);
        const double diff = maxAbsDiff(live.value(), file.value());
        qInfo("random batch of 7: max |diff| %g", diff);
        QVERIFY2(diff <= 1e-4, qPrintable(QString::number(diff)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        auto trained = Testing::makeTrainedDemoProject(m_dir.filePath(QStringLiteral("onnx.lepton")));
        QVERIFY2(trained.ok(), qPrintable(trained.error()));
        m_project = trained->project;
        m_cnnVersion = trained->modelVersionId;

        const ModelGraph graph = allLayersGraph();
        QVERIFY2(analyzeGraph(graph).valid(), qPrintable(analyzeGraph(graph).errors.join(QLatin1String("; "))));
        auto store = ProjectStore::open(m_project.projectPath);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        auto archId = store.value()->addArchitecture(graph.name, QString::fromUtf8(graph.toJson()));
        QVERIFY2(archId.ok(), qPrintable(archId.error()));
        TrainConfig config;
        config.epochs = 1;
        auto trainedAll = trainModel(m_project.projectPath, m_project.datasetId, archId.value(), config);
        QVERIFY2(trainedAll.ok(), qPrintable(trainedAll.error()));
        m_allLayersVersion = trainedAll->modelVersionId;
    }

    void smallCnnExportsAndVerifies()
    {
        const QString out = m_dir.filePath(QStringLiteral("out/model.onnx"));
        QVector<qint64> progress;
        auto exported = exportOnnx(m_project.projectPath, m_cnnVersion, out, OnnxDefaultOpset,
                                   [&](qint64 done, qint64, const QString &) { progress.append(done); });
        QVERIFY2(exported.ok(), qPrintable(exported.error()));
        const ExportVerification &v = exported->verification;
        qInfo("small CNN, opset 13: %lld samples, max |diff| %g, mean |diff| %g, top-1 agreement %g, accuracy %g",
              v.samples, v.maxAbsDiff, v.meanAbsDiff, v.top1Agreement, v.exportedAccuracy);
        QVERIFY(QFile::exists(out));
        QVERIFY(!QFile::exists(out + QStringLiteral(".partial")));
        QCOMPARE(v.samples, 500);
        QVERIFY(v.passed);
        QCOMPARE(v.top1Agreement, 1.0);
        QVERIFY(v.maxAbsDiff <= 1e-4);
        QVERIFY(v.exportedAccuracy > 0.5);
        QCOMPARE(exported->sha256.size(), 64);
        QVERIFY(exported->bytes > 0);
        QVERIFY(!progress.isEmpty());

        compareOnRandomInputs(m_cnnVersion, out);
        checkWithPythonOnnx(out);

        auto store = ProjectStore::open(m_project.projectPath);
        auto exports = store.value()->exports();
        QVERIFY2(exports.ok(), qPrintable(exports.error()));
        QCOMPARE(exports->last().format, QStringLiteral("onnx"));
        QCOMPARE(exports->last().sha256, exported->sha256);
        const QJsonObject report = QJsonDocument::fromJson(exports->last().verificationJson.toUtf8()).object();
        QCOMPARE(report.value(QStringLiteral("passed")).toBool(), true);
        QCOMPARE(report.value(QStringLiteral("opset")).toInt(), 13);
    }

    void everyLayerTypeExportsAndVerifies_data()
    {
        QTest::addColumn<int>("opset");
        QTest::newRow("opset 13") << 13;
        QTest::newRow("opset 11") << 11;
    }

    void everyLayerTypeExportsAndVerifies()
    {
        QFETCH(int, opset);
        const QString out = m_dir.filePath(QStringLiteral("all-%1.onnx").arg(opset));
        auto exported = exportOnnx(m_project.projectPath, m_allLayersVersion, out, opset);
        QVERIFY2(exported.ok(), qPrintable(exported.error()));
        const ExportVerification &v = exported->verification;
        qInfo("all layers, opset %d: %lld samples, max |diff| %g, mean |diff| %g, top-1 agreement %g", opset,
              v.samples, v.maxAbsDiff, v.meanAbsDiff, v.top1Agreement);
        QVERIFY(v.passed);
        QCOMPARE(v.top1Agreement, 1.0);
        compareOnRandomInputs(m_allLayersVersion, out);
        checkWithPythonOnnx(out);
    }

    void smallCnnAtOpset11()
    {
        const QString out = m_dir.filePath(QStringLiteral("cnn-11.onnx"));
        auto exported = exportOnnx(m_project.projectPath, m_cnnVersion, out, 11);
        QVERIFY2(exported.ok(), qPrintable(exported.error()));
        QVERIFY(exported->verification.passed);
        checkWithPythonOnnx(out);
    }

    void badRequests()
    {
        auto missing = exportOnnx(m_project.projectPath, 999, m_dir.filePath(QStringLiteral("x.onnx")));
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().contains(QStringLiteral("999")), qPrintable(missing.error()));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("x.onnx"))));

        auto badOpset = exportOnnx(m_project.projectPath, m_cnnVersion, m_dir.filePath(QStringLiteral("y.onnx")), 9);
        QVERIFY(!badOpset.ok());
        QVERIFY2(badOpset.error().contains(QStringLiteral("opset 9")), qPrintable(badOpset.error()));

        auto notAModel = runOnnx(m_project.projectPath, QVector<float>(400), {1, 1, 20, 20});
        QVERIFY(!notAModel.ok());
        auto wrongShape = runOnnx(m_dir.filePath(QStringLiteral("out/model.onnx")), QVector<float>(10), {1, 1, 20, 20});
        QVERIFY(!wrongShape.ok());
        QVERIFY(wrongShape.error().contains(QStringLiteral("shape needs 400")));
    }
};

QTEST_GUILESS_MAIN(TestOnnxExport)
#include "tst_onnxexport.moc"
