#pragma once
// Training of a graph model on a dataset of a project. Runs on the calling thread (call it
// from a worker), opens its own ProjectStore connection, writes each finished epoch
// (metrics + checkpoint + optimizer state) in one transaction, checks cancel per batch.
#include "common/progress.h"
#include "common/result.h"
#include "project/records.h"

#include <QJsonObject>
#include <functional>

namespace lepton {

struct TrainConfig
{
    int epochs = 12;
    int batchSize = 64;
    double learningRate = 1e-3;
    QString optimizer = "adam";   // adam | sgd
    double momentum = 0.9;        // sgd only
    double weightDecay = 0.0;
    QString schedule = "cosine";  // cosine (decay to 0 over the run) | constant
    quint64 seed = 42;

    double learningRateAt(int epoch) const;   // epoch is 1-based

    QJsonObject toJson() const;
    static Result<TrainConfig> fromJson(const QJsonObject &json);
    QString validate() const;      // empty when valid, else what is wrong
};

struct BatchProgress
{
    int epoch = 0;           // 1-based
    int batch = 0;           // 1-based within the epoch
    int batchesPerEpoch = 0;
    double loss = 0;
};

struct EpochMetrics
{
    int epoch = 0;
    double trainLoss = 0, trainAccuracy = 0;
    double valLoss = 0, valAccuracy = 0;
    double seconds = 0;
};

struct TrainObserver
{
    std::function<void(qint64 runId)> onStarted;
    std::function<void(const BatchProgress &)> onBatch;
    std::function<void(const EpochMetrics &)> onEpoch;
};

struct TrainOutcome
{
    qint64 runId = 0;
    qint64 modelVersionId = 0;   // model version made from the last finished epoch (0 if none)
    QVector<EpochMetrics> epochs;
    bool cancelled = false;
    double seconds = 0;
};

Result<TrainOutcome> trainModel(const QString &projectPath, qint64 datasetId, qint64 architectureId,
                                const TrainConfig &config, const TrainObserver &observer = {},
                                const CancelToken &cancel = {});

} // namespace lepton
