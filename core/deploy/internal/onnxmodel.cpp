#include "deploy/internal/onnxmodel.h"

#include "deploy/onnxexport.h"
#include "graph/internal/onnxlayers.h"
#include "graph/layerregistry.h"

#include <QHash>
#include <QJsonDocument>
#include <QSet>

#include <onnx/checker.h>

namespace lepton::Internal {
namespace {

const QString kInputName = QStringLiteral("input");
const QString kOutputName = QStringLiteral("logits");

void setValueInfo(onnx::ValueInfoProto *info, const QString &name, const TensorShape &shape)
{
    info->set_name(name.toStdString());
    onnx::TypeProto_Tensor *tensor = info->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    onnx::TensorShapeProto *dims = tensor->mutable_shape();
    dims->add_dim()->set_dim_param("batch");
    for (qint64 d : shape.dims)
        dims->add_dim()->set_dim_value(d);
}

// Every value and initializer name must be defined once; emitters derive names from node ids, so
// a node id like "conv1.weight" could clash with another node's initializer.
Status checkUniqueNames(const onnx::GraphProto &g)
{
    QSet<QString> seen{kInputName};
    auto claim = [&](const std::string &name) -> Status {
        const QString n = QString::fromStdString(name);
        if (seen.contains(n))
            return Status::failure(QStringLiteral("ONNX value name '%1' is defined twice; rename the node "
                                                  "whose id produces it").arg(n));
        seen.insert(n);
        return success();
    };
    for (const onnx::TensorProto &init : g.initializer())
        if (auto st = claim(init.name()); !st)
            return st;
    for (const onnx::NodeProto &node : g.node())
        for (const std::string &out : node.output())
            if (auto st = claim(out); !st)
                return st;
    return success();
}

} // namespace

Result<std::string> buildOnnxModel(GraphModuleImpl &module, int opset, const QJsonObject &metadata)
{
    using R = Result<std::string>;
    if (opset < OnnxMinOpset || opset > OnnxMaxOpset)
        return R::failure(QStringLiteral("ONNX opset %1 is not supported (use %2 to %3)")
                              .arg(opset)
                              .arg(OnnxMinOpset)
                              .arg(OnnxMaxOpset));
    const GraphAnalysis &analysis = module.analysis();
    if (analysis.outputId == analysis.inputId)
        return R::failure(QStringLiteral("architecture '%1' has no layers to export").arg(module.graph().name));

    onnx::ModelProto model;
    model.set_ir_version(onnxIrVersionForOpset(opset));
    model.set_producer_name("lepton");
    model.set_producer_version(LEPTON_VERSION);
    onnx::OperatorSetIdProto *imported = model.add_opset_import();
    imported->set_domain("");
    imported->set_version(opset);
    for (auto it = metadata.begin(); it != metadata.end(); ++it) {
        onnx::StringStringEntryProto *prop = model.add_metadata_props();
        prop->set_key(it.key().toStdString());
        const QJsonValue v = it.value();
        prop->set_value(v.isString() ? v.toString().toStdString()
                        : v.isObject() ? QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact).toStdString()
                        : v.isArray()  ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact).toStdString()
                                       : QString::number(v.toDouble()).toStdString());
    }

    onnx::GraphProto &g = *model.mutable_graph();
    g.set_name(module.graph().name.toStdString());
    setValueInfo(g.add_input(), kInputName, analysis.inputShape);

    QHash<QString, QString> valueOf;   // node id -> ONNX value name
    valueOf.insert(analysis.inputId, kInputName);
    QSet<QString> used{kInputName, kOutputName};
    if (module.hasInputNormalization()) {
        // (x − mean) / std as x · (1/std) + (−mean/std), per channel: constant Mul and Add, which
        // OpenCV's importer turns into a per-channel scale and shift.
        const torch::Tensor scale = module.inputStd().reciprocal();
        const torch::Tensor shift = -module.inputMean() * scale;
        const int rank = int(analysis.inputShape.dims.size());
        std::vector<int64_t> constShape{analysis.inputShape.dims.first()};   // C×1×1 or F
        for (int i = 1; i < rank; ++i)
            constShape.push_back(1);
        addOnnxInitializer(g, QStringLiteral("input_scale"), scale.reshape(constShape));
        addOnnxInitializer(g, QStringLiteral("input_shift"), shift.reshape(constShape));
        addOnnxNode(g, "Mul", {kInputName, QStringLiteral("input_scale")}, QStringLiteral("input_scaled"),
                    QStringLiteral("input_normalization/scale"));
        addOnnxNode(g, "Add", {QStringLiteral("input_scaled"), QStringLiteral("input_shift")},
                    QStringLiteral("input_normalized"), QStringLiteral("input_normalization/shift"));
        used.unite({QStringLiteral("input_scale"), QStringLiteral("input_shift"), QStringLiteral("input_scaled"),
                    QStringLiteral("input_normalized")});
        valueOf.insert(analysis.inputId, QStringLiteral("input_normalized"));
    }
    auto uniqueName = [&](const QString &base) {
        QString name = base;
        for (int i = 1; used.contains(name); ++i)
            name = QStringLiteral("%1_%2").arg(base).arg(i);
        used.insert(name);
        return name;
    };
    for (const GraphModuleImpl::Layer &layer : module.layers()) {
        const GraphNode &node = *layer.node;
        const LayerType *type = LayerRegistry::instance().find(node.type);
        if (!type || !type->onnx)
            return R::failure(QStringLiteral("node '%1': layer type %2 cannot be written to ONNX").arg(node.id, node.type));
        QStringList inputs;
        for (const QString &in : node.inputs)
            inputs << valueOf.value(in);
        const QString prefix = uniqueName(node.id);
        const bool last = node.id == analysis.outputId;
        const QString output = last && !module.hasOutputScaling() ? kOutputName : prefix;
        OnnxEmitArgs args{node, inputs, output, prefix, {}, opset, {}};
        for (const QString &in : node.inputs)
            for (const NodeAnalysis &na : analysis.nodes)
                if (na.id == in)
                    args.inputShapes.append(na.outputShape);
        if (layer.module) {
            for (const auto &p : layer.module->named_parameters(true))
                args.tensors.emplace(p.key(), p.value());
            for (const auto &b : layer.module->named_buffers(true))
                args.tensors.emplace(b.key(), b.value());
        }
        if (auto st = type->onnx->emit(args, g); !st)
            return R::failure(st.error());
        valueOf.insert(node.id, output);
    }
    if (module.hasOutputScaling()) {
        // Regression: raw · std + mean (the training targets' statistics), as constant Mul and Add.
        const QString raw = valueOf.value(analysis.outputId);
        const QString scale = uniqueName(QStringLiteral("output_std")), shift = uniqueName(QStringLiteral("output_mean"));
        const QString scaled = uniqueName(QStringLiteral("output_scaled"));
        addOnnxInitializer(g, scale, torch::tensor({float(module.outputStd())}));
        addOnnxInitializer(g, shift, torch::tensor({float(module.outputMean())}));
        addOnnxNode(g, "Mul", {raw, scale}, scaled, QStringLiteral("output_scaling/scale"));
        addOnnxNode(g, "Add", {scaled, shift}, kOutputName, QStringLiteral("output_scaling/shift"));
    }
    setValueInfo(g.add_output(), kOutputName, analysis.outputShape);

    if (auto st = checkUniqueNames(g); !st)
        return R::failure(st.error());
    try {
        onnx::checker::check_model(model);
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("the ONNX model for '%1' fails ONNX's checker: %2")
                              .arg(module.graph().name, QString::fromLocal8Bit(e.what())));
    }
    std::string bytes;
    if (!model.SerializeToString(&bytes))
        return R::failure(QStringLiteral("serializing the ONNX model for '%1' failed").arg(module.graph().name));
    return bytes;
}

} // namespace lepton::Internal
