#pragma once
// Evaluation reports: per-sample predictions as CSV, all metrics as JSON, and a self-contained HTML
// page with the charts embedded as SVG images (data: URIs, nothing fetched from elsewhere).
#include "common/result.h"
#include "eval/evaluation.h"

namespace lepton {

// Header `sample,true,pred,score_0..score_{K-1}`; classes as indices, scores with 17 significant
// digits (they read back bit for bit); RFC 4180 quoting of the sample column.
QByteArray predictionsCsv(const EvaluationOutcome &e);
Status writePredictionsCsv(const EvaluationOutcome &e, const QString &path);
// Reads predictionsCsv() back (sample ids are not in the file and come back as 0). Fails naming the
// line and column of anything malformed.
Result<QVector<PredictionRecord>> parsePredictionsCsv(const QByteArray &csv, const QString &origin);
Result<QVector<PredictionRecord>> readPredictionsCsv(const QString &path);

// evaluationJson(e, curves included), indented.
Status writeMetricsJson(const EvaluationOutcome &e, const QString &path);

QString htmlReport(const EvaluationOutcome &e);
Status writeHtmlReport(const EvaluationOutcome &e, const QString &path);

// Which report a file name asks for: "csv", "json" or "html" by its suffix; empty if none.
QString reportKindForPath(const QString &path);
// Writes the report `reportKindForPath(path)` names.
Status writeReport(const EvaluationOutcome &e, const QString &path);

} // namespace lepton
