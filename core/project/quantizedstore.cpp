// int8 model versions made by core/compress: engine, mode, quantized layers, report.
#include "project/projectstore.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace lepton {

Status ProjectStore::addQuantizedVersion(const QuantizedVersionInfo &info)
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("INSERT INTO quantized_versions (model_version_id, engine, mode, layers_json, report_json)"
                             " VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(info.modelVersionId);
    q.addBindValue(info.engine);
    q.addBindValue(info.mode);
    q.addBindValue(info.layersJson);
    q.addBindValue(info.reportJson);
    if (!q.exec())
        return Status::failure(QStringLiteral("%1: recording int8 model version %2: %3")
                                   .arg(QDir::toNativeSeparators(path()))
                                   .arg(info.modelVersionId)
                                   .arg(q.lastError().text()));
    return success();
}

Result<QuantizedVersionInfo> ProjectStore::quantizedVersion(qint64 modelVersionId) const
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("SELECT engine, mode, layers_json, report_json FROM quantized_versions "
                             "WHERE model_version_id = ?"));
    q.addBindValue(modelVersionId);
    if (!q.exec())
        return Result<QuantizedVersionInfo>::failure(QStringLiteral("%1: reading int8 model version %2: %3")
                                                         .arg(QDir::toNativeSeparators(path()))
                                                         .arg(modelVersionId)
                                                         .arg(q.lastError().text()));
    QuantizedVersionInfo info;
    if (!q.next())
        return info;
    info.modelVersionId = modelVersionId;
    info.engine = q.value(0).toString();
    info.mode = q.value(1).toString();
    info.layersJson = q.value(2).toString();
    info.reportJson = q.value(3).toString();
    return info;
}

} // namespace lepton
