// ONNX import: a model written by python3-torch's torch.onnx.export (fixture + generator script)
// gives torch's outputs; every template exported by our writer comes back as the same graph with the
// same outputs; unsupported operators and broken files fail with a message naming them.
#include "deploy/internal/onnxmodel.h"
#include "graph/internal/graphmodule.h"
#include "graph/onnximport.h"
#include "graph/templates.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;
using namespace lepton::Internal;

namespace {

QString fixture(const char *name) { return QStringLiteral(LEPTON_SOURCE_DIR "/tests/fixtures/") + QLatin1String(name); }

torch::Tensor tensorOf(const QJsonArray &values, const std::vector<int64_t> &shape)
{
    std::vector<float> v;
    for (const QJsonValue &x : values)
        v.push_back(float(x.toDouble()));
    return torch::tensor(v).reshape(shape);
}

std::shared_ptr<GraphModuleImpl> moduleWithWeights(const OnnxImport &imported)
{
    auto m = GraphModuleImpl::build(imported.graph);
    if (!m || !m.value()->loadWeights(imported.weights))
        return nullptr;
    m.value()->eval();
    return m.value();
}

QStringList types(const ModelGraph &g, bool withoutDropout)
{
    QStringList out;
    for (const GraphNode &n : g.nodes)
        if (!(withoutDropout && n.type == QLatin1String("Dropout")))
            out << n.type;
    return out;
}

} // namespace

class TestOnnxImport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::manual_seed(11); }

    void torchExportedModelGivesTorchOutputs()
    {
        QFile f(fixture("onnx_import_small.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject ref = QJsonDocument::fromJson(f.readAll()).object();
        auto imported = importOnnxModel(fixture("onnx_import_small.onnx"));
        QVERIFY2(imported.ok(), qPrintable(imported.error()));
        const GraphAnalysis a = analyzeGraph(imported->graph);
        QVERIFY2(a.valid(), qPrintable(a.errors.join('\n')));
        QCOMPARE(a.inputShape.toString(), QStringLiteral("1×12×12"));
        QCOMPARE(a.outputShape.toString(), QStringLiteral("5"));
        QCOMPARE(imported->notes.size(), 1);
        QVERIFY(imported->notes.first().startsWith(QStringLiteral("dropped the final Softmax")));
        QCOMPARE(types(imported->graph, false),
                 QStringList({"Input", "Conv2d", "ReLU", "DepthwiseConv2d", "Sigmoid", "Conv2d", "Add", "MaxPool2d",
                              "Conv2d", "Tanh", "Concat", "AvgPool2d", "GlobalAvgPool", "Linear", "BatchNorm1d",
                              "LeakyReLU", "Linear"}));
        // torch.onnx.export folds BatchNorm2d (16 parameters) into conv1, which gains an 8-value bias;
        // the MatMul + Add pair becomes one Linear with a bias.
        QCOMPARE(a.totalParameters, qint64(ref.value("parameters").toInt() - 16 + 8));
        const GraphNode *last = imported->graph.node(a.outputId);
        QCOMPARE(last->type, QStringLiteral("Linear"));
        QCOMPARE(last->params.value("bias").toBool(), true);

        auto m = moduleWithWeights(imported.value());
        QVERIFY(m);
        std::vector<int64_t> shape;
        for (const QJsonValue &d : ref.value("input_shape").toArray())
            shape.push_back(d.toInt());
        torch::NoGradGuard noGrad;
        const torch::Tensor probs = torch::softmax(m->forward(tensorOf(ref.value("input").toArray(), shape)), 1);
        const torch::Tensor expected = tensorOf(ref.value("probabilities").toArray(), {shape[0], 5});
        const double diff = (probs - expected).abs().max().item<double>();
        QVERIFY2(diff < 1e-5, qPrintable(QStringLiteral("L∞ %1").arg(diff)));
    }

    void templatesRoundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("input");
        for (const ArchitectureTemplate &t : architectureTemplates())
            QTest::newRow(qPrintable(t.name)) << t.name << (t.imageOnly ? QStringLiteral("1x20x20") : QStringLiteral("24"));
    }
    void templatesRoundTrip()
    {
        QFETCH(QString, name);
        QFETCH(QString, input);
        const ModelGraph g = makeTemplate(name, parseInputShape(input).value(), 7).value();
        auto built = GraphModuleImpl::build(g);
        QVERIFY2(built.ok(), qPrintable(built.error()));
        auto m = built.value();
        const TensorShape in = analyzeGraph(g).inputShape;
        std::vector<int64_t> sizes{6};
        for (qint64 d : in.dims)
            sizes.push_back(d);
        {   // one step so BatchNorm statistics and weights are not at their initial values
            m->train();
            torch::optim::SGD opt(m->parameters(), torch::optim::SGDOptions(0.1));
            torch::nn::functional::cross_entropy(m->forward(torch::rand(sizes)), torch::randint(0, 7, {6})).backward();
            opt.step();
        }
        m->eval();
        auto bytes = buildOnnxModel(*m, 13, {});
        QVERIFY2(bytes.ok(), qPrintable(bytes.error()));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("t.onnx"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes->data(), qint64(bytes->size()));
        f.close();

        auto imported = importOnnxModel(path);
        QVERIFY2(imported.ok(), qPrintable(imported.error()));
        // Dropout is Identity at inference and is not brought back; everything else is (in the
        // exporter's topological order, so compared as sets of nodes).
        QStringList got = types(imported->graph, false), want = types(g, true);
        got.sort();
        want.sort();
        QCOMPARE(got, want);
        for (const GraphNode &n : imported->graph.nodes) {
            const GraphNode *orig = g.node(n.id);
            QVERIFY2(orig, qPrintable(n.id));
            QCOMPARE(n.inputs.size(), orig->inputs.size());
            for (int i = 0; i < n.inputs.size(); ++i) {   // same wiring, looking through dropped Dropouts
                QString source = orig->inputs[i];
                while (g.node(source)->type == QLatin1String("Dropout"))
                    source = g.node(source)->inputs.first();
                QCOMPARE(n.inputs[i], source);
            }
            for (const char *key : {"out_channels", "kernel_size", "stride", "padding", "out_features", "features",
                                    "channels", "height", "width"})
                if (orig->params.contains(QLatin1String(key)))
                    QCOMPARE(n.params.value(QLatin1String(key)).toInteger(), orig->params.value(QLatin1String(key)).toInteger());
        }
        const GraphAnalysis before = analyzeGraph(g), after = analyzeGraph(imported->graph);
        QVERIFY2(after.valid(), qPrintable(after.errors.join('\n')));
        QCOMPARE(after.totalParameters, before.totalParameters);
        QCOMPARE(after.totalMacs, before.totalMacs);

        auto back = moduleWithWeights(imported.value());
        QVERIFY(back);
        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::rand(sizes);
        const double diff = (back->forward(x) - m->forward(x)).abs().max().item<double>();
        QVERIFY2(diff < 1e-5, qPrintable(QStringLiteral("L∞ %1").arg(diff)));
    }

    void flatteningReshapeAndSqueeze()
    {
        QFile f(fixture("onnx_import_reshape.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject ref = QJsonDocument::fromJson(f.readAll()).object();
        auto imported = importOnnxModel(fixture("onnx_import_reshape.onnx"));
        QVERIFY2(imported.ok(), qPrintable(imported.error()));
        QCOMPARE(types(imported->graph, false),
                 QStringList({"Input", "Conv2d", "Flatten", "Linear", "GlobalAvgPool", "Linear", "Add"}));
        auto m = moduleWithWeights(imported.value());
        QVERIFY(m);
        torch::NoGradGuard noGrad;
        const torch::Tensor y = m->forward(tensorOf(ref.value("input").toArray(), {2, 1, 6, 6}));
        const double diff = (y - tensorOf(ref.value("output").toArray(), {2, 3})).abs().max().item<double>();
        QVERIFY2(diff < 1e-4, qPrintable(QStringLiteral("L∞ %1").arg(diff)));
    }

    void unsupportedOperatorIsNamed()
    {
        auto r = importOnnxModel(fixture("onnx_import_unsupported.onnx"));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().startsWith(QStringLiteral("onnx_import_unsupported.onnx: node 'act1' (Elu): operator Elu is "
                                                     "not supported (supported: Conv,")),
                 qPrintable(r.error()));
    }

    void brokenFilesFail()
    {
        QTemporaryDir dir;
        auto r = importOnnxModel(dir.filePath(QStringLiteral("missing.onnx")));
        QVERIFY(r.error().startsWith(QStringLiteral("cannot read")));
        QFile src(fixture("onnx_import_small.onnx"));
        QVERIFY(src.open(QIODevice::ReadOnly));
        const QByteArray whole = src.readAll();
        const QString truncated = dir.filePath(QStringLiteral("truncated.onnx"));
        QFile t(truncated);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write(whole.left(whole.size() / 3));
        t.close();
        r = importOnnxModel(truncated);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("truncated.onnx")), qPrintable(r.error()));
        const QString text = dir.filePath(QStringLiteral("text.onnx"));
        QFile x(text);
        QVERIFY(x.open(QIODevice::WriteOnly));
        x.write("this is not protobuf at all");
        x.close();
        r = importOnnxModel(text);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("text.onnx")), qPrintable(r.error()));
    }
};

QTEST_GUILESS_MAIN(TestOnnxImport)
#include "tst_onnximport.moc"
