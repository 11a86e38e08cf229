#include "compress/internal/latency.h"

#include <QElapsedTimer>

#include <algorithm>

namespace lepton::Internal {
namespace {

// Median wall time in ms of `forward` on `x` over at least `minRuns` calls (after a warm-up),
// stopping after `maxRuns` or ~0.4 s.
double medianMs(const std::function<torch::Tensor(const torch::Tensor &)> &forward, const torch::Tensor &x,
                int minRuns, int maxRuns)
{
    // Warm up for 0.15 s (at least 3 calls): the first calls of a process pay for thread-pool start,
    // allocator growth and oneDNN's kernel choice, and measured here up to 8x slower than later ones.
    QElapsedTimer warm;
    warm.start();
    for (int i = 0; i < 3 || warm.elapsed() < 150; ++i)
        (void)forward(x);
    std::vector<double> times;
    QElapsedTimer total;
    total.start();
    while (int(times.size()) < maxRuns && (int(times.size()) < minRuns || total.elapsed() < 400)) {
        QElapsedTimer t;
        t.start();
        (void)forward(x);
        times.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::nth_element(times.begin(), times.begin() + long(times.size() / 2), times.end());
    return times[times.size() / 2];
}

} // namespace

LatencyStats measureLatency(const std::function<torch::Tensor(const torch::Tensor &)> &forward,
                            const TensorShape &input)
{
    torch::NoGradGuard noGrad;
    std::vector<int64_t> shape{1};
    for (qint64 d : input.dims)
        shape.push_back(d);
    torch::manual_seed(7);
    const torch::Tensor one = torch::rand(shape);
    shape[0] = 64;
    const torch::Tensor batch = torch::rand(shape);
    LatencyStats s;
    s.msPerSample = medianMs(forward, one, 15, 400);
    const double batchMs = medianMs(forward, batch, 5, 100);
    s.throughput = batchMs > 0 ? 64.0 * 1000.0 / batchMs : 0.0;
    return s;
}

} // namespace lepton::Internal
