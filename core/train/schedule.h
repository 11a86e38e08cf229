#pragma once
// Learning rate per optimizer step (warm-up, step, cosine, one-cycle, reduce-on-plateau) and the
// monitor that picks the best epoch and decides early stopping. No torch: plain arithmetic whose
// state is saved with every checkpoint so a resumed run continues exactly.
#include "train/trainer.h"

#include <QJsonObject>

namespace lepton {

class LearningRateSchedule
{
public:
    LearningRateSchedule(const TrainConfig &config, int batchesPerEpoch);

    // Rate for global step `step` (0-based over the whole run: (epoch - 1) * batches + batch).
    double rateAt(qint64 step) const;
    // Reduce-on-plateau sees the monitored metric after each epoch (other schedules ignore it).
    void epochEnded(double metric);

    QJsonObject state() const;
    void restore(const QJsonObject &state);

private:
    TrainConfig m_config;
    int m_batches;
    // reduce-on-plateau, as torch.optim.lr_scheduler.ReduceLROnPlateau (relative threshold 1e-4)
    double m_factor = 1.0;
    double m_best = 0;
    bool m_hasBest = false;
    int m_badEpochs = 0;
};

// Tracks the best value of the monitored metric; early stopping after `patience` epochs without
// a strict improvement (patience 0: never stops).
class MetricMonitor
{
public:
    MetricMonitor(bool maximize, int patience) : m_maximize(maximize), m_patience(patience) {}

    // Returns true when this epoch is the new best.
    bool update(int epoch, double value);
    bool shouldStop() const { return m_patience > 0 && m_bestEpoch > 0 && m_badEpochs >= m_patience; }
    int bestEpoch() const { return m_bestEpoch; }
    double bestValue() const { return m_best; }
    int badEpochs() const { return m_badEpochs; }

    QJsonObject state() const;
    void restore(const QJsonObject &state);

private:
    bool m_maximize;
    int m_patience;
    int m_bestEpoch = 0;
    double m_best = 0;
    int m_badEpochs = 0;
};

} // namespace lepton
