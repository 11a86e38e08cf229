#include "compress/modelfamily.h"

#include "compress/compressor.h"
#include "compress/internal/quantizedversions.h"
#include "graph/modelgraph.h"
#include "project/projectstore.h"

#include <QHash>

#include <algorithm>

namespace lepton {

namespace {

// Marks with `flag` the points no other point dominates: a cost (`cost`, lower is better; negative:
// not measured) no higher and an accuracy no lower, and better in one of them.
template<typename Cost>
void markFront(QVector<FamilyPoint> &points, Cost cost, bool FamilyPoint::*flag)
{
    for (FamilyPoint &p : points) {
        p.*flag = p.accuracy >= 0 && cost(p) >= 0;
        for (const FamilyPoint &q : points) {
            if (!(p.*flag))
                break;
            if (&p == &q || q.accuracy < 0 || cost(q) < 0)
                continue;
            const bool noWorse = cost(q) <= cost(p) && q.accuracy >= p.accuracy;
            const bool better = cost(q) < cost(p) || q.accuracy > p.accuracy;
            if (noWorse && better)
                p.*flag = false;
        }
    }
}

} // namespace

void markParetoFront(QVector<FamilyPoint> &points)
{
    markFront(points, [](const FamilyPoint &p) { return double(p.weightBytes); }, &FamilyPoint::pareto);
    markFront(points, [](const FamilyPoint &p) { return p.latencyMs; }, &FamilyPoint::paretoLatency);
}

Result<QVector<FamilyPoint>> measureModelFamily(const QString &projectPath, qint64 modelVersionId,
                                                const ProgressFn &progress, const CancelToken &cancel)
{
    using R = Result<QVector<FamilyPoint>>;
    QVector<FamilyPoint> points;
    {
        auto store = ProjectStore::open(projectPath);
        if (!store)
            return R::failure(store.error());
        auto family = modelFamily(*store.value(), modelVersionId);
        if (!family)
            return family;
        points = family.value();
    }
    // Two passes, keeping each version's best median: the first model timed in a process can be
    // much slower than the same model timed later (see compressModel()).
    const int passes = 2;
    for (int pass = 0; pass < passes; ++pass) {
        for (int i = 0; i < points.size(); ++i) {
            if (cancel.isCancelled())
                return R::failure(QStringLiteral("cancelled"));
            report(progress, pass * points.size() + i, passes * points.size(),
                   QStringLiteral("timing v%1 (pass %2 of %3)").arg(points[i].modelVersionId).arg(pass + 1).arg(passes));
            auto m = measureModelVersion(projectPath, points[i].modelVersionId, {}, cancel, false);
            if (!m)
                return R::failure(m.error());
            FamilyPoint &p = points[i];
            p.latencyMs = p.latencyMs < 0 ? m->latencyMs : std::min(p.latencyMs, m->latencyMs);
            p.throughput = std::max(p.throughput, m->throughput);
        }
    }
    report(progress, passes * points.size(), passes * points.size(),
           QStringLiteral("timed %1 versions").arg(points.size()));
    markParetoFront(points);
    return points;
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
