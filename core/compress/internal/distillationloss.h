#pragma once
// The distillation term of knowledge distillation (Hinton et al.): the student matches the teacher's
// temperature-softened class distribution.
#include <torch/torch.h>

namespace lepton::Internal {

// KL(p_t ‖ p_s)·T², averaged over the batch, with p = softmax(logits / T). Gradients flow to the
// student only; the T² keeps their scale independent of T. The full loss is α·this + (1 − α)·CE.
inline torch::Tensor distillationTerm(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                                      double temperature)
{
    const torch::Tensor logStudent = torch::log_softmax(studentLogits / temperature, 1);
    const torch::Tensor logTeacher = torch::log_softmax(teacherLogits.detach() / temperature, 1);
    const torch::Tensor kl = (logTeacher.exp() * (logTeacher - logStudent)).sum(1).mean();
    return kl * (temperature * temperature);
}

} // namespace lepton::Internal
