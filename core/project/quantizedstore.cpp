// int8 model versions made by core/compress: engine, mode, quantized layers, report.
#include "project/internal/rows.h"

namespace lepton {

using namespace Internal;

Status ProjectStore::addQuantizedVersion(const QuantizedVersionInfo &info)
{
    Statement s(*d, insertSql<QuantizedVersionInfo>(), Row<QuantizedVersionInfo>::values(info));
    if (!s.ok())
        return Status::failure(QStringLiteral("recording int8 model version %1: %2").arg(info.modelVersionId).arg(s.error()));
    return success();
}

Result<QuantizedVersionInfo> ProjectStore::quantizedVersion(qint64 modelVersionId) const
{
    auto found = selectRows<QuantizedVersionInfo>(*d, QStringLiteral("WHERE model_version_id = ?"), {modelVersionId});
    if (!found)
        return Result<QuantizedVersionInfo>::failure(
            QStringLiteral("reading int8 model version %1: %2").arg(modelVersionId).arg(found.error()));
    return found->isEmpty() ? QuantizedVersionInfo() : found->first();   // modelVersionId 0: not int8
}

} // namespace lepton
