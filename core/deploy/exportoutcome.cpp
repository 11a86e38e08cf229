#include "deploy/exportoutcome.h"

namespace lepton {

QJsonObject ExportVerification::toJson() const
{
    QJsonObject o{{"samples", double(samples)}, {"max_abs_diff", maxAbsDiff}, {"mean_abs_diff", meanAbsDiff},
                  {"tolerance_abs", tolerance}, {"passed", passed}};
    if (regression) {
        o.insert(QStringLiteral("task"), QStringLiteral("regression"));
    } else {
        o.insert(QStringLiteral("top1_agreement"), top1Agreement);
        o.insert(QStringLiteral("exported_accuracy"), exportedAccuracy);
    }
    if (!runtime.isEmpty())
        o.insert(QStringLiteral("runtime"), runtime);
    if (!failure.isEmpty())
        o.insert(QStringLiteral("failure"), failure);
    return o;
}

ExportVerification ExportVerification::fromJson(const QJsonObject &o)
{
    ExportVerification v;
    v.samples = qint64(o.value("samples").toDouble());
    v.maxAbsDiff = o.value("max_abs_diff").toDouble();
    v.meanAbsDiff = o.value("mean_abs_diff").toDouble();
    v.top1Agreement = o.value("top1_agreement").toDouble();
    v.exportedAccuracy = o.value("exported_accuracy").toDouble();
    // Records written before the tolerance was configurable have none: they used the default.
    v.tolerance = o.value("tolerance_abs").toDouble(DefaultExportTolerance);
    v.runtime = o.value("runtime").toString();
    v.passed = o.value("passed").toBool();
    v.regression = o.value("task").toString() == QLatin1String("regression");
    v.failure = o.value("failure").toString();
    return v;
}

} // namespace lepton
