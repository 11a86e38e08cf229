#include "eval/regressionmetrics.h"

#include <cmath>

namespace lepton {

Result<RegressionMetrics> computeRegressionMetrics(const QVector<double> &truth,
                                                   const QVector<double> &predicted)
{
    using R = Result<RegressionMetrics>;
    if (truth.size() != predicted.size())
        return R::failure(QStringLiteral("regression metrics: %1 targets but %2 predictions")
                              .arg(truth.size()).arg(predicted.size()));
    if (truth.isEmpty())
        return R::failure(QStringLiteral("regression metrics need at least one sample"));
    double mean = 0;
    for (int i = 0; i < truth.size(); ++i) {
        if (!std::isfinite(truth[i]) || !std::isfinite(predicted[i]))
            return R::failure(QStringLiteral("regression metrics: sample %1 is not finite").arg(i));
        mean += truth[i];
    }
    const double n = double(truth.size());
    mean /= n;
    double absSum = 0, squaredSum = 0, totalSquares = 0;
    for (int i = 0; i < truth.size(); ++i) {
        const double e = truth[i] - predicted[i];
        absSum += std::abs(e);
        squaredSum += e * e;
        totalSquares += (truth[i] - mean) * (truth[i] - mean);
    }
    RegressionMetrics m;
    m.mae = absSum / n;
    m.rmse = std::sqrt(squaredSum / n);
    if (totalSquares == 0)
        m.r2Undefined = QStringLiteral("R² is undefined: every target has the same value");
    else
        m.r2 = 1.0 - squaredSum / totalSquares;
    return m;
}

QJsonObject RegressionMetrics::toJson() const
{
    QJsonObject json{{"mae", mae}, {"mse", rmse * rmse}, {"rmse", rmse}};
    json.insert(QLatin1String("r2"), r2 ? QJsonValue(*r2) : QJsonValue(QJsonValue::Null));
    if (!r2)
        json.insert(QLatin1String("r2_undefined"), r2Undefined);
    return json;
}

} // namespace lepton
