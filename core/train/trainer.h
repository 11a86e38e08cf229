#pragma once
// Training of a graph model on a dataset of a project. Runs on the calling thread (call it
// from a worker), opens its own ProjectStore connection, writes each finished epoch
// (metrics + checkpoint + optimizer and trainer state) in one transaction, checks cancel and
// pause per batch. A run interrupted at any point can be resumed from its last finished epoch
// and reaches the same weights as an uninterrupted run (see README "Determinism on CPU").
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
    QString optimizer = "adam";   // sgd | adam | adamw
    double momentum = 0.9;        // sgd only
    bool nesterov = false;        // sgd only (needs momentum > 0)
    double weightDecay = 0.0;     // L2 for sgd/adam, decoupled for adamw
    QString schedule = "cosine";  // constant | step | cosine | onecycle | plateau
    int stepEpochs = 5;           // step: multiply the rate by gamma every stepEpochs epochs
    double gamma = 0.1;           // step and plateau: the factor
    int plateauPatience = 2;      // plateau: epochs without improvement before reducing
    int warmupEpochs = 0;         // linear warm-up from lr/steps to lr over these epochs (not onecycle)
    double clipNorm = 0;          // clip the gradient's global L2 norm to this (0: off)
    double labelSmoothing = 0;    // cross-entropy label smoothing in [0, 1)
    QVector<double> classWeights; // cross-entropy class weights (empty: all 1)
    QString monitor = "val_loss"; // val_loss | val_accuracy | val_macro_f1 (classification) |
                                  // val_mae | val_r2 (regression): best checkpoint, plateau
                                  // schedule and early stopping follow it
    int patience = 0;             // early stopping after this many epochs without improvement (0: off)
    quint64 seed = 42;
    qint64 initModelVersion = 0;  // start from this model version's weights (matched by name and
                                  // shape; 0: random initialization from the seed)

    QJsonObject toJson() const;
    static Result<TrainConfig> fromJson(const QJsonObject &json);
    QString validate() const;      // empty when valid, else what is wrong
    bool monitorMaximizes() const;
};

// True for the metrics where higher is better (accuracy, macro F1, R²).
bool monitorMaximizes(const QString &monitor);

struct BatchProgress
{
    int epoch = 0;           // 1-based
    int batch = 0;           // 1-based within the epoch
    int batchesPerEpoch = 0;
    double loss = 0;
    double learningRate = 0;
    qint64 samples = 0;      // samples trained in this session so far (for samples/s)
};

struct EpochMetrics
{
    int epoch = 0;
    double trainLoss = 0, trainAccuracy = 0, trainF1 = 0;
    double valLoss = 0, valAccuracy = 0, valF1 = 0;
    bool regression = false;   // a regression run: loss is MSE, accuracy and F1 are 0
    double trainMae = 0, valMae = 0, trainR2 = 0, valR2 = 0;
    double learningRate = 0;
    double seconds = 0;
    int bestEpoch = 0;       // best epoch of the run so far (by config.monitor)
};

struct TrainObserver
{
    std::function<void(qint64 runId)> onStarted;
    std::function<void(const BatchProgress &)> onBatch;
    std::function<void(const EpochMetrics &)> onEpoch;
};

// Pause/resume between batches, shared between the controller and the training thread.
class PauseToken
{
public:
    PauseToken() : m_flag(std::make_shared<std::atomic_bool>(false)) {}
    void pause() const { m_flag->store(true); }
    void resume() const { m_flag->store(false); }
    bool isPaused() const { return m_flag->load(); }

private:
    std::shared_ptr<std::atomic_bool> m_flag;
};

struct TrainOutcome
{
    qint64 runId = 0;
    qint64 modelVersionId = 0;   // model version made from the best epoch (0 if none)
    int bestEpoch = 0;
    int firstEpoch = 1;          // > 1 when the run was resumed
    QVector<EpochMetrics> epochs;   // epochs trained in this session
    bool cancelled = false;
    bool earlyStopped = false;
    QString message;             // why it ended
    double seconds = 0;
};

Result<TrainOutcome> trainModel(const QString &projectPath, qint64 datasetId, qint64 architectureId,
                                const TrainConfig &config, const TrainObserver &observer = {},
                                const CancelToken &cancel = {}, const PauseToken &pause = {});

// A run that starts from an existing model version instead of random weights: fine-tuning a
// compressed copy, or a student learning from a teacher (knowledge distillation). Stored in the run's
// configuration under "derived", so a resumed run keeps its teacher and its sparsity.
struct DerivedTraining
{
    qint64 initModelVersionId = 0;     // start from these weights (0: random initialization)
    qint64 parentModelVersionId = 0;   // the version the result derives from (model lineage)
    bool keepZeroWeights = false;      // weights exactly zero at the start stay zero (pruning sparsity)
    qint64 teacherModelVersionId = 0;  // distillation teacher (0: plain cross-entropy)
    double temperature = 4.0;          // softens both distributions in the distillation term
    double alpha = 0.5;                // α·KL(student/T ‖ teacher/T)·T² + (1 − α)·CE
    // The compression job the result belongs to: the model version stays hidden until the job
    // publishes it (ProjectStore::beginJob). Not stored with the run: a resumed run publishes its own.
    qint64 pendingJobId = 0;

    QJsonObject toJson() const;
    static DerivedTraining fromJson(const QJsonObject &json);
    QString validate() const;   // empty when valid
};

Result<TrainOutcome> trainDerivedModel(const QString &projectPath, qint64 datasetId, qint64 architectureId,
                                       const TrainConfig &config, const DerivedTraining &derived,
                                       const TrainObserver &observer = {}, const CancelToken &cancel = {},
                                       const PauseToken &pause = {});

// Continues a run that was interrupted, cancelled or failed from its last finished epoch, with
// its stored configuration, weights, optimizer, schedule and early-stopping state.
Result<TrainOutcome> resumeTraining(const QString &projectPath, qint64 runId, const TrainObserver &observer = {},
                                    const CancelToken &cancel = {}, const PauseToken &pause = {});

// Seed of the per-epoch shuffling and dropout generators: a function of seed and epoch only, so
// a resumed run draws the same numbers as an uninterrupted one.
quint64 epochSeed(quint64 seed, int epoch);

} // namespace lepton
