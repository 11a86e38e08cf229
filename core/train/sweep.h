#pragma once
// Hyperparameter sweeps: grid or random search over learning rate, batch size, weight decay,
// dropout and optimizer. Each trial is a normal training run in the project (runs.sweep_id);
// trials run one after the other, and a stopped sweep continues with resumeSweep().
#include "train/trainer.h"

namespace lepton {

struct SweepSpec
{
    QString method = "grid";        // grid | random
    int trials = 0;                 // random: how many (grid: the product of the value lists)
    quint64 seed = 1;               // random: sampling seed
    qint64 datasetId = 0;           // 0: the project's only dataset
    qint64 architectureId = 0;      // 0: add the small-CNN template for the dataset
    QJsonObject base;               // TrainConfig JSON shared by every trial
    // name -> list of values, or {"min", "max", "log"} (random only); names: learning_rate,
    // batch_size, weight_decay, dropout, optimizer.
    QJsonObject parameters;

    static Result<SweepSpec> fromJson(const QByteArray &json);
    QJsonObject toJson() const;
};

struct SweepTrial
{
    qint64 runId = 0;
    QString status;           // finished | cancelled | failed | interrupted | pending
    double bestMetric = 0;
    int bestEpoch = 0;
    TrainConfig config;
    double dropout = -1;      // -1: the architecture's own
    qint64 architectureId = 0;
};

struct SweepOutcome
{
    qint64 sweepId = 0;
    qint64 datasetId = 0;
    QString monitor;
    bool cancelled = false;
    qint64 bestRunId = 0;
    QVector<SweepTrial> trials;
    QVector<SweepTrial> sortedTrials() const;   // best first; unfinished last
};

struct SweepObserver
{
    std::function<void(qint64 sweepId)> onSweepStarted;
    std::function<void(int trial, int trials, const TrainConfig &config)> onTrialStarted;
    std::function<void(int trial, const SweepTrial &result)> onTrialFinished;
    TrainObserver train;
};

// pause holds the trial in training between batches (as trainModel does).
Result<SweepOutcome> runSweep(const QString &projectPath, const SweepSpec &spec, const SweepObserver &observer = {},
                              const CancelToken &cancel = {}, const PauseToken &pause = {});
Result<SweepOutcome> resumeSweep(const QString &projectPath, qint64 sweepId, const SweepObserver &observer = {},
                                 const CancelToken &cancel = {}, const PauseToken &pause = {});
// The trials of a stored sweep with the state of their runs (no training).
Result<SweepOutcome> loadSweep(const QString &projectPath, qint64 sweepId);

} // namespace lepton
