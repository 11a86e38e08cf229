#pragma once
// Plain records stored in a project file. No behaviour, no torch.
#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVector>

namespace lepton {

enum class Split { Train = 0, Validation = 1, Test = 2 };
QString splitName(Split s);
bool parseSplit(const QString &name, Split *out);

struct DatasetInfo
{
    qint64 id = 0;
    QString name;
    QString source;   // file or folder it was imported from
    QString kind;     // "digit-sheet" | "image-folder" | "image-split-folders" | "tabular" | "path-list"
    QString task = QStringLiteral("classification");   // or "regression": one float target per sample
    QString targetName;   // regression: the target column's name (classes is then empty)
    int channels = 1;
    int height = 0;
    int width = 0;
    QStringList classes;
    QVector<int> classCounts;     // filled when read back
    int splitCounts[3] = {0, 0, 0};
    quint32 splitSeed = 0;
    QDateTime created;
    int sampleCount() const { return splitCounts[0] + splitCounts[1] + splitCounts[2]; }
    bool isRegression() const { return task == QLatin1String("regression"); }
    // What a model for this dataset outputs: one score per class, or one value (regression).
    int outputCount() const { return isRegression() ? 1 : int(classes.size()); }
};

struct SampleRecord
{
    qint64 id = 0;
    QString path;       // origin: file path, or "digits.png#r12c40" for sheet cells
    int label = 0;      // class index (classification datasets; 0 for regression)
    double target = 0;  // regression datasets: the value to predict
    Split split = Split::Train;
    QByteArray hash;    // SHA-256 (hex) of the source bytes / cell pixels
    QByteArray pixels;  // uint8, C*H*W, already resized to the dataset's input size
    // Image files: the file's size and modification time (ms since the epoch) when it was read,
    // so a re-import skips files whose stamp is unchanged. -1 when not from a file or unknown.
    qint64 fileSize = -1;
    qint64 fileMtime = -1;
};

// What a re-import changes in a dataset, in one transaction (ProjectStore::applySampleUpdate).
struct SampleUpdate
{
    QString source;                  // the dataset's new source folder; empty: unchanged
    QStringList newClasses;          // appended after the dataset's classes
    QVector<SampleRecord> added;     // new samples (their ids are ignored)
    // By id: path, label, split, hash and file stamp; pixels too when not empty.
    QVector<SampleRecord> replaced;
    QVector<SampleRecord> restamped; // by id: file stamp only (content read again and unchanged)
    QVector<qint64> removed;
    bool changesSamples() const
    {
        return !newClasses.isEmpty() || !added.isEmpty() || !replaced.isEmpty() || !removed.isEmpty()
               || !source.isEmpty();
    }
};

// A merge of class `fromIndex` into `intoIndex` (indices before the merge), for its undo.
struct ClassMerge
{
    int fromIndex = 0;
    int intoIndex = 0;
    QString fromName;
    QVector<qint64> sampleIds;   // the samples that were in class `fromIndex`
};

struct ArchitectureInfo
{
    qint64 id = 0;
    QString name;
    int version = 1;
    QString graphJson;
    QDateTime created;
};

struct RunInfo
{
    qint64 id = 0;
    qint64 datasetId = 0;
    qint64 architectureId = 0;
    QString configJson;
    QString status;     // running | finished | cancelled | failed | interrupted
    int epochsDone = 0;
    QDateTime created;
    int bestEpoch = 0;          // epoch of the best checkpoint (0: none yet)
    double bestMetric = 0;      // its value of the monitored metric (config "monitor")
    double seconds = 0;         // training time so far, summed over resumed sessions
    QString message;            // why it ended: "early stopping at epoch 7", an error, ...
    qint64 sweepId = 0;         // sweep this run is a trial of (0: none)
    // The process that created or last claimed the run. Whether it still trains the run is decided
    // by its claim (project/projectlocks.h), never by whether a process with this id exists.
    qint64 ownerPid = 0;
    QString ownerHost;
    qint64 modelVersionId = 0;  // the model version made from it (0: none yet)
};

// What a checkpoint holds beyond the weights: enough to continue the run exactly.
struct EpochCheckpoint
{
    int epoch = 0;
    QByteArray weights;
    QByteArray optimizerState;
    QString trainerState;       // JSON: schedule, early stopping, best epoch
};

struct SweepInfo
{
    qint64 id = 0;
    QString name;
    QString configJson;
    QString status;     // running | finished | cancelled | failed
    QDateTime created;
};

struct EpochRecord
{
    int epoch = 0;      // 1-based
    double trainLoss = 0, trainAccuracy = 0;
    double valLoss = 0, valAccuracy = 0;
    double seconds = 0;
    double trainF1 = 0, valF1 = 0;        // macro F1
    double learningRate = 0;              // at the epoch's last batch
    // Regression runs (accuracy and F1 are then 0): mean absolute error and R² per split.
    double trainMae = 0, valMae = 0, trainR2 = 0, valR2 = 0;
    QVector<float> batchLosses;           // per batch, in order
    QVector<float> batchLearningRates;
};

struct ModelVersionInfo
{
    qint64 id = 0;
    qint64 runId = 0;        // run that produced it (0 if derived)
    qint64 parentId = 0;     // parent model version (compression lineage)
    qint64 architectureId = 0;
    qint64 datasetId = 0;
    QString name;
    int epoch = 0;
    QDateTime created;
    // Made by a compression job that has not finished: hidden from listings until the job publishes
    // it with its evaluation, abandoned if the job dies (0: published).
    qint64 pendingJobId = 0;
};

// An int8 model version (core/compress): its weights blob is a TorchScript module with quantized
// kernels of `engine`; layersJson lists the int8 layers, reportJson the calibration and sensitivity.
struct QuantizedVersionInfo
{
    qint64 modelVersionId = 0;   // 0: the version is not int8
    QString engine;
    QString mode;                // static | dynamic
    QString layersJson;
    QString reportJson;
};

struct EvaluationInfo
{
    qint64 id = 0;
    qint64 modelVersionId = 0;
    qint64 datasetId = 0;   // dataset evaluated; 0 for evaluations before schema 4 (the model's own)
    QString split;          // train | validation | test | all
    double accuracy = 0;
    double macroF1 = 0;
    bool regression = false;   // a regression model's evaluation: accuracy and F1 are not stored
                               // (NULL); metricsJson holds MAE, RMSE and R²
    QString metricsJson;
    QDateTime created;
};

struct ExportInfo
{
    qint64 id = 0;
    qint64 modelVersionId = 0;
    QString format;
    QString path;
    QString sha256;
    QString verificationJson;
    QDateTime created;
};

} // namespace lepton
