#include "graph/internal/graphmodule.h"

#include "graph/internal/torchlayers.h"
#include "graph/layerregistry.h"
#include "project/projectstore.h"

#include <QHash>

#include <cmath>
#include <sstream>

namespace lepton::Internal {

QString describeException(const std::exception &e)
{
    // c10::Error carries a backtrace after the first line; keep the message only.
    // TorchScript's compile errors start with an empty line: take the first line with text.
    const QString text = dynamic_cast<const c10::Error *>(&e)
                             ? QString::fromStdString(static_cast<const c10::Error &>(e).msg())
                             : QString::fromLocal8Bit(e.what());
    for (const QString &line : text.split(QLatin1Char('\n')))
        if (!line.trimmed().isEmpty())
            return line.trimmed();
    return text;
}

Result<std::shared_ptr<GraphModuleImpl>> GraphModuleImpl::build(const ModelGraph &graph)
{
    using R = Result<std::shared_ptr<GraphModuleImpl>>;
    GraphAnalysis analysis = analyzeGraph(graph);
    if (!analysis.valid())
        return R::failure(QStringLiteral("architecture '%1' is invalid: %2")
                              .arg(graph.name, analysis.errors.join(QLatin1String("; "))));
    auto module = std::make_shared<GraphModuleImpl>();
    module->m_graph = graph;
    module->m_analysis = analysis;
    QHash<QString, int> valueIndex;
    QHash<QString, TensorShape> shapes;
    for (const NodeAnalysis &na : analysis.nodes)
        shapes.insert(na.id, na.outputShape);
    valueIndex.insert(analysis.inputId, 0);
    try {
        for (const NodeAnalysis &na : analysis.nodes) {
            if (na.id == analysis.inputId)
                continue;
            const GraphNode *node = graph.node(na.id);
            const LayerType *type = LayerRegistry::instance().find(node->type);
            if (!type->torch)
                return R::failure(QStringLiteral("node '%1': layer type %2 cannot be trained").arg(node->id, node->type));
            QVector<TensorShape> inShapes;
            Step step;
            step.node = *node;
            for (const QString &in : node->inputs) {
                inShapes.append(shapes.value(in));
                step.inputs.append(valueIndex.value(in));
            }
            BuiltLayer built = type->torch->build(*node, inShapes);
            step.forward = built.forward;
            step.module = built.module;
            if (built.module)
                module->register_module(scriptAttributeName(node->id, "").chopped(2).toStdString(), built.module);
            valueIndex.insert(node->id, int(module->m_steps.size()) + 1);
            module->m_steps.push_back(std::move(step));
        }
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("building architecture '%1' failed: %2").arg(graph.name, describeException(e)));
    }
    return module;
}

Status GraphModuleImpl::setInputNormalization(const QVector<double> &mean, const QVector<double> &std)
{
    if (mean.isEmpty() && std.isEmpty()) {
        m_inputMean = m_inputStd = torch::Tensor();
        return success();
    }
    const QVector<qint64> &dims = m_analysis.inputShape.dims;
    const qint64 channels = dims.isEmpty() ? 0 : dims.first();
    if (mean.size() != channels || std.size() != channels)
        return Status::failure(QStringLiteral("input normalization has %1 mean and %2 std values, the input %3 has %4 "
                                              "channels (features)")
                                   .arg(mean.size())
                                   .arg(std.size())
                                   .arg(m_analysis.inputShape.toString())
                                   .arg(channels));
    for (double s : std)
        if (!(s > 0))
            return Status::failure(QStringLiteral("input normalization std values must be > 0, got %1").arg(s));
    std::vector<float> m(mean.begin(), mean.end()), s(std.begin(), std.end());
    m_inputMean = torch::tensor(m);
    m_inputStd = torch::tensor(s);
    return success();
}

Status GraphModuleImpl::setOutputScaling(double mean, double std)
{
    if (!std::isfinite(mean) || !std::isfinite(std) || !(std > 0))
        return Status::failure(QStringLiteral("output scaling needs a finite mean and a std > 0, got mean %1, std %2")
                                   .arg(mean)
                                   .arg(std));
    m_outputMean = torch::tensor(float(mean));
    m_outputStd = torch::tensor(float(std));
    return success();
}

torch::Tensor GraphModuleImpl::forward(torch::Tensor x)
{
    std::vector<torch::Tensor> values;
    values.reserve(m_steps.size() + 1);
    if (m_inputMean.defined()) {
        // Channels are dimension 1 of N×C×H×W and of N×F (a tabular batch can also come as N×F×1×1).
        std::vector<int64_t> shape(size_t(x.dim()), 1);
        shape[1] = -1;
        x = (x - m_inputMean.view(shape)) / m_inputStd.view(shape);
    }
    values.push_back(std::move(x));
    std::vector<torch::Tensor> args;
    for (Step &step : m_steps) {
        args.clear();
        for (int i : step.inputs)
            args.push_back(values[i]);
        values.push_back(step.forward(args));
    }
    if (m_outputMean.defined())
        return values.back() * m_outputStd + m_outputMean;
    return values.back();
}

std::vector<GraphModuleImpl::Layer> GraphModuleImpl::layers() const
{
    std::vector<Layer> out;
    out.reserve(m_steps.size());
    for (const Step &step : m_steps)
        out.push_back(Layer{&step.node, step.module});
    return out;
}

QByteArray GraphModuleImpl::saveWeights()
{
    torch::serialize::OutputArchive archive;
    save(archive);
    if (m_inputMean.defined()) {
        archive.write("input_mean", m_inputMean, true);
        archive.write("input_std", m_inputStd, true);
    }
    if (m_outputMean.defined()) {
        archive.write("output_mean", m_outputMean, true);
        archive.write("output_std", m_outputStd, true);
    }
    std::ostringstream out;
    archive.save_to(out);
    const std::string s = out.str();
    return QByteArray(s.data(), int(s.size()));
}

Status GraphModuleImpl::loadWeights(const QByteArray &bytes)
{
    try {
        std::istringstream in(std::string(bytes.constData(), size_t(bytes.size())));
        torch::serialize::InputArchive archive;
        archive.load_from(in);
        load(archive);
        torch::Tensor mean, std;
        if (archive.try_read("input_mean", mean, true) && archive.try_read("input_std", std, true)) {
            m_inputMean = mean;
            m_inputStd = std;
        } else {
            m_inputMean = m_inputStd = torch::Tensor();
        }
        torch::Tensor outMean, outStd;
        if (archive.try_read("output_mean", outMean, true) && archive.try_read("output_std", outStd, true)) {
            m_outputMean = outMean;
            m_outputStd = outStd;
        } else {
            m_outputMean = m_outputStd = torch::Tensor();
        }
    } catch (const std::exception &e) {
        return Status::failure(QStringLiteral("weights do not fit architecture '%1': %2")
                                   .arg(m_graph.name, describeException(e)));
    }
    return success();
}

Result<torch::jit::Module> GraphModuleImpl::toTorchScript()
{
    using R = Result<torch::jit::Module>;
    try {
        torch::jit::Module script(c10::QualifiedName("__torch__.lepton.GraphModel"));
        QHash<QString, QString> varOf;
        varOf.insert(m_analysis.inputId, QStringLiteral("x"));
        QString body;
        if (m_inputMean.defined()) {
            script.register_buffer("input_mean", m_inputMean.clone());
            script.register_buffer("input_std", m_inputStd.clone());
            body += QStringLiteral("    if x.dim() == 4:\n"
                                   "        x = (x - self.input_mean.view(1, -1, 1, 1)) / self.input_std.view(1, -1, 1, 1)\n"
                                   "    else:\n"
                                   "        x = (x - self.input_mean.view(1, -1)) / self.input_std.view(1, -1)\n");
        }
        int counter = 0;
        for (Step &step : m_steps) {
            const QString attr = scriptAttributeName(step.node.id, "");
            if (step.module) {
                for (const auto &p : step.module->named_parameters(true))
                    script.register_parameter(scriptAttributeName(step.node.id, p.key()).toStdString(),
                                              p.value().detach().clone(), false);
                for (const auto &b : step.module->named_buffers(true))
                    script.register_buffer(scriptAttributeName(step.node.id, b.key()).toStdString(),
                                           b.value().detach().clone());
            }
            QStringList ins;
            for (const QString &in : step.node.inputs)
                ins << varOf.value(in);
            const LayerType *type = LayerRegistry::instance().find(step.node.type);
            const QString var = QStringLiteral("v%1").arg(++counter);
            body += QStringLiteral("    %1 = %2\n").arg(var, type->torch->script(step.node, ins, attr));
            varOf.insert(step.node.id, var);
        }
        QString result = varOf.value(m_analysis.outputId);
        if (m_outputMean.defined()) {
            script.register_buffer("output_mean", m_outputMean.clone());
            script.register_buffer("output_std", m_outputStd.clone());
            result = QStringLiteral("%1 * self.output_std + self.output_mean").arg(result);
        }
        const QString source = QStringLiteral("def forward(self, x):\n%1    return %2\n").arg(body, result);
        script.define(source.toStdString());
        script.eval();
        return script;
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("TorchScript generation failed: %1").arg(describeException(e)));
    }
}

Result<LoadedModel> loadModelVersion(const ProjectStore &store, qint64 modelVersionId)
{
    using R = Result<LoadedModel>;
    LoadedModel loaded;
    auto version = store.modelVersion(modelVersionId);
    if (!version)
        return R::failure(version.error());
    loaded.version = version.value();
    auto arch = store.architecture(loaded.version.architectureId);
    if (!arch)
        return R::failure(arch.error());
    auto graph = ModelGraph::fromJson(arch->graphJson.toUtf8());
    if (!graph)
        return R::failure(QStringLiteral("architecture %1: %2").arg(arch->id).arg(graph.error()));
    auto module = GraphModuleImpl::build(graph.value());
    if (!module)
        return R::failure(module.error());
    auto weights = store.modelWeights(modelVersionId);
    if (!weights)
        return R::failure(weights.error());
    if (auto st = module.value()->loadWeights(weights.value()); !st) {
        // An int8 version (core/compress) stores a TorchScript module with quantized kernels instead.
        auto quantized = store.quantizedVersion(modelVersionId);
        if (quantized && quantized->modelVersionId > 0)
            return R::failure(QStringLiteral("model version %1 is an int8 model (%2 engine) made by compression; it "
                                             "runs only as its TorchScript module with quantized kernels, not as a "
                                             "graph model: use its fp32 parent (model version %3) here")
                                  .arg(modelVersionId)
                                  .arg(quantized->engine)
                                  .arg(loaded.version.parentId));
        return R::failure(QStringLiteral("model version %1: %2").arg(modelVersionId).arg(st.error()));
    }
    module.value()->eval();
    loaded.module = module.value();
    auto ds = store.dataset(loaded.version.datasetId);
    if (!ds)
        return R::failure(ds.error());
    loaded.dataset = ds.value();
    return loaded;
}

Result<OpenedModel> openModelVersion(const QString &projectPath, qint64 modelVersionId)
{
    auto store = ProjectStore::open(projectPath);
    if (!store)
        return Result<OpenedModel>::failure(store.error());
    auto loaded = loadModelVersion(*store.value(), modelVersionId);
    if (!loaded)
        return Result<OpenedModel>::failure(loaded.error());
    return OpenedModel{store.value(), std::move(loaded).value()};
}

} // namespace lepton::Internal
