#pragma once
// Regression metrics (sklearn mean_absolute_error, sqrt(mean_squared_error), r2_score).
#include "common/result.h"

#include <QJsonObject>
#include <QVector>

#include <optional>

namespace lepton {

struct RegressionMetrics
{
    double mae = 0, rmse = 0;
    // Empty when every target is equal (R² is 0/0 or x/0); sklearn's force_finite would report
    // 1.0 or 0.0 instead. The reason is in r2Undefined.
    std::optional<double> r2;
    QString r2Undefined;
    QJsonObject toJson() const;
};

// Fails on empty input, differing lengths or non-finite values (naming the sample).
Result<RegressionMetrics> computeRegressionMetrics(const QVector<double> &truth,
                                                   const QVector<double> &predicted);

} // namespace lepton
