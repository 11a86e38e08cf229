#include "cliutil.h"
#include "commands.h"
#include "data/importer.h"
#include "deploy/deploymentpackage.h"
#include "deploy/onnxexport.h"
#include "deploy/packagemodel.h"
#include "deploy/packageserver.h"
#include "graph/modelgraph.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"
#include "runtime/runtimeconfig.h"
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimer>
#include <csignal>

namespace lepton::Cli {

int cmdEval(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("model"), QStringLiteral("Model version id."), QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("split"), QStringLiteral("train, validation or test (default test)."),
                        QStringLiteral("SPLIT"), QStringLiteral("test")});
    p.parser.addOption({QStringLiteral("curves"), QStringLiteral("Include ROC, PR and calibration curves in --json.")});
    if (int rc = parse(p, QStringLiteral("eval"), QStringLiteral("Evaluate a model version on a split."), args,
                       {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    bool ok = false;
    const qint64 model = p.parser.value(QStringLiteral("model")).toLongLong(&ok);
    if (!ok)
        return usageError(p.parser, QStringLiteral("--model ID is required"));
    Split split;
    if (!parseSplit(p.parser.value(QStringLiteral("split")), &split))
        return usageError(p.parser, QStringLiteral("--split must be train, validation or test"));
    auto outcome = evaluateModel(p.parser.positionalArguments().first(), model, split, {}, cancelToken());
    if (!outcome)
        return fail(outcome.error());
    if (p.parser.isSet(p.json)) {
        QJsonObject o = outcome->metrics.toJson();
        o.insert(QLatin1String("evaluation_id"), outcome->evaluationId);
        o.insert(QLatin1String("model_version_id"), model);
        o.insert(QLatin1String("split"), splitName(split));
        o.insert(QLatin1String("samples"), double(outcome->samples));
        o.insert(QLatin1String("classes"), QJsonArray::fromStringList(outcome->classes));
        if (outcome->scores)
            o.insert(QLatin1String("scores"), outcome->scores->toJson(p.parser.isSet(QStringLiteral("curves"))));
        else
            o.insert(QLatin1String("scores_error"), outcome->scoresError);
        printJson(o);
    } else {
        const ClassificationMetrics &m = outcome->metrics;
        out() << "model version " << model << " on " << splitName(split) << " (" << outcome->samples
              << " samples): accuracy " << QString::number(m.accuracy, 'f', 4) << ", macro F1 "
              << QString::number(m.macroF1, 'f', 4) << "\n";
        out() << "  balanced accuracy " << QString::number(m.balancedAccuracy, 'f', 4) << ", weighted F1 "
              << QString::number(m.weightedF1, 'f', 4) << "\n";
        if (const auto &sc = outcome->scores) {
            out() << "  log loss " << QString::number(sc->logLoss, 'f', 4) << ", ROC AUC macro "
                  << (sc->macroRocAuc ? QString::number(*sc->macroRocAuc, 'f', 4) : QStringLiteral("undefined"))
                  << " / micro " << QString::number(sc->microRocAuc, 'f', 4) << ", ECE "
                  << QString::number(sc->calibration.expectedCalibrationError, 'f', 4) << "\n";
        } else {
            out() << "  score metrics: " << outcome->scoresError << "\n";
        }
        out() << "  class  precision  recall  f1      support\n";
        for (int c = 0; c < m.perClass.size(); ++c)
            out() << QStringLiteral("  %1  %2  %3  %4  %5\n")
                         .arg(outcome->classes.value(c), 5)
                         .arg(m.perClass[c].precision, 9, 'f', 4)
                         .arg(m.perClass[c].recall, 6, 'f', 4)
                         .arg(m.perClass[c].f1, 6, 'f', 4)
                         .arg(m.perClass[c].support, 7);
        out() << Qt::flush;
    }
    return Ok;
}

} // namespace lepton::Cli
