// int8 quantization core: quantize/dequantize of known values (per-tensor uint8 activations,
// per-channel symmetric int8 weights), activation parameters, the int8 model against fp32 on a conv
// net, and per-layer sensitivity on a fixture with one deliberately fragile layer.
#include "compress/internal/int8model.h"
#include "compress/internal/quantizedversions.h"
#include "compress/internal/quantizer.h"

#include <QTest>

using namespace lepton;
using namespace lepton::Internal;

namespace {

GraphNode node(const QString &id, const QString &type, const QJsonObject &params, const QStringList &inputs)
{
    return GraphNode{id, type, params, inputs};
}

std::shared_ptr<GraphModuleImpl> build(const ModelGraph &g)
{
    torch::manual_seed(5);
    auto m = GraphModuleImpl::build(g);
    if (!m)
        qFatal("%s", qPrintable(m.error()));
    m.value()->eval();
    return m.value();
}

} // namespace

class TestCompressInt8 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        auto engine = selectQuantizedEngine(QString());
        QVERIFY2(engine, qPrintable(engine.error()));
        QVERIFY(!selectQuantizedEngine(QStringLiteral("fbgemm-nonesuch")));
    }

    void quantizeDequantizeKnownValues()
    {
        // uint8 activations, scale 0.01, zero point 0: clamps at 255 · 0.01 = 2.55
        const torch::Tensor x = torch::tensor({0.0f, 0.5f, 1.0f, 2.55f, 3.0f, -0.2f});
        const torch::Tensor q = torch::quantize_per_tensor(x, 0.01, 0, torch::kQUInt8);
        const torch::Tensor ints = q.int_repr().to(torch::kInt64);
        const std::vector<int64_t> expectInts{0, 50, 100, 255, 255, 0};
        for (int i = 0; i < 6; ++i)
            QCOMPARE(ints[i].item<int64_t>(), expectInts[size_t(i)]);
        const std::vector<float> back{0.0f, 0.5f, 1.0f, 2.55f, 2.55f, 0.0f};
        for (int i = 0; i < 6; ++i)
            QVERIFY(qAbs(q.dequantize()[i].item<float>() - back[size_t(i)]) < 1e-6f);
        // activation parameters: [0, 2.55] → (0.01, 0); [-1, 1] → (2/255, 128); an all-positive range keeps 0
        auto [s1, z1] = activationQParams(0.0f, 2.55f);
        QVERIFY(qAbs(s1 - 0.01) < 1e-9);
        QCOMPARE(z1, int64_t(0));
        auto [s2, z2] = activationQParams(-1.0f, 1.0f);
        QVERIFY(qAbs(s2 - 2.0 / 255.0) < 1e-12);
        QCOMPARE(z2, int64_t(128));
        auto [s3, z3] = activationQParams(0.5f, 2.55f);
        QVERIFY(qAbs(s3 - 0.01) < 1e-9);
        QCOMPARE(z3, int64_t(0));
        // per-channel symmetric int8 weights: scale = max|w| / 127 per row, zero point 0
        const torch::Tensor w = torch::tensor({1.0f, -0.25f, 0.254f, 0.1f}).view({2, 2});
        const torch::Tensor scales = torch::tensor({1.0 / 127.0, 0.254 / 127.0}, torch::kFloat64);
        const torch::Tensor qw = torch::quantize_per_channel(w, scales, torch::zeros({2}, torch::kInt64), 0, torch::kQInt8);
        const torch::Tensor wi = qw.int_repr().to(torch::kInt64).flatten();
        const std::vector<int64_t> expectW{127, -32, 127, 50};
        for (int i = 0; i < 4; ++i)
            QCOMPARE(wi[i].item<int64_t>(), expectW[size_t(i)]);
    }

    void int8ConvNetFollowsFp32()
    {
        ModelGraph g;
        g.name = QStringLiteral("conv net");
        g.nodes = {node("input", "Input", {{"channels", 1}, {"height", 8}, {"width", 8}}, {}),
                   node("conv", "Conv2d", {{"out_channels", 8}, {"kernel_size", 3}, {"padding", 1}, {"bias", false}}, {"input"}),
                   node("bn", "BatchNorm2d", {}, {"conv"}), node("relu", "ReLU", {}, {"bn"}),
                   node("pool", "MaxPool2d", {{"kernel_size", 2}}, {"relu"}), node("flat", "Flatten", {}, {"pool"}),
                   node("fc", "Linear", {{"out_features", 4}}, {"flat"})};
        auto m = build(g);
        {
            torch::NoGradGuard noGrad;
            for (const auto &layer : m->layers())
                if (layer.node->id == QLatin1String("bn")) {
                    layer.module->named_buffers(false)["running_mean"].uniform_(-0.2, 0.2);
                    layer.module->named_buffers(false)["running_var"].uniform_(0.5, 2.0);
                    layer.module->named_parameters(false)["weight"].uniform_(0.5, 1.5);
                }
        }
        torch::manual_seed(9);
        const torch::Tensor x = torch::rand({64, 1, 8, 8});
        auto builder = Int8Builder::calibrate(m, x, QStringLiteral("minmax"));
        QVERIFY2(builder, qPrintable(builder.error()));
        QCOMPARE(builder->quantizableLayers(), (QStringList{"conv", "fc"}));
        auto q = builder->build({QStringLiteral("conv"), QStringLiteral("fc")}, false);
        QVERIFY2(q, qPrintable(q.error()));
        torch::NoGradGuard noGrad;
        const torch::Tensor ref = m->forward(x);
        const torch::Tensor out = q->forward({x}).toTensor();
        const double range = (ref.max() - ref.min()).item<double>();
        const double err = (out - ref).abs().max().item<double>();
        QVERIFY2(err < 0.05 * range, qPrintable(QStringLiteral("%1 of %2").arg(err).arg(range)));
        QVERIFY(err > 0);   // it did run in int8
        // conv → pool → flatten → fc stays in int8: one quantize at the input, one dequantize at the end
        const QString text = QString::fromStdString(q->get_method("forward").graph()->toString());
        QCOMPARE(text.count(QStringLiteral("aten::quantize_per_tensor")), 1);
        QCOMPARE(text.count(QStringLiteral("aten::dequantize")), 1);
        // with the fc in fp32, the pooled int8 values are dequantized once, before it
        auto convOnly = builder->build({QStringLiteral("conv")}, false);
        QVERIFY2(convOnly, qPrintable(convOnly.error()));
        QCOMPARE(QString::fromStdString(convOnly->get_method("forward").graph()->toString())
                     .count(QStringLiteral("aten::dequantize")), 1);
        QVERIFY((convOnly->forward({x}).toTensor() - ref).abs().max().item<double>() < 0.05 * range);
        // int8: 72 conv + 8 · (scale + bias) with BN folded, 512 fc + 4 · 8; fp32: 4 bytes per value
        QCOMPARE(builder->weightBytes({QStringLiteral("conv"), QStringLiteral("fc")}), qint64(72 + 64 + 512 + 32));
        QCOMPARE(builder->weightBytes({}), qint64(4 * (72 + 32 + 512 + 4)));   // BN: γ, β, mean, var
        // the percentile observer also builds and stays close
        auto p = Int8Builder::calibrate(m, x, QStringLiteral("percentile"));
        QVERIFY(p);
        auto pq = p->build({QStringLiteral("conv"), QStringLiteral("fc")}, false);
        QVERIFY(pq);
        QVERIFY((pq->forward({x}).toTensor() - ref).abs().max().item<double>() < 0.1 * range);
    }

    void sensitivityFindsTheFragileLayer()
    {
        // Feature 3 is ~1000× larger than the others but `fragile` gives it no weight: in fp32 it does
        // not matter, with one per-tensor input scale it wipes out features 0-2.
        ModelGraph g;
        g.name = QStringLiteral("fragile");
        g.nodes = {node("input", "Input", {{"features", 4}}, {}),
                   node("fragile", "Linear", {{"out_features", 8}}, {"input"}), node("relu", "ReLU", {}, {"fragile"}),
                   node("sturdy", "Linear", {{"out_features", 3}}, {"relu"})};
        auto m = build(g);
        {
            // fragile passes features 0-2 on (hidden units 0-2), sturdy reads them as the three class
            // scores: the fp32 class is the largest of x0..x2, balanced over the classes
            torch::NoGradGuard noGrad;
            for (const auto &layer : m->layers()) {
                if (!layer.module)
                    continue;   // ReLU
                auto params = layer.module->named_parameters(false);
                const bool fragile = layer.node->id == QLatin1String("fragile");
                torch::Tensor w = params["weight"];
                w.zero_();
                for (int i = 0; i < 3; ++i)
                    w[i][i] = 1.0;
                params["bias"].zero_();
                if (fragile)
                    QCOMPARE(w.select(1, 3).abs().sum().item<double>(), 0.0);
            }
        }
        torch::manual_seed(11);
        torch::Tensor x = torch::rand({400, 4});
        x.select(1, 3).mul_(1000.0);
        torch::Tensor y;
        {
            torch::NoGradGuard noGrad;
            y = m->forward(x).argmax(1);   // fp32 is right by construction
        }
        auto builder = Int8Builder::calibrate(m, x, QStringLiteral("minmax"));
        QVERIFY(builder);
        auto mp = chooseInt8Layers(builder.value(), x, y, 1.0, 0.05, false, CancelToken());
        QVERIFY2(mp, qPrintable(mp.error()));
        QCOMPARE(mp->sensitivity.size(), 2);
        QCOMPARE(mp->sensitivity[0].layer, QStringLiteral("fragile"));
        QVERIFY2(mp->sensitivity[0].drop > 0.4, qPrintable(QString::number(mp->sensitivity[0].drop)));
        QVERIFY2(mp->sensitivity[1].drop < 0.05, qPrintable(QString::number(mp->sensitivity[1].drop)));
        QCOMPARE(mp->keptFp32, QStringList{QStringLiteral("fragile")});
        QCOMPARE(mp->int8, QSet<QString>{QStringLiteral("sturdy")});
        QVERIFY(1.0 - mp->int8Accuracy <= 0.05);
    }
};

QTEST_GUILESS_MAIN(TestCompressInt8)
#include "tst_compressint8.moc"
