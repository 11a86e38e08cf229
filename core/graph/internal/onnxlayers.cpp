#include "graph/internal/onnxlayers.h"

namespace lepton::Internal {

onnx::NodeProto *addOnnxNode(onnx::GraphProto &graph, const char *opType, const QStringList &inputs,
                             const QString &output, const QString &nodeName)
{
    onnx::NodeProto *node = graph.add_node();
    node->set_op_type(opType);
    node->set_name(nodeName.toStdString());
    for (const QString &in : inputs)
        node->add_input(in.toStdString());
    node->add_output(output.toStdString());
    return node;
}

void setOnnxAttribute(onnx::NodeProto *node, const char *name, qint64 value)
{
    onnx::AttributeProto *a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}

void setOnnxAttribute(onnx::NodeProto *node, const char *name, float value)
{
    onnx::AttributeProto *a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
}

void setOnnxAttribute(onnx::NodeProto *node, const char *name, const std::vector<qint64> &values)
{
    onnx::AttributeProto *a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (qint64 v : values)
        a->add_ints(v);
}

void addOnnxInitializer(onnx::GraphProto &graph, const QString &name, const torch::Tensor &tensor)
{
    const torch::Tensor t = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    onnx::TensorProto *init = graph.add_initializer();
    init->set_name(name.toStdString());
    init->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : t.sizes())
        init->add_dims(d);
    // raw_data is little-endian float32, which is what x86-64 and arm64 hold in memory.
    init->set_raw_data(t.data_ptr<float>(), size_t(t.numel()) * sizeof(float));
}

void addOnnxInitializer(onnx::GraphProto &graph, const QString &name, const std::vector<qint64> &values)
{
    onnx::TensorProto *init = graph.add_initializer();
    init->set_name(name.toStdString());
    init->set_data_type(onnx::TensorProto::INT64);
    init->add_dims(qint64(values.size()));
    for (qint64 v : values)
        init->add_int64_data(v);
}

Result<torch::Tensor> onnxTensor(const OnnxEmitArgs &args, const char *key)
{
    const auto it = args.tensors.find(key);
    if (it == args.tensors.end() || !it->second.defined())
        return Result<torch::Tensor>::failure(QStringLiteral("node '%1' (%2): its module has no tensor '%3'")
                                                  .arg(args.node.id, args.node.type, QLatin1String(key)));
    return it->second;
}

int onnxIrVersionForOpset(int opset)
{
    if (opset <= 11)
        return 6;
    if (opset <= 14)
        return 7;
    return 8;
}

} // namespace lepton::Internal
