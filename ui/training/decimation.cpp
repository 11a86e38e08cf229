#include "training/decimation.h"

#include <cmath>

namespace lepton::Internal {

QVector<QPointF> decimateMinMax(const QVector<QPointF> &points, int buckets)
{
    if (buckets < 1 || points.size() <= 2 * buckets)
        return points;
    const double x0 = points.first().x();
    const double span = points.last().x() - x0;
    if (!(span > 0))
        return {points.first(), points.last()};
    QVector<QPointF> out;
    out.reserve(2 * buckets + 2);
    int i = 0;
    const int n = int(points.size());
    while (i < n) {
        const int bucket = std::min(buckets - 1, int((points[i].x() - x0) / span * buckets));
        int lo = i, hi = i;
        int j = i + 1;
        while (j < n && std::min(buckets - 1, int((points[j].x() - x0) / span * buckets)) == bucket) {
            if (points[j].y() < points[lo].y())
                lo = j;
            if (points[j].y() > points[hi].y())
                hi = j;
            ++j;
        }
        out.append(points[std::min(lo, hi)]);
        if (lo != hi)
            out.append(points[std::max(lo, hi)]);
        i = j;
    }
    return out;
}

QVector<QPointF> smoothed(const QVector<QPointF> &points, double weight)
{
    QVector<QPointF> out;
    out.reserve(points.size());
    double last = 0;
    int finite = 0;
    for (const QPointF &p : points) {
        if (!std::isfinite(p.y()))
            continue;
        last = last * weight + (1 - weight) * p.y();
        ++finite;
        const double debias = 1 - std::pow(weight, finite);
        out.append(QPointF(p.x(), debias > 0 ? last / debias : p.y()));
    }
    return out;
}

} // namespace lepton::Internal
