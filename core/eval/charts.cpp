#include "eval/charts.h"

#include <algorithm>
#include <cmath>

namespace lepton {

QString seriesColor(int index)
{
    static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    return QString::fromLatin1(palette[std::abs(index) % 10]);
}

namespace {

double distanceToSegment(double px, double py, double ax, double ay, double bx, double by)
{
    const double dx = bx - ax, dy = by - ay;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(px - (ax + t * dx), py - (ay + t * dy));
}

QVector<bool> keepMask(const QVector<double> &x, const QVector<double> &y, double tolerance)
{
    const int n = int(x.size());
    QVector<bool> keep(n, false);
    keep[0] = keep[n - 1] = true;
    QVector<QPair<int, int>> stack{{0, n - 1}};
    while (!stack.isEmpty()) {
        const auto [a, b] = stack.takeLast();
        double worst = -1;
        int at = -1;
        for (int i = a + 1; i < b; ++i) {
            const double d = distanceToSegment(x[i], y[i], x[a], y[a], x[b], y[b]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        if (at >= 0 && worst > tolerance) {
            keep[at] = true;
            stack.append({a, at});
            stack.append({at, b});
        }
    }
    return keep;
}

QString num(double v) { return QString::number(v, 'f', 1); }
QString esc(const QString &s) { return s.toHtmlEscaped(); }

} // namespace

CurvePoints decimateCurve(const QVector<double> &x, const QVector<double> &y, int maxPoints, double tolerance)
{
    const int n = int(std::min(x.size(), y.size()));
    if (n <= 2 || n <= std::max(2, maxPoints) / 4)
        return {x.mid(0, n), y.mid(0, n)};
    for (double tol = tolerance;; tol *= 2) {
        const QVector<bool> keep = keepMask(x, y, tol);
        CurvePoints out;
        for (int i = 0; i < n; ++i) {
            if (keep[i]) {
                out.x.append(x[i]);
                out.y.append(y[i]);
            }
        }
        if (out.x.size() <= std::max(2, maxPoints) || tol > 1)
            return out;
    }
}

QString unitLineChartSvg(const QString &title, const QString &xLabel, const QString &yLabel,
                         const QVector<ChartSeries> &series, bool diagonal)
{
    const double left = 56, top = 36, plot = 320, legendWidth = 200;
    const double width = left + plot + 24 + legendWidth, height = top + plot + 52;
    const auto px = [&](double v) { return left + std::clamp(v, 0.0, 1.0) * plot; };
    const auto py = [&](double v) { return top + (1.0 - std::clamp(v, 0.0, 1.0)) * plot; };
    QString s;
    s += QStringLiteral("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%1\" height=\"%2\" viewBox=\"0 0 %1 %2\" "
                        "font-family=\"sans-serif\" font-size=\"12\">\n")
             .arg(num(width), num(height));
    s += QStringLiteral("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s += QStringLiteral("<text x=\"%1\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%2</text>\n").arg(num(left), esc(title));
    for (int i = 0; i <= 5; ++i) {
        const double v = i / 5.0;
        s += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" stroke=\"#e5e5e5\"/>"
                            "<line x1=\"%4\" y1=\"%5\" x2=\"%4\" y2=\"%6\" stroke=\"#e5e5e5\"/>\n")
                 .arg(num(left), num(py(v)), num(left + plot), num(px(v)), num(top), num(top + plot));
        s += QStringLiteral("<text x=\"%1\" y=\"%2\" text-anchor=\"end\">%3</text>"
                            "<text x=\"%4\" y=\"%5\" text-anchor=\"middle\">%3</text>\n")
                 .arg(num(left - 6), num(py(v) + 4), QString::number(v, 'f', 1), num(px(v)), num(top + plot + 16));
    }
    s += QStringLiteral("<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%3\" fill=\"none\" stroke=\"#555\"/>\n")
             .arg(num(left), num(top), num(plot));
    s += QStringLiteral("<text x=\"%1\" y=\"%2\" text-anchor=\"middle\">%3</text>\n")
             .arg(num(left + plot / 2), num(top + plot + 38), esc(xLabel));
    s += QStringLiteral("<text x=\"16\" y=\"%1\" text-anchor=\"middle\" transform=\"rotate(-90 16 %1)\">%2</text>\n")
             .arg(num(top + plot / 2), esc(yLabel));
    if (diagonal)
        s += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%4\" stroke=\"#999\" stroke-dasharray=\"3 3\"/>\n")
                 .arg(num(px(0)), num(py(0)), num(px(1)), num(py(1)));
    for (int i = 0; i < series.size(); ++i) {
        const ChartSeries &c = series[i];
        const CurvePoints pts = c.markers ? CurvePoints{c.x, c.y} : decimateCurve(c.x, c.y);
        QStringList coords;
        for (int j = 0; j < pts.x.size(); ++j)
            coords << num(px(pts.x[j])) + QLatin1Char(',') + num(py(pts.y[j]));
        s += QStringLiteral("<polyline fill=\"none\" stroke=\"%1\" stroke-width=\"%2\"%3 points=\"%4\"/>\n")
                 .arg(c.color, c.dashed ? QStringLiteral("2.5") : QStringLiteral("1.6"),
                      c.dashed ? QStringLiteral(" stroke-dasharray=\"6 3\"") : QString(), coords.join(QLatin1Char(' ')));
        if (c.markers)
            for (int j = 0; j < pts.x.size(); ++j)
                s += QStringLiteral("<circle cx=\"%1\" cy=\"%2\" r=\"3.5\" fill=\"%3\"/>\n")
                         .arg(num(px(pts.x[j])), num(py(pts.y[j])), c.color);
        const double ly = top + 8 + i * 18;
        const double lx = left + plot + 24;
        s += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" stroke=\"%4\" stroke-width=\"3\"%5/>"
                            "<text x=\"%6\" y=\"%7\">%8</text>\n")
                 .arg(num(lx), num(ly), num(lx + 22), c.color,
                      c.dashed ? QStringLiteral(" stroke-dasharray=\"6 3\"") : QString(), num(lx + 28), num(ly + 4), esc(c.name));
    }
    s += QStringLiteral("</svg>\n");
    return s;
}

QString confusionMatrixSvg(const ConfusionMatrix &cm, const QStringList &classes)
{
    const int k = cm.classCount();
    const double cell = k > 0 ? std::clamp(440.0 / k, 14.0, 48.0) : 48.0;
    double labelWidth = 24;
    for (const QString &c : classes)
        labelWidth = std::max(labelWidth, 7.0 * c.size() + 10);
    labelWidth = std::min(labelWidth, 160.0);
    const double left = 40 + labelWidth, top = 60;
    const double width = left + k * cell + 20, height = top + k * cell + 48;
    const auto name = [&](int i) { return esc(classes.value(i, QString::number(i))); };
    QString s;
    s += QStringLiteral("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%1\" height=\"%2\" viewBox=\"0 0 %1 %2\" "
                        "font-family=\"sans-serif\" font-size=\"12\">\n")
             .arg(num(width), num(height));
    s += QStringLiteral("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s += QStringLiteral("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Confusion matrix</text>\n");
    s += QStringLiteral("<text x=\"%1\" y=\"%2\" text-anchor=\"middle\">predicted class</text>\n")
             .arg(num(left + k * cell / 2), num(top - 26));
    s += QStringLiteral("<text x=\"14\" y=\"%1\" text-anchor=\"middle\" transform=\"rotate(-90 14 %1)\">true class</text>\n")
             .arg(num(top + k * cell / 2));
    for (int i = 0; i < k; ++i) {
        s += QStringLiteral("<text x=\"%1\" y=\"%2\" text-anchor=\"middle\">%3</text>\n")
                 .arg(num(left + (i + 0.5) * cell), num(top - 8), name(i));
        s += QStringLiteral("<text x=\"%1\" y=\"%2\" text-anchor=\"end\">%3</text>\n")
                 .arg(num(left - 6), num(top + (i + 0.5) * cell + 4), name(i));
    }
    for (int t = 0; t < k; ++t) {
        const qint64 row = cm.rowSum(t);
        for (int p = 0; p < k; ++p) {
            const qint64 count = cm.at(t, p);
            const double share = row > 0 ? double(count) / double(row) : 0.0;
            const double alpha = count == 0 ? 0.0 : 0.15 + 0.85 * share;
            const int fr = t == p ? 33 : 202, fg = t == p ? 102 : 0, fb = t == p ? 172 : 32;
            const auto mix = [&](int full) { return int(std::lround(255 + (full - 255) * alpha)); };
            s += QStringLiteral("<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%3\" fill=\"rgb(%4,%5,%6)\" stroke=\"#ddd\">"
                                "<title>true %7, predicted %8: %9 (%10% of the row)</title></rect>\n")
                     .arg(num(left + p * cell), num(top + t * cell), num(cell))
                     .arg(mix(fr)).arg(mix(fg)).arg(mix(fb))
                     .arg(name(t), name(p)).arg(count).arg(share * 100, 0, 'f', 1);
            if (cell >= 20 && count > 0)
                s += QStringLiteral("<text x=\"%1\" y=\"%2\" text-anchor=\"middle\" fill=\"%3\" font-size=\"%4\">%5</text>\n")
                         .arg(num(left + (p + 0.5) * cell), num(top + (t + 0.5) * cell + 4),
                              alpha > 0.55 ? QStringLiteral("white") : QStringLiteral("black"),
                              cell < 30 ? QStringLiteral("9") : QStringLiteral("12"))
                         .arg(count);
        }
    }
    s += QStringLiteral("<text x=\"10\" y=\"%1\" fill=\"#555\">Rows: true class; shade: share of the row "
                        "(blue: correct, red: mistakes).</text>\n").arg(num(height - 14));
    s += QStringLiteral("</svg>\n");
    return s;
}

std::pair<double, double> paddedCommonRange(const QVector<double> &a, const QVector<double> &b)
{
    double lo = 0, hi = 1;
    bool first = true;
    for (const QVector<double> *values : {&a, &b})
        for (double v : *values) {
            lo = first ? v : std::min(lo, v);
            hi = first ? v : std::max(hi, v);
            first = false;
        }
    if (hi - lo < 1e-12) {
        lo -= 0.5;
        hi += 0.5;
    }
    const double pad = (hi - lo) * 0.04;
    return {lo - pad, hi + pad};
}

QString predictedVsTrueSvg(const QVector<double> &targets, const QVector<double> &predictions,
                           const QString &targetName)
{
    const double left = 64, top = 36, plot = 360;
    const double width = left + plot + 24, height = top + plot + 52;
    const auto [lo, hi] = paddedCommonRange(targets, predictions);
    const auto px = [&](double v) { return left + (v - lo) / (hi - lo) * plot; };
    const auto py = [&](double v) { return top + (1.0 - (v - lo) / (hi - lo)) * plot; };
    QString s;
    s += QStringLiteral("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%1\" height=\"%2\" viewBox=\"0 0 %1 %2\" "
                        "font-family=\"sans-serif\" font-size=\"12\">\n")
             .arg(num(width), num(height));
    s += QStringLiteral("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s += QStringLiteral("<text x=\"%1\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Predicted vs true %2</text>\n")
             .arg(num(left), esc(targetName));
    for (int i = 0; i <= 5; ++i) {
        const double v = lo + (hi - lo) * i / 5.0;
        s += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" stroke=\"#e5e5e5\"/>"
                            "<line x1=\"%4\" y1=\"%5\" x2=\"%4\" y2=\"%6\" stroke=\"#e5e5e5\"/>\n")
                 .arg(num(left), num(py(v)), num(left + plot), num(px(v)), num(top), num(top + plot));
        s += QStringLiteral("<text x=\"%1\" y=\"%2\" text-anchor=\"end\">%3</text>"
                            "<text x=\"%4\" y=\"%5\" text-anchor=\"middle\">%3</text>\n")
                 .arg(num(left - 6), num(py(v) + 4), QString::number(v, 'g', 4), num(px(v)), num(top + plot + 16));
    }
    s += QStringLiteral("<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%3\" fill=\"none\" stroke=\"#555\"/>\n")
             .arg(num(left), num(top), num(plot));
    s += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%4\" stroke=\"#999\" stroke-dasharray=\"3 3\"/>\n")
             .arg(num(px(lo)), num(py(lo)), num(px(hi)), num(py(hi)));
    for (int i = 0; i < targets.size() && i < predictions.size(); ++i)
        s += QStringLiteral("<circle cx=\"%1\" cy=\"%2\" r=\"2.5\" fill=\"%3\" fill-opacity=\"0.6\"/>\n")
                 .arg(num(px(targets[i])), num(py(predictions[i])), seriesColor(0));
    s += QStringLiteral("<text x=\"%1\" y=\"%2\" text-anchor=\"middle\">true %3</text>\n")
             .arg(num(left + plot / 2), num(top + plot + 38), esc(targetName));
    s += QStringLiteral("<text x=\"16\" y=\"%1\" text-anchor=\"middle\" transform=\"rotate(-90 16 %1)\">predicted</text>\n")
             .arg(num(top + plot / 2));
    s += QStringLiteral("</svg>\n");
    return s;
}

} // namespace lepton
