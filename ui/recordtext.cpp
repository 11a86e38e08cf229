#include "recordtext.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <QComboBox>
#include <QFileInfo>
#include <QLocale>

namespace lepton {

QString datasetText(const DatasetInfo &d)
{
    if (d.isRegression())
        return QStringLiteral("%1 (%2 samples, regression of %3)").arg(d.name).arg(d.sampleCount()).arg(d.targetName);
    return QStringLiteral("%1 (%2 samples, %3 classes)")
        .arg(d.name)
        .arg(d.sampleCount())
        .arg(d.classes.size());
}

QString architectureText(const ArchitectureInfo &a)
{
    return QStringLiteral("%1 v%2").arg(a.name).arg(a.version);
}

QString runText(const RunInfo &r)
{
    return QStringLiteral("Run #%1 — %2, %3 epoch(s)").arg(r.id).arg(r.status).arg(r.epochsDone);
}

QString modelVersionOrigin(const ModelVersionInfo &m)
{
    if (m.parentId > 0)
        return QStringLiteral("← version #%1").arg(m.parentId);
    if (m.runId > 0)
        return QStringLiteral("← run #%1").arg(m.runId);
    return QStringLiteral("no recorded origin");
}

QString modelVersionText(const ModelVersionInfo &m)
{
    const QString name = m.name.isEmpty() ? QStringLiteral("model") : m.name;
    return QStringLiteral("#%1 %2  %3").arg(m.id).arg(name, modelVersionOrigin(m));
}

QString evaluationText(const EvaluationInfo &e)
{
    if (e.regression) {
        const QJsonObject m = QJsonDocument::fromJson(e.metricsJson.toUtf8()).object();
        return QStringLiteral("Evaluation #%1 — version #%2 on %3: MAE %4, R² %5")
            .arg(e.id)
            .arg(e.modelVersionId)
            .arg(e.split)
            .arg(m.value(QLatin1String("mae")).toDouble(), 0, 'g', 4)
            .arg(m.value(QLatin1String("r2")).toDouble(), 0, 'f', 4);
    }
    return QStringLiteral("Evaluation #%1 — version #%2 on %3: accuracy %4")
        .arg(e.id)
        .arg(e.modelVersionId)
        .arg(e.split, percent(e.accuracy));
}

QString exportText(const ExportInfo &e)
{
    return QStringLiteral("Export #%1 — %2 of version #%3: %4")
        .arg(e.id)
        .arg(e.format)
        .arg(e.modelVersionId)
        .arg(QFileInfo(e.path).fileName());
}

QString percent(double fraction, int decimals)
{
    return QLocale().toString(fraction * 100.0, 'f', decimals) + QLatin1Char('%');
}

bool selectComboId(QComboBox *combo, qint64 id)
{
    const int index = combo->findData(id);
    if (index < 0)
        return false;
    combo->setCurrentIndex(index);
    return true;
}

qint64 comboId(const QComboBox *combo)
{
    return combo->currentIndex() < 0 ? 0 : combo->currentData().toLongLong();
}

} // namespace lepton
