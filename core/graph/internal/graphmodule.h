#pragma once
// A LibTorch module executing a ModelGraph, built from the layer registry.
#include "common/result.h"
#include "graph/modelgraph.h"
#include "project/records.h"

#include <torch/script.h>
#include <torch/torch.h>

namespace lepton {
class ProjectStore;
}

namespace lepton::Internal {

class GraphModuleImpl : public torch::nn::Module
{
public:
    // Builds a module for a valid graph; returns the analysis error otherwise.
    static Result<std::shared_ptr<GraphModuleImpl>> build(const ModelGraph &graph);

    torch::Tensor forward(torch::Tensor x);
    const ModelGraph &graph() const { return m_graph; }
    const GraphAnalysis &analysis() const { return m_analysis; }

    // Per-channel (image) or per-feature (tabular) input normalization (x − mean) / std, applied
    // first in forward() and written into every export, so the model takes the values the
    // dataset stores (pixels / 255, or raw features) wherever it runs. Saved with the weights
    // (as "input_mean"/"input_std"; weights without them load as no normalization).
    Status setInputNormalization(const QVector<double> &mean, const QVector<double> &std);
    bool hasInputNormalization() const { return m_inputMean.defined(); }
    // One value per channel (feature); forward() reshapes them to the batch's rank (N×C×H×W or N×F).
    const torch::Tensor &inputMean() const { return m_inputMean; }
    const torch::Tensor &inputStd() const { return m_inputStd; }

    // Regression models: the output is raw · std + mean, with the training targets' mean and std,
    // so the layers learn a standardized target and every export predicts in the target's units.
    // Saved with the weights as "output_mean"/"output_std" (absent: no scaling).
    Status setOutputScaling(double mean, double std);
    bool hasOutputScaling() const { return m_outputMean.defined(); }
    double outputMean() const { return m_outputMean.defined() ? m_outputMean.item<double>() : 0.0; }
    double outputStd() const { return m_outputStd.defined() ? m_outputStd.item<double>() : 1.0; }

    QByteArray saveWeights();
    Status loadWeights(const QByteArray &bytes);

    // A TorchScript module with the same parameters and a generated forward (inference mode).
    Result<torch::jit::Module> toTorchScript();

    // The computed nodes in execution order, each with the module holding its parameters and
    // buffers (null for weightless layers); exporters other than TorchScript walk these.
    struct Layer
    {
        const GraphNode *node = nullptr;
        std::shared_ptr<torch::nn::Module> module;
    };
    std::vector<Layer> layers() const;

private:
    struct Step
    {
        GraphNode node;
        QVector<int> inputs;        // indices into the value list (0 = graph input)
        std::function<torch::Tensor(const std::vector<torch::Tensor> &)> forward;
        std::shared_ptr<torch::nn::Module> module;
    };
    ModelGraph m_graph;
    GraphAnalysis m_analysis;
    std::vector<Step> m_steps;
    torch::Tensor m_inputMean, m_inputStd;   // undefined: no input normalization
    torch::Tensor m_outputMean, m_outputStd; // scalars; undefined: no output scaling
};

struct LoadedModel
{
    ModelVersionInfo version;
    DatasetInfo dataset;
    std::shared_ptr<GraphModuleImpl> module;
};

// Model version -> architecture graph -> module with its stored weights, in eval mode.
Result<LoadedModel> loadModelVersion(const ProjectStore &store, qint64 modelVersionId);

struct OpenedModel
{
    std::shared_ptr<ProjectStore> store;   // this thread's connection, kept for recording results
    LoadedModel model;
};

// Opens the project on the calling thread and loads the model version from it.
Result<OpenedModel> openModelVersion(const QString &projectPath, qint64 modelVersionId);

// Converts a caught exception to a message naming the context.
QString describeException(const std::exception &e);

} // namespace lepton::Internal
