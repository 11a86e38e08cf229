// Training runs in the project file: runs, per-epoch metrics and checkpoints (one transaction per
// finished epoch), claims on runs and how a run ends, sweeps.
#include "project/internal/rows.h"
#include "project/internal/transaction.h"

#include <QCoreApplication>
#include <QSysInfo>

namespace lepton {

using namespace Internal;

namespace {

// How a run reads back: "running" only while a process holds its claim; a run that recorded its
// epochs but whose model version was never saved (killed in between, by a build before schema 9)
// can be resumed to complete it.
RunInfo withLiveStatus(RunInfo r, const QString &projectPath)
{
    if (r.status == QLatin1String("running") && !WorkClaim::isHeld(projectPath, WorkClaim::Run, r.id)) {
        r.status = QStringLiteral("interrupted");
    } else if (r.status == QLatin1String("finished") && r.modelVersionId == 0 && r.bestEpoch > 0) {
        r.status = QStringLiteral("interrupted");
        r.message = QStringLiteral("its epochs finished but its model version was not saved; resume completes it");
    }
    return r;
}

QString ownerText(const RunInfo &r)
{
    const QString command = processCommandLine(r.ownerPid);
    QString who = command.isEmpty() ? QStringLiteral("process %1").arg(r.ownerPid)
                                    : QStringLiteral("process %1 (%2)").arg(r.ownerPid).arg(command);
    if (r.ownerPid == QCoreApplication::applicationPid())
        who = QStringLiteral("another task of this process");
    if (!r.ownerHost.isEmpty() && r.ownerHost != QSysInfo::machineHostName())
        who += QStringLiteral(" on %1").arg(r.ownerHost);
    return who;
}

RunInfo ownedRun(qint64 datasetId, qint64 architectureId, const QString &configJson)
{
    RunInfo r;
    r.datasetId = datasetId;
    r.architectureId = architectureId;
    r.configJson = configJson;
    r.status = QStringLiteral("running");
    r.ownerPid = QCoreApplication::applicationPid();
    r.ownerHost = QSysInfo::machineHostName();
    return r;
}

} // namespace

// ---- runs --------------------------------------------------------------------------------

Result<qint64> ProjectStore::createRun(qint64 datasetId, qint64 architectureId, const QString &configJson)
{
    Statement s(*d, insertSql<RunInfo>(), Row<RunInfo>::values(ownedRun(datasetId, architectureId, configJson)));
    if (!s.ok())
        return Result<qint64>::failure(s.error());
    return s.insertedId();
}

Result<qint64> ProjectStore::createRun(qint64 datasetId, qint64 architectureId, const QString &configJson,
                                       std::unique_ptr<WorkClaim> *claim)
{
    return insertClaimed(*d, insertSql<RunInfo>(), Row<RunInfo>::values(ownedRun(datasetId, architectureId, configJson)),
                         WorkClaim::Run, claim);
}

Result<std::unique_ptr<WorkClaim>> ProjectStore::claimRun(qint64 runId)
{
    using R = Result<std::unique_ptr<WorkClaim>>;
    // Inside one write transaction: no other process can claim the run between the check and the
    // claim, and the OS lock decides whether an earlier owner still lives (not its process id,
    // which another program may have by now).
    Transaction t(*d);
    auto found = selectRow<RunInfo>(*d, QStringLiteral("WHERE id = ?"), {runId},
                                    QStringLiteral("no run with id %1 in '%2'").arg(runId).arg(d->path));
    if (!t.ok())
        return R::failure(t.error());
    if (!found)
        return R::failure(found.error());
    const RunInfo &run = found.value();
    if (run.status == QLatin1String("finished") && (run.modelVersionId > 0 || run.bestEpoch == 0))
        return R::failure(QStringLiteral("run %1 is finished (%2 epochs); nothing to resume").arg(runId).arg(run.epochsDone));
    QString error;
    std::unique_ptr<WorkClaim> claim = WorkClaim::tryAcquire(d->path, WorkClaim::Run, runId, &error);
    if (!claim)
        return R::failure(error.isEmpty() ? QStringLiteral("run %1 is being trained by %2; it can be resumed when that "
                                                           "process has stopped")
                                                .arg(runId)
                                                .arg(ownerText(run))
                                          : error);
    t.exec(QStringLiteral("UPDATE runs SET status = 'running', message = NULL, owner_pid = ?, owner_host = ? WHERE id = ?"),
           {QCoreApplication::applicationPid(), QSysInfo::machineHostName(), runId});
    if (!t.commit())
        return R::failure(t.error());
    return R(std::move(claim));
}

Result<qint64> ProjectStore::finishRun(qint64 runId, const QString &status, const QString &message,
                                       const ModelVersionInfo *version, const QByteArray &weights)
{
    Transaction t(*d);
    qint64 versionId = 0;
    if (version) {
        ModelVersionInfo v = *version;
        v.runId = runId;
        t.exec(insertSql<ModelVersionInfo>(), Row<ModelVersionInfo>::values(v, weights));
        versionId = t.insertedId();
    }
    t.exec(QStringLiteral("UPDATE runs SET status = ?, message = ? WHERE id = ?"),
           {status, message.isEmpty() ? QVariant() : QVariant(message), runId});
    if (!t.commit())
        return Result<qint64>::failure(t.error());
    return versionId;
}

Status ProjectStore::recordEpoch(qint64 runId, const EpochRecord &e, const QByteArray &weights,
                                 const QByteArray &optimizerState)
{
    EpochCheckpoint c;
    c.epoch = e.epoch;
    c.weights = weights;
    c.optimizerState = optimizerState;
    Transaction t(*d);
    t.exec(insertSql<EpochRecord>().replace(QLatin1String("INSERT"), QLatin1String("INSERT OR REPLACE")),
           Row<EpochRecord>::values(e, runId));
    t.exec(insertSql<EpochCheckpoint>().replace(QLatin1String("INSERT"), QLatin1String("INSERT OR REPLACE")),
           Row<EpochCheckpoint>::values(c, runId));
    return t.status();
}

Status ProjectStore::recordEpoch(qint64 runId, const EpochRecord &e, const EpochCheckpoint &c, int bestEpoch,
                                 double bestMetric, double runSeconds)
{
    Transaction t(*d);
    t.exec(insertSql<EpochRecord>().replace(QLatin1String("INSERT"), QLatin1String("INSERT OR REPLACE")),
           Row<EpochRecord>::values(e, runId));
    t.exec(insertSql<EpochCheckpoint>().replace(QLatin1String("INSERT"), QLatin1String("INSERT OR REPLACE")),
           Row<EpochCheckpoint>::values(c, runId));
    // only the last and the best checkpoints are kept
    t.exec(QStringLiteral("DELETE FROM checkpoints WHERE run_id = ? AND epoch <> ? AND epoch <> ?"),
           {runId, c.epoch, bestEpoch});
    t.exec(QStringLiteral("UPDATE runs SET best_epoch = ?, best_metric = ?, seconds = ? WHERE id = ?"),
           {bestEpoch, bestMetric, runSeconds, runId});
    return t.status();
}

Status ProjectStore::setRunStatus(qint64 runId, const QString &status)
{
    return Statement(*d, QStringLiteral("UPDATE runs SET status = ? WHERE id = ?"), {status, runId}).status();
}

Status ProjectStore::setRunStatus(qint64 runId, const QString &status, const QString &message)
{
    return Statement(*d, QStringLiteral("UPDATE runs SET status = ?, message = ? WHERE id = ?"), {status, message, runId})
        .status();
}

Status ProjectStore::setRunSweep(qint64 runId, qint64 sweepId)
{
    return Statement(*d, QStringLiteral("UPDATE runs SET sweep_id = ? WHERE id = ?"), {sweepId, runId}).status();
}

Result<QVector<RunInfo>> ProjectStore::runs() const
{
    auto runs = selectRows<RunInfo>(*d, QStringLiteral("ORDER BY id"), {});
    if (runs)
        for (RunInfo &r : runs.value())
            r = withLiveStatus(r, d->path);
    return runs;
}

Result<RunInfo> ProjectStore::run(qint64 id) const
{
    auto run = selectRow<RunInfo>(*d, QStringLiteral("WHERE id = ?"), {id},
                                  QStringLiteral("no run with id %1 in '%2'").arg(id).arg(d->path));
    if (!run)
        return run;
    return withLiveStatus(run.value(), d->path);
}

Result<QVector<EpochRecord>> ProjectStore::epochs(qint64 runId) const
{
    return selectRows<EpochRecord>(*d, QStringLiteral("WHERE run_id = ? ORDER BY epoch"), {runId});
}

Result<EpochCheckpoint> ProjectStore::checkpoint(qint64 runId, int epoch) const
{
    const QString missing = QStringLiteral("run %1 has no checkpoint%2")
                                .arg(runId)
                                .arg(epoch < 0 ? QString() : QStringLiteral(" for epoch %1").arg(epoch));
    if (epoch < 0)
        return selectRow<EpochCheckpoint>(*d, QStringLiteral("WHERE run_id = ? ORDER BY epoch DESC LIMIT 1"), {runId},
                                          missing);
    return selectRow<EpochCheckpoint>(*d, QStringLiteral("WHERE run_id = ? AND epoch = ?"), {runId, epoch}, missing);
}

Result<QByteArray> ProjectStore::checkpointWeights(qint64 runId, int epoch) const
{
    // Only the weights column: the optimizer state next to it is twice their size for Adam.
    Statement s(*d, epoch < 0 ? QStringLiteral("SELECT weights FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC LIMIT 1")
                              : QStringLiteral("SELECT weights FROM checkpoints WHERE run_id = ? AND epoch = ?"),
                epoch < 0 ? QVariantList{runId} : QVariantList{runId, epoch});
    if (!s.next())
        return Result<QByteArray>::failure(
            s.ok() ? QStringLiteral("run %1 has no checkpoint%2")
                         .arg(runId)
                         .arg(epoch < 0 ? QString() : QStringLiteral(" for epoch %1").arg(epoch))
                   : s.error());
    return s.value(0).toByteArray();
}

// ---- sweeps ------------------------------------------------------------------------------

Result<qint64> ProjectStore::createSweep(const QString &name, const QString &configJson)
{
    SweepInfo sweep;
    sweep.name = name;
    sweep.configJson = configJson;
    sweep.status = QStringLiteral("running");
    Statement s(*d, insertSql<SweepInfo>(), Row<SweepInfo>::values(sweep));
    if (!s.ok())
        return Result<qint64>::failure(s.error());
    return s.insertedId();
}

Status ProjectStore::setSweepStatus(qint64 sweepId, const QString &status)
{
    return Statement(*d, QStringLiteral("UPDATE sweeps SET status = ? WHERE id = ?"), {status, sweepId}).status();
}

Result<QVector<SweepInfo>> ProjectStore::sweeps() const
{
    auto sweeps = selectRows<SweepInfo>(*d, QStringLiteral("ORDER BY id"), {});
    if (sweeps)
        for (SweepInfo &s : sweeps.value())
            if (s.status == QLatin1String("running") && !WorkClaim::isHeld(d->path, WorkClaim::Sweep, s.id))
                s.status = QStringLiteral("interrupted");   // its process is gone
    return sweeps;
}

} // namespace lepton
