// Compression core: structured channel pruning (groups through residual Adds, Concat and Flatten;
// the shrunk model equals the masked model), channel ranking on hand-made weights, unstructured
// magnitude pruning, and the distillation loss against PyTorch (tests/fixtures/compress/).
#include "compress/internal/channelplan.h"
#include "compress/internal/distillationloss.h"
#include "compress/internal/magnitude.h"
#include "compress/compressor.h"
#include "compress/modelfamily.h"
#include "graph/templates.h"

#include <QTest>

using namespace lepton;
using namespace lepton::Internal;

namespace {

std::shared_ptr<GraphModuleImpl> buildRandom(const ModelGraph &graph, quint64 seed)
{
    torch::manual_seed(seed);
    auto m = GraphModuleImpl::build(graph);
    if (!m)
        qFatal("%s", qPrintable(m.error()));
    // Non-trivial BatchNorm statistics and affine parameters, so masking has something to undo.
    torch::NoGradGuard noGrad;
    for (const auto &layer : m.value()->layers()) {
        if (!layer.node->type.startsWith(QLatin1String("BatchNorm")))
            continue;
        for (auto &p : layer.module->named_parameters(false))
            p.value().uniform_(0.5, 1.5);
        for (auto &b : layer.module->named_buffers(false))
            if (b.value().dim() == 1)
                b.value().uniform_(0.1, 1.0);
    }
    m.value()->eval();
    return m.value();
}

GraphNode node(const QString &id, const QString &type, const QJsonObject &params, const QStringList &inputs)
{
    return GraphNode{id, type, params, inputs};
}

const ChannelGroup *groupOf(const ChannelPlan &plan, const QString &producer)
{
    for (const ChannelGroup &g : plan.groups)
        if (g.producers.contains(producer))
            return &g;
    return nullptr;
}

// Prunes `fraction` of the channels of `graph`; the shrunk model must run like the masked one.
double prunedVsMasked(const ModelGraph &graph, double fraction, const QString &ranking, ChannelPlan *planOut,
                      std::shared_ptr<GraphModuleImpl> *shrunkOut)
{
    auto original = buildRandom(graph, 3);
    auto plan = analyzeChannels(*original);
    if (!plan)
        qFatal("%s", qPrintable(plan.error()));
    if (auto st = rankChannels(plan.value(), *original, ranking); !st)
        qFatal("%s", qPrintable(st.error()));
    selectChannels(plan.value(), fraction);
    auto shrunk = shrinkModel(*original, plan.value(), graph.name + QStringLiteral(" pruned"));
    if (!shrunk)
        qFatal("%s", qPrintable(shrunk.error()));
    maskChannels(*original, plan.value());
    torch::NoGradGuard noGrad;
    std::vector<int64_t> shape{8};
    for (qint64 d : original->analysis().inputShape.dims)
        shape.push_back(d);
    const torch::Tensor x = torch::rand(shape);
    const double diff = (original->forward(x) - shrunk.value()->forward(x)).abs().max().item<double>();
    *planOut = plan.value();
    *shrunkOut = shrunk.value();
    return diff;
}

} // namespace

class TestCompress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resnetKeepsResidualChannelsTogether()
    {
        auto graph = makeTemplate(QStringLiteral("resnet"), TensorShape{{1, 12, 12}}, 4);
        QVERIFY2(graph, qPrintable(graph.error()));
        ChannelPlan plan;
        std::shared_ptr<GraphModuleImpl> shrunk;
        const double diff = prunedVsMasked(graph.value(), 0.5, QStringLiteral("l1"), &plan, &shrunk);
        QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
        // The identity shortcut of res1 ties the stem to both of res1's outputs; res2's projection
        // ties it to res2b; res3 likewise. Each residual stage is one group.
        const ChannelGroup *stem = groupOf(plan, QStringLiteral("stem_conv"));
        QVERIFY(stem);
        QVERIFY(stem->producers.contains(QStringLiteral("res1b_conv")));
        QCOMPARE(stem->channels, 16);
        QCOMPARE(stem->kept(), 8);
        const ChannelGroup *res2 = groupOf(plan, QStringLiteral("res2b_conv"));
        QVERIFY(res2 && res2->producers.contains(QStringLiteral("res2_proj")));
        QCOMPARE(res2->kept(), 16);
        // Inner convs of the blocks are groups of their own, halved.
        const ChannelGroup *inner = groupOf(plan, QStringLiteral("res3a_conv"));
        QVERIFY(inner && inner->producers.size() == 1);
        QCOMPARE(inner->kept(), 32);
        // The logits stay.
        const ChannelGroup *logits = groupOf(plan, QStringLiteral("logits"));
        QVERIFY(logits && !logits->prunable());
        const GraphAnalysis a = shrunk->analysis();
        QVERIFY(a.valid());
        QCOMPARE(a.outputShape, TensorShape{{4}});
        for (const NodeAnalysis &n : a.nodes) {
            if (n.id == QLatin1String("res1_add"))
                QCOMPARE(n.outputShape, (TensorShape{{8, 12, 12}}));
            if (n.id == QLatin1String("res3_add"))
                QCOMPARE(n.outputShape, (TensorShape{{32, 3, 3}}));
        }
        QVERIFY(a.totalParameters < buildRandom(graph.value(), 1)->analysis().totalParameters / 3);
    }

    void otherTemplatesShrinkExactly_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("ranking");
        for (const char *t : {"small-cnn", "vgg", "mobilenet", "lenet", "mlp"})
            for (const char *r : {"l1", "bn-scale"})
                QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(t, r))) << t << r;
    }
    void otherTemplatesShrinkExactly()
    {
        QFETCH(QString, name);
        QFETCH(QString, ranking);
        auto graph = makeTemplate(name, TensorShape{{1, 16, 16}}, 5);
        QVERIFY2(graph, qPrintable(graph.error()));
        ChannelPlan plan;
        std::shared_ptr<GraphModuleImpl> shrunk;
        const double diff = prunedVsMasked(graph.value(), 0.5, ranking, &plan, &shrunk);
        QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
        QVERIFY(shrunk->analysis().totalParameters < buildRandom(graph.value(), 1)->analysis().totalParameters);
    }

    void concatAndFlattenAreRewired()
    {
        // two branches concatenated, then flattened into a linear layer
        ModelGraph g;
        g.name = QStringLiteral("branches");
        g.nodes = {node("input", "Input", {{"channels", 2}, {"height", 6}, {"width", 6}}, {}),
                   node("a", "Conv2d", {{"out_channels", 6}, {"kernel_size", 3}, {"padding", 1}}, {"input"}),
                   node("a_relu", "ReLU", {}, {"a"}),
                   node("b", "Conv2d", {{"out_channels", 4}, {"kernel_size", 1}}, {"input"}),
                   node("cat", "Concat", {}, {"a_relu", "b"}),
                   node("pool", "MaxPool2d", {{"kernel_size", 2}}, {"cat"}),
                   node("flat", "Flatten", {}, {"pool"}),
                   node("fc", "Linear", {{"out_features", 7}}, {"flat"}),
                   node("act", "GELU", {}, {"fc"}),
                   node("out", "Linear", {{"out_features", 3}}, {"act"})};
        ChannelPlan plan;
        std::shared_ptr<GraphModuleImpl> shrunk;
        const double diff = prunedVsMasked(g, 0.5, QStringLiteral("l1"), &plan, &shrunk);
        QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
        QCOMPARE(plan.keptOutputs(QStringLiteral("cat")).size(), size_t(3 + 2));
        QCOMPARE(plan.keptOutputs(QStringLiteral("flat")).size(), size_t(5 * 9));
        QCOMPARE(plan.keptOutputs(QStringLiteral("fc")).size(), size_t(4));   // round(7 / 2)
    }

    void fixedChannelsAreNamed()
    {
        // LayerNorm normalizes over all features: the Linear feeding it must keep them.
        ModelGraph g;
        g.name = QStringLiteral("norm");
        g.nodes = {node("input", "Input", {{"features", 5}}, {}), node("fc", "Linear", {{"out_features", 8}}, {"input"}),
                   node("ln", "LayerNorm", {}, {"fc"}), node("out", "Linear", {{"out_features", 2}}, {"ln"})};
        auto m = buildRandom(g, 1);
        auto plan = analyzeChannels(*m);
        QVERIFY(plan);
        const ChannelGroup *fc = groupOf(plan.value(), QStringLiteral("fc"));
        QVERIFY(fc && !fc->prunable());
        QVERIFY2(fc->fixedReason.contains(QLatin1String("LayerNorm")), qPrintable(fc->fixedReason));
    }

    void l1RankingOnHandMadeWeights()
    {
        ModelGraph g;
        g.name = QStringLiteral("ranked");
        g.nodes = {node("input", "Input", {{"channels", 1}, {"height", 3}, {"width", 3}}, {}),
                   node("conv", "Conv2d", {{"out_channels", 4}, {"kernel_size", 1}, {"bias", false}}, {"input"}),
                   node("bn", "BatchNorm2d", {}, {"conv"}), node("gap", "GlobalAvgPool", {}, {"bn"}),
                   node("out", "Linear", {{"out_features", 2}}, {"gap"})};
        auto m = buildRandom(g, 1);
        {
            torch::NoGradGuard noGrad;
            for (const auto &layer : m->layers()) {
                if (layer.node->id == QLatin1String("conv"))
                    layer.module->named_parameters(false)["weight"].copy_(torch::tensor({3.f, -1.f, -4.f, 2.f}).view({4, 1, 1, 1}));
                if (layer.node->id == QLatin1String("bn"))
                    layer.module->named_parameters(false)["weight"].copy_(torch::tensor({0.1f, 2.f, -0.5f, 1.f}));
            }
        }
        auto plan = analyzeChannels(*m);
        QVERIFY(plan);
        QVERIFY(rankChannels(plan.value(), *m, QStringLiteral("l1")));
        const ChannelGroup *conv = groupOf(plan.value(), QStringLiteral("conv"));
        QVERIFY(conv);
        // |w| / mean(|w|) with mean 2.5
        const QVector<double> expected{1.2, 0.4, 1.6, 0.8};
        for (int c = 0; c < 4; ++c)
            QVERIFY(qAbs(conv->score[c] - expected[c]) < 1e-6);
        selectChannels(plan.value(), 0.5);
        QCOMPARE(groupOf(plan.value(), QStringLiteral("conv"))->keep, (QVector<bool>{true, false, true, false}));
        // BatchNorm scale: |γ| = 0.1, 2, 0.5, 1 → keeps channels 1 and 3
        QVERIFY(rankChannels(plan.value(), *m, QStringLiteral("bn-scale")));
        selectChannels(plan.value(), 0.5);
        QCOMPARE(groupOf(plan.value(), QStringLiteral("conv"))->keep, (QVector<bool>{false, true, false, true}));
        QVERIFY(!rankChannels(plan.value(), *m, QStringLiteral("random")));
    }

    void magnitudePruningGlobalAndPerLayer()
    {
        ModelGraph g;
        g.name = QStringLiteral("two layers");
        g.nodes = {node("input", "Input", {{"features", 2}}, {}),
                   node("a", "Linear", {{"out_features", 2}, {"bias", false}}, {"input"}),
                   node("b", "Linear", {{"out_features", 2}, {"bias", false}}, {"a"})};
        auto set = [](GraphModuleImpl &m) {
            torch::NoGradGuard noGrad;
            for (const auto &layer : m.layers())
                layer.module->named_parameters(false)["weight"].copy_(
                    layer.node->id == QLatin1String("a") ? torch::tensor({1.f, -2.f, 3.f, -4.f}).view({2, 2})
                                                         : torch::tensor({10.f, 20.f, -30.f, 40.f}).view({2, 2}));
        };
        auto m = buildRandom(g, 1);
        set(*m);
        // global 50%: the four smallest magnitudes are all of layer a
        SparsityCount c = pruneMagnitude(*m, 0.5, true);
        QCOMPARE(c.weights, qint64(8));
        QCOMPARE(c.zeros, qint64(4));
        for (const auto &layer : m->layers()) {
            const torch::Tensor w = layer.module->named_parameters(false)["weight"];
            QCOMPARE(w.eq(0).sum().item<int64_t>(), layer.node->id == QLatin1String("a") ? 4 : 0);
        }
        set(*m);
        // per layer 50%: two of each, the smallest two of each layer
        c = pruneMagnitude(*m, 0.5, false);
        QCOMPARE(c.zeros, qint64(4));
        for (const auto &layer : m->layers()) {
            const torch::Tensor w = layer.module->named_parameters(false)["weight"].flatten();
            QCOMPARE(w[0].item<float>(), 0.f);
            QCOMPARE(w[1].item<float>(), 0.f);
            QVERIFY(w[3].item<float>() != 0.f);
        }
    }

    void paretoFrontOfSizeAndAccuracy()
    {
        // (bytes, accuracy): 100/0.95 and 40/0.93 and 10/0.80 are on the front; 50/0.90 is beaten by
        // 40/0.93; 40/0.93 twice: neither beats the other; no evaluation (-1) is never on it.
        QVector<FamilyPoint> p(6);
        const qint64 bytes[] = {100, 50, 40, 10, 40, 5};
        const double acc[] = {0.95, 0.90, 0.93, 0.80, 0.93, -1};
        for (int i = 0; i < 6; ++i) {
            p[i].weightBytes = bytes[i];
            p[i].accuracy = acc[i];
        }
        markParetoFront(p);
        const bool expected[] = {true, false, true, true, true, false};
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(p[i].pareto, expected[i]);
            QVERIFY(!p[i].paretoLatency);   // latency not measured: no latency front
        }
        // latency (ms): 2.0/0.95 and 0.5/0.90 are on the front; 1.0/0.93 also (faster than 0.95, more
        // accurate than 0.90); 3.0/0.80 is beaten by everything; 0.1 with no evaluation is not on it
        const double ms[] = {2.0, 0.5, 1.0, 3.0, -1, 0.1};
        for (int i = 0; i < 6; ++i)
            p[i].latencyMs = ms[i];
        markParetoFront(p);
        const bool expectedLatency[] = {true, true, true, false, false, false};
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(p[i].paretoLatency, expectedLatency[i]);
            QCOMPARE(p[i].pareto, expected[i]);   // unchanged by latency
        }
    }

    void slowerResultsAreSaid()
    {
        ModelMeasurement before, after;
        before.latencyMs = 0.25;
        before.throughput = 12000;
        after.latencyMs = 0.125;   // faster at batch 1 and at batch 64: nothing to say
        after.throughput = 90000;
        QVERIFY(slowerNotes(before, after).isEmpty());
        after.throughput = 6000;   // QNNPACK here: faster at batch 1, slower at batch 64
        QStringList notes = slowerNotes(before, after);
        QCOMPARE(notes.size(), 1);
        QCOMPARE(notes.first(), QStringLiteral("the result is not faster at batch 64 on this machine: 6000 vs 12000 samples/s"));
        after.latencyMs = 0.25;    // as slow as the source counts as not faster
        notes = slowerNotes(before, after);
        QCOMPARE(notes.size(), 2);
        QCOMPARE(notes.first(), QStringLiteral("the result is not faster at batch 1 on this machine: 0.250 ms vs 0.250 ms per sample"));
    }

    void distillationLossMatchesPyTorch()
    {
        // by hand in tests/fixtures/compress/make_distillation_fixture.py (cross-checked with PyTorch's kl_div when installed)
        const torch::Tensor student = torch::tensor({1.0, 2.0, 3.0, 0.5, -1.0, 2.0}, torch::kFloat64).view({2, 3});
        const torch::Tensor teacher = torch::tensor({3.0, 2.0, 1.0, 0.0, 1.0, 4.0}, torch::kFloat64).view({2, 3});
        const torch::Tensor labels = torch::tensor({2, 0}, torch::kInt64);
        const double ce = torch::nn::functional::cross_entropy(student, labels).item<double>();
        QVERIFY(qAbs(ce - 1.07445863055077) < 1e-12);
        struct Case
        {
            double t, alpha, kd, loss;
        };
        for (const Case &c : {Case{1.0, 0.5, 0.641489297122405, 0.857973963836587},
                              Case{2.0, 0.7, 0.834494278756144, 0.906483584294531},
                              Case{4.0, 1.0, 0.940673126015203, 0.940673126015203}}) {
            const double kd = distillationTerm(student, teacher, c.t).item<double>();
            QVERIFY2(qAbs(kd - c.kd) < 1e-12, qPrintable(QString::number(kd, 'g', 17)));
            QVERIFY(qAbs(c.alpha * kd + (1 - c.alpha) * ce - c.loss) < 1e-12);
        }
        // identical logits: nothing to learn from the teacher
        QVERIFY(distillationTerm(student, student, 3.0).item<double>() < 1e-12);
    }
};

QTEST_GUILESS_MAIN(TestCompress)
#include "tst_compress.moc"
