// Dataset-side records that are not samples: the augmentation pipeline of a dataset.
#include "project/projectstore.h"

#include <QDateTime>
#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace lepton {
namespace {

QString failure(const ProjectStore &store, const QSqlQuery &q)
{
    return QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(store.path()), q.lastError().text());
}

} // namespace

Result<QString> ProjectStore::augmentationJson(qint64 datasetId) const
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("SELECT pipeline_json FROM augmentation_pipelines WHERE dataset_id = ?"));
    q.addBindValue(datasetId);
    if (!q.exec())
        return Result<QString>::failure(failure(*this, q));
    return q.next() ? q.value(0).toString() : QString();
}

Status ProjectStore::setAugmentationJson(qint64 datasetId, const QString &json)
{
    QSqlQuery q(database());
    if (json.isEmpty()) {
        q.prepare(QStringLiteral("DELETE FROM augmentation_pipelines WHERE dataset_id = ?"));
        q.addBindValue(datasetId);
    } else {
        q.prepare(QStringLiteral("INSERT INTO augmentation_pipelines (dataset_id, pipeline_json, updated) "
                                 "VALUES (?, ?, ?) ON CONFLICT(dataset_id) DO UPDATE SET "
                                 "pipeline_json = excluded.pipeline_json, updated = excluded.updated"));
        q.addBindValue(datasetId);
        q.addBindValue(json);
        q.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    }
    if (!q.exec())
        return Status::failure(failure(*this, q));
    return success();
}

} // namespace lepton
