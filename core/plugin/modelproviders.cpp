#include "plugin/internal/registration.h"

#include "graph/internal/onnxlayers.h"
#include "graph/internal/torchlayers.h"
#include "plugin/modelproviderplugin.h"

#include <QRegularExpression>
#include <QSet>

#include <stdexcept>

namespace lepton::Internal {
namespace {

// Rethrows whatever a plugin function threw as one std::runtime_error naming the plugin and layer
// (the trainer, the exporters and the graph builder report std::exception messages).
template <typename F>
auto rethrowing(const QString &where, F &&call) -> decltype(call())
{
    try {
        return call();
    } catch (const std::exception &e) {
        throw std::runtime_error(QStringLiteral("%1: %2").arg(where, QString::fromUtf8(e.what())).toStdString());
    } catch (...) {
        throw std::runtime_error(QStringLiteral("%1: unknown exception").arg(where).toStdString());
    }
}

LayerType guardedLayer(LayerType type, const QString &pluginId)
{
    const QString where = QStringLiteral("plugin '%1', layer type '%2'").arg(pluginId, type.name);
    type.provider = pluginId;
    auto infer = type.infer;
    type.infer = [infer, where](const QVector<TensorShape> &inputs, const GraphNode &node) {
        Result<LayerShapeInfo> out = Result<LayerShapeInfo>::failure(QString());
        QString error;
        if (!guarded([&] { out = infer(inputs, node); }, &error, where + QStringLiteral(", shape rule")))
            return Result<LayerShapeInfo>::failure(error);
        return out;
    };
    if (type.torch) {
        auto inner = type.torch;
        auto ops = std::make_shared<TorchLayerOps>();
        ops->build = [inner, where](const GraphNode &node, const QVector<TensorShape> &inputs) {
            BuiltLayer built = rethrowing(where + QStringLiteral(", build"), [&] { return inner->build(node, inputs); });
            if (!built.forward)
                throw std::runtime_error((where + QStringLiteral(": build returned no forward function")).toStdString());
            auto forward = built.forward;
            built.forward = [forward, where](const std::vector<torch::Tensor> &x) {
                return rethrowing(where + QStringLiteral(", forward"), [&] { return forward(x); });
            };
            return built;
        };
        ops->script = [inner, where](const GraphNode &node, const QStringList &inputs, const QString &attr) {
            return rethrowing(where + QStringLiteral(", TorchScript emitter"),
                              [&] { return inner->script(node, inputs, attr); });
        };
        type.torch = ops;
    }
    if (type.onnx) {
        auto inner = type.onnx;
        auto ops = std::make_shared<OnnxLayerOps>();
        ops->emit = [inner, where](const OnnxEmitArgs &args, onnx::GraphProto &graph) {
            Status st = success();
            QString error;
            if (!guarded([&] { st = inner->emit(args, graph); }, &error, where + QStringLiteral(", ONNX emitter")))
                return Status::failure(error);
            return st;
        };
        type.onnx = ops;
    }
    return type;
}

QString checkLayer(const LayerType &t)
{
    static const QRegularExpression name(QStringLiteral("^[A-Za-z][A-Za-z0-9_]*$"));
    if (!name.match(t.name).hasMatch())
        return QStringLiteral("layer type name '%1' must be a letter followed by letters, digits or _").arg(t.name);
    if (!t.infer)
        return QStringLiteral("layer type '%1' has no shape rule").arg(t.name);
    if (t.minInputs < 1 || t.maxInputs < t.minInputs)
        return QStringLiteral("layer type '%1': inputs %2..%3 is not a valid range").arg(t.name).arg(t.minInputs).arg(t.maxInputs);
    if (t.torch && (!t.torch->build || !t.torch->script))
        return QStringLiteral("layer type '%1': the LibTorch ops need both build and script").arg(t.name);
    if (t.onnx && !t.onnx->emit)
        return QStringLiteral("layer type '%1': the ONNX ops have no emit function").arg(t.name);
    for (const LayerParamSpec &p : t.params)
        if (p.name.isEmpty() || !QStringList{"int", "float", "bool"}.contains(p.kind))
            return QStringLiteral("layer type '%1': parameter '%2' needs a name and a kind int, float or bool")
                .arg(t.name, p.name);
    return {};
}

} // namespace

Result<QStringList> registerModelProvider(ModelProviderPlugin *plugin, const QString &pluginId)
{
    using R = Result<QStringList>;
    QVector<LayerType> types;
    QVector<TemplateDefinition> templates;
    QString error;
    if (!guarded([&] { types = plugin->layerTypes(); }, &error, QStringLiteral("layerTypes()")))
        return R::failure(error);
    if (!guarded([&] { templates = plugin->templates(); }, &error, QStringLiteral("templates()")))
        return R::failure(error);
    if (types.isEmpty() && templates.isEmpty())
        return R::failure(QStringLiteral("the plugin provides neither layer types nor templates"));

    // Check everything first: a plugin registers all it offers or nothing.
    const LayerRegistry &registry = LayerRegistry::instance();
    QSet<QString> names;
    for (const LayerType &t : types) {
        if (QString why = checkLayer(t); !why.isEmpty())
            return R::failure(why);
        if (const LayerType *existing = registry.find(t.name))
            return R::failure(QStringLiteral("layer type '%1' is already provided by %2")
                                  .arg(t.name, existing->provider.isEmpty() ? QStringLiteral("the workbench")
                                                                            : QStringLiteral("plugin '%1'").arg(existing->provider)));
        if (names.contains(t.name))
            return R::failure(QStringLiteral("layer type '%1' is offered twice").arg(t.name));
        names.insert(t.name);
    }
    QSet<QString> templateNames;
    for (const ArchitectureTemplate &t : architectureTemplates())
        templateNames.insert(t.name);
    for (const TemplateDefinition &t : templates) {
        if (t.info.name.isEmpty() || !t.make)
            return R::failure(QStringLiteral("a template needs a name and a factory ('%1')").arg(t.info.name));
        if (templateNames.contains(t.info.name))
            return R::failure(QStringLiteral("template '%1' is already taken").arg(t.info.name));
        templateNames.insert(t.info.name);
    }

    QStringList provided;
    for (LayerType &t : types) {
        const QString name = t.name;
        if (auto st = LayerRegistry::instance().addFromPlugin(guardedLayer(std::move(t), pluginId)); !st)
            return R::failure(st.error());
        provided << QStringLiteral("layer type '%1'").arg(name);
    }
    for (const TemplateDefinition &t : templates) {
        ArchitectureTemplate info = t.info;
        info.provider = pluginId;
        const QString where = QStringLiteral("plugin '%1', template '%2'").arg(pluginId, info.name);
        TemplateFactory make = [make = t.make, where](const TensorShape &input, int classes) {
            Result<ModelGraph> out = Result<ModelGraph>::failure(QString());
            QString error;
            if (!guarded([&] { out = make(input, classes); }, &error, where))
                return Result<ModelGraph>::failure(error);
            return out;
        };
        if (auto st = registerArchitectureTemplate(info, std::move(make)); !st)
            return R::failure(st.error());
        provided << QStringLiteral("template '%1'").arg(info.name);
    }
    return provided;
}

} // namespace lepton::Internal
