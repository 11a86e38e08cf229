#include "graph/modelgraph.h"

#include "graph/layerregistry.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace lepton {

qint64 TensorShape::elements() const
{
    qint64 n = 1;
    for (qint64 d : dims)
        n *= d;
    return n;
}

QString TensorShape::toString() const
{
    QStringList parts;
    for (qint64 d : dims)
        parts << QString::number(d);
    return parts.join(QChar(0x00D7));
}

const GraphNode *ModelGraph::node(const QString &id) const
{
    for (const GraphNode &n : nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

Result<ModelGraph> ModelGraph::fromJson(const QByteArray &json)
{
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError) {
        const int line = json.left(pe.offset).count('\n') + 1;
        return Result<ModelGraph>::failure(QStringLiteral("architecture JSON: %1 at line %2 (offset %3)")
                                               .arg(pe.errorString())
                                               .arg(line)
                                               .arg(pe.offset));
    }
    if (!doc.isObject())
        return Result<ModelGraph>::failure(QStringLiteral("architecture JSON: top level must be an object"));
    const QJsonObject root = doc.object();
    if (root.value(QLatin1String("format")).toString() != QLatin1String("lepton-graph"))
        return Result<ModelGraph>::failure(
            QStringLiteral("architecture JSON: \"format\" must be \"lepton-graph\""));
    const int version = root.value(QLatin1String("version")).toInt(-1);
    if (version < 1 || version > FormatVersion)
        return Result<ModelGraph>::failure(
            QStringLiteral("architecture JSON: unsupported graph format version %1 (this build reads 1..%2)")
                .arg(version)
                .arg(FormatVersion));
    if (!root.value(QLatin1String("nodes")).isArray())
        return Result<ModelGraph>::failure(QStringLiteral("architecture JSON: \"nodes\" must be an array"));
    ModelGraph g;
    g.name = root.value(QLatin1String("name")).toString();
    const QJsonArray nodes = root.value(QLatin1String("nodes")).toArray();
    for (int i = 0; i < nodes.size(); ++i) {
        const QJsonObject o = nodes[i].toObject();
        GraphNode n;
        n.id = o.value(QLatin1String("id")).toString();
        n.type = o.value(QLatin1String("type")).toString();
        if (n.id.isEmpty() || n.type.isEmpty())
            return Result<ModelGraph>::failure(
                QStringLiteral("architecture JSON: node #%1 needs a non-empty \"id\" and \"type\"").arg(i));
        n.params = o.value(QLatin1String("params")).toObject();
        for (const QJsonValue &v : o.value(QLatin1String("inputs")).toArray())
            n.inputs << v.toString();
        g.nodes.append(n);
    }
    const QJsonObject plugins = root.value(QLatin1String("plugins")).toObject();
    for (auto it = plugins.begin(); it != plugins.end(); ++it)
        g.plugins.insert(it.key(), it.value().toString());
    return g;
}

QByteArray ModelGraph::toJson() const
{
    QJsonArray nodeArray;
    QJsonObject pluginTypes;
    for (const GraphNode &n : nodes) {
        const LayerType *type = LayerRegistry::instance().find(n.type);
        const QString provider = type ? type->provider : plugins.value(n.type);
        if (!provider.isEmpty())
            pluginTypes.insert(n.type, provider);
        QJsonObject o;
        o.insert(QLatin1String("id"), n.id);
        o.insert(QLatin1String("type"), n.type);
        o.insert(QLatin1String("params"), n.params);
        o.insert(QLatin1String("inputs"), QJsonArray::fromStringList(n.inputs));
        nodeArray.append(o);
    }
    QJsonObject root;
    root.insert(QLatin1String("format"), QStringLiteral("lepton-graph"));
    root.insert(QLatin1String("version"), FormatVersion);
    root.insert(QLatin1String("name"), name);
    root.insert(QLatin1String("nodes"), nodeArray);
    if (!pluginTypes.isEmpty())
        root.insert(QLatin1String("plugins"), pluginTypes);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

GraphAnalysis analyzeGraph(const ModelGraph &graph)
{
    GraphAnalysis a;
    const LayerRegistry &registry = LayerRegistry::instance();
    QHash<QString, int> index;
    QHash<QString, int> consumers;
    auto nodeError = [&](const GraphNode &n, const QString &msg) {
        a.errors << QStringLiteral("node '%1' (%2): %3").arg(n.id, n.type, msg);
        return msg;
    };
    for (int i = 0; i < graph.nodes.size(); ++i) {
        const GraphNode &n = graph.nodes[i];
        if (index.contains(n.id))
            a.errors << QStringLiteral("node id '%1' is used twice").arg(n.id);
        index.insert(n.id, i);
    }
    // Kahn's algorithm; nodes left over are on a cycle (or fed by one).
    QVector<int> pending(graph.nodes.size(), 0);
    QVector<QVector<int>> outs(graph.nodes.size());
    QVector<QString> preErrors(graph.nodes.size());
    for (int i = 0; i < graph.nodes.size(); ++i) {
        for (const QString &in : graph.nodes[i].inputs) {
            auto it = index.constFind(in);
            if (it == index.constEnd()) {
                preErrors[i] = QStringLiteral("input '%1' does not exist").arg(in);
                continue;
            }
            ++pending[i];
            outs[*it].append(i);
            consumers[in] += 1;
        }
    }
    QVector<int> order;
    QVector<int> queue;
    for (int i = 0; i < graph.nodes.size(); ++i)
        if (pending[i] == 0)
            queue.append(i);
    while (!queue.isEmpty()) {
        const int i = queue.takeFirst();
        order.append(i);
        for (int j : outs[i])
            if (--pending[j] == 0)
                queue.append(j);
    }
    QHash<QString, NodeAnalysis> done;
    int inputCount = 0;
    for (int i : order) {
        const GraphNode &n = graph.nodes[i];
        NodeAnalysis na;
        na.id = n.id;
        na.type = n.type;
        const LayerType *type = registry.find(n.type);
        QVector<TensorShape> inShapes;
        bool inputsOk = true;
        for (const QString &in : n.inputs) {
            auto it = done.constFind(in);
            if (it == done.constEnd() || !it->error.isEmpty()) {
                inputsOk = false;
                break;
            }
            inShapes.append(it->outputShape);
        }
        if (!preErrors[i].isEmpty()) {
            na.error = nodeError(n, preErrors[i]);
        } else if (!type) {
            na.error = nodeError(n, graph.plugins.contains(n.type)
                                        ? QStringLiteral("layer type '%1' comes from plugin '%2', which is not loaded "
                                                         "(see Help > Plugins or `lepton plugins`)")
                                              .arg(n.type, graph.plugins.value(n.type))
                                        : QStringLiteral("unknown layer type '%1'").arg(n.type));
        } else if (n.type == QLatin1String("Input") && !n.inputs.isEmpty()) {
            na.error = nodeError(n, QStringLiteral("an Input node takes no inputs"));
        } else if (n.inputs.size() < type->minInputs || n.inputs.size() > type->maxInputs) {
            na.error = nodeError(n, type->minInputs == type->maxInputs
                                        ? QStringLiteral("needs %1 input(s), has %2").arg(type->minInputs).arg(n.inputs.size())
                                        : QStringLiteral("needs %1..%2 inputs, has %3")
                                              .arg(type->minInputs)
                                              .arg(type->maxInputs)
                                              .arg(n.inputs.size()));
        } else if (!inputsOk) {
            na.error = QStringLiteral("an input of this node is invalid");
        } else {
            auto info = type->infer(inShapes, n);
            if (!info) {
                na.error = nodeError(n, info.error());
            } else {
                na.outputShape = info->output;
                na.parameters = info->parameters;
                na.macs = info->macs;
                a.totalParameters += info->parameters;
                a.totalMacs += info->macs;
                a.sizeBytes += 4 * (info->parameters + info->buffers);
            }
        }
        if (n.type == QLatin1String("Input")) {
            ++inputCount;
            a.inputId = n.id;
            a.inputShape = na.outputShape;
        }
        done.insert(n.id, na);
        a.nodes.append(na);
    }
    for (int i = 0; i < graph.nodes.size(); ++i) {
        if (pending[i] > 0) {
            const GraphNode &n = graph.nodes[i];
            NodeAnalysis na;
            na.id = n.id;
            na.type = n.type;
            na.error = nodeError(n, QStringLiteral("is on a cycle or fed by one"));
            a.nodes.append(na);
        }
    }
    if (inputCount != 1)
        a.errors << QStringLiteral("the graph needs exactly one Input node, it has %1").arg(inputCount);
    QStringList sinks;
    for (const GraphNode &n : graph.nodes)
        if (!consumers.contains(n.id))
            sinks << n.id;
    if (sinks.size() == 1) {
        a.outputId = sinks.first();
        a.outputShape = done.value(a.outputId).outputShape;
        if (a.outputShape.dims.size() != 1 && done.value(a.outputId).error.isEmpty())
            a.errors << QStringLiteral("output node '%1' must give a vector of class scores, it gives %2")
                            .arg(a.outputId, a.outputShape.toString());
    } else if (!graph.nodes.isEmpty()) {
        a.errors << QStringLiteral("the graph needs one output (a node nobody consumes); dangling: %1")
                        .arg(sinks.join(QLatin1String(", ")));
    } else {
        a.errors << QStringLiteral("the graph has no nodes");
    }
    return a;
}

ModelGraph smallCnnTemplate(int channels, int height, int width, int classes)
{
    ModelGraph g;
    g.name = QStringLiteral("Small CNN");
    auto add = [&](const QString &id, const QString &type, QJsonObject params, const QString &input) {
        GraphNode n{id, type, params, input.isEmpty() ? QStringList() : QStringList{input}};
        g.nodes.append(n);
    };
    add(QStringLiteral("input"), QStringLiteral("Input"),
        {{"channels", channels}, {"height", height}, {"width", width}}, {});
    add(QStringLiteral("conv1"), QStringLiteral("Conv2d"),
        {{"out_channels", 32}, {"kernel_size", 3}, {"padding", 1}}, QStringLiteral("input"));
    add(QStringLiteral("bn1"), QStringLiteral("BatchNorm2d"), {}, QStringLiteral("conv1"));
    add(QStringLiteral("relu1"), QStringLiteral("ReLU"), {}, QStringLiteral("bn1"));
    add(QStringLiteral("pool1"), QStringLiteral("MaxPool2d"), {{"kernel_size", 2}}, QStringLiteral("relu1"));
    add(QStringLiteral("conv2"), QStringLiteral("Conv2d"),
        {{"out_channels", 64}, {"kernel_size", 3}, {"padding", 1}}, QStringLiteral("pool1"));
    add(QStringLiteral("bn2"), QStringLiteral("BatchNorm2d"), {}, QStringLiteral("conv2"));
    add(QStringLiteral("relu2"), QStringLiteral("ReLU"), {}, QStringLiteral("bn2"));
    add(QStringLiteral("pool2"), QStringLiteral("MaxPool2d"), {{"kernel_size", 2}}, QStringLiteral("relu2"));
    add(QStringLiteral("flatten"), QStringLiteral("Flatten"), {}, QStringLiteral("pool2"));
    add(QStringLiteral("fc1"), QStringLiteral("Linear"), {{"out_features", 128}}, QStringLiteral("flatten"));
    add(QStringLiteral("relu3"), QStringLiteral("ReLU"), {}, QStringLiteral("fc1"));
    add(QStringLiteral("dropout"), QStringLiteral("Dropout"), {{"p", 0.3}}, QStringLiteral("relu3"));
    add(QStringLiteral("logits"), QStringLiteral("Linear"), {{"out_features", classes}}, QStringLiteral("dropout"));
    return g;
}

} // namespace lepton
