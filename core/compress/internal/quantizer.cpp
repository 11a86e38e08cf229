#include "compress/internal/quantizer.h"

#include "compress/internal/latency.h"
#include "data/internal/tensors.h"
#include "eval/evaluation.h"
#include "project/projectstore.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <sstream>

namespace lepton::Internal {
namespace {

std::function<torch::Tensor(const torch::Tensor &)> scriptForward(torch::jit::Module m)
{
    return [m](const torch::Tensor &x) mutable { return m.forward({x}).toTensor(); };
}

} // namespace

double accuracyOf(const std::function<torch::Tensor(const torch::Tensor &)> &forward, const torch::Tensor &x,
                  const torch::Tensor &y)
{
    torch::NoGradGuard noGrad;
    if (y.numel() == 0)
        return 0;
    int64_t correct = 0;
    for (int64_t start = 0; start < x.size(0); start += 512) {
        const int64_t end = std::min(x.size(0), start + 512);
        correct += forward(x.slice(0, start, end)).argmax(1).eq(y.slice(0, start, end)).sum().item<int64_t>();
    }
    return double(correct) / double(y.size(0));
}

Result<MixedPrecision> chooseInt8Layers(const Int8Builder &builder, const torch::Tensor &x, const torch::Tensor &y,
                                        double fp32Accuracy, double maxDrop, bool dynamicLinear,
                                        const CancelToken &cancel)
{
    using R = Result<MixedPrecision>;
    MixedPrecision mp;
    mp.fp32Accuracy = fp32Accuracy;
    for (const QString &layer : builder.quantizableLayers()) {
        if (cancel.isCancelled())
            return R::failure(QStringLiteral("quantization cancelled"));
        auto m = builder.build({layer}, dynamicLinear);
        if (!m)
            return R::failure(m.error());
        const double acc = accuracyOf(scriptForward(m.value()), x, y);
        mp.sensitivity.append(LayerSensitivity{layer, acc, fp32Accuracy - acc});
    }
    std::stable_sort(mp.sensitivity.begin(), mp.sensitivity.end(),
                     [](const LayerSensitivity &a, const LayerSensitivity &b) { return a.drop > b.drop; });
    for (const QString &layer : builder.quantizableLayers())
        mp.int8.insert(layer);
    for (int next = 0;; ++next) {
        if (cancel.isCancelled())
            return R::failure(QStringLiteral("quantization cancelled"));
        if (mp.int8.isEmpty()) {
            mp.int8Accuracy = fp32Accuracy;
            break;
        }
        auto m = builder.build(mp.int8, dynamicLinear);
        if (!m)
            return R::failure(m.error());
        mp.int8Accuracy = accuracyOf(scriptForward(m.value()), x, y);
        if (fp32Accuracy - mp.int8Accuracy <= maxDrop || next >= mp.sensitivity.size())
            break;
        mp.int8.remove(mp.sensitivity[next].layer);
        mp.keptFp32 << mp.sensitivity[next].layer;
    }
    return mp;
}

Status quantizeModel(const QString &projectPath, const LoadedModel &source, const CompressionSettings &s,
                     const CompressionObserver &observer, const CancelToken &cancel, CompressionOutcome &outcome)
{
    auto engine = selectQuantizedEngine(s.engine);
    if (!engine)
        return Status::failure(engine.error());
    auto store = ProjectStore::open(projectPath);
    if (!store)
        return Status::failure(store.error());
    bool hasConv = false;
    for (const GraphNode &n : source.module->graph().nodes)
        hasConv = hasConv || n.type == QLatin1String("Conv2d");
    // Linear-only models: dynamic quantization (activations quantized per batch at run time, no ranges)
    const bool dynamicLinear = !hasConv;
    report(observer.progress, 0, 3,
           dynamicLinear ? QStringLiteral("dynamic int8 for a Linear-only model: no activation ranges to calibrate")
                         : QStringLiteral("calibrating on %1 training samples").arg(s.calibrationSamples));
    auto train = loadSplit(*store.value(), source.dataset, Split::Train);
    if (!train)
        return Status::failure(train.error());
    auto val = loadSplit(*store.value(), source.dataset, Split::Validation);
    if (!val)
        return Status::failure(val.error());
    if (train->size() == 0)
        return Status::failure(QStringLiteral("calibration needs training samples; dataset '%1' has none").arg(source.dataset.name));
    // The validation split decides which layers stay fp32; without one, the calibration samples do.
    const SplitTensors &check = val->size() > 0 ? val.value() : train.value();
    const torch::Tensor calibration = train->images.slice(0, 0, std::min<qint64>(s.calibrationSamples, train->size()));
    auto builder = Int8Builder::calibrate(source.module, calibration, s.observer);
    if (!builder)
        return Status::failure(builder.error());
    if (builder->quantizableLayers().isEmpty())
        return Status::failure(QStringLiteral("'%1' has no Conv2d or Linear layer to quantize").arg(source.module->graph().name));
    auto module = source.module;
    const double fp32Accuracy = accuracyOf([module](const torch::Tensor &x) { return module->forward(x); },
                                           check.images, check.labels);
    report(observer.progress, 1, 3, QStringLiteral("per-layer sensitivity"));
    auto mp = chooseInt8Layers(builder.value(), check.images, check.labels, fp32Accuracy, s.maxDrop, dynamicLinear, cancel);
    if (!mp)
        return Status::failure(mp.error());
    QJsonArray sensitivity;
    for (const LayerSensitivity &l : mp->sensitivity)
        sensitivity.append(QJsonObject{{"layer", l.layer}, {"accuracy", l.accuracy}, {"drop", l.drop}});
    QStringList int8Layers;
    for (const QString &id : builder->quantizableLayers())
        if (mp->int8.contains(id))
            int8Layers << id;
    const QString checkedOn = val->size() > 0 ? QStringLiteral("validation") : QStringLiteral("train");
    QJsonObject details{{"engine", engine.value()},
                        {"mode", dynamicLinear ? "dynamic" : "static"},
                        {"observer", s.observer},
                        {"calibration_samples", qint64(calibration.size(0))},
                        {"sensitivity_split", checkedOn},
                        {"sensitivity", sensitivity},
                        {"int8_layers", QJsonArray::fromStringList(int8Layers)},
                        {"fp32_layers", QJsonArray::fromStringList(mp->keptFp32)},
                        {"fp32_accuracy", mp->fp32Accuracy},
                        {"int8_accuracy", mp->int8Accuracy},
                        {"int8_weight_bytes", builder->weightBytes(mp->int8)},
                        {"fp32_weight_bytes", builder->weightBytes({})},
                        {"parameters", source.module->analysis().totalParameters}};
    {
        torch::NoGradGuard noGrad;
        qint64 nonzero = 0;
        for (const auto &p : source.module->parameters())
            nonzero += p.ne(0).sum().item<int64_t>();
        details.insert(QStringLiteral("nonzero_parameters"), nonzero);
    }
    if (int8Layers.isEmpty())
        return Status::failure(QStringLiteral("no layer can be int8 within a %1 accuracy drop on the %2 split; the "
                                              "least sensitive layer alone drops %3")
                                   .arg(s.maxDrop)
                                   .arg(checkedOn)
                                   .arg(mp->sensitivity.isEmpty() ? 0.0 : mp->sensitivity.last().drop));
    report(observer.progress, 2, 3, QStringLiteral("storing the int8 model"));
    auto final = builder->build(mp->int8, dynamicLinear);
    if (!final)
        return Status::failure(final.error());
    QByteArray bytes;
    try {
        std::ostringstream out;
        final->save(out);
        bytes = QByteArray::fromStdString(out.str());
        // The stored file is what export writes and what measurement loads: check it runs the same.
        std::istringstream in(out.str());
        torch::jit::Module reloaded = torch::jit::load(in);
        reloaded.eval();
        torch::NoGradGuard noGrad;
        const torch::Tensor probe = check.images.slice(0, 0, std::min<qint64>(64, check.size()));
        const double diff = (final->forward({probe}).toTensor() - reloaded.forward({probe}).toTensor()).abs().max().item<double>();
        details.insert(QStringLiteral("reload_max_abs_diff"), diff);
        if (diff > 1e-5)
            return Status::failure(QStringLiteral("the saved int8 TorchScript module differs from the built one by %1").arg(diff));
    } catch (const std::exception &e) {
        return Status::failure(QStringLiteral("saving the int8 model: %1").arg(describeException(e)));
    }
    ModelVersionInfo mv;
    mv.pendingJobId = outcome.jobId;
    mv.parentId = source.version.id;
    mv.architectureId = source.version.architectureId;
    mv.datasetId = source.version.datasetId;
    mv.name = QStringLiteral("v%1 int8%2 (%3, %4 of %5 layers)")
                  .arg(source.version.id)
                  .arg(dynamicLinear ? QStringLiteral(" dynamic") : QString())
                  .arg(engine.value())
                  .arg(int8Layers.size())
                  .arg(builder->quantizableLayers().size());
    auto id = store.value()->addModelVersion(mv, bytes);
    if (!id)
        return Status::failure(id.error());
    QuantizedVersion q{id.value(), engine.value(), dynamicLinear ? QStringLiteral("dynamic") : QStringLiteral("static"),
                       int8Layers, details};
    if (auto st = recordQuantizedVersion(*store.value(), q); !st)
        return st;
    outcome.createdVersions.append(id.value());
    outcome.modelVersionId = id.value();
    outcome.details = details;
    if (dynamicLinear)
        outcome.notes << QStringLiteral("a Linear-only model gets dynamic quantization: int8 weights, activations "
                                        "quantized per batch at run time (no calibration)");
    if (!mp->keptFp32.isEmpty())
        outcome.notes << QStringLiteral("kept in fp32 to stay within the %1 drop: %2").arg(s.maxDrop).arg(mp->keptFp32.join(", "));
    return success();
}

Result<ModelMeasurement> measureQuantizedVersion(const QString &projectPath, const QuantizedVersion &q,
                                                 const ProgressFn &progress, const CancelToken &cancel,
                                                 bool withAccuracy)
{
    using M = Result<ModelMeasurement>;
    auto store = ProjectStore::open(projectPath);
    if (!store)
        return M::failure(store.error());
    auto version = store.value()->modelVersion(q.modelVersionId);
    if (!version)
        return M::failure(version.error());
    auto dataset = store.value()->dataset(version->datasetId);
    if (!dataset)
        return M::failure(dataset.error());
    // The int8 module reads what its fp32 source (same architecture) reads.
    auto arch = store.value()->architecture(version->architectureId);
    if (!arch)
        return M::failure(arch.error());
    auto graph = ModelGraph::fromJson(arch->graphJson.toUtf8());
    if (!graph)
        return M::failure(QStringLiteral("int8 model version %1: architecture %2: %3")
                              .arg(q.modelVersionId)
                              .arg(version->architectureId)
                              .arg(graph.error()));
    const TensorShape inputShape = analyzeGraph(graph.value()).inputShape;
    auto module = loadQuantizedModule(*store.value(), q);
    if (!module)
        return M::failure(module.error());
    auto bytes = store.value()->modelWeights(q.modelVersionId);
    if (!bytes)
        return M::failure(bytes.error());
    ModelMeasurement m;
    m.modelVersionId = q.modelVersionId;
    m.name = version->name;
    m.precision = q.layers.isEmpty() ? QStringLiteral("fp32") : QStringLiteral("int8 (%1)").arg(q.engine);
    m.storedBytes = bytes->size();
    m.weightBytes = qint64(q.report.value(QLatin1String("int8_weight_bytes")).toDouble());
    const auto forward = scriptForward(module.value());
    try {
        torch::NoGradGuard noGrad;
        m.parameters = qint64(q.report.value(QLatin1String("parameters")).toDouble());
        m.nonzeroParameters = qint64(q.report.value(QLatin1String("nonzero_parameters")).toDouble());
        report(progress, 0, 2, QStringLiteral("measuring latency of v%1").arg(q.modelVersionId));
        const LatencyStats l = measureLatency(forward, inputShape);
        m.latencyMs = l.msPerSample;
        m.throughput = l.throughput;
    } catch (const std::exception &e) {
        return M::failure(QStringLiteral("measuring int8 model version %1: %2").arg(q.modelVersionId).arg(describeException(e)));
    }
    if (!withAccuracy)
        return m;
    report(progress, 1, 2, QStringLiteral("evaluating v%1 on the test split").arg(q.modelVersionId));
    auto data = loadSplit(*store.value(), dataset.value(), Split::Test);
    if (!data)
        return M::failure(data.error());
    auto records = store.value()->samples(dataset->id, Split::Test, false);
    if (!records)
        return M::failure(records.error());
    if (records->size() != data->size() || data->size() == 0)
        return M::failure(QStringLiteral("the test split of dataset '%1' is empty or changed while read").arg(dataset->name));
    QVector<PredictionRecord> predictions;
    try {
        torch::NoGradGuard noGrad;
        for (qint64 start = 0; start < data->size(); start += 512) {
            if (cancel.isCancelled())
                return M::failure(QStringLiteral("evaluation cancelled"));
            const qint64 end = std::min(start + 512, data->size());
            const torch::Tensor soft = forward(data->images.slice(0, start, end)).to(torch::kDouble).softmax(1).contiguous();
            const torch::Tensor pred = soft.argmax(1);
            const int classes = int(soft.size(1));
            for (qint64 i = start; i < end; ++i) {
                PredictionRecord r;
                r.sampleId = records->at(i).id;
                r.sample = records->at(i).path;
                r.truth = int(data->labels[i].item<int64_t>());
                r.predicted = int(pred[i - start].item<int64_t>());
                const double *row = soft.data_ptr<double>() + (i - start) * classes;
                r.scores = QVector<double>(row, row + classes);
                predictions.append(std::move(r));
            }
        }
    } catch (const std::exception &e) {
        return M::failure(QStringLiteral("evaluating int8 model version %1: %2").arg(q.modelVersionId).arg(describeException(e)));
    }
    auto computed = evaluationFromPredictions(dataset->classes, predictions);
    if (!computed)
        return M::failure(computed.error());
    EvaluationOutcome out = std::move(computed).value();
    out.modelVersionId = q.modelVersionId;
    out.split = Split::Test;
    out.datasetId = dataset->id;
    out.datasetName = dataset->name;
    EvaluationInfo info;
    info.modelVersionId = q.modelVersionId;
    info.datasetId = dataset->id;
    info.split = splitName(Split::Test);
    info.accuracy = out.metrics.accuracy;
    info.macroF1 = out.metrics.macroF1;
    info.metricsJson = QString::fromUtf8(QJsonDocument(storedMetricsJson(out)).toJson(QJsonDocument::Compact));
    auto evalId = store.value()->addEvaluation(info, out.predictions);
    if (!evalId)
        return M::failure(evalId.error());
    m.accuracy = out.metrics.accuracy;
    m.macroF1 = out.metrics.macroF1;
    m.evaluationId = evalId.value();
    return m;
}

} // namespace lepton::Internal
