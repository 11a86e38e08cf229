#pragma once
// The pieces of one optimisation step, shared by the trainer and the known-value tests:
// optimizer construction, the classification loss, clipping, and per-epoch macro F1.
#include "train/trainer.h"

#include <torch/torch.h>

namespace lepton::Internal {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig &config,
                                                       const std::vector<torch::Tensor> &params);

// Cross-entropy with the config's label smoothing and class weights (a float tensor, or
// undefined for all 1), mean over the batch as torch.nn.functional.cross_entropy.
torch::Tensor classificationLoss(const torch::Tensor &logits, const torch::Tensor &labels,
                                 const TrainConfig &config, const torch::Tensor &classWeights);

// Sets the rate on every parameter group, back-propagates `loss`, clips the global gradient
// norm (clipNorm > 0), steps. The caller zeroes the gradients before the forward pass.
// Regression: mean squared error between the N×1 (or N) outputs and the N targets, as
// torch.nn.functional.mse_loss. The trainer optimizes it divided by the training targets'
// variance (the MSE of standardized targets) and reports it in the target's units.
torch::Tensor regressionLoss(const torch::Tensor &outputs, const torch::Tensor &targets);

void optimizationStep(torch::optim::Optimizer &optimizer, const torch::Tensor &loss, double learningRate,
                      double clipNorm);

QByteArray saveOptimizer(torch::optim::Optimizer &optimizer);
void loadOptimizer(torch::optim::Optimizer &optimizer, const QByteArray &bytes);

// Counts of predictions vs labels; macro F1 over the classes that occur in either
// (as scikit-learn's f1_score(average="macro")).
class F1Counter
{
public:
    explicit F1Counter(int classes) : m_tp(classes, 0), m_fp(classes, 0), m_fn(classes, 0) {}
    void add(const torch::Tensor &predicted, const torch::Tensor &labels);
    double macroF1() const;

private:
    std::vector<qint64> m_tp, m_fp, m_fn;
};

// Sums of predictions vs targets: MSE, MAE and R² (1 − SSE/SST, as scikit-learn's r2_score;
// 0 when every target is equal).
class RegressionCounter
{
public:
    void add(const torch::Tensor &predicted, const torch::Tensor &targets);
    qint64 count() const { return m_n; }
    double mse() const { return m_n ? m_sse / double(m_n) : 0.0; }
    double mae() const { return m_n ? m_sae / double(m_n) : 0.0; }
    double r2() const;

private:
    qint64 m_n = 0;
    double m_sse = 0, m_sae = 0, m_sy = 0, m_syy = 0;
};

} // namespace lepton::Internal
