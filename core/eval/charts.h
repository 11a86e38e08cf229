#pragma once
// Evaluation charts drawn without QtGui/QtWidgets, as SVG text, so the CLI can write an HTML report;
// plus the curve decimation and colour palette the GUI charts share with them.
#include "eval/metrics.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <utility>

namespace lepton {

// Colour of the i-th per-class series (matplotlib's tab10, then repeating), as "#rrggbb".
QString seriesColor(int index);

// Ramer-Douglas-Peucker on a curve in the unit square: drops points that stay within `tolerance`
// of the kept polyline, keeps the first and the last. Tolerance grows until at most maxPoints remain.
struct CurvePoints
{
    QVector<double> x, y;
};
CurvePoints decimateCurve(const QVector<double> &x, const QVector<double> &y, int maxPoints = 200,
                          double tolerance = 0.002);

struct ChartSeries
{
    QString name;
    QVector<double> x, y;
    QString color;
    bool dashed = false;
    bool markers = false;
};

// A line chart on [0, 1] x [0, 1] with a legend to the right; `diagonal` draws y = x dotted.
QString unitLineChartSvg(const QString &title, const QString &xLabel, const QString &yLabel,
                         const QVector<ChartSeries> &series, bool diagonal);

// Heatmap of counts; cell shade = share of the true-class row (blue on the diagonal, red off it).
QString confusionMatrixSvg(const ConfusionMatrix &confusion, const QStringList &classes);

// The range [lo, hi] covering every value of both series, padded by 4% (a unit range around a
// single value): the shared axes of a predicted-vs-true chart.
std::pair<double, double> paddedCommonRange(const QVector<double> &a, const QVector<double> &b);

// Regression: one dot per sample (target on x, prediction on y) over the values' common range,
// with the y = x line of perfect predictions.
QString predictedVsTrueSvg(const QVector<double> &targets, const QVector<double> &predictions,
                           const QString &targetName);

} // namespace lepton
