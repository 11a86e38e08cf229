#include "train/trainer.h"

#include <cmath>

namespace lepton {

QJsonObject TrainConfig::toJson() const
{
    return QJsonObject{{"epochs", epochs},
                       {"batch_size", batchSize},
                       {"learning_rate", learningRate},
                       {"optimizer", optimizer},
                       {"momentum", momentum},
                       {"weight_decay", weightDecay},
                       {"schedule", schedule},
                       {"seed", QString::number(seed)}};
}

Result<TrainConfig> TrainConfig::fromJson(const QJsonObject &json)
{
    TrainConfig c;
    c.epochs = json.value(QLatin1String("epochs")).toInt(c.epochs);
    c.batchSize = json.value(QLatin1String("batch_size")).toInt(c.batchSize);
    c.learningRate = json.value(QLatin1String("learning_rate")).toDouble(c.learningRate);
    c.optimizer = json.value(QLatin1String("optimizer")).toString(c.optimizer);
    c.momentum = json.value(QLatin1String("momentum")).toDouble(c.momentum);
    c.weightDecay = json.value(QLatin1String("weight_decay")).toDouble(c.weightDecay);
    c.schedule = json.value(QLatin1String("schedule")).toString(c.schedule);
    const QJsonValue seed = json.value(QLatin1String("seed"));
    if (seed.isString())
        c.seed = seed.toString().toULongLong();
    else if (seed.isDouble())
        c.seed = quint64(seed.toDouble());
    if (const QString bad = c.validate(); !bad.isEmpty())
        return Result<TrainConfig>::failure(bad);
    return c;
}

QString TrainConfig::validate() const
{
    if (epochs < 1 || epochs > 100000)
        return QStringLiteral("epochs must be between 1 and 100000, got %1").arg(epochs);
    if (batchSize < 1 || batchSize > 65536)
        return QStringLiteral("batch size must be between 1 and 65536, got %1").arg(batchSize);
    if (!(learningRate > 0) || learningRate > 10)
        return QStringLiteral("learning rate must be in (0, 10], got %1").arg(learningRate);
    if (optimizer != QLatin1String("adam") && optimizer != QLatin1String("sgd"))
        return QStringLiteral("optimizer must be 'adam' or 'sgd', got '%1'").arg(optimizer);
    if (momentum < 0 || momentum >= 1)
        return QStringLiteral("momentum must be in [0, 1), got %1").arg(momentum);
    if (schedule != QLatin1String("cosine") && schedule != QLatin1String("constant"))
        return QStringLiteral("schedule must be 'cosine' or 'constant', got '%1'").arg(schedule);
    if (weightDecay < 0)
        return QStringLiteral("weight decay must be >= 0, got %1").arg(weightDecay);
    return {};
}

double TrainConfig::learningRateAt(int epoch) const
{
    if (schedule != QLatin1String("cosine") || epochs <= 1)
        return learningRate;
    return learningRate * 0.5 * (1.0 + std::cos(M_PI * double(epoch - 1) / double(epochs)));
}

} // namespace lepton
