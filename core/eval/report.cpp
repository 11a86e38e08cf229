#include "eval/report.h"

#include "eval/charts.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace lepton {

namespace {

QByteArray csvField(const QString &text)
{
    QByteArray bytes = text.toUtf8();
    if (!bytes.contains(',') && !bytes.contains('"') && !bytes.contains('\n') && !bytes.contains('\r'))
        return bytes;
    bytes.replace("\"", "\"\"");
    return '"' + bytes + '"';
}

Status saveFile(const QString &path, const QByteArray &bytes, const QString &what)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status::failure(QStringLiteral("cannot write the %1 '%2': %3").arg(what, path, file.errorString()));
    file.write(bytes);
    if (!file.commit())
        return Status::failure(QStringLiteral("cannot write the %1 '%2': %3").arg(what, path, file.errorString()));
    return success();
}

// Splits CSV text into records of fields (RFC 4180: quoted fields may hold commas, quotes, newlines).
Result<QVector<QStringList>> splitCsv(const QByteArray &csv, const QString &origin)
{
    QVector<QStringList> records;
    QStringList fields;
    QByteArray field;
    bool quoted = false, fieldWasQuoted = false;
    int line = 1;
    const auto endField = [&] {
        fields << QString::fromUtf8(field);
        field.clear();
        fieldWasQuoted = false;
    };
    for (qsizetype i = 0; i < csv.size(); ++i) {
        const char c = csv[i];
        if (quoted) {
            if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                line += c == '\n';
                field += c;
            }
        } else if (c == '"' && field.isEmpty() && !fieldWasQuoted) {
            quoted = fieldWasQuoted = true;
        } else if (c == ',') {
            endField();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n')
                ++i;
            endField();
            if (!(fields.size() == 1 && fields.first().isEmpty()))
                records << fields;
            fields.clear();
            ++line;
        } else {
            field += c;
        }
    }
    if (quoted)
        return Result<QVector<QStringList>>::failure(
            QStringLiteral("%1: line %2: a quoted field is not closed").arg(origin).arg(line));
    if (!field.isEmpty() || !fields.isEmpty()) {
        endField();
        records << fields;
    }
    return records;
}

QString fmt(double v, int decimals = 4) { return QString::number(v, 'f', decimals); }
QString fmt(const std::optional<double> &v, int decimals = 4)
{
    return v ? fmt(*v, decimals) : QStringLiteral("—");
}

QString svgImage(const QString &svg, const QString &alt)
{
    return QStringLiteral("<img alt=\"%1\" src=\"data:image/svg+xml;base64,%2\">")
        .arg(alt.toHtmlEscaped(), QString::fromLatin1(svg.toUtf8().toBase64()));
}

QString row(const QString &name, const QString &value)
{
    return QStringLiteral("<tr><th>%1</th><td>%2</td></tr>\n").arg(name.toHtmlEscaped(), value.toHtmlEscaped());
}

QString chartsHtml(const EvaluationOutcome &e)
{
    QString html;
    html += QStringLiteral("<h2>Charts</h2>\n<div class=\"charts\">\n");
    html += svgImage(confusionMatrixSvg(e.metrics.confusion, e.classes), QStringLiteral("Confusion matrix"));
    if (!e.scores) {
        html += QStringLiteral("</div>\n<p class=\"note\">No ROC, precision-recall or calibration charts: %1</p>\n")
                    .arg(e.scoresError.toHtmlEscaped());
        return html;
    }
    const ScoreMetrics &s = *e.scores;
    QVector<ChartSeries> roc, pr;
    for (int c = 0; c < s.perClass.size(); ++c) {
        const ClassRanking &r = s.perClass[c];
        const QString name = e.classes.value(c, QString::number(c));
        if (r.roc)
            roc.append({QStringLiteral("%1 (AUC %2)").arg(name, fmt(*r.rocAuc, 3)), r.roc->fpr, r.roc->tpr, seriesColor(c)});
        if (r.pr)
            pr.append({QStringLiteral("%1 (AP %2)").arg(name, fmt(*r.averagePrecision, 3)), r.pr->recall, r.pr->precision, seriesColor(c)});
    }
    if (e.classes.size() > 2)
        roc.append({QStringLiteral("micro (AUC %1)").arg(fmt(s.microRocAuc, 3)), s.microRoc.fpr, s.microRoc.tpr,
                    QStringLiteral("#000000"), true});
    html += svgImage(unitLineChartSvg(QStringLiteral("ROC curves (one vs rest)"), QStringLiteral("false positive rate"),
                                      QStringLiteral("true positive rate"), roc, true),
                     QStringLiteral("ROC curves"));
    html += svgImage(unitLineChartSvg(QStringLiteral("Precision-recall curves"), QStringLiteral("recall"),
                                      QStringLiteral("precision"), pr, false),
                     QStringLiteral("Precision-recall curves"));
    ChartSeries calibration{QStringLiteral("model (ECE %1)").arg(fmt(s.calibration.expectedCalibrationError, 3)),
                            s.calibration.probPred, s.calibration.probTrue, seriesColor(0)};
    calibration.markers = true;
    html += svgImage(unitLineChartSvg(QStringLiteral("Calibration (top-1 confidence)"), QStringLiteral("mean confidence"),
                                      QStringLiteral("fraction correct"), {calibration}, true),
                     QStringLiteral("Calibration curve"));
    html += QStringLiteral("</div>\n");
    for (const ClassRanking &r : s.perClass)
        if (!r.undefined.isEmpty())
            html += QStringLiteral("<p class=\"note\">%1</p>\n").arg(r.undefined.toHtmlEscaped());
    return html;
}

} // namespace

QByteArray predictionsCsv(const EvaluationOutcome &e)
{
    if (e.regression) {
        QByteArray csv = "sample,target,predicted,residual\n";
        for (const PredictionRecord &p : e.predictions)
            csv += csvField(p.sample) + ',' + QByteArray::number(p.targetValue, 'g', 17) + ','
                   + QByteArray::number(p.predictedValue, 'g', 17) + ','
                   + QByteArray::number(p.predictedValue - p.targetValue, 'g', 17) + '\n';
        return csv;
    }
    QByteArray csv = "sample,true,pred";
    for (int c = 0; c < e.classes.size(); ++c)
        csv += ",score_" + QByteArray::number(c);
    csv += '\n';
    for (const PredictionRecord &p : e.predictions) {
        csv += csvField(p.sample) + ',' + QByteArray::number(p.truth) + ',' + QByteArray::number(p.predicted);
        for (double v : p.scores)
            csv += ',' + QByteArray::number(v, 'g', 17);
        csv += '\n';
    }
    return csv;
}

Status writePredictionsCsv(const EvaluationOutcome &e, const QString &path)
{
    if (!e.hasPredictions())
        return Status::failure(QStringLiteral("evaluation #%1 has no stored per-sample predictions (it was made "
                                              "before they were kept); evaluate the model again").arg(e.evaluationId));
    return saveFile(path, predictionsCsv(e), QStringLiteral("predictions CSV"));
}

Result<QVector<PredictionRecord>> parsePredictionsCsv(const QByteArray &csv, const QString &origin)
{
    using R = Result<QVector<PredictionRecord>>;
    auto records = splitCsv(csv, origin);
    if (!records)
        return R::failure(records.error());
    if (records->isEmpty())
        return R::failure(QStringLiteral("%1: the file is empty").arg(origin));
    const QStringList header = records->first();
    if (header.size() < 3 || header[0] != QLatin1String("sample") || header[1] != QLatin1String("true")
        || header[2] != QLatin1String("pred"))
        return R::failure(QStringLiteral("%1: line 1: the header must start with sample,true,pred").arg(origin));
    const int scoreColumns = int(header.size()) - 3;
    for (int c = 0; c < scoreColumns; ++c)
        if (header[3 + c] != QStringLiteral("score_%1").arg(c))
            return R::failure(QStringLiteral("%1: line 1, column %2: expected 'score_%3', found '%4'")
                                  .arg(origin).arg(4 + c).arg(c).arg(header[3 + c]));
    QVector<PredictionRecord> out;
    for (qsizetype r = 1; r < records->size(); ++r) {
        const QStringList &f = records->at(r);
        const qsizetype line = r + 1;
        if (f.size() != header.size())
            return R::failure(QStringLiteral("%1: record %2: %3 fields, the header has %4")
                                  .arg(origin).arg(line).arg(f.size()).arg(header.size()));
        PredictionRecord p;
        p.sample = f[0];
        bool okTrue = false, okPred = false;
        p.truth = f[1].toInt(&okTrue);
        p.predicted = f[2].toInt(&okPred);
        if (!okTrue || !okPred)
            return R::failure(QStringLiteral("%1: record %2, column %3: '%4' is not a class index")
                                  .arg(origin).arg(line).arg(okTrue ? 3 : 2).arg(okTrue ? f[2] : f[1]));
        for (int c = 0; c < scoreColumns; ++c) {
            bool ok = false;
            const double v = f[3 + c].toDouble(&ok);
            if (!ok || !std::isfinite(v))
                return R::failure(QStringLiteral("%1: record %2, column %3 (score_%4): '%5' is not a number")
                                      .arg(origin).arg(line).arg(4 + c).arg(c).arg(f[3 + c]));
            p.scores.append(v);
        }
        out.append(std::move(p));
    }
    return out;
}

Result<QVector<PredictionRecord>> readPredictionsCsv(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<QVector<PredictionRecord>>::failure(
            QStringLiteral("cannot read the predictions CSV '%1': %2").arg(path, file.errorString()));
    return parsePredictionsCsv(file.readAll(), path);
}

Status writeMetricsJson(const EvaluationOutcome &e, const QString &path)
{
    return saveFile(path, QJsonDocument(evaluationJson(e, true)).toJson(QJsonDocument::Indented),
                    QStringLiteral("metrics JSON"));
}

namespace {

// Regression: MAE, RMSE, R², the predicted-vs-true chart and the largest errors.
QString regressionHtml(const EvaluationOutcome &e)
{
    const RegressionMetrics &m = e.regressionMetrics;
    QString h = QStringLiteral("<h2>Summary</h2>\n<table>\n");
    h += row(QStringLiteral("Mean absolute error"), fmt(m.mae));
    h += row(QStringLiteral("Root mean squared error"), fmt(m.rmse));
    h += row(QStringLiteral("Mean squared error"), fmt(m.rmse * m.rmse));
    h += row(QStringLiteral("R²"), m.r2 ? fmt(*m.r2) : m.r2Undefined);
    h += QStringLiteral("</table>\n<h2>Charts</h2>\n<div class=\"charts\">\n");
    QVector<double> targets, predicted;
    for (const PredictionRecord &p : e.predictions) {
        targets.append(p.targetValue);
        predicted.append(p.predictedValue);
    }
    h += svgImage(predictedVsTrueSvg(targets, predicted, e.targetName), QStringLiteral("Predicted vs true"));
    h += QStringLiteral("</div>\n");
    QVector<PredictionRecord> worst = e.predictions;
    std::sort(worst.begin(), worst.end(), [](const PredictionRecord &a, const PredictionRecord &b) {
        return std::abs(a.predictedValue - a.targetValue) > std::abs(b.predictedValue - b.targetValue);
    });
    worst.resize(std::min<qsizetype>(worst.size(), 20));
    h += QStringLiteral("<h2>Largest errors</h2>\n<table>\n<tr><th>Sample</th><th>Target</th><th>Predicted</th>"
                        "<th>Error</th></tr>\n");
    for (const PredictionRecord &p : worst)
        h += QStringLiteral("<tr><th>%1</th><td>%2</td><td>%3</td><td>%4</td></tr>\n")
                 .arg(p.sample.toHtmlEscaped(), fmt(p.targetValue), fmt(p.predictedValue),
                      fmt(p.predictedValue - p.targetValue));
    h += QStringLiteral("</table>\n");
    return h;
}

} // namespace

QString htmlReport(const EvaluationOutcome &e)
{
    const ClassificationMetrics &m = e.metrics;
    const QString model = e.modelName.isEmpty() ? QStringLiteral("model version #%1").arg(e.modelVersionId)
                                                : QStringLiteral("model version #%1 (%2)").arg(e.modelVersionId).arg(e.modelName);
    QString h;
    h += QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Evaluation #%1 of %2</title>\n")
             .arg(e.evaluationId).arg(model.toHtmlEscaped());
    h += QStringLiteral("<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
                        "table{border-collapse:collapse;margin:8px 0 16px}th,td{padding:3px 10px;border-bottom:1px solid #ddd}"
                        "th{text-align:left}td{text-align:right;font-variant-numeric:tabular-nums}"
                        ".charts img{margin:8px;border:1px solid #ddd;vertical-align:top;max-width:100%}"
                        ".note{color:#8a5a00}</style></head><body>\n");
    const QString scope = e.allSplits ? QStringLiteral("<b>all samples</b>")
                                      : QStringLiteral("the <b>%1</b> split").arg(splitName(e.split));
    const QString dataset = e.datasetName.isEmpty() ? QString()
                                                    : QStringLiteral(" of dataset #%1 '%2'").arg(e.datasetId).arg(e.datasetName.toHtmlEscaped());
    const QString what = e.regression ? QStringLiteral("regression of '%1'").arg(e.targetName.toHtmlEscaped())
                                      : QStringLiteral("%1 classes").arg(e.classes.size());
    h += QStringLiteral("<h1>Evaluation #%1</h1>\n<p>%2 on %3%4: %5 samples, %6%7.</p>\n")
             .arg(e.evaluationId).arg(model.toHtmlEscaped(), scope, dataset).arg(e.samples).arg(what)
             .arg(e.created.isValid() ? QStringLiteral(", evaluated %1 UTC").arg(e.created.toUTC().toString(Qt::ISODate))
                                      : QString());
    if (e.regression) {
        h += regressionHtml(e);
        h += QStringLiteral("<p style=\"color:#777\">Written by Lepton Workbench %1.</p>\n</body></html>\n")
                 .arg(QStringLiteral(LEPTON_VERSION));
        return h;
    }
    h += QStringLiteral("<h2>Summary</h2>\n<table>\n");
    h += row(QStringLiteral("Accuracy"), fmt(m.accuracy));
    h += row(QStringLiteral("Balanced accuracy"), fmt(m.balancedAccuracy));
    h += row(QStringLiteral("Macro precision / recall / F1"),
             QStringLiteral("%1 / %2 / %3").arg(fmt(m.macroPrecision), fmt(m.macroRecall), fmt(m.macroF1)));
    h += row(QStringLiteral("Weighted precision / recall / F1"),
             QStringLiteral("%1 / %2 / %3").arg(fmt(m.weightedPrecision), fmt(m.weightedRecall), fmt(m.weightedF1)));
    h += row(QStringLiteral("Micro F1"), fmt(m.microF1));
    h += row(QStringLiteral("Cohen's kappa"), m.kappa ? fmt(*m.kappa) : m.kappaUndefined);
    if (e.scores) {
        const ScoreMetrics &s = *e.scores;
        h += row(QStringLiteral("Top-1 accuracy"), fmt(s.top1Accuracy));
        if (s.top5Accuracy)
            h += row(QStringLiteral("Top-5 accuracy"), fmt(*s.top5Accuracy));
        h += row(QStringLiteral("Log loss"), fmt(s.logLoss));
        h += row(QStringLiteral("ROC AUC macro / micro"), QStringLiteral("%1 / %2").arg(fmt(s.macroRocAuc), fmt(s.microRocAuc)));
        h += row(QStringLiteral("Average precision macro / micro"),
                 QStringLiteral("%1 / %2").arg(fmt(s.macroAveragePrecision), fmt(s.microAveragePrecision)));
        h += row(QStringLiteral("Expected calibration error"), fmt(s.calibration.expectedCalibrationError));
    } else {
        h += row(QStringLiteral("Score metrics"), e.scoresError);
    }
    h += QStringLiteral("</table>\n<h2>Per class</h2>\n<table>\n<tr><th>Class</th><th>Precision</th><th>Recall</th>"
                        "<th>F1</th><th>Support</th><th>ROC AUC</th><th>AP</th></tr>\n");
    for (int c = 0; c < m.perClass.size(); ++c) {
        const ClassMetrics &pc = m.perClass[c];
        const ClassRanking *r = e.scores && c < e.scores->perClass.size() ? &e.scores->perClass[c] : nullptr;
        h += QStringLiteral("<tr><th>%1</th><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td></tr>\n")
                 .arg(e.classes.value(c, QString::number(c)).toHtmlEscaped(), fmt(pc.precision), fmt(pc.recall),
                      fmt(pc.f1), QString::number(pc.support), r ? fmt(r->rocAuc) : QStringLiteral("—"),
                      r ? fmt(r->averagePrecision) : QStringLiteral("—"));
    }
    h += QStringLiteral("</table>\n");
    h += chartsHtml(e);
    h += QStringLiteral("<p style=\"color:#777\">Written by Lepton Workbench %1.</p>\n</body></html>\n")
             .arg(QStringLiteral(LEPTON_VERSION));
    return h;
}

Status writeHtmlReport(const EvaluationOutcome &e, const QString &path)
{
    return saveFile(path, htmlReport(e).toUtf8(), QStringLiteral("HTML report"));
}

QString reportKindForPath(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("csv"))
        return suffix;
    if (suffix == QLatin1String("json"))
        return suffix;
    if (suffix == QLatin1String("html") || suffix == QLatin1String("htm"))
        return QStringLiteral("html");
    return {};
}

Status writeReport(const EvaluationOutcome &e, const QString &path)
{
    const QString kind = reportKindForPath(path);
    if (kind == QLatin1String("csv"))
        return writePredictionsCsv(e, path);
    if (kind == QLatin1String("json"))
        return writeMetricsJson(e, path);
    if (kind == QLatin1String("html"))
        return writeHtmlReport(e, path);
    return Status::failure(QStringLiteral("'%1': a report is .csv (predictions), .json (metrics) or .html").arg(path));
}

} // namespace lepton
