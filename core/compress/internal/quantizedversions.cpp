#include "compress/internal/quantizedversions.h"

#include "project/projectstore.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <sstream>

namespace lepton::Internal {

Status recordQuantizedVersion(ProjectStore &store, const QuantizedVersion &q)
{
    QuantizedVersionInfo info;
    info.modelVersionId = q.modelVersionId;
    info.engine = q.engine;
    info.mode = q.mode;
    info.layersJson = QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(q.layers)).toJson(QJsonDocument::Compact));
    info.reportJson = QString::fromUtf8(QJsonDocument(q.report).toJson(QJsonDocument::Compact));
    return store.addQuantizedVersion(info);
}

Result<QuantizedVersion> quantizedVersion(const ProjectStore &store, qint64 modelVersionId)
{
    auto info = store.quantizedVersion(modelVersionId);
    if (!info)
        return Result<QuantizedVersion>::failure(info.error());
    QuantizedVersion q;
    q.modelVersionId = info->modelVersionId;
    q.engine = info->engine;
    q.mode = info->mode;
    for (const QJsonValue &v : QJsonDocument::fromJson(info->layersJson.toUtf8()).array())
        q.layers << v.toString();
    q.report = QJsonDocument::fromJson(info->reportJson.toUtf8()).object();
    return q;
}

Result<QString> selectQuantizedEngine(const QString &name)
{
    QStringList available;
    bool onednn = false, qnnpack = false;
    for (at::QEngine e : at::globalContext().supportedQEngines()) {
        if (e == at::QEngine::ONEDNN)
            onednn = true, available << QStringLiteral("onednn");
        else if (e == at::QEngine::QNNPACK)
            qnnpack = true, available << QStringLiteral("qnnpack");
        else if (e == at::QEngine::FBGEMM)
            available << QStringLiteral("fbgemm");
    }
    QString chosen = name;
    if (chosen.isEmpty())
        chosen = onednn ? QStringLiteral("onednn") : qnnpack ? QStringLiteral("qnnpack") : QString();
    if (chosen == QLatin1String("onednn") && onednn)
        at::globalContext().setQEngine(at::QEngine::ONEDNN);
    else if (chosen == QLatin1String("qnnpack") && qnnpack)
        at::globalContext().setQEngine(at::QEngine::QNNPACK);
    else
        return Result<QString>::failure(QStringLiteral("quantized engine '%1' is not available; this LibTorch has: %2")
                                            .arg(name.isEmpty() ? QStringLiteral("(any)") : name,
                                                 available.isEmpty() ? QStringLiteral("none") : available.join(", ")));
    return chosen;
}

Result<torch::jit::Module> loadQuantizedModule(const ProjectStore &store, const QuantizedVersion &q)
{
    using R = Result<torch::jit::Module>;
    if (auto engine = selectQuantizedEngine(q.engine); !engine)
        return R::failure(QStringLiteral("int8 model version %1: %2").arg(q.modelVersionId).arg(engine.error()));
    auto bytes = store.modelWeights(q.modelVersionId);
    if (!bytes)
        return R::failure(bytes.error());
    try {
        std::istringstream in(std::string(bytes->constData(), size_t(bytes->size())));
        torch::jit::Module m = torch::jit::load(in);
        m.eval();
        return m;
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("int8 model version %1 does not load: %2").arg(q.modelVersionId).arg(describeException(e)));
    }
}

} // namespace lepton::Internal
