#include "train/trainer.h"

#include <QJsonArray>

namespace lepton {

namespace {

const QStringList kOptimizers{"sgd", "adam", "adamw"};
const QStringList kSchedules{"constant", "step", "cosine", "onecycle", "plateau"};
const QStringList kMonitors{"val_loss", "val_accuracy", "val_macro_f1", "val_mae", "val_r2"};

} // namespace

QJsonObject TrainConfig::toJson() const
{
    QJsonArray weights;
    for (double w : classWeights)
        weights.append(w);
    QJsonObject json{{"epochs", epochs},
                       {"batch_size", batchSize},
                       {"learning_rate", learningRate},
                       {"optimizer", optimizer},
                       {"momentum", momentum},
                       {"nesterov", nesterov},
                       {"weight_decay", weightDecay},
                       {"schedule", schedule},
                       {"step_epochs", stepEpochs},
                       {"gamma", gamma},
                       {"plateau_patience", plateauPatience},
                       {"warmup_epochs", warmupEpochs},
                       {"clip_norm", clipNorm},
                       {"label_smoothing", labelSmoothing},
                       {"class_weights", weights},
                       {"monitor", monitor},
                       {"patience", patience},
                       {"seed", QString::number(seed)}};
    if (initModelVersion > 0)
        json.insert(QLatin1String("init_model_version"), initModelVersion);
    return json;
}

Result<TrainConfig> TrainConfig::fromJson(const QJsonObject &json)
{
    TrainConfig c;
    auto num = [&](const char *key, double fallback) { return json.value(QLatin1String(key)).toDouble(fallback); };
    auto integer = [&](const char *key, int fallback) { return json.value(QLatin1String(key)).toInt(fallback); };
    auto text = [&](const char *key, const QString &fallback) {
        return json.value(QLatin1String(key)).toString(fallback).toLower();
    };
    c.epochs = integer("epochs", c.epochs);
    c.batchSize = integer("batch_size", c.batchSize);
    c.learningRate = num("learning_rate", c.learningRate);
    c.optimizer = text("optimizer", c.optimizer);
    c.momentum = num("momentum", c.momentum);
    c.nesterov = json.value(QLatin1String("nesterov")).toBool(c.nesterov);
    c.weightDecay = num("weight_decay", c.weightDecay);
    c.schedule = text("schedule", c.schedule);
    c.stepEpochs = integer("step_epochs", c.stepEpochs);
    c.gamma = num("gamma", c.gamma);
    c.plateauPatience = integer("plateau_patience", c.plateauPatience);
    c.warmupEpochs = integer("warmup_epochs", c.warmupEpochs);
    c.clipNorm = num("clip_norm", c.clipNorm);
    c.labelSmoothing = num("label_smoothing", c.labelSmoothing);
    for (const QJsonValue &w : json.value(QLatin1String("class_weights")).toArray())
        c.classWeights.append(w.toDouble(-1));
    c.monitor = text("monitor", c.monitor);
    c.patience = integer("patience", c.patience);
    const QJsonValue seed = json.value(QLatin1String("seed"));
    if (seed.isString())
        c.seed = seed.toString().toULongLong();
    else if (seed.isDouble())
        c.seed = quint64(seed.toDouble());
    c.initModelVersion = json.value(QLatin1String("init_model_version")).toInteger(0);
    if (const QString bad = c.validate(); !bad.isEmpty())
        return Result<TrainConfig>::failure(bad);
    return c;
}

bool monitorMaximizes(const QString &monitor)
{
    return monitor != QLatin1String("val_loss") && monitor != QLatin1String("val_mae");
}

bool TrainConfig::monitorMaximizes() const
{
    return lepton::monitorMaximizes(monitor);
}

QString TrainConfig::validate() const
{
    if (epochs < 1 || epochs > 100000)
        return QStringLiteral("epochs must be between 1 and 100000, got %1").arg(epochs);
    if (batchSize < 1 || batchSize > 65536)
        return QStringLiteral("batch size must be between 1 and 65536, got %1").arg(batchSize);
    if (!(learningRate > 0) || learningRate > 10)
        return QStringLiteral("learning rate must be in (0, 10], got %1").arg(learningRate);
    if (!kOptimizers.contains(optimizer))
        return QStringLiteral("optimizer must be one of %1, got '%2'").arg(kOptimizers.join(", "), optimizer);
    if (!(momentum >= 0) || momentum >= 1)
        return QStringLiteral("momentum must be in [0, 1), got %1").arg(momentum);
    if (nesterov && (optimizer != QLatin1String("sgd") || momentum <= 0))
        return QStringLiteral("Nesterov momentum needs the sgd optimizer with momentum > 0");
    if (!(weightDecay >= 0) || weightDecay > 1)
        return QStringLiteral("weight decay must be in [0, 1], got %1").arg(weightDecay);
    if (!kSchedules.contains(schedule))
        return QStringLiteral("schedule must be one of %1, got '%2'").arg(kSchedules.join(", "), schedule);
    if (stepEpochs < 1)
        return QStringLiteral("step epochs must be >= 1, got %1").arg(stepEpochs);
    if (!(gamma > 0) || gamma > 1)
        return QStringLiteral("gamma (the step/plateau factor) must be in (0, 1], got %1").arg(gamma);
    if (plateauPatience < 0)
        return QStringLiteral("plateau patience must be >= 0, got %1").arg(plateauPatience);
    if (warmupEpochs < 0 || warmupEpochs >= epochs)
        return QStringLiteral("warm-up must be between 0 and epochs - 1 (%1), got %2").arg(epochs - 1).arg(warmupEpochs);
    if (warmupEpochs > 0 && schedule == QLatin1String("onecycle"))
        return QStringLiteral("the one-cycle schedule has its own warm-up; set warm-up to 0");
    if (!(clipNorm >= 0))
        return QStringLiteral("gradient clipping norm must be >= 0 (0: off), got %1").arg(clipNorm);
    if (!(labelSmoothing >= 0) || labelSmoothing >= 1)
        return QStringLiteral("label smoothing must be in [0, 1), got %1").arg(labelSmoothing);
    for (int i = 0; i < classWeights.size(); ++i)
        if (!(classWeights[i] >= 0))
            return QStringLiteral("class weight %1 must be >= 0, got %2").arg(i).arg(classWeights[i]);
    if (!kMonitors.contains(monitor))
        return QStringLiteral("monitored metric must be one of %1, got '%2'").arg(kMonitors.join(", "), monitor);
    if (initModelVersion < 0)
        return QStringLiteral("the model version to start from must be an id > 0 (0: random initialization), got %1")
            .arg(initModelVersion);
    if (patience < 0)
        return QStringLiteral("early-stopping patience must be >= 0 (0: off), got %1").arg(patience);
    return {};
}

} // namespace lepton
