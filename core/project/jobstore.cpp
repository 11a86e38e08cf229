// Compression jobs: the model versions a job makes stay hidden until the job publishes them
// (after their evaluations), so a job killed half-way leaves nothing visible in the project.
#include "project/internal/rows.h"
#include "project/internal/transaction.h"

#include <QCoreApplication>

namespace lepton {

using namespace Internal;

Result<qint64> ProjectStore::beginJob(const QString &kind, qint64 modelVersionId, const QString &settingsJson,
                                      std::unique_ptr<WorkClaim> *claim)
{
    if (auto abandoned = abandonDeadJobs(); !abandoned)
        return Result<qint64>::failure(abandoned.error());
    return insertClaimed(*d,
                         QStringLiteral("INSERT INTO jobs (kind, model_version_id, settings_json, status, owner_pid, "
                                        "created) VALUES (?, ?, ?, 'running', ?, ?)"),
                         {kind, modelVersionId, settingsJson, QCoreApplication::applicationPid(), now()},
                         WorkClaim::CompressionJob, claim);
}

Status ProjectStore::endJob(qint64 jobId, const QString &status, const QString &message,
                            const std::optional<QVector<qint64>> &publish)
{
    Transaction t(*d);
    if (!publish) {
        t.exec(QStringLiteral("UPDATE model_versions SET pending_job = NULL WHERE pending_job = ?"), {jobId});
    } else {
        for (qint64 id : *publish)
            t.exec(QStringLiteral("UPDATE model_versions SET pending_job = NULL WHERE pending_job = ? AND id = ?"), {jobId, id});
        // what is not published stays hidden, without its weights
        t.exec(QStringLiteral("UPDATE model_versions SET weights = X'' WHERE pending_job = ?"), {jobId});
    }
    t.exec(QStringLiteral("UPDATE jobs SET status = ?, message = ?, ended = ? WHERE id = ?"),
           {status, message.isEmpty() ? QVariant() : QVariant(message), now(), jobId});
    return t.status();
}

Result<int> ProjectStore::abandonDeadJobs()
{
    Statement running(*d, QStringLiteral("SELECT id FROM jobs WHERE status = 'running' ORDER BY id"));
    QVector<qint64> dead;
    while (running.next())
        if (!WorkClaim::isHeld(d->path, WorkClaim::CompressionJob, running.value(0).toLongLong()))
            dead << running.value(0).toLongLong();
    if (!running.ok())
        return Result<int>::failure(running.error());
    if (dead.isEmpty())
        return 0;
    Transaction t(*d);
    for (qint64 id : dead) {
        // Ids are kept (never reused): the rows stay, hidden, and only their weights go.
        t.exec(QStringLiteral("UPDATE model_versions SET weights = X'' WHERE pending_job = ?"), {id});
        t.exec(QStringLiteral("UPDATE jobs SET status = 'abandoned', message = 'its process stopped before the job "
                              "finished', ended = ? WHERE id = ? AND status = 'running'"),
               {now(), id});
    }
    if (!t.commit())
        return Result<int>::failure(t.error());
    return int(dead.size());
}

} // namespace lepton
