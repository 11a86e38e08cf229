// Architecture templates: shapes, parameters and MACs against hand-computed values (and the
// parameter count against the built LibTorch module), exact JSON round trip, one optimizer step,
// and export of every template to TorchScript and ONNX (run by OpenCV DNN, ONNX checker).
#include "deploy/internal/onnxmodel.h"
#include "graph/internal/graphmodule.h"
#include "graph/layerregistry.h"
#include "graph/templates.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/dnn.hpp>

using namespace lepton;
using namespace lepton::Internal;

namespace {

const NodeAnalysis &node(const GraphAnalysis &a, const QString &id)
{
    for (const NodeAnalysis &n : a.nodes)
        if (n.id == id)
            return n;
    static NodeAnalysis none;
    return none;
}

TensorShape image(qint64 c, qint64 h, qint64 w) { return TensorShape{{c, h, w}}; }

// conv k×k: (weights, MACs) for `in` → `out` channels at an ho×wo output, no bias.
qint64 convW(qint64 in, qint64 out, qint64 k) { return in * out * k * k; }

struct Expected
{
    QString name;
    TensorShape input;
    int classes;
    qint64 params;
    qint64 macs;
    qint64 buffers;   // BatchNorm running mean + var + count
};

QVector<Expected> expectations()
{
    // MLP on 20 features, 3 classes: fc1 20→128 (+bias), bn1 (2·128), fc2 128→64, logits 64→3.
    const qint64 mlpParams = (20 * 128 + 128) + 2 * 128 + (128 * 64 + 64) + (64 * 3 + 3);
    const qint64 mlpMacs = 20 * 128 + 128 /*bn1*/ + 128 * 64 + 64 * 3;
    // LeNet on 1×20×20: conv1 5×5 pad 2 → 6×20×20, avg pool → 6×10×10, conv2 5×5 → 16×6×6, pool → 16×3×3.
    const qint64 lenetParams = (6 * 25 + 6) + (16 * 6 * 25 + 16) + (144 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10);
    const qint64 lenetMacs = 6 * 25 * 400 + 6 * 100 * 4 + 16 * 150 * 36 + 16 * 9 * 4 + 144 * 120 + 120 * 84 + 84 * 10;
    // Small VGG on 1×20×20: two 3×3 convs (no bias) + BN per block; 32 ch at 20×20, 64 at 10×10.
    const qint64 vggParams = convW(1, 32, 3) + 64 + convW(32, 32, 3) + 64 + convW(32, 64, 3) + 128 + convW(64, 64, 3)
                             + 128 + (1600 * 128 + 128) + (128 * 10 + 10);
    const qint64 vggMacs = (convW(1, 32, 3) + convW(32, 32, 3)) * 400 + 2 * 32 * 400 /*bn*/ + 32 * 100 * 4 /*pool1*/
                           + (convW(32, 64, 3) + convW(64, 64, 3)) * 100 + 2 * 64 * 100 + 64 * 25 * 4 /*pool2*/
                           + 1600 * 128 + 128 * 10;
    const qint64 vggBuffers = 2 * (2 * 32 + 1) + 2 * (2 * 64 + 1);
    // Small ResNet on 1×20×20: stem 16@20×20; res1 16→16 @20×20 (identity); res2 16→32 @10×10 and
    // res3 32→64 @5×5 with 1×1 stride-2 projections; global average pool; 64→10.
    const qint64 resParams = convW(1, 16, 3) + 32                                     // stem
                             + 2 * (convW(16, 16, 3) + 32)                            // res1
                             + convW(16, 32, 3) + convW(32, 32, 3) + convW(16, 32, 1) + 3 * 64   // res2
                             + convW(32, 64, 3) + convW(64, 64, 3) + convW(32, 64, 1) + 3 * 128  // res3
                             + 64 * 10 + 10;
    const qint64 resMacs = convW(1, 16, 3) * 400 + 16 * 400                           // stem conv + bn
                           + 2 * (convW(16, 16, 3) * 400 + 16 * 400) + 16 * 400      // res1 + add
                           + (convW(16, 32, 3) + convW(32, 32, 3) + convW(16, 32, 1)) * 100 + 3 * 32 * 100 + 32 * 100
                           + (convW(32, 64, 3) + convW(64, 64, 3) + convW(32, 64, 1)) * 25 + 3 * 64 * 25 + 64 * 25
                           + 64 * 25 /*gap*/ + 64 * 10;
    const qint64 resBuffers = (2 * 16 + 1) * 3 + (2 * 32 + 1) * 3 + (2 * 64 + 1) * 3;
    // MobileNet-style on 1×20×20: stem 16@20×20; ds1 dw16 + pw 16→32 @20×20; ds2 dw32/2 + pw 32→64 @10×10;
    // ds3 dw64/2 + pw 64→128 @5×5; ds4 dw128 + pw 128→128 @5×5; each conv followed by BN.
    const qint64 mobParams = convW(1, 16, 3) + 32 + (16 * 9 + 32) + (16 * 32 + 64) + (32 * 9 + 64) + (32 * 64 + 128)
                             + (64 * 9 + 128) + (64 * 128 + 256) + (128 * 9 + 256) + (128 * 128 + 256) + (128 * 10 + 10);
    const qint64 mobMacs = convW(1, 16, 3) * 400 + 16 * 400                            // stem
                           + 16 * 9 * 400 + 16 * 400 + 16 * 32 * 400 + 32 * 400        // ds1
                           + 32 * 9 * 100 + 32 * 100 + 32 * 64 * 100 + 64 * 100        // ds2
                           + 64 * 9 * 25 + 64 * 25 + 64 * 128 * 25 + 128 * 25         // ds3
                           + 128 * 9 * 25 + 128 * 25 + 128 * 128 * 25 + 128 * 25      // ds4
                           + 128 * 25 + 128 * 10;
    const qint64 mobBuffers = (2 * 16 + 1) * 2 + (2 * 32 + 1) * 2 + (2 * 64 + 1) * 2 + (2 * 128 + 1) * 3;
    // Small CNN on 1×20×20 (values from tst_modelgraph).
    return {
        {QStringLiteral("mlp"), TensorShape{{20}}, 3, mlpParams, mlpMacs, 2 * 128 + 1},
        {QStringLiteral("lenet"), image(1, 20, 20), 10, lenetParams, lenetMacs, 0},
        {QStringLiteral("vgg"), image(1, 20, 20), 10, vggParams, vggMacs, vggBuffers},
        {QStringLiteral("resnet"), image(1, 20, 20), 10, resParams, resMacs, resBuffers},
        {QStringLiteral("mobilenet"), image(1, 20, 20), 10, mobParams, mobMacs, mobBuffers},
        {QStringLiteral("small-cnn"), image(1, 20, 20), 10, 225226, 2202880, (2 * 32 + 1) + (2 * 64 + 1)},
    };
}

Expected expectation(const QString &name)
{
    for (const Expected &e : expectations())
        if (e.name == name)
            return e;
    return {};
}

std::shared_ptr<GraphModuleImpl> buildTemplate(const QString &name, const TensorShape &input, int classes)
{
    auto g = makeTemplate(name, input, classes);
    if (!g)
        return nullptr;
    auto m = GraphModuleImpl::build(g.value());
    return m ? m.value() : nullptr;
}

torch::Tensor randomBatch(const TensorShape &input, int n)
{
    std::vector<int64_t> sizes{n};
    for (qint64 d : input.dims)
        sizes.push_back(d);
    return torch::rand(sizes);
}

bool pythonOnnxAvailable()
{
    static const bool available = [] {
        QProcess p;
        p.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), QStringLiteral("import onnx")});
        return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }();
    return available;
}

// TorchScript and ONNX (OpenCV DNN) outputs against the live module in eval mode, L∞ < 1e-4; the
// ONNX bytes also go through python3-onnx's full checker when it is installed.
void verifyExports(GraphModuleImpl &m, const TensorShape &inputShape, int opset)
{
    m.eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor x = randomBatch(inputShape, 5);
    const torch::Tensor expected = m.forward(x);

    auto script = m.toTorchScript();
    QVERIFY2(script.ok(), qPrintable(script.error()));
    const torch::Tensor scripted = script->forward({x}).toTensor();
    const double scriptDiff = (scripted - expected).abs().max().item<double>();
    QVERIFY2(scriptDiff < 1e-4, qPrintable(QStringLiteral("TorchScript differs by %1").arg(scriptDiff)));

    auto bytes = buildOnnxModel(m, opset, {});
    QVERIFY2(bytes.ok(), qPrintable(bytes.error()));
    cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes->data(), bytes->size());
    const torch::Tensor input = x.contiguous();
    std::vector<int> sizes(input.sizes().begin(), input.sizes().end());
    net.setInput(cv::Mat(int(sizes.size()), sizes.data(), CV_32F, input.data_ptr<float>()));
    cv::Mat out = net.forward().clone();
    QCOMPARE(qint64(out.total()), qint64(expected.numel()));
    const torch::Tensor fromOnnx = torch::from_blob(out.ptr<float>(), expected.sizes(), torch::kFloat32);
    const double diff = (fromOnnx - expected).abs().max().item<double>();
    QVERIFY2(diff < 1e-4, qPrintable(QStringLiteral("OpenCV DNN differs by %1").arg(diff)));

    if (!pythonOnnxAvailable())
        return;   // the C++ ONNX checker already ran inside buildOnnxModel
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("model.onnx"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes->data(), qint64(bytes->size()));
    f.close();
    QProcess py;
    py.start(QStringLiteral("/usr/bin/python3"),
             {QStringLiteral("-c"),
              QStringLiteral("import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)"), path});
    QVERIFY(py.waitForFinished(120000));
    QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
}

} // namespace

class TestTemplates : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::manual_seed(7); }

    void listsEveryTemplate()
    {
        QStringList names;
        for (const ArchitectureTemplate &t : architectureTemplates()) {
            names << t.name;
            QVERIFY2(!t.title.isEmpty() && !t.description.isEmpty(), qPrintable(t.name));
        }
        QCOMPARE(names, QStringList({"small-cnn", "mlp", "lenet", "vgg", "resnet", "mobilenet"}));
    }

    void countsMatchHandComputed_data()
    {
        QTest::addColumn<QString>("name");
        for (const Expected &e : expectations())
            QTest::newRow(qPrintable(e.name)) << e.name;
    }
    void countsMatchHandComputed()
    {
        QFETCH(QString, name);
        const Expected e = expectation(name);
        auto g = makeTemplate(name, e.input, e.classes);
        QVERIFY2(g.ok(), qPrintable(g.error()));
        const GraphAnalysis a = analyzeGraph(g.value());
        QVERIFY2(a.valid(), qPrintable(a.errors.join('\n')));
        QCOMPARE(a.inputShape, e.input);
        QCOMPARE(a.outputShape.dims, QVector<qint64>({e.classes}));
        QCOMPARE(a.totalParameters, e.params);
        QCOMPARE(a.totalMacs, e.macs);
        QCOMPARE(a.sizeBytes, 4 * (e.params + e.buffers));
    }

    void intermediateShapes()
    {
        GraphAnalysis a = analyzeGraph(makeTemplate("resnet", image(1, 20, 20), 10).value());
        QCOMPARE(node(a, "res1_add").outputShape.toString(), QStringLiteral("16×20×20"));
        QCOMPARE(node(a, "res2_proj").outputShape.toString(), QStringLiteral("32×10×10"));
        QCOMPARE(node(a, "res3_add").outputShape.toString(), QStringLiteral("64×5×5"));
        QCOMPARE(node(a, "res2_add").macs, qint64(32 * 100));
        a = analyzeGraph(makeTemplate("mobilenet", image(3, 32, 32), 5).value());
        QCOMPARE(node(a, "ds2_dw_conv").outputShape.toString(), QStringLiteral("32×16×16"));
        QCOMPARE(node(a, "ds2_dw_conv").parameters, qint64(32 * 9));
        QCOMPARE(node(a, "ds2_dw_conv").macs, qint64(32 * 9 * 256));
        QCOMPARE(node(a, "ds4_pw_conv").outputShape.toString(), QStringLiteral("128×8×8"));
        a = analyzeGraph(makeTemplate("lenet", image(1, 28, 28), 10).value());
        QCOMPARE(node(a, "flatten").outputShape.toString(), QStringLiteral("400"));   // classic LeNet-5: 16×5×5
        a = analyzeGraph(makeTemplate("mlp", image(1, 8, 8), 4).value());
        QVERIFY2(a.valid(), qPrintable(a.errors.join('\n')));
        QCOMPARE(node(a, "fc1").parameters, qint64(64 * 128 + 128));
    }

    void parametersMatchLibTorch_data() { countsMatchHandComputed_data(); }
    void parametersMatchLibTorch()
    {
        QFETCH(QString, name);
        const Expected e = expectation(name);
        auto m = buildTemplate(name, e.input, e.classes);
        QVERIFY(m);
        qint64 params = 0, buffers = 0;
        for (const auto &p : m->parameters())
            params += p.numel();
        for (const auto &b : m->buffers())
            buffers += b.numel();
        QCOMPARE(params, e.params);
        QCOMPARE(buffers, e.buffers);
    }

    void jsonRoundTripIsExact_data() { countsMatchHandComputed_data(); }
    void jsonRoundTripIsExact()
    {
        QFETCH(QString, name);
        const Expected e = expectation(name);
        const ModelGraph g = makeTemplate(name, e.input, e.classes).value();
        const QByteArray json = g.toJson();
        auto back = ModelGraph::fromJson(json);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->toJson(), json);
        QCOMPARE(back->name, g.name);
        QCOMPARE(back->nodes.size(), g.nodes.size());
        for (int i = 0; i < g.nodes.size(); ++i) {
            QCOMPARE(back->nodes[i].id, g.nodes[i].id);
            QCOMPARE(back->nodes[i].type, g.nodes[i].type);
            QCOMPARE(back->nodes[i].params, g.nodes[i].params);
            QCOMPARE(back->nodes[i].inputs, g.nodes[i].inputs);
        }
    }

    void trainsOneStep_data() { countsMatchHandComputed_data(); }
    void trainsOneStep()
    {
        QFETCH(QString, name);
        const Expected e = expectation(name);
        auto m = buildTemplate(name, e.input, e.classes);
        QVERIFY(m);
        m->train();
        const torch::Tensor x = randomBatch(e.input, 8);
        const torch::Tensor y = torch::randint(0, e.classes, {8}, torch::kLong);
        torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
        torch::Tensor loss = torch::nn::functional::cross_entropy(m->forward(x), y);
        const double before = loss.item<double>();
        QVERIFY(std::isfinite(before));
        opt.zero_grad();
        loss.backward();
        opt.step();
        const double after = torch::nn::functional::cross_entropy(m->forward(x), y).item<double>();
        QVERIFY(std::isfinite(after));
        QVERIFY2(after != before, qPrintable(QStringLiteral("loss %1 did not change").arg(before)));
    }

    void exportsToTorchScriptAndOnnx_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("opset");
        for (const Expected &e : expectations())
            for (int opset : {11, 13})
                QTest::newRow(qPrintable(QStringLiteral("%1-%2").arg(e.name).arg(opset))) << e.name << opset;
    }
    void exportsToTorchScriptAndOnnx()
    {
        QFETCH(QString, name);
        QFETCH(int, opset);
        const Expected e = expectation(name);
        auto m = buildTemplate(name, e.input, e.classes);
        QVERIFY(m);
        // One training step first, so BatchNorm statistics are not the identity.
        m->train();
        torch::optim::SGD opt(m->parameters(), torch::optim::SGDOptions(0.05));
        torch::nn::functional::cross_entropy(m->forward(randomBatch(e.input, 16)),
                                             torch::randint(0, e.classes, {16}, torch::kLong))
            .backward();
        opt.step();
        verifyExports(*m, e.input, opset);
    }

    // Every layer type outside the templates, exported both ways and run: image and tabular graphs.
    void allLayersExport_data()
    {
        QTest::addColumn<QByteArray>("graphJson");
        QTest::addColumn<int>("opset");
        const QByteArray image = R"({"format": "lepton-graph", "version": 1, "name": "image layers", "nodes": [
            {"id": "in", "type": "Input", "params": {"channels": 3, "height": 12, "width": 12}},
            {"id": "dw", "type": "DepthwiseConv2d", "params": {"channel_multiplier": 2, "stride": 2}, "inputs": ["in"]},
            {"id": "bn", "type": "BatchNorm2d", "inputs": ["dw"]},
            {"id": "lr", "type": "LeakyReLU", "params": {"negative_slope": 0.2}, "inputs": ["bn"]},
            {"id": "up", "type": "ConvTranspose2d", "params": {"out_channels": 4, "kernel_size": 3, "stride": 2,
             "padding": 1, "output_padding": 1}, "inputs": ["lr"]},
            {"id": "gelu", "type": "GELU", "inputs": ["up"]},
            {"id": "pw", "type": "Conv2d", "params": {"out_channels": 5, "kernel_size": 1, "bias": false}, "inputs": ["in"]},
            {"id": "silu", "type": "SiLU", "inputs": ["pw"]},
            {"id": "cat", "type": "Concat", "inputs": ["gelu", "silu", "in"]},
            {"id": "ln", "type": "LayerNorm", "inputs": ["cat"]},
            {"id": "gap", "type": "GlobalAvgPool", "inputs": ["ln"]},
            {"id": "fc", "type": "Linear", "params": {"out_features": 6}, "inputs": ["gap"]}]})";
        const QByteArray tabular = R"({"format": "lepton-graph", "version": 1, "name": "tabular layers", "nodes": [
            {"id": "in", "type": "Input", "params": {"features": 9}},
            {"id": "fc1", "type": "Linear", "params": {"out_features": 16}, "inputs": ["in"]},
            {"id": "bn", "type": "BatchNorm1d", "inputs": ["fc1"]},
            {"id": "gelu", "type": "GELU", "inputs": ["bn"]},
            {"id": "ln", "type": "LayerNorm", "inputs": ["gelu"]},
            {"id": "silu", "type": "SiLU", "inputs": ["ln"]},
            {"id": "fc2", "type": "Linear", "params": {"out_features": 16, "bias": false}, "inputs": ["in"]},
            {"id": "lr", "type": "LeakyReLU", "inputs": ["fc2"]},
            {"id": "sum", "type": "Add", "inputs": ["silu", "lr", "fc1"]},
            {"id": "cat", "type": "Concat", "inputs": ["sum", "in"]},
            {"id": "drop", "type": "Dropout", "params": {"p": 0.1}, "inputs": ["cat"]},
            {"id": "out", "type": "Linear", "params": {"out_features": 3}, "inputs": ["drop"]}]})";
        for (int opset : {11, 13, 17}) {
            QTest::newRow(qPrintable(QStringLiteral("image-%1").arg(opset))) << image << opset;
            QTest::newRow(qPrintable(QStringLiteral("tabular-%1").arg(opset))) << tabular << opset;
        }
    }
    void allLayersExport()
    {
        QFETCH(QByteArray, graphJson);
        QFETCH(int, opset);
        auto g = ModelGraph::fromJson(graphJson);
        QVERIFY2(g.ok(), qPrintable(g.error()));
        auto built = GraphModuleImpl::build(g.value());
        QVERIFY2(built.ok(), qPrintable(built.error()));
        auto m = built.value();
        const TensorShape input = m->analysis().inputShape;
        m->train();
        torch::optim::SGD opt(m->parameters(), torch::optim::SGDOptions(0.05));
        torch::nn::functional::cross_entropy(m->forward(randomBatch(input, 16)), torch::randint(0, 3, {16})).backward();
        opt.step();
        verifyExports(*m, input, opset);
    }

    void templateErrors()
    {
        auto r = makeTemplate("resnet", TensorShape{{12}}, 3);
        QVERIFY(!r.ok());
        QCOMPARE(r.error(), QStringLiteral("template 'resnet' needs an image input C×H×W, got 12 features"));
        r = makeTemplate("nope", image(1, 8, 8), 3);
        QVERIFY(r.error().startsWith(QStringLiteral("no template 'nope' (templates: small-cnn, mlp")));
        r = makeTemplate("mlp", TensorShape{{12}}, 0);
        QVERIFY(r.error().contains(QStringLiteral("classes must be >= 1")));
        // valid template, input too small: the graph is made, the analysis names the node
        r = makeTemplate("lenet", image(1, 4, 4), 3);
        QVERIFY(r.ok());
        const GraphAnalysis a = analyzeGraph(r.value());
        QVERIFY(!a.valid());
        QVERIFY2(node(a, "conv2").error.contains(QStringLiteral("larger than")), qPrintable(a.errors.join('\n')));
    }

    void parsesInputShapes()
    {
        QCOMPARE(parseInputShape("1x20x20").value(), image(1, 20, 20));
        QCOMPARE(parseInputShape(QStringLiteral("3×32×32")).value(), image(3, 32, 32));
        QCOMPARE(parseInputShape("30").value(), TensorShape{{30}});
        QVERIFY(!parseInputShape("1x20").ok());
        QVERIFY(!parseInputShape("0x3x3").ok());
        QVERIFY(!parseInputShape("abc").ok());
    }
};

QTEST_GUILESS_MAIN(TestTemplates)
#include "tst_templates.moc"
