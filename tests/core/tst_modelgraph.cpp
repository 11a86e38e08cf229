// Graph format, shape inference, parameter and MAC counts against hand-computed values.
#include "graph/layerregistry.h"
#include "graph/modelgraph.h"

#include <QTest>

using namespace lepton;

class TestModelGraph : public QObject
{
    Q_OBJECT

    static const NodeAnalysis &node(const GraphAnalysis &a, const QString &id)
    {
        for (const NodeAnalysis &n : a.nodes)
            if (n.id == id)
                return n;
        static NodeAnalysis none;
        return none;
    }

    static ModelGraph chain(const QVector<GraphNode> &nodes)
    {
        ModelGraph g;
        g.name = QStringLiteral("test");
        g.nodes = nodes;
        return g;
    }

private Q_SLOTS:
    void smallCnnShapesAndCounts()
    {
        const GraphAnalysis a = analyzeGraph(smallCnnTemplate(1, 20, 20, 10));
        QVERIFY2(a.valid(), qPrintable(a.errors.join('\n')));
        QCOMPARE(a.inputShape.dims, QVector<qint64>({1, 20, 20}));
        QCOMPARE(a.outputShape.dims, QVector<qint64>({10}));
        // conv1: 32 x (1*3*3) weights + 32 bias; padding 1 keeps 20x20.
        QCOMPARE(node(a, "conv1").outputShape.dims, QVector<qint64>({32, 20, 20}));
        QCOMPARE(node(a, "conv1").parameters, 32 * 9 + 32);
        QCOMPARE(node(a, "conv1").macs, 32 * 20 * 20 * 9);
        QCOMPARE(node(a, "bn1").parameters, 64);
        QCOMPARE(node(a, "pool1").outputShape.dims, QVector<qint64>({32, 10, 10}));
        QCOMPARE(node(a, "conv2").parameters, 64 * 32 * 9 + 64);
        QCOMPARE(node(a, "conv2").macs, 64 * 10 * 10 * 32 * 9);
        QCOMPARE(node(a, "pool2").outputShape.dims, QVector<qint64>({64, 5, 5}));
        QCOMPARE(node(a, "flatten").outputShape.dims, QVector<qint64>({1600}));
        QCOMPARE(node(a, "fc1").parameters, 1600 * 128 + 128);
        QCOMPARE(node(a, "logits").parameters, 128 * 10 + 10);
        QCOMPARE(a.totalParameters, qint64(320 + 64 + 18496 + 128 + 204928 + 1290));
        // 115200 conv1 + 12800 bn1 + 12800 pool1 + 1843200 conv2 + 6400 bn2 + 6400 pool2 + 204800 fc1 + 1280
        QCOMPARE(a.totalMacs, qint64(2202880));
        // float32 parameters + BatchNorm running mean/var/count buffers
        QCOMPARE(a.sizeBytes, qint64(4 * (225226 + (2 * 32 + 1) + (2 * 64 + 1))));
        QCOMPARE(node(a, "conv1").outputShape.toString(), QStringLiteral("32×20×20"));
    }

    void jsonRoundTrip()
    {
        const ModelGraph g = smallCnnTemplate(3, 32, 32, 5);
        const QByteArray json = g.toJson();
        auto back = ModelGraph::fromJson(json);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->toJson(), json);
        QCOMPARE(back->nodes.size(), g.nodes.size());
        QCOMPARE(back->node("fc1")->params.value("out_features").toInt(), 128);
    }

    void malformedJson_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("syntax") << QByteArray("{\n \"format\": \"lepton-graph\",\n \"nodes\": [ }") << "at line 3";
        QTest::newRow("not object") << QByteArray("[1,2]") << "must be an object";
        QTest::newRow("format") << QByteArray("{\"format\":\"x\"}") << "lepton-graph";
        QTest::newRow("version") << QByteArray("{\"format\":\"lepton-graph\",\"version\":99,\"nodes\":[]}")
                                 << "unsupported graph format version 99";
        QTest::newRow("node id") << QByteArray("{\"format\":\"lepton-graph\",\"version\":1,\"nodes\":[{\"type\":\"ReLU\"}]}")
                                 << "node #0";
    }
    void malformedJson()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        auto g = ModelGraph::fromJson(json);
        QVERIFY(!g.ok());
        QVERIFY2(g.error().contains(expected), qPrintable(g.error()));
    }

    void addShapeMismatchNamesTheNode()
    {
        const ModelGraph g = chain({
            {"in", "Input", {{"channels", 3}, {"height", 10}, {"width", 10}}, {}},
            {"a", "Conv2d", {{"out_channels", 32}, {"kernel_size", 3}, {"padding", 1}}, {"in"}},
            {"b", "Conv2d", {{"out_channels", 64}, {"kernel_size", 3}, {"padding", 1}}, {"in"}},
            {"sum", "Add", {}, {"a", "b"}},
            {"gap", "GlobalAvgPool", {}, {"sum"}},
        });
        const GraphAnalysis a = analyzeGraph(g);
        QVERIFY(!a.valid());
        QCOMPARE(node(a, "sum").error, QStringLiteral("input shapes 32×10×10 and 64×10×10 differ"));
        QVERIFY(a.errors.join('\n').contains(QStringLiteral("node 'sum' (Add)")));
        QVERIFY(node(a, "a").error.isEmpty());
    }

    void residualBlockIsValid()
    {
        const ModelGraph g = chain({
            {"in", "Input", {{"channels", 8}, {"height", 6}, {"width", 6}}, {}},
            {"c", "Conv2d", {{"out_channels", 8}, {"kernel_size", 3}, {"padding", 1}}, {"in"}},
            {"sum", "Add", {}, {"c", "in"}},
            {"gap", "GlobalAvgPool", {}, {"sum"}},
            {"fc", "Linear", {{"out_features", 4}}, {"gap"}},
        });
        const GraphAnalysis a = analyzeGraph(g);
        QVERIFY2(a.valid(), qPrintable(a.errors.join('\n')));
        QCOMPARE(a.outputShape.dims, QVector<qint64>({4}));
        QCOMPARE(a.totalParameters, qint64(8 * 8 * 9 + 8 + 8 * 4 + 4));
    }

    void structuralErrors()
    {
        // cycle
        GraphAnalysis a = analyzeGraph(chain({
            {"in", "Input", {}, {}},
            {"x", "ReLU", {}, {"y"}},
            {"y", "ReLU", {}, {"x"}},
            {"f", "Flatten", {}, {"in"}},
        }));
        QVERIFY(a.errors.join('\n').contains(QStringLiteral("cycle")));
        // unknown type and missing input
        a = analyzeGraph(chain({
            {"in", "Input", {}, {}},
            {"w", "Wobble", {}, {"in"}},
            {"f", "Flatten", {}, {"ghost"}},
        }));
        QCOMPARE(node(a, "w").error, QStringLiteral("unknown layer type 'Wobble'"));
        QCOMPARE(node(a, "f").error, QStringLiteral("input 'ghost' does not exist"));
        // dangling branch: two outputs
        a = analyzeGraph(chain({
            {"in", "Input", {}, {}},
            {"f", "Flatten", {}, {"in"}},
            {"l", "Linear", {}, {"f"}},
            {"r", "ReLU", {}, {"in"}},
        }));
        QVERIFY(a.errors.join('\n').contains(QStringLiteral("dangling: l, r")));
        // Linear without Flatten
        a = analyzeGraph(chain({{"in", "Input", {}, {}}, {"l", "Linear", {}, {"in"}}}));
        QVERIFY(node(a, "l").error.contains(QStringLiteral("add a Flatten")));
        // no input
        a = analyzeGraph(chain({{"r", "ReLU", {}, {}}}));
        QVERIFY(!a.valid());
        // kernel larger than input
        a = analyzeGraph(chain({{"in", "Input", {{"height", 2}, {"width", 2}}, {}},
                                {"c", "Conv2d", {{"kernel_size", 5}}, {"in"}}}));
        QVERIFY(node(a, "c").error.contains(QStringLiteral("larger than")));
    }

    void newLayersShapesAndCounts()
    {
        const GraphAnalysis a = analyzeGraph(chain({
            {"in", "Input", {{"channels", 8}, {"height", 10}, {"width", 10}}, {}},
            {"dw", "DepthwiseConv2d", {{"channel_multiplier", 2}, {"stride", 2}}, {"in"}},   // k3 p1 default
            {"up", "ConvTranspose2d", {{"out_channels", 3}, {"kernel_size", 3}, {"stride", 2}, {"padding", 1},
                                       {"output_padding", 1}}, {"dw"}},
            {"act", "GELU", {}, {"up"}},
            {"side", "Conv2d", {{"out_channels", 5}, {"kernel_size", 1}}, {"in"}},
            {"cat", "Concat", {}, {"act", "side", "in"}},
            {"lr", "LeakyReLU", {{"negative_slope", 0.1}}, {"cat"}},
            {"gap", "GlobalAvgPool", {}, {"lr"}},
            {"bn", "BatchNorm1d", {}, {"gap"}},
            {"ln", "LayerNorm", {}, {"bn"}},
            {"silu", "SiLU", {}, {"ln"}},
            {"fc", "Linear", {{"out_features", 4}}, {"silu"}},
        }));
        QVERIFY2(a.valid(), qPrintable(a.errors.join('\n')));
        // depthwise: 16 = 8·2 filters of 3×3 (+16 bias) at (10+2−3)/2+1 = 5
        QCOMPARE(node(a, "dw").outputShape.toString(), QStringLiteral("16×5×5"));
        QCOMPARE(node(a, "dw").parameters, qint64(16 * 9 + 16));
        QCOMPARE(node(a, "dw").macs, qint64(16 * 9 * 25));
        // transposed: (5−1)·2 − 2 + 3 + 1 = 10; weights 16·3·3·3, each input pixel scatters them
        QCOMPARE(node(a, "up").outputShape.toString(), QStringLiteral("3×10×10"));
        QCOMPARE(node(a, "up").parameters, qint64(16 * 3 * 9 + 3));
        QCOMPARE(node(a, "up").macs, qint64(16 * 3 * 9 * 25));
        QCOMPARE(node(a, "cat").outputShape.toString(), QStringLiteral("16×10×10"));   // 3 + 5 + 8
        QCOMPARE(node(a, "bn").parameters, qint64(32));
        QCOMPARE(node(a, "ln").parameters, qint64(32));
        QCOMPARE(node(a, "ln").macs, qint64(32));
        QCOMPARE(node(a, "fc").parameters, qint64(16 * 4 + 4));
        QCOMPARE(a.sizeBytes, 4 * (a.totalParameters + 33));   // BatchNorm1d running mean, var, count

        // LayerNorm over a whole C×H×W map: a weight and a bias per element.
        const GraphAnalysis map = analyzeGraph(chain({
            {"in", "Input", {{"channels", 8}, {"height", 10}, {"width", 10}}, {}},
            {"ln", "LayerNorm", {}, {"in"}},
            {"flat", "Flatten", {}, {"ln"}},
            {"fc", "Linear", {{"out_features", 2}}, {"flat"}},
        }));
        QVERIFY2(map.valid(), qPrintable(map.errors.join('\n')));
        QCOMPARE(node(map, "ln").outputShape.toString(), QStringLiteral("8×10×10"));
        QCOMPARE(node(map, "ln").parameters, qint64(2 * 800));
        QCOMPARE(node(map, "ln").macs, qint64(2 * 800));

        const GraphAnalysis tab = analyzeGraph(chain({
            {"in", "Input", {{"features", 12}}, {}},
            {"fc", "Linear", {{"out_features", 3}}, {"in"}},
        }));
        QVERIFY2(tab.valid(), qPrintable(tab.errors.join('\n')));
        QCOMPARE(tab.inputShape.dims, QVector<qint64>({12}));
        QCOMPARE(tab.totalParameters, qint64(39));
    }

    void newLayerErrorsNameTheMismatch()
    {
        const GraphAnalysis a = analyzeGraph(chain({
            {"in", "Input", {{"channels", 8}, {"height", 10}, {"width", 10}}, {}},
            {"pool", "MaxPool2d", {}, {"in"}},
            {"cat", "Concat", {}, {"in", "pool"}},
            {"bn1", "BatchNorm1d", {}, {"in"}},
            {"ln", "LayerNorm", {{"eps", 0}}, {"in"}},
            {"up", "ConvTranspose2d", {{"stride", 2}, {"output_padding", 2}}, {"in"}},
            {"lr", "LeakyReLU", {{"negative_slope", -1}}, {"in"}},
            {"neg", "Input", {{"features", -3}}, {}},
            {"sum", "Add", {}, {"cat", "bn1", "ln", "up", "lr"}},
        }));
        QVERIFY(!a.valid());
        QCOMPARE(node(a, "cat").error, QStringLiteral("input shapes 8×10×10 and 8×5×5 differ in more than the channel axis"));
        QCOMPARE(node(a, "bn1").error, QStringLiteral("expects a feature vector (use BatchNorm2d for C×H×W), got 8×10×10"));
        QCOMPARE(node(a, "ln").error, QStringLiteral("eps must be > 0, got 0"));
        QCOMPARE(node(a, "up").error, QStringLiteral("output_padding 2 must be smaller than stride 2"));
        QVERIFY(node(a, "lr").error.contains(QStringLiteral("negative_slope")));
        QVERIFY(node(a, "neg").error.contains(QStringLiteral("features must be >= 0")));
        QCOMPARE(node(a, "sum").error, QStringLiteral("an input of this node is invalid"));
        QVERIFY(a.errors.join('\n').contains(QStringLiteral("node 'cat' (Concat): input shapes")));
    }

    void registryDescribesLayers()
    {
        const QStringList names = LayerRegistry::instance().names();
        for (const char *n : {"Input", "Conv2d", "DepthwiseConv2d", "ConvTranspose2d", "BatchNorm1d", "BatchNorm2d",
                              "LayerNorm", "ReLU", "LeakyReLU", "GELU", "SiLU", "Sigmoid", "Tanh", "MaxPool2d",
                              "AvgPool2d", "GlobalAvgPool", "Flatten", "Linear", "Dropout", "Add", "Concat"})
            QVERIFY2(names.contains(QLatin1String(n)), n);
        for (const QString &name : names) {   // every type can be trained and exported
            const LayerType *t = LayerRegistry::instance().find(name);
            QVERIFY2(!t->description.isEmpty(), qPrintable(name));
            if (name != QLatin1String("Input"))
                QVERIFY2(t->torch && t->onnx, qPrintable(name));
        }
        const LayerType *conv = LayerRegistry::instance().find(QStringLiteral("Conv2d"));
        QVERIFY(conv && conv->torch);
        GraphNode n{"c", "Conv2d", {}, {}};
        QCOMPARE(layerParam(n, QStringLiteral("kernel_size")).toInt(), 3);
    }
};

QTEST_GUILESS_MAIN(TestModelGraph)
#include "tst_modelgraph.moc"
