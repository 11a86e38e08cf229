// Each record kind's columns: bound in values(), read back in read(), in the same order.
#include "project/internal/rows.h"

#include "project/internal/transaction.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

#include <cstring>

namespace lepton::Internal {

namespace {

QByteArray floatBlob(const QVector<float> &values)
{
    return QByteArray(reinterpret_cast<const char *>(values.constData()), int(values.size() * sizeof(float)));
}

QVector<float> blobFloats(const QVariant &v)
{
    const QByteArray bytes = v.toByteArray();
    QVector<float> out(int(bytes.size() / int(sizeof(float))));
    memcpy(out.data(), bytes.constData(), size_t(out.size()) * sizeof(float));
    return out;
}

// Scores of a prediction: K float64, little-endian.
QByteArray packScores(const QVector<double> &scores)
{
    QByteArray bytes(scores.size() * qsizetype(sizeof(double)), Qt::Uninitialized);
    char *out = bytes.data();
    for (double v : scores) {
        quint64 bits;
        memcpy(&bits, &v, sizeof bits);
        bits = qToLittleEndian(bits);
        memcpy(out, &bits, sizeof bits);
        out += sizeof bits;
    }
    return bytes;
}

QVector<double> unpackScores(const QByteArray &bytes)
{
    QVector<double> scores(bytes.size() / qsizetype(sizeof(double)));
    for (qsizetype i = 0; i < scores.size(); ++i) {
        quint64 bits;
        memcpy(&bits, bytes.constData() + i * sizeof bits, sizeof bits);
        bits = qFromLittleEndian(bits);
        memcpy(&scores[i], &bits, sizeof bits);
    }
    return scores;
}

} // namespace

// ---- datasets and samples ----------------------------------------------------------------

const char *const Row<DatasetInfo>::table = "datasets";
const char *const Row<DatasetInfo>::select =
    "id, name, source, kind, channels, height, width, split_seed, created, task, target_name";
const char *const Row<DatasetInfo>::insertColumns =
    "name, source, kind, channels, height, width, split_seed, created, task, target_name";

QVariantList Row<DatasetInfo>::values(const DatasetInfo &d)
{
    return {d.name, d.source, d.kind, d.channels, d.height, d.width, d.splitSeed, now(), d.task,
            d.isRegression() ? QVariant(d.targetName) : QVariant()};
}

DatasetInfo Row<DatasetInfo>::read(const QSqlQuery &q)
{
    DatasetInfo info;
    info.id = q.value(0).toLongLong();
    info.name = q.value(1).toString();
    info.source = q.value(2).toString();
    info.kind = q.value(3).toString();
    info.channels = q.value(4).toInt();
    info.height = q.value(5).toInt();
    info.width = q.value(6).toInt();
    info.splitSeed = q.value(7).toUInt();
    info.created = parseTime(q.value(8));
    if (!q.value(9).isNull())
        info.task = q.value(9).toString();
    info.targetName = q.value(10).toString();
    return info;
}

const char *const Row<SampleRecord>::table = "samples";
const char *const Row<SampleRecord>::select = "id, path, label, split, hash, target, file_size, file_mtime";
const char *const Row<SampleRecord>::selectWithPixels =
    "id, path, label, split, hash, target, file_size, file_mtime, pixels";
const char *const Row<SampleRecord>::insertColumns =
    "dataset_id, path, label, split, hash, pixels, target, file_size, file_mtime";

QVariantList Row<SampleRecord>::values(const SampleRecord &s, qint64 datasetId, bool regression)
{
    return {datasetId, s.path, s.label, int(s.split), QString::fromLatin1(s.hash), s.pixels,
            regression ? QVariant(s.target) : QVariant(), fileStampValue(s.fileSize), fileStampValue(s.fileMtime)};
}

SampleRecord Row<SampleRecord>::read(const QSqlQuery &q, bool withPixels)
{
    SampleRecord s;
    s.id = q.value(0).toLongLong();
    s.path = q.value(1).toString();
    s.label = q.value(2).toInt();
    s.split = Split(q.value(3).toInt());
    s.hash = q.value(4).toString().toLatin1();
    s.target = q.value(5).toDouble();
    s.fileSize = fileStamp(q.value(6));
    s.fileMtime = fileStamp(q.value(7));
    if (withPixels)
        s.pixels = q.value(8).toByteArray();
    return s;
}

// ---- architectures, runs, epochs, checkpoints, sweeps ------------------------------------

const char *const Row<ArchitectureInfo>::table = "architectures";
const char *const Row<ArchitectureInfo>::select = "id, name, version, graph_json, created";
const char *const Row<ArchitectureInfo>::insertColumns = "name, version, graph_json, created";

QVariantList Row<ArchitectureInfo>::values(const ArchitectureInfo &a) { return {a.name, a.version, a.graphJson, now()}; }

ArchitectureInfo Row<ArchitectureInfo>::read(const QSqlQuery &q)
{
    ArchitectureInfo a;
    a.id = q.value(0).toLongLong();
    a.name = q.value(1).toString();
    a.version = q.value(2).toInt();
    a.graphJson = q.value(3).toString();
    a.created = parseTime(q.value(4));
    return a;
}

const char *const Row<RunInfo>::table = "runs";
const char *const Row<RunInfo>::select =
    "id, dataset_id, architecture_id, config_json, status, created, "
    "(SELECT COUNT(*) FROM epochs e WHERE e.run_id = runs.id), best_epoch, best_metric, seconds, message, sweep_id, "
    "owner_pid, owner_host, (SELECT MIN(m.id) FROM model_versions m WHERE m.run_id = runs.id AND (m.pending_job IS "
    "NULL OR m.pending_job IN (SELECT j.id FROM jobs j WHERE j.status = 'running')))";
const char *const Row<RunInfo>::insertColumns =
    "dataset_id, architecture_id, config_json, status, created, owner_pid, owner_host";

QVariantList Row<RunInfo>::values(const RunInfo &r)
{
    return {r.datasetId, r.architectureId, r.configJson, r.status, now(), r.ownerPid, r.ownerHost};
}

RunInfo Row<RunInfo>::read(const QSqlQuery &q)
{
    RunInfo r;
    r.id = q.value(0).toLongLong();
    r.datasetId = q.value(1).toLongLong();
    r.architectureId = q.value(2).toLongLong();
    r.configJson = q.value(3).toString();
    r.status = q.value(4).toString();
    r.created = parseTime(q.value(5));
    r.epochsDone = q.value(6).toInt();
    r.bestEpoch = q.value(7).toInt();
    r.bestMetric = q.value(8).toDouble();
    r.seconds = q.value(9).toDouble();
    r.message = q.value(10).toString();
    r.sweepId = q.value(11).toLongLong();
    r.ownerPid = q.value(12).toLongLong();
    r.ownerHost = q.value(13).toString();
    r.modelVersionId = q.value(14).toLongLong();
    return r;
}

const char *const Row<EpochRecord>::table = "epochs";
const char *const Row<EpochRecord>::select =
    "epoch, train_loss, train_acc, val_loss, val_acc, seconds, train_f1, val_f1, learning_rate, batch_losses, "
    "batch_lrs, train_mae, val_mae, train_r2, val_r2";
const char *const Row<EpochRecord>::insertColumns =
    "run_id, epoch, train_loss, train_acc, val_loss, val_acc, seconds, train_f1, val_f1, learning_rate, batch_losses, "
    "batch_lrs, train_mae, val_mae, train_r2, val_r2";

QVariantList Row<EpochRecord>::values(const EpochRecord &e, qint64 runId)
{
    return {runId, e.epoch, e.trainLoss, e.trainAccuracy, e.valLoss, e.valAccuracy, e.seconds, e.trainF1, e.valF1,
            e.learningRate, floatBlob(e.batchLosses), floatBlob(e.batchLearningRates), e.trainMae, e.valMae,
            e.trainR2, e.valR2};
}

EpochRecord Row<EpochRecord>::read(const QSqlQuery &q)
{
    EpochRecord e;
    e.epoch = q.value(0).toInt();
    e.trainLoss = q.value(1).toDouble();
    e.trainAccuracy = q.value(2).toDouble();
    e.valLoss = q.value(3).toDouble();
    e.valAccuracy = q.value(4).toDouble();
    e.seconds = q.value(5).toDouble();
    e.trainF1 = q.value(6).toDouble();
    e.valF1 = q.value(7).toDouble();
    e.learningRate = q.value(8).toDouble();
    e.batchLosses = blobFloats(q.value(9));
    e.batchLearningRates = blobFloats(q.value(10));
    e.trainMae = q.value(11).toDouble();
    e.valMae = q.value(12).toDouble();
    e.trainR2 = q.value(13).toDouble();
    e.valR2 = q.value(14).toDouble();
    return e;
}

const char *const Row<EpochCheckpoint>::table = "checkpoints";
const char *const Row<EpochCheckpoint>::select = "epoch, weights, optimizer, trainer_state";
const char *const Row<EpochCheckpoint>::insertColumns = "run_id, epoch, weights, optimizer, trainer_state";

QVariantList Row<EpochCheckpoint>::values(const EpochCheckpoint &c, qint64 runId)
{
    return {runId, c.epoch, c.weights, c.optimizerState, c.trainerState};
}

EpochCheckpoint Row<EpochCheckpoint>::read(const QSqlQuery &q)
{
    EpochCheckpoint c;
    c.epoch = q.value(0).toInt();
    c.weights = q.value(1).toByteArray();
    c.optimizerState = q.value(2).toByteArray();
    c.trainerState = q.value(3).toString();
    return c;
}

const char *const Row<SweepInfo>::table = "sweeps";
const char *const Row<SweepInfo>::select = "id, name, config_json, status, created";
const char *const Row<SweepInfo>::insertColumns = "name, config_json, status, created";

QVariantList Row<SweepInfo>::values(const SweepInfo &s) { return {s.name, s.configJson, s.status, now()}; }

SweepInfo Row<SweepInfo>::read(const QSqlQuery &q)
{
    SweepInfo s;
    s.id = q.value(0).toLongLong();
    s.name = q.value(1).toString();
    s.configJson = q.value(2).toString();
    s.status = q.value(3).toString();
    s.created = parseTime(q.value(4));
    return s;
}

// ---- model versions, evaluations, exports ------------------------------------------------

const char *const Row<ModelVersionInfo>::table = "model_versions";
const char *const Row<ModelVersionInfo>::select =
    "id, run_id, parent_id, architecture_id, dataset_id, name, epoch, created, pending_job";
const char *const Row<ModelVersionInfo>::insertColumns =
    "run_id, parent_id, architecture_id, dataset_id, name, epoch, created, pending_job, weights";

QVariantList Row<ModelVersionInfo>::values(const ModelVersionInfo &m, const QByteArray &weights)
{
    return {m.runId ? QVariant(m.runId) : QVariant(), m.parentId ? QVariant(m.parentId) : QVariant(), m.architectureId,
            m.datasetId, m.name, m.epoch, now(), optionalId(m.pendingJobId), weights};
}

ModelVersionInfo Row<ModelVersionInfo>::read(const QSqlQuery &q)
{
    ModelVersionInfo m;
    m.id = q.value(0).toLongLong();
    m.runId = q.value(1).toLongLong();
    m.parentId = q.value(2).toLongLong();
    m.architectureId = q.value(3).toLongLong();
    m.datasetId = q.value(4).toLongLong();
    m.name = q.value(5).toString();
    m.epoch = q.value(6).toInt();
    m.created = parseTime(q.value(7));
    m.pendingJobId = q.value(8).toLongLong();
    return m;
}

const char *const Row<QuantizedVersionInfo>::table = "quantized_versions";
const char *const Row<QuantizedVersionInfo>::select = "model_version_id, engine, mode, layers_json, report_json";
const char *const Row<QuantizedVersionInfo>::insertColumns = "model_version_id, engine, mode, layers_json, report_json";

QVariantList Row<QuantizedVersionInfo>::values(const QuantizedVersionInfo &v)
{
    return {v.modelVersionId, v.engine, v.mode, v.layersJson, v.reportJson};
}

QuantizedVersionInfo Row<QuantizedVersionInfo>::read(const QSqlQuery &q)
{
    QuantizedVersionInfo v;
    v.modelVersionId = q.value(0).toLongLong();
    v.engine = q.value(1).toString();
    v.mode = q.value(2).toString();
    v.layersJson = q.value(3).toString();
    v.reportJson = q.value(4).toString();
    return v;
}

const char *const Row<EvaluationInfo>::table = "evaluations";
const char *const Row<EvaluationInfo>::select =
    "id, model_version_id, split, accuracy, macro_f1, metrics_json, created, dataset_id";
const char *const Row<EvaluationInfo>::insertColumns =
    "model_version_id, split, accuracy, macro_f1, metrics_json, created, dataset_id";

QVariantList Row<EvaluationInfo>::values(const EvaluationInfo &e)
{
    // A regression evaluation stores NULL accuracy and F1: its metrics are in metrics_json.
    return {e.modelVersionId, e.split, e.regression ? QVariant() : QVariant(e.accuracy),
            e.regression ? QVariant() : QVariant(e.macroF1), e.metricsJson, now(), optionalId(e.datasetId)};
}

EvaluationInfo Row<EvaluationInfo>::read(const QSqlQuery &q)
{
    EvaluationInfo e;
    e.id = q.value(0).toLongLong();
    e.modelVersionId = q.value(1).toLongLong();
    e.split = q.value(2).toString();
    e.accuracy = q.value(3).toDouble();
    e.macroF1 = q.value(4).toDouble();
    e.metricsJson = q.value(5).toString();
    e.created = parseTime(q.value(6));
    e.datasetId = q.value(7).toLongLong();
    e.regression = q.value(3).isNull()
                   && QJsonDocument::fromJson(e.metricsJson.toUtf8()).object().value(QLatin1String("task"))
                          == QLatin1String("regression");
    return e;
}

const char *const Row<PredictionRecord>::table = "evaluation_predictions";
const char *const Row<PredictionRecord>::select =
    "sample_id, sample, true_label, predicted, scores, target, predicted_value";
const char *const Row<PredictionRecord>::insertColumns =
    "evaluation_id, row, sample_id, sample, true_label, predicted, scores, target, predicted_value";

QVariantList Row<PredictionRecord>::values(const PredictionRecord &p, qint64 evaluationId, qint64 row)
{
    return {evaluationId, row, p.sampleId, p.sample, p.truth, p.predicted, packScores(p.scores), p.targetValue,
            p.predictedValue};
}

PredictionRecord Row<PredictionRecord>::read(const QSqlQuery &q)
{
    PredictionRecord p;
    p.sampleId = q.value(0).toLongLong();
    p.sample = q.value(1).toString();
    p.truth = q.value(2).toInt();
    p.predicted = q.value(3).toInt();
    p.scores = unpackScores(q.value(4).toByteArray());
    p.targetValue = q.value(5).toDouble();
    p.predictedValue = q.value(6).toDouble();
    return p;
}

const char *const Row<ExportInfo>::table = "exports";
const char *const Row<ExportInfo>::select = "id, model_version_id, format, path, sha256, verification_json, created";
const char *const Row<ExportInfo>::insertColumns = "model_version_id, format, path, sha256, verification_json, created";

QVariantList Row<ExportInfo>::values(const ExportInfo &e)
{
    return {e.modelVersionId, e.format, e.path, e.sha256, e.verificationJson, now()};
}

ExportInfo Row<ExportInfo>::read(const QSqlQuery &q)
{
    ExportInfo e;
    e.id = q.value(0).toLongLong();
    e.modelVersionId = q.value(1).toLongLong();
    e.format = q.value(2).toString();
    e.path = q.value(3).toString();
    e.sha256 = q.value(4).toString();
    e.verificationJson = q.value(5).toString();
    e.created = parseTime(q.value(6));
    return e;
}

} // namespace lepton::Internal
