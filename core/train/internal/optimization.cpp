#include "train/internal/optimization.h"

#include <cmath>
#include <sstream>

namespace lepton::Internal {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig &c, const std::vector<torch::Tensor> &params)
{
    if (c.optimizer == QLatin1String("sgd"))
        return std::make_unique<torch::optim::SGD>(
            params, torch::optim::SGDOptions(c.learningRate).momentum(c.momentum).nesterov(c.nesterov).weight_decay(c.weightDecay));
    if (c.optimizer == QLatin1String("adamw"))
        return std::make_unique<torch::optim::AdamW>(
            params, torch::optim::AdamWOptions(c.learningRate).weight_decay(c.weightDecay));
    return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(c.learningRate).weight_decay(c.weightDecay));
}

torch::Tensor classificationLoss(const torch::Tensor &logits, const torch::Tensor &labels, const TrainConfig &config,
                                 const torch::Tensor &classWeights)
{
    auto options = torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(config.labelSmoothing);
    if (classWeights.defined())
        options.weight(classWeights);
    return torch::nn::functional::cross_entropy(logits, labels, options);
}

torch::Tensor regressionLoss(const torch::Tensor &outputs, const torch::Tensor &targets)
{
    return torch::nn::functional::mse_loss(outputs.reshape({-1}), targets.reshape({-1}));
}

void optimizationStep(torch::optim::Optimizer &optimizer, const torch::Tensor &loss, double learningRate, double clipNorm)
{
    for (auto &group : optimizer.param_groups())
        group.options().set_lr(learningRate);
    loss.backward();
    if (clipNorm > 0) {
        std::vector<torch::Tensor> params;
        for (auto &group : optimizer.param_groups())
            for (auto &p : group.params())
                params.push_back(p);
        torch::nn::utils::clip_grad_norm_(params, clipNorm);
    }
    optimizer.step();
}

QByteArray saveOptimizer(torch::optim::Optimizer &optimizer)
{
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    std::ostringstream out;
    archive.save_to(out);
    const std::string s = out.str();
    return QByteArray(s.data(), int(s.size()));
}

void loadOptimizer(torch::optim::Optimizer &optimizer, const QByteArray &bytes)
{
    std::istringstream in(std::string(bytes.constData(), size_t(bytes.size())));
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    optimizer.load(archive);
}

void F1Counter::add(const torch::Tensor &predicted, const torch::Tensor &labels)
{
    const torch::Tensor p = predicted.to(torch::kInt64).contiguous();
    const torch::Tensor y = labels.to(torch::kInt64).contiguous();
    const int64_t *pp = p.data_ptr<int64_t>();
    const int64_t *yy = y.data_ptr<int64_t>();
    const auto classes = int64_t(m_tp.size());
    for (int64_t i = 0; i < y.numel(); ++i) {
        if (pp[i] < 0 || pp[i] >= classes || yy[i] < 0 || yy[i] >= classes)
            continue;
        if (pp[i] == yy[i]) {
            ++m_tp[size_t(yy[i])];
        } else {
            ++m_fp[size_t(pp[i])];
            ++m_fn[size_t(yy[i])];
        }
    }
}

double F1Counter::macroF1() const
{
    double sum = 0;
    int present = 0;
    for (size_t c = 0; c < m_tp.size(); ++c) {
        const qint64 denominator = 2 * m_tp[c] + m_fp[c] + m_fn[c];
        if (denominator == 0)
            continue;   // class neither in the labels nor predicted
        sum += 2.0 * double(m_tp[c]) / double(denominator);
        ++present;
    }
    return present ? sum / present : 0.0;
}

void RegressionCounter::add(const torch::Tensor &predicted, const torch::Tensor &targets)
{
    const torch::Tensor p = predicted.detach().reshape({-1}).to(torch::kDouble).contiguous();
    const torch::Tensor y = targets.reshape({-1}).to(torch::kDouble).contiguous();
    const double *pp = p.data_ptr<double>();
    const double *yy = y.data_ptr<double>();
    for (int64_t i = 0; i < y.numel(); ++i) {
        const double e = pp[i] - yy[i];
        m_sse += e * e;
        m_sae += std::abs(e);
        m_sy += yy[i];
        m_syy += yy[i] * yy[i];
    }
    m_n += y.numel();
}

double RegressionCounter::r2() const
{
    if (m_n == 0)
        return 0.0;
    const double sst = m_syy - m_sy * m_sy / double(m_n);
    if (!(sst > 1e-12 * std::max(1.0, m_syy)))
        return 0.0;
    return 1.0 - m_sse / sst;
}

} // namespace lepton::Internal
