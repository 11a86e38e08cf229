#include "compress/modelfamily.h"

#include "compress/internal/quantizedversions.h"
#include "graph/modelgraph.h"
#include "project/projectstore.h"

#include <QHash>

namespace lepton {

void markParetoFront(QVector<FamilyPoint> &points)
{
    for (FamilyPoint &p : points) {
        p.pareto = p.accuracy >= 0;
        for (const FamilyPoint &q : points) {
            if (&p == &q || q.accuracy < 0)
                continue;
            const bool noWorse = q.weightBytes <= p.weightBytes && q.accuracy >= p.accuracy;
            const bool better = q.weightBytes < p.weightBytes || q.accuracy > p.accuracy;
            if (noWorse && better) {
                p.pareto = false;
                break;
            }
        }
    }
}

Result<QVector<FamilyPoint>> modelFamily(const ProjectStore &store, qint64 modelVersionId)
{
    using R = Result<QVector<FamilyPoint>>;
    auto versions = store.modelVersions();
    if (!versions)
        return R::failure(versions.error());
    QHash<qint64, ModelVersionInfo> byId;
    for (const ModelVersionInfo &v : versions.value())
        byId.insert(v.id, v);
    if (!byId.contains(modelVersionId))
        return R::failure(QStringLiteral("model version %1 does not exist").arg(modelVersionId));
    auto root = [&](qint64 id) {
        for (int guard = 0; guard < 10000 && byId.value(id).parentId > 0 && byId.contains(byId.value(id).parentId); ++guard)
            id = byId.value(id).parentId;
        return id;
    };
    const qint64 family = root(modelVersionId);
    auto evaluations = store.evaluations();
    if (!evaluations)
        return R::failure(evaluations.error());
    QHash<qint64, EvaluationInfo> latestTest;
    for (const EvaluationInfo &e : evaluations.value())
        if (e.split == QLatin1String("test") && (!latestTest.contains(e.modelVersionId) || latestTest[e.modelVersionId].id < e.id))
            latestTest.insert(e.modelVersionId, e);
    QHash<qint64, qint64> archBytes;
    QVector<FamilyPoint> points;
    for (const ModelVersionInfo &v : versions.value()) {
        if (root(v.id) != family || !latestTest.contains(v.id))
            continue;
        FamilyPoint p;
        p.modelVersionId = v.id;
        p.parentId = v.parentId;
        p.name = v.name;
        p.accuracy = latestTest[v.id].accuracy;
        p.macroF1 = latestTest[v.id].macroF1;
        auto q = Internal::quantizedVersion(store, v.id);
        if (q && q->modelVersionId > 0) {
            p.precision = QStringLiteral("int8 (%1)").arg(q->engine);
            p.weightBytes = qint64(q->report.value(QLatin1String("int8_weight_bytes")).toDouble());
        } else {
            if (!archBytes.contains(v.architectureId)) {
                auto arch = store.architecture(v.architectureId);
                auto graph = arch ? ModelGraph::fromJson(arch->graphJson.toUtf8()) : Result<ModelGraph>::failure(QString());
                archBytes.insert(v.architectureId, graph ? analyzeGraph(graph.value()).sizeBytes : 0);
            }
            p.weightBytes = archBytes.value(v.architectureId);
        }
        points.append(p);
    }
    markParetoFront(points);
    return points;
}

} // namespace lepton
