#include "train/schedule.h"

#include <cmath>

namespace lepton {

namespace {

// torch's OneCycleLR defaults: 30% rising, cosine annealing, start at max/25, end at start/1e4.
constexpr double kOneCyclePctStart = 0.3;
constexpr double kOneCycleDiv = 25.0;
constexpr double kOneCycleFinalDiv = 1e4;
constexpr double kPlateauThreshold = 1e-4;

double cosineBetween(double start, double end, double pct)
{
    return end + (start - end) / 2.0 * (std::cos(M_PI * pct) + 1.0);
}

} // namespace

LearningRateSchedule::LearningRateSchedule(const TrainConfig &config, int batchesPerEpoch)
    : m_config(config)
    , m_batches(std::max(1, batchesPerEpoch))
{}

double LearningRateSchedule::rateAt(qint64 step) const
{
    const double base = m_config.learningRate;
    const qint64 total = qint64(m_config.epochs) * m_batches;
    const QString &s = m_config.schedule;
    if (s == QLatin1String("onecycle")) {
        const double initial = base / kOneCycleDiv;
        const double minimum = initial / kOneCycleFinalDiv;
        const double riseEnd = kOneCyclePctStart * double(total) - 1.0;
        const double fallEnd = double(total - 1);
        if (double(step) <= riseEnd)
            return cosineBetween(initial, base, riseEnd > 0 ? double(step) / riseEnd : 1.0);
        return cosineBetween(base, minimum, fallEnd > riseEnd ? (double(step) - riseEnd) / (fallEnd - riseEnd) : 1.0);
    }
    const qint64 warmup = qint64(m_config.warmupEpochs) * m_batches;
    if (step < warmup)
        return base * double(step + 1) / double(warmup);
    const qint64 t = step - warmup;   // steps since the end of warm-up
    if (s == QLatin1String("step"))
        return base * std::pow(m_config.gamma, double((t / m_batches) / std::max(1, m_config.stepEpochs)));
    if (s == QLatin1String("cosine")) {
        const qint64 span = total - warmup;
        return span > 0 ? base * 0.5 * (1.0 + std::cos(M_PI * double(t) / double(span))) : base;
    }
    if (s == QLatin1String("plateau"))
        return base * m_factor;
    return base;
}

void LearningRateSchedule::epochEnded(double metric)
{
    if (m_config.schedule != QLatin1String("plateau") || !std::isfinite(metric))
        return;
    const bool maximize = m_config.monitorMaximizes();
    const bool better = !m_hasBest
                        || (maximize ? metric > m_best * (1.0 + kPlateauThreshold)
                                     : metric < m_best * (1.0 - kPlateauThreshold));
    if (better) {
        m_best = metric;
        m_hasBest = true;
        m_badEpochs = 0;
        return;
    }
    if (++m_badEpochs > m_config.plateauPatience) {
        m_factor *= m_config.gamma;
        m_badEpochs = 0;
    }
}

QJsonObject LearningRateSchedule::state() const
{
    return QJsonObject{{"factor", m_factor}, {"best", m_best}, {"has_best", m_hasBest}, {"bad_epochs", m_badEpochs}};
}

void LearningRateSchedule::restore(const QJsonObject &state)
{
    m_factor = state.value(QLatin1String("factor")).toDouble(1.0);
    m_best = state.value(QLatin1String("best")).toDouble();
    m_hasBest = state.value(QLatin1String("has_best")).toBool();
    m_badEpochs = state.value(QLatin1String("bad_epochs")).toInt();
}

bool MetricMonitor::update(int epoch, double value)
{
    const bool better = m_bestEpoch == 0 || (m_maximize ? value > m_best : value < m_best);
    if (better && std::isfinite(value)) {
        m_best = value;
        m_bestEpoch = epoch;
        m_badEpochs = 0;
        return true;
    }
    ++m_badEpochs;
    return false;
}

QJsonObject MetricMonitor::state() const
{
    return QJsonObject{{"best_epoch", m_bestEpoch}, {"best", m_best}, {"bad_epochs", m_badEpochs}};
}

void MetricMonitor::restore(const QJsonObject &state)
{
    m_bestEpoch = state.value(QLatin1String("best_epoch")).toInt();
    m_best = state.value(QLatin1String("best")).toDouble();
    m_badEpochs = state.value(QLatin1String("bad_epochs")).toInt();
}

} // namespace lepton
