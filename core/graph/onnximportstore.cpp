#include "graph/onnximport.h"

#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"

namespace lepton {

using namespace Internal;

namespace {

// Empty when `weights` load into a module of `graph` with every parameter and buffer keeping its
// shape (torch's archive loader would silently take the stored shape), else what does not fit.
QString weightsMismatch(const ModelGraph &graph, const QByteArray &weights)
{
    auto module = GraphModuleImpl::build(graph);
    if (!module)
        return module.error();
    try {
        QHash<QString, std::vector<int64_t>> shapes;
        for (const auto &p : module.value()->named_parameters(true))
            shapes.insert(QString::fromStdString(p.key()), p.value().sizes().vec());
        for (const auto &b : module.value()->named_buffers(true))
            shapes.insert(QString::fromStdString(b.key()), b.value().sizes().vec());
        if (auto st = module.value()->loadWeights(weights); !st)
            return st.error();
        QStringList changed;
        const auto check = [&](const std::string &key, const torch::Tensor &t) {
            const QString name = QString::fromStdString(key);
            if (shapes.value(name) != t.sizes().vec())
                changed.append(name);
        };
        for (const auto &p : module.value()->named_parameters(true))
            check(p.key(), p.value());
        for (const auto &b : module.value()->named_buffers(true))
            check(b.key(), b.value());
        if (!changed.isEmpty())
            return QStringLiteral("the imported weights do not fit the edited graph (%1)").arg(changed.join(QStringLiteral(", ")));
    } catch (const std::exception &e) {
        return describeException(e);
    }
    return {};
}

} // namespace

Result<StoredImport> storeImportedModel(ProjectStore &store, const ModelGraph &graph, const QByteArray &weights,
                                       const QString &source, qint64 datasetId)
{
    using R = Result<StoredImport>;
    const GraphAnalysis a = analyzeGraph(graph);
    if (!a.valid())
        return R::failure(QStringLiteral("architecture '%1' is invalid: %2").arg(graph.name, a.errors.join(QLatin1String("; "))));
    auto id = store.addArchitecture(graph.name, QString::fromUtf8(graph.toJson()));
    if (!id)
        return R::failure(id.error());
    auto saved = store.architecture(id.value());
    if (!saved)
        return R::failure(saved.error());
    StoredImport out;
    out.architectureId = id.value();
    out.architectureVersion = saved->version;
    if (weights.isEmpty()) {
        out.weightsNote = QStringLiteral("no imported weights");
        return out;
    }
    if (const QString bad = weightsMismatch(graph, weights); !bad.isEmpty()) {
        out.weightsNote = QStringLiteral("weights not saved: %1").arg(bad);
        return out;
    }
    auto all = store.datasets();
    if (!all)
        return R::failure(all.error());
    for (const DatasetInfo &d : all.value()) {
        if (datasetId > 0 && d.id != datasetId)
            continue;
        const TensorShape shape{{d.channels, d.height, d.width}};
        if (!(a.inputShape == shape) || a.outputShape.dims != QVector<qint64>{qint64(d.classes.size())})
            continue;
        ModelVersionInfo v;
        v.architectureId = out.architectureId;
        v.datasetId = d.id;
        v.name = QStringLiteral("imported from %1").arg(source);
        auto version = store.addModelVersion(v, weights);
        if (!version)
            return R::failure(version.error());
        out.modelVersionId = version.value();
        return out;
    }
    out.weightsNote = QStringLiteral("weights not saved: no dataset in the project has the model's input shape %1 and "
                                     "%2 classes")
                          .arg(a.inputShape.toString(), a.outputShape.toString());
    return out;
}

} // namespace lepton
