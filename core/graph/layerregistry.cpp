#include "graph/layerregistry.h"

#include "graph/internal/layerkit.h"

namespace lepton {

QJsonValue layerParam(const GraphNode &node, const QString &name)
{
    const QJsonValue v = node.params.value(name);
    if (!v.isUndefined() && !v.isNull())
        return v;
    if (const LayerType *t = LayerRegistry::instance().find(node.type))
        for (const LayerParamSpec &p : t->params)
            if (p.name == name)
                return p.defaultValue;
    return {};
}

LayerRegistry::LayerRegistry()
{
    using namespace Internal;
    add(inputLayer());
    add(conv2dLayer());
    add(depthwiseConv2dLayer());
    add(convTranspose2dLayer());
    add(batchNorm2dLayer());
    add(batchNorm1dLayer());
    add(layerNormLayer());
    add(pool2dLayer(true));
    add(pool2dLayer(false));
    add(globalAvgPoolLayer());
    add(flattenLayer());
    add(linearLayer());
    add(dropoutLayer());
    add(addLayer());
    add(concatLayer());
    for (LayerType &t : activationLayers())
        add(std::move(t));
}

LayerRegistry &LayerRegistry::instance()
{
    static LayerRegistry registry;
    return registry;
}

const LayerType *LayerRegistry::find(const QString &name) const
{
    for (const LayerType &t : m_types)
        if (t.name == name)
            return &t;
    return nullptr;
}

QStringList LayerRegistry::names() const
{
    QStringList out;
    for (const LayerType &t : m_types)
        out << t.name;
    return out;
}

void LayerRegistry::add(LayerType type)
{
    for (LayerType &t : m_types)
        if (t.name == type.name) {
            t = std::move(type);
            return;
        }
    m_types.append(std::move(type));
}

Status LayerRegistry::addFromPlugin(LayerType type)
{
    if (const LayerType *existing = find(type.name))
        return Status::failure(QStringLiteral("layer type '%1' is already provided by %2")
                                   .arg(type.name, existing->provider.isEmpty()
                                                       ? QStringLiteral("the workbench")
                                                       : QStringLiteral("plugin '%1'").arg(existing->provider)));
    if (type.provider.isEmpty())
        return Status::failure(QStringLiteral("layer type '%1' has no provider").arg(type.name));
    m_types.append(std::move(type));
    return success();
}

} // namespace lepton
