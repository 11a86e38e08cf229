// Dataset-side records that are not samples: the augmentation pipeline of a dataset.
#include "project/internal/storeprivate.h"

namespace lepton {

using Internal::Statement;

Result<QString> ProjectStore::augmentationJson(qint64 datasetId) const
{
    Statement s(*d, QStringLiteral("SELECT pipeline_json FROM augmentation_pipelines WHERE dataset_id = ?"), {datasetId});
    if (!s.ok())
        return Result<QString>::failure(s.error());
    return s.next() ? s.value(0).toString() : QString();
}

Status ProjectStore::setAugmentationJson(qint64 datasetId, const QString &json)
{
    if (json.isEmpty())
        return Statement(*d, QStringLiteral("DELETE FROM augmentation_pipelines WHERE dataset_id = ?"), {datasetId}).status();
    return Statement(*d,
                     QStringLiteral("INSERT INTO augmentation_pipelines (dataset_id, pipeline_json, updated) "
                                    "VALUES (?, ?, ?) ON CONFLICT(dataset_id) DO UPDATE SET "
                                    "pipeline_json = excluded.pipeline_json, updated = excluded.updated"),
                     {datasetId, json, Internal::now()})
        .status();
}

} // namespace lepton
