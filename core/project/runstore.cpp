// Training runs in the project file: runs, per-epoch metrics and checkpoints (one transaction per
// finished epoch), run status and ownership, sweeps.
#include "project/internal/storeprivate.h"
#include "project/internal/transaction.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <unistd.h>

namespace lepton {

using Internal::now;
using Internal::parseTime;
using Internal::Transaction;

// ---- runs --------------------------------------------------------------------------------

Result<qint64> ProjectStore::createRun(qint64 datasetId, qint64 architectureId, const QString &configJson)
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("INSERT INTO runs (dataset_id, architecture_id, config_json, status, created, "
                             "owner_pid) VALUES (?,?,?,'running',?,?)"));
    q.addBindValue(datasetId);
    q.addBindValue(architectureId);
    q.addBindValue(configJson);
    q.addBindValue(now());
    q.addBindValue(qint64(getpid()));
    QString error;
    if (!d->exec(q, &error))
        return Result<qint64>::failure(error);
    return q.lastInsertId().toLongLong();
}

Status ProjectStore::recordEpoch(qint64 runId, const EpochRecord &e, const QByteArray &weights,
                                 const QByteArray &optimizerState)
{
    Transaction t(d->db(), d->path);
    t.exec(QStringLiteral("INSERT OR REPLACE INTO epochs (run_id, epoch, train_loss, train_acc, val_loss, val_acc, "
                          "seconds) VALUES (?,?,?,?,?,?,?)"),
           {runId, e.epoch, e.trainLoss, e.trainAccuracy, e.valLoss, e.valAccuracy, e.seconds});
    t.exec(QStringLiteral("INSERT OR REPLACE INTO checkpoints (run_id, epoch, weights, optimizer) VALUES (?,?,?,?)"),
           {runId, e.epoch, weights, optimizerState});
    return t.commit() ? success() : Status::failure(t.error());
}

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

bool processAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    if (pid == qint64(getpid()))
        return true;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

} // namespace

Status ProjectStore::recordEpoch(qint64 runId, const EpochRecord &e, const EpochCheckpoint &c, int bestEpoch,
                                 double bestMetric, double runSeconds)
{
    Transaction t(d->db(), d->path);
    t.exec(QStringLiteral("INSERT OR REPLACE INTO epochs (run_id, epoch, train_loss, train_acc, val_loss, val_acc, "
                          "seconds, train_f1, val_f1, learning_rate, batch_losses, batch_lrs, train_mae, val_mae, "
                          "train_r2, val_r2) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
           {runId, e.epoch, e.trainLoss, e.trainAccuracy, e.valLoss, e.valAccuracy, e.seconds, e.trainF1, e.valF1,
            e.learningRate, floatBlob(e.batchLosses), floatBlob(e.batchLearningRates), e.trainMae, e.valMae,
            e.trainR2, e.valR2});
    t.exec(QStringLiteral("INSERT OR REPLACE INTO checkpoints (run_id, epoch, weights, optimizer, trainer_state) "
                          "VALUES (?,?,?,?,?)"),
           {runId, c.epoch, c.weights, c.optimizerState, c.trainerState});
    // only the last and the best checkpoints are kept
    t.exec(QStringLiteral("DELETE FROM checkpoints WHERE run_id = ? AND epoch <> ? AND epoch <> ?"),
           {runId, c.epoch, bestEpoch});
    t.exec(QStringLiteral("UPDATE runs SET best_epoch = ?, best_metric = ?, seconds = ? WHERE id = ?"),
           {bestEpoch, bestMetric, runSeconds, runId});
    return t.commit() ? success() : Status::failure(t.error());
}

Status ProjectStore::setRunStatus(qint64 runId, const QString &status, const QString &message)
{
    return d->run(QStringLiteral("UPDATE runs SET status = ?, message = ? WHERE id = ?"), {status, message, runId});
}

Status ProjectStore::claimRun(qint64 runId, qint64 pid)
{
    return d->run(QStringLiteral("UPDATE runs SET status = 'running', message = NULL, owner_pid = ? WHERE id = ?"), {pid, runId});
}

Status ProjectStore::setRunSweep(qint64 runId, qint64 sweepId)
{
    return d->run(QStringLiteral("UPDATE runs SET sweep_id = ? WHERE id = ?"), {sweepId, runId});
}

Result<EpochCheckpoint> ProjectStore::checkpoint(qint64 runId, int epoch) const
{
    QSqlQuery q(d->db());
    const QString sql = QStringLiteral("SELECT epoch, weights, optimizer, trainer_state FROM checkpoints WHERE run_id = ?");
    if (epoch < 0) {
        q.prepare(sql + QStringLiteral(" ORDER BY epoch DESC LIMIT 1"));
        q.addBindValue(runId);
    } else {
        q.prepare(sql + QStringLiteral(" AND epoch = ?"));
        q.addBindValue(runId);
        q.addBindValue(epoch);
    }
    QString error;
    if (!d->exec(q, &error))
        return Result<EpochCheckpoint>::failure(error);
    if (!q.next())
        return Result<EpochCheckpoint>::failure(
            QStringLiteral("run %1 has no checkpoint%2")
                .arg(runId)
                .arg(epoch < 0 ? QString() : QStringLiteral(" for epoch %1").arg(epoch)));
    EpochCheckpoint c;
    c.epoch = q.value(0).toInt();
    c.weights = q.value(1).toByteArray();
    c.optimizerState = q.value(2).toByteArray();
    c.trainerState = q.value(3).toString();
    return c;
}

Result<qint64> ProjectStore::createSweep(const QString &name, const QString &configJson)
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("INSERT INTO sweeps (name, config_json, status, created) VALUES (?,?,'running',?)"));
    q.addBindValue(name);
    q.addBindValue(configJson);
    q.addBindValue(now());
    QString error;
    if (!d->exec(q, &error))
        return Result<qint64>::failure(error);
    return q.lastInsertId().toLongLong();
}

Status ProjectStore::setSweepStatus(qint64 sweepId, const QString &status)
{
    return d->run(QStringLiteral("UPDATE sweeps SET status = ? WHERE id = ?"), {status, sweepId});
}

Result<QVector<SweepInfo>> ProjectStore::sweeps() const
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("SELECT id, name, config_json, status, created FROM sweeps ORDER BY id"));
    QString error;
    if (!d->exec(q, &error))
        return Result<QVector<SweepInfo>>::failure(error);
    QVector<SweepInfo> out;
    while (q.next()) {
        SweepInfo s;
        s.id = q.value(0).toLongLong();
        s.name = q.value(1).toString();
        s.configJson = q.value(2).toString();
        s.status = q.value(3).toString();
        s.created = parseTime(q.value(4));
        out.append(s);
    }
    return out;
}

Status ProjectStore::setRunStatus(qint64 runId, const QString &status)
{
    return d->run(QStringLiteral("UPDATE runs SET status = ? WHERE id = ?"), {status, runId});
}

namespace {
const char kRunColumns[] = "SELECT r.id, r.dataset_id, r.architecture_id, r.config_json, r.status, "
                           "r.created, (SELECT COUNT(*) FROM epochs e WHERE e.run_id = r.id), r.best_epoch, "
                           "r.best_metric, r.seconds, r.message, r.sweep_id, r.owner_pid FROM runs r";
RunInfo readRun(const QSqlQuery &q)
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
    // A run whose training process is gone (killed, crashed) can be resumed.
    if (r.status == QLatin1String("running") && !processAlive(q.value(12).toLongLong()))
        r.status = QStringLiteral("interrupted");
    return r;
}
} // namespace

Result<QVector<RunInfo>> ProjectStore::runs() const
{
    QSqlQuery q(d->db());
    q.prepare(QString::fromLatin1(kRunColumns) + QStringLiteral(" ORDER BY r.id"));
    QString error;
    if (!d->exec(q, &error))
        return Result<QVector<RunInfo>>::failure(error);
    QVector<RunInfo> out;
    while (q.next())
        out.append(readRun(q));
    return out;
}

Result<RunInfo> ProjectStore::run(qint64 id) const
{
    QSqlQuery q(d->db());
    q.prepare(QString::fromLatin1(kRunColumns) + QStringLiteral(" WHERE r.id = ?"));
    q.addBindValue(id);
    QString error;
    if (!d->exec(q, &error))
        return Result<RunInfo>::failure(error);
    if (!q.next())
        return Result<RunInfo>::failure(QStringLiteral("no run with id %1 in '%2'").arg(id).arg(d->path));
    return readRun(q);
}

Result<QVector<EpochRecord>> ProjectStore::epochs(qint64 runId) const
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("SELECT epoch, train_loss, train_acc, val_loss, val_acc, seconds, train_f1, val_f1, "
                             "learning_rate, batch_losses, batch_lrs, train_mae, val_mae, train_r2, val_r2 "
                             "FROM epochs WHERE run_id = ? ORDER BY epoch"));
    q.addBindValue(runId);
    QString error;
    if (!d->exec(q, &error))
        return Result<QVector<EpochRecord>>::failure(error);
    QVector<EpochRecord> out;
    while (q.next()) {
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
        out.append(e);
    }
    return out;
}

Result<QByteArray> ProjectStore::checkpointWeights(qint64 runId, int epoch) const
{
    QSqlQuery q(d->db());
    if (epoch < 0) {
        q.prepare(QStringLiteral("SELECT weights FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC LIMIT 1"));
        q.addBindValue(runId);
    } else {
        q.prepare(QStringLiteral("SELECT weights FROM checkpoints WHERE run_id = ? AND epoch = ?"));
        q.addBindValue(runId);
        q.addBindValue(epoch);
    }
    QString error;
    if (!d->exec(q, &error))
        return Result<QByteArray>::failure(error);
    if (!q.next())
        return Result<QByteArray>::failure(QStringLiteral("run %1 has no checkpoint%2")
                                               .arg(runId)
                                               .arg(epoch < 0 ? QString() : QStringLiteral(" for epoch %1").arg(epoch)));
    return q.value(0).toByteArray();
}

} // namespace lepton
