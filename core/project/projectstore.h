#pragma once
// The project file: one SQLite database (WAL) holding everything a user makes.
// A ProjectStore object belongs to the thread that opened it (Qt SQL connections are
// per-thread); worker threads open their own store on the same path.
#include "common/result.h"
#include "project/projectlocks.h"
#include "project/records.h"

#include <QString>
#include <memory>
#include <optional>

class QSqlDatabase;

namespace lepton {

// One sample's prediction in an evaluation: which sample, its true and predicted class, and the
// model's score (softmax probability) for every class.
struct PredictionRecord
{
    qint64 sampleId = 0;
    QString sample;     // the sample's path / id as imported
    int truth = 0;
    int predicted = 0;
    QVector<double> scores;
    double targetValue = 0;      // regression evaluations: the sample's target and the prediction
    double predictedValue = 0;
};

// Several processes (GUI, CLI, trainers) and threads may use one project at once: each store is one
// SQLite connection, every write transaction takes the write lock at its start and waits for
// another writer up to the store's busy timeout (project/projectlocks.h), and work that must not
// run twice (training a run, a compression job) is claimed with a lock the OS releases on death.
// Nothing in the process may open a descriptor of the project file outside SQLite (DESIGN.md).
class ProjectStore
{
public:
    static constexpr int SchemaVersion = 9;

    // Creates a new project file (fails if the file exists) or opens an existing one. A project
    // whose file or folder is not writable opens read-only (isReadOnly), its writes refused.
    static Result<std::shared_ptr<ProjectStore>> create(const QString &path);
    static Result<std::shared_ptr<ProjectStore>> open(const QString &path);
    // Test hook: creates a project at an older schema version (no migration past it).
    static Status createAtSchemaVersion(const QString &path, int version);

    ~ProjectStore();
    ProjectStore(const ProjectStore &) = delete;
    ProjectStore &operator=(const ProjectStore &) = delete;

    QString path() const;
    int schemaVersion() const;
    bool isReadOnly() const;
    QString readOnlyReason() const;   // why, e.g. "the file's mode is 0444"; empty when writable
    // How long this store's writes wait for another writer (Interactive unless set).
    void setWriteWait(WriteWait wait);
    // Changes whenever another connection (another process, or another thread's store) commits.
    Result<qint64> dataVersion() const;
    // SQLite's full integrity check: "ok", or its first findings joined by "; ".
    Result<QString> integrityCheck() const;

    Result<qint64> addDataset(const DatasetInfo &info, const QVector<SampleRecord> &samples);
    Result<QVector<DatasetInfo>> datasets() const;
    Result<DatasetInfo> dataset(qint64 id) const;
    // In id order; `label` >= 0 keeps the samples of that class only.
    Result<QVector<SampleRecord>> samples(qint64 datasetId, std::optional<Split> split = {},
                                          bool withPixels = true, int limit = -1, int label = -1) const;

    Result<qint64> addArchitecture(const QString &name, const QString &graphJson);
    Result<QVector<ArchitectureInfo>> architectures() const;
    Result<ArchitectureInfo> architecture(qint64 id) const;

    // A run in state "running" with no claim (it reads back as interrupted): for tests and imports.
    Result<qint64> createRun(qint64 datasetId, qint64 architectureId, const QString &configJson);
    // Creates a run owned by this process and claims it in the same transaction; the run is
    // trained by this process as long as *claim lives.
    Result<qint64> createRun(qint64 datasetId, qint64 architectureId, const QString &configJson,
                             std::unique_ptr<WorkClaim> *claim);
    // Metrics, weights and optimizer state of one finished epoch, in one transaction.
    Status recordEpoch(qint64 runId, const EpochRecord &epoch, const QByteArray &weights,
                       const QByteArray &optimizerState);
    // The same for runs with resumable state: also stores the trainer state and the run's best
    // epoch and duration, and keeps only the checkpoints of this epoch and of the best one.
    Status recordEpoch(qint64 runId, const EpochRecord &epoch, const EpochCheckpoint &checkpoint,
                       int bestEpoch, double bestMetric, double runSeconds);
    Status setRunStatus(qint64 runId, const QString &status);
    Status setRunStatus(qint64 runId, const QString &status, const QString &message);
    // Claims a run to continue it, atomically: refused when it is finished with its model version,
    // or when another process (or another task of this one) holds its claim, naming it. A claim
    // whose process died is taken over, whatever process now has its id.
    Result<std::unique_ptr<WorkClaim>> claimRun(qint64 runId);
    // Ends a run: status, message and (when `version` is given) its model version made from
    // `weights`, in one transaction, so a "finished" run always has its model. Returns the
    // version's id (0 without one).
    Result<qint64> finishRun(qint64 runId, const QString &status, const QString &message,
                             const ModelVersionInfo *version, const QByteArray &weights);
    Status setRunSweep(qint64 runId, qint64 sweepId);
    // Checkpoint at `epoch` (or the latest one when epoch < 0) with optimizer and trainer state.
    Result<EpochCheckpoint> checkpoint(qint64 runId, int epoch = -1) const;

    Result<qint64> createSweep(const QString &name, const QString &configJson);
    Status setSweepStatus(qint64 sweepId, const QString &status);
    Result<QVector<SweepInfo>> sweeps() const;
    Result<QVector<RunInfo>> runs() const;
    Result<RunInfo> run(qint64 id) const;
    Result<QVector<EpochRecord>> epochs(qint64 runId) const;
    // Weights of the checkpoint at `epoch` (or the latest one when epoch < 0).
    Result<QByteArray> checkpointWeights(qint64 runId, int epoch = -1) const;

    Result<qint64> addModelVersion(const ModelVersionInfo &info, const QByteArray &weights);
    // Published versions only (not those of a compression job still running or abandoned).
    Result<QVector<ModelVersionInfo>> modelVersions() const;
    // Also a running job's pending version; an abandoned one is refused with why.
    Result<ModelVersionInfo> modelVersion(qint64 id) const;
    Result<QByteArray> modelWeights(qint64 id) const;

    // ---- compression jobs (jobstore.cpp) ----------------------------------------------------
    // A job's model versions carry its id (ModelVersionInfo::pendingJobId) and stay hidden until
    // publishJob makes them visible in one transaction, after their evaluations; a job whose
    // process died leaves nothing visible and is abandoned by the next beginJob.
    Result<qint64> beginJob(const QString &kind, qint64 modelVersionId, const QString &settingsJson,
                            std::unique_ptr<WorkClaim> *claim);
    // Publishes the job's versions (all of them, or only those in `publish`; the rest stay hidden
    // without their weights) and ends the job with `status` and `message`.
    Status endJob(qint64 jobId, const QString &status, const QString &message,
                  const std::optional<QVector<qint64>> &publish = std::nullopt);
    // Abandons the jobs whose process is gone: their versions stay hidden, their weights are
    // dropped. Returns how many.
    Result<int> abandonDeadJobs();

    Result<qint64> addEvaluation(const EvaluationInfo &info);
    // The evaluation and its per-sample predictions in one transaction.
    Result<qint64> addEvaluation(const EvaluationInfo &info, const QVector<PredictionRecord> &predictions);
    Result<QVector<EvaluationInfo>> evaluations() const;
    Result<EvaluationInfo> evaluation(qint64 id) const;
    // In stored order; empty for evaluations made before schema version 3.
    Result<QVector<PredictionRecord>> predictions(qint64 evaluationId) const;

    // Augmentation pipeline JSON of a dataset (empty when none); datastore.cpp.
    Result<QString> augmentationJson(qint64 datasetId) const;
    Status setAugmentationJson(qint64 datasetId, const QString &json);   // empty json removes it

    // ---- label edits (labeledits.cpp) -------------------------------------------------------
    // Each returns what it changed, so the matching restore undoes it exactly. Edits of samples and
    // classes are refused (with why and what to do) while runs, model versions or evaluations use
    // the dataset; renaming a class is always allowed (the same class under another name).
    // Why the samples or classes of the dataset cannot change now; empty when they can.
    Result<QString> datasetInUse(qint64 datasetId) const;
    Status checkEditable(qint64 datasetId) const;   // datasetInUse as a refusal
    Result<QString> renameClass(qint64 datasetId, int classIndex, const QString &newName);   // the old name
    // Every sample of class `from` goes to class `into`; `from` is removed (later classes move up).
    Result<ClassMerge> mergeClass(qint64 datasetId, int from, int into);
    Status undoMergeClass(qint64 datasetId, const ClassMerge &merge);
    // Sets the class of the samples; returns them as they were (id and label).
    Result<QVector<SampleRecord>> relabelSamples(qint64 datasetId, const QVector<qint64> &sampleIds, int label);
    Status restoreLabels(qint64 datasetId, const QVector<SampleRecord> &samples);
    // Removes the samples from the dataset (excluded from training and evaluation); returns them
    // whole, so restoreSamples puts them back with the same ids.
    Result<QVector<SampleRecord>> removeSamples(qint64 datasetId, const QVector<qint64> &sampleIds);
    Status restoreSamples(qint64 datasetId, const QVector<SampleRecord> &samples);
    // Sets the split of the given samples (by id) and the dataset's split seed; returns the samples
    // as they were (id and split), so calling it again with them and the old seed undoes it.
    Result<QVector<SampleRecord>> setSplits(qint64 datasetId, const QVector<SampleRecord> &samples, quint32 splitSeed);
    // A new dataset with the same classes, samples (same splits) and augmentation pipeline.
    Result<qint64> copyDataset(qint64 datasetId, const QString &name);
    Status deleteDataset(qint64 datasetId);   // only a dataset nothing uses (undo of a copy)

    // A re-import's changes (sampleupdates.cpp), in one transaction. Anything beyond new file
    // stamps is refused while the dataset is in use (datasetInUse).
    Status applySampleUpdate(qint64 datasetId, const SampleUpdate &update);

    // int8 model versions (quantizedstore.cpp); quantizedVersion() has modelVersionId 0 for fp32 ones.
    Status addQuantizedVersion(const QuantizedVersionInfo &info);
    Result<QuantizedVersionInfo> quantizedVersion(qint64 modelVersionId) const;

    Result<qint64> addExport(const ExportInfo &info);
    // Several export records in one transaction (a package and the files verified inside it).
    Result<QVector<qint64>> addExports(const QVector<ExportInfo> &infos);
    Result<QVector<ExportInfo>> exports() const;

    class Private;   // the connection; opaque outside the store's .cpp files (internal/storeprivate.h)

private:
    QSqlDatabase database() const;   // this thread's connection, for the store's other .cpp files
    explicit ProjectStore(std::unique_ptr<Private> d);
    static Result<std::shared_ptr<ProjectStore>> openConnection(const QString &path, bool creating,
                                                                 int targetVersion,
                                                                 std::unique_ptr<Private> &d);
    std::unique_ptr<Private> d;
};

} // namespace lepton
