#include "compress/compressor.h"

#include <QJsonArray>

namespace lepton {

double defaultCompressionLearningRate(CompressionMethod method)
{
    return method == CompressionMethod::Distill ? 1e-2 : 1e-3;
}

QString CompressionSettings::validate() const
{
    if (method == CompressionMethod::Prune) {
        if (!(sparsity > 0) || sparsity >= 1)
            return QStringLiteral("pruning sparsity must be in (0, 1), got %1").arg(sparsity);
        if (structured && ranking != QLatin1String("l1") && ranking != QLatin1String("bn-scale"))
            return QStringLiteral("channel ranking must be l1 or bn-scale, got '%1'").arg(ranking);
        if (iterations < 1 || iterations > 100)
            return QStringLiteral("pruning iterations must be between 1 and 100, got %1").arg(iterations);
        if (structured && iterations != 1)
            return QStringLiteral("iterative pruning is for unstructured pruning; structured pruning takes 1 step");
        if (finetuneEpochs < 0)
            return QStringLiteral("fine-tuning epochs must be >= 0, got %1").arg(finetuneEpochs);
    }
    if (method == CompressionMethod::Quantize || thenInt8) {
        if (calibrationSamples < 1)
            return QStringLiteral("calibration needs at least 1 sample, got %1").arg(calibrationSamples);
        if (observer != QLatin1String("minmax") && observer != QLatin1String("percentile"))
            return QStringLiteral("observer must be minmax or percentile, got '%1'").arg(observer);
        if (!(maxDrop >= 0) || maxDrop > 1)
            return QStringLiteral("maximum accuracy drop must be in [0, 1], got %1").arg(maxDrop);
        if (!engine.isEmpty() && engine != QLatin1String("onednn") && engine != QLatin1String("qnnpack"))
            return QStringLiteral("quantized engine must be onednn or qnnpack, got '%1'").arg(engine);
    }
    if (method == CompressionMethod::Distill) {
        if (student.isEmpty())
            return QStringLiteral("distillation needs a student: a template name or a graph JSON file");
        if (!(temperature > 0) || temperature > 100)
            return QStringLiteral("distillation temperature must be in (0, 100], got %1").arg(temperature);
        if (!(alpha >= 0) || alpha > 1)
            return QStringLiteral("distillation alpha must be in [0, 1], got %1").arg(alpha);
        if (epochs < 1)
            return QStringLiteral("distillation needs at least 1 epoch, got %1").arg(epochs);
    }
    TrainConfig t = training;
    t.epochs = std::max(1, method == CompressionMethod::Distill ? epochs : finetuneEpochs);
    t.warmupEpochs = std::min(t.warmupEpochs, t.epochs - 1);
    return t.validate();
}

QString CompressionSettings::describe() const
{
    if (thenInt8 && method != CompressionMethod::Quantize) {
        CompressionSettings first = *this, second = *this;
        first.thenInt8 = false;
        second.method = CompressionMethod::Quantize;
        return QStringLiteral("%1, then %2").arg(first.describe(), second.describe());
    }
    const QString pct = QStringLiteral("%1%").arg(sparsity * 100.0, 0, 'g', 3);
    switch (method) {
    case CompressionMethod::Prune: {
        QString text = structured ? QStringLiteral("structured pruning of %1 of channels (%2)").arg(pct, ranking)
                                  : QStringLiteral("unstructured pruning to %1 zero weights (%2%3)")
                                        .arg(pct, globalThreshold ? QStringLiteral("global") : QStringLiteral("per layer"),
                                             iterations > 1 ? QStringLiteral(", %1 steps").arg(iterations) : QString());
        if (finetuneEpochs > 0)
            text += QStringLiteral(", %1 fine-tuning epoch%2").arg(finetuneEpochs).arg(finetuneEpochs == 1 ? "" : "s");
        return text;
    }
    case CompressionMethod::Quantize:
        return QStringLiteral("int8 static quantization (%1 calibration samples, %2, max drop %3)")
            .arg(calibrationSamples)
            .arg(observer)
            .arg(maxDrop);
    case CompressionMethod::Distill:
        return QStringLiteral("distillation into %1 (T = %2, α = %3, %4 epochs)").arg(student).arg(temperature).arg(alpha).arg(epochs);
    }
    return {};
}

QJsonObject ModelMeasurement::toJson() const
{
    return QJsonObject{{"model_version", modelVersionId},
                       {"name", name},
                       {"precision", precision},
                       {"parameters", parameters},
                       {"nonzero_parameters", nonzeroParameters},
                       {"weight_bytes", weightBytes},
                       {"stored_bytes", storedBytes},
                       {"latency_ms_per_sample", latencyMs},
                       {"throughput_samples_per_s", throughput},
                       {"accuracy", accuracy},
                       {"macro_f1", macroF1},
                       {"evaluation", evaluationId}};
}

QJsonObject CompressionOutcome::toJson() const
{
    QJsonArray created;
    for (qint64 id : createdVersions)
        created.append(id);
    QJsonArray epochs;
    for (const EpochMetrics &e : trainingEpochs)
        epochs.append(QJsonObject{{"epoch", e.epoch},
                                  {"train_loss", e.trainLoss},
                                  {"val_loss", e.valLoss},
                                  {"val_accuracy", e.valAccuracy},
                                  {"val_macro_f1", e.valF1}});
    QJsonObject o{{"before", before.toJson()},
                  {"after", after.toJson()},
                  {"model_version", modelVersionId},
                  {"created_versions", created},
                  {"training_epochs", epochs},
                  {"notes", QJsonArray::fromStringList(notes)},
                  {"details", details},
                  {"cancelled", cancelled}};
    if (intermediate.modelVersionId > 0)
        o.insert(QStringLiteral("intermediate"), intermediate.toJson());
    if (before.latencyMs > 0 && after.latencyMs > 0)
        o.insert(QStringLiteral("latency_ratio"), after.latencyMs / before.latencyMs);
    if (before.weightBytes > 0)
        o.insert(QStringLiteral("size_ratio"), double(after.weightBytes) / double(before.weightBytes));
    o.insert(QStringLiteral("accuracy_change"), after.accuracy - before.accuracy);
    return o;
}

} // namespace lepton
