#include "cliutil.h"
#include "commands.h"
#include "eval/evaluator.h"
#include "eval/report.h"
#include "project/projectstore.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QTextStream>

namespace lepton::Cli {

namespace {

void printSummary(const EvaluationOutcome &e)
{
    if (e.regression) {
        const RegressionMetrics &r = e.regressionMetrics;
        out() << "evaluation " << e.evaluationId << ": model version " << e.modelVersionId << " on "
              << e.scopeName() << " of dataset " << e.datasetId << " '" << e.datasetName << "' (" << e.samples
              << " samples, regression of '" << e.targetName << "'): MAE " << QString::number(r.mae, 'g', 6)
              << ", RMSE " << QString::number(r.rmse, 'g', 6) << ", R² "
              << (r.r2 ? QString::number(*r.r2, 'f', 4) : r.r2Undefined) << "\n";
        return;
    }
    const ClassificationMetrics &m = e.metrics;
    out() << "evaluation " << e.evaluationId << ": model version " << e.modelVersionId << " on "
          << e.scopeName() << " of dataset " << e.datasetId << " '" << e.datasetName << "' (" << e.samples
          << " samples): accuracy " << QString::number(m.accuracy, 'f', 4)
          << ", macro F1 " << QString::number(m.macroF1, 'f', 4) << "\n";
    out() << "  balanced accuracy " << QString::number(m.balancedAccuracy, 'f', 4) << ", weighted F1 "
          << QString::number(m.weightedF1, 'f', 4) << ", kappa "
          << (m.kappa ? QString::number(*m.kappa, 'f', 4) : QStringLiteral("undefined")) << "\n";
    if (const auto &sc = e.scores) {
        out() << "  log loss " << QString::number(sc->logLoss, 'f', 4) << ", ROC AUC macro "
              << (sc->macroRocAuc ? QString::number(*sc->macroRocAuc, 'f', 4) : QStringLiteral("undefined"))
              << " / micro " << QString::number(sc->microRocAuc, 'f', 4) << ", ECE "
              << QString::number(sc->calibration.expectedCalibrationError, 'f', 4) << "\n";
    } else {
        out() << "  score metrics: " << e.scoresError << "\n";
    }
    out() << "  class  precision  recall  f1      support\n";
    for (int c = 0; c < m.perClass.size(); ++c)
        out() << QStringLiteral("  %1  %2  %3  %4  %5\n")
                     .arg(e.classes.value(c), 5)
                     .arg(m.perClass[c].precision, 9, 'f', 4)
                     .arg(m.perClass[c].recall, 6, 'f', 4)
                     .arg(m.perClass[c].f1, 6, 'f', 4)
                     .arg(m.perClass[c].support, 7);
}

} // namespace

int cmdEval(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("model"), QStringLiteral("Model version id to evaluate."), QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("evaluation"),
                        QStringLiteral("Use this stored evaluation instead of running the model (for reports)."),
                        QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("dataset"),
                        QStringLiteral("Evaluate on this dataset of the project (default: the model's own). It needs "
                                       "the model's input shape; its classes are matched to the model's by name."),
                        QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("split"),
                        QStringLiteral("train, validation, test (default) or all (every sample of the dataset)."),
                        QStringLiteral("SPLIT"), QStringLiteral("test")});
    p.parser.addOption({QStringLiteral("curves"), QStringLiteral("Include ROC, PR and calibration curves in --json.")});
    p.parser.addOption({QStringLiteral("predictions"),
                        QStringLiteral("Write per-sample predictions: sample,true,pred,score_0..score_k (regression: "
                                       "sample,target,predicted,residual)."),
                        QStringLiteral("OUT.csv")});
    p.parser.addOption({QStringLiteral("metrics"), QStringLiteral("Write all metrics and curves as JSON."),
                        QStringLiteral("OUT.json")});
    p.parser.addOption({QStringLiteral("report"),
                        QStringLiteral("Write a self-contained HTML report with the charts."), QStringLiteral("OUT.html")});
    if (int rc = parse(p, QStringLiteral("eval"),
                       QStringLiteral("Evaluate a model version on a split of its dataset or of another compatible "
                                      "dataset, or write reports of a stored evaluation."),
                       args, {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const bool byModel = p.parser.isSet(QStringLiteral("model"));
    const bool byEvaluation = p.parser.isSet(QStringLiteral("evaluation"));
    if (byModel == byEvaluation)
        return usageError(p.parser, QStringLiteral("give either --model ID (evaluate) or --evaluation ID (stored)"));
    bool ok = false;
    const qint64 id = p.parser.value(byModel ? QStringLiteral("model") : QStringLiteral("evaluation")).toLongLong(&ok);
    if (!ok || id <= 0)
        return usageError(p.parser, QStringLiteral("--%1 needs a positive id")
                                               .arg(QLatin1String(byModel ? "model" : "evaluation")));
    EvaluationTarget target;
    const QString splitText = p.parser.value(QStringLiteral("split"));
    Split split;
    if (splitText == QLatin1String("all"))
        target.split = std::nullopt;
    else if (parseSplit(splitText, &split))
        target.split = split;
    else
        return usageError(p.parser, QStringLiteral("--split must be train, validation, test or all"));
    if (p.parser.isSet(QStringLiteral("dataset"))) {
        if (!byModel)
            return usageError(p.parser, QStringLiteral("--dataset goes with --model (a stored evaluation has its dataset)"));
        target.datasetId = p.parser.value(QStringLiteral("dataset")).toLongLong(&ok);
        if (!ok || target.datasetId <= 0)
            return usageError(p.parser, QStringLiteral("--dataset needs a positive id"));
    }
    const QString project = p.parser.positionalArguments().first();

    Result<EvaluationOutcome> outcome = Result<EvaluationOutcome>::failure(QString());
    if (byModel) {
        outcome = evaluateModel(project, id, target, {}, cancelToken());
    } else {
        auto store = ProjectStore::open(project);
        if (!store)
            return fail(store.error());
        outcome = loadEvaluation(*store.value(), id);
    }
    if (!outcome)
        return fail(outcome.error());
    const EvaluationOutcome &e = outcome.value();

    QJsonObject files;
    const struct { const char *option; Status (*write)(const EvaluationOutcome &, const QString &); } writers[] = {
        {"predictions", &writePredictionsCsv}, {"metrics", &writeMetricsJson}, {"report", &writeHtmlReport}};
    for (const auto &w : writers) {
        const QString option = QString::fromLatin1(w.option);
        if (!p.parser.isSet(option))
            continue;
        const QString path = p.parser.value(option);
        if (auto written = w.write(e, path); !written)
            return fail(written.error());
        files.insert(option, path);
    }

    if (p.parser.isSet(p.json)) {
        QJsonObject o = evaluationJson(e, p.parser.isSet(QStringLiteral("curves")));
        if (!files.isEmpty())
            o.insert(QLatin1String("files"), files);
        printJson(o);
    } else {
        printSummary(e);
        for (auto it = files.begin(); it != files.end(); ++it)
            out() << "  wrote " << it.key() << ": " << it.value().toString() << "\n";
        out() << Qt::flush;
    }
    return Ok;
}

} // namespace lepton::Cli
