#pragma once
// Display decimation for long curves: at most two points (the min and the max, in their order)
// per horizontal pixel bucket, so a 100k-point curve draws like the full one at a cost bounded
// by the chart width. The full data stays in the project.
#include <QPointF>
#include <QVector>

namespace lepton::Internal {

// points sorted by x; buckets = plot width in pixels.
QVector<QPointF> decimateMinMax(const QVector<QPointF> &points, int buckets);

// Exponential moving average with debiasing (as TensorBoard's smoothing), weight in [0, 1).
QVector<QPointF> smoothed(const QVector<QPointF> &points, double weight);

} // namespace lepton::Internal
