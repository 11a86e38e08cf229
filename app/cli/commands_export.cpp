#include "cliutil.h"
#include "commands.h"
#include "data/importer.h"
#include "deploy/deploymentpackage.h"
#include "deploy/exporttarget.h"
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

namespace {

void printTargets(bool json)
{
    QJsonArray list;
    for (const auto &t : ExportTargetRegistry::instance().targets()) {
        QJsonArray options;
        for (const ExportOptionSpec &o : t->options())
            options.append(QJsonObject{{"name", o.name}, {"kind", o.kind}, {"default", o.defaultValue},
                                       {"minimum", o.minimum}, {"maximum", o.maximum}, {"help", o.help}});
        list.append(QJsonObject{{"id", t->id()}, {"name", t->name()}, {"description", t->description()},
                                {"writes_folder", t->writesFolder()}, {"options", options}});
        if (!json) {
            out() << t->id() << "  " << t->name() << "\n    " << t->description() << "\n";
            for (const ExportOptionSpec &o : t->options())
                out() << "    --option " << o.name << "=" << o.defaultValue.toVariant().toString() << "  (" << o.help
                      << ", " << o.minimum << ".." << o.maximum << ")\n";
        }
    }
    if (json)
        printJson({{"targets", list}});
    out() << Qt::flush;
}

// "--option opset=11": the value as JSON when it parses as a JSON scalar, else as text.
bool parseOption(const QString &text, QJsonObject *options, QString *error)
{
    const int eq = text.indexOf(QLatin1Char('='));
    if (eq <= 0) {
        *error = QStringLiteral("--option must look like NAME=VALUE, got '%1'").arg(text);
        return false;
    }
    const QString value = text.mid(eq + 1);
    const QJsonDocument doc = QJsonDocument::fromJson(QStringLiteral("[%1]").arg(value).toUtf8());
    const QJsonValue parsed = doc.isArray() && doc.array().size() == 1 ? doc.array().first() : QJsonValue(value);
    options->insert(text.left(eq), parsed);
    return true;
}

void printResult(const ExportTargetResult &r)
{
    if (r.passed) {
        out() << "wrote " << r.path << "\n";
        for (const QString &f : r.files)
            out() << "  " << f << "\n";
    }
    for (const ExportOutcome &o : r.verified) {
        const ExportVerification &v = o.verification;
        out() << (v.passed ? "verified " : "FAILED verification ") << (o.path.isEmpty() ? QStringLiteral("(no file)") : o.path)
              << " with " << v.runtime << " on " << v.samples << " samples: max |diff| " << v.maxAbsDiff
              << " (allowed " << v.tolerance << "), mean |diff| " << v.meanAbsDiff;
        if (!v.regression)
            out() << ", top-1 agreement " << v.top1Agreement << ", accuracy " << v.exportedAccuracy;
        out() << " [export record " << o.exportId << "]\n";
    }
    out() << Qt::flush;
}

} // namespace

int cmdExport(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("model"), QStringLiteral("Model version id."), QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("out"),
                        QStringLiteral("Output: a file for torchscript/onnx, a new folder for package (plus FOLDER.tar.gz)."),
                        QStringLiteral("PATH")});
    p.parser.addOption({{QStringLiteral("target"), QStringLiteral("format")},
                        QStringLiteral("Export target id (default torchscript; see --list-targets)."), QStringLiteral("TARGET"),
                        QStringLiteral("torchscript")});
    p.parser.addOption({QStringLiteral("list-targets"), QStringLiteral("List the export targets and their options.")});
    p.parser.addOption({QStringLiteral("option"), QStringLiteral("A target option, NAME=VALUE (repeatable)."),
                        QStringLiteral("NAME=VALUE")});
    p.parser.addOption({QStringLiteral("opset"), QStringLiteral("ONNX opset (same as --option opset=N)."), QStringLiteral("N")});
    p.parser.addOption({QStringLiteral("tolerance"),
                        QStringLiteral("Max |difference| of outputs, exported vs live (default 1e-4); beyond it the "
                                       "export fails and only its report is kept."),
                        QStringLiteral("ABS")});
    p.parser.addOption({QStringLiteral("verify-samples"),
                        QStringLiteral("Held-out samples to verify on (default 1000)."), QStringLiteral("N")});
    const bool listing = args.contains(QStringLiteral("--list-targets"));
    if (int rc = parse(p, QStringLiteral("export"),
                       QStringLiteral("Export a model version and verify the written files against the live model. "
                                      "Exit code 1 when the verification fails."),
                       args, listing ? QStringList{} : QStringList{QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    if (listing) {
        printTargets(p.parser.isSet(p.json));
        return Ok;
    }
    bool ok = false;
    const qint64 model = p.parser.value(QStringLiteral("model")).toLongLong(&ok);
    if (!ok)
        return usageError(p.parser, QStringLiteral("--model ID is required"));
    if (!p.parser.isSet(QStringLiteral("out")))
        return usageError(p.parser, QStringLiteral("--out PATH is required"));
    const auto target = ExportTargetRegistry::instance().find(p.parser.value(QStringLiteral("target")));
    if (!target)
        return usageError(p.parser, QStringLiteral("unknown --target '%1' (available: %2)")
                                        .arg(p.parser.value(QStringLiteral("target")),
                                             ExportTargetRegistry::instance().ids().join(QStringLiteral(", "))));
    ExportSettings settings;
    QString error;
    for (const QString &o : p.parser.values(QStringLiteral("option")))
        if (!parseOption(o, &settings.options, &error))
            return usageError(p.parser, error);
    if (p.parser.isSet(QStringLiteral("opset"))) {
        int opset = 0;
        if (!intOption(p.parser, QStringLiteral("opset"), &opset, 1, &error))
            return usageError(p.parser, error);
        settings.options.insert(QStringLiteral("opset"), opset);
    }
    if (p.parser.isSet(QStringLiteral("tolerance"))) {
        settings.tolerance = p.parser.value(QStringLiteral("tolerance")).toDouble(&ok);
        if (!ok || !(settings.tolerance >= 0))
            return usageError(p.parser, QStringLiteral("--tolerance must be a number >= 0, got '%1'")
                                            .arg(p.parser.value(QStringLiteral("tolerance"))));
    }
    int verifySamples = int(settings.verifySamples);
    if (!intOption(p.parser, QStringLiteral("verify-samples"), &verifySamples, 1, &error))
        return usageError(p.parser, error);
    settings.verifySamples = verifySamples;
    if (auto resolved = resolveExportOptions(*target, settings.options); !resolved)
        return usageError(p.parser, resolved.error());

    const QString project = p.parser.positionalArguments().first();
    auto result = runExportTarget(*target, project, model, p.parser.value(QStringLiteral("out")), settings, {},
                                  cancelToken());
    if (!result)
        return fail(result.error());
    if (p.parser.isSet(p.json))
        printJson(result->toJson());
    else
        printResult(result.value());
    if (!result->passed)
        return fail(result->failure);
    return Ok;
}

static QJsonObject predictionToJson(const Prediction &pr)
{
    QJsonArray probs;
    for (float v : pr.probabilities)
        probs.append(double(v));
    return QJsonObject{{"input", pr.input}, {"label", pr.labelName}, {"index", pr.label},
                       {"confidence", double(pr.probabilities.value(pr.label))}, {"probabilities", probs}};
}

int cmdPredict(const QStringList &args)
{
    Parsed p;
    // PACKAGE plus one or more images: checked below, since the count varies.
    if (int rc = parse(p, QStringLiteral("predict"),
                       QStringLiteral("Classify images with a deployment package (folder or .tar.gz); the package's "
                                      "checksums are verified first."),
                       args, {QStringLiteral("PACKAGE")}, true);
        rc >= 0)
        return rc;
    const QStringList pos = p.parser.positionalArguments();
    if (pos.size() < 2)
        return usageError(p.parser, QStringLiteral("'predict' needs PACKAGE and at least one IMAGE"));
    auto pkg = openPackage(pos.first());
    if (!pkg)
        return fail(pkg.error());
    auto model = PackageModel::load(pkg.value());
    if (!model)
        return fail(model.error());
    auto predictions = model.value()->predictFiles(pos.mid(1));
    if (!predictions)
        return fail(predictions.error());
    QJsonArray rows;
    for (const Prediction &pr : predictions.value()) {
        rows.append(predictionToJson(pr));
        if (!p.parser.isSet(p.json))
            out() << pr.input << "\t" << pr.labelName << "\t" << QString::number(pr.probabilities.value(pr.label), 'f', 4)
                  << "\n";
    }
    if (p.parser.isSet(p.json))
        printJson({{"package", pkg->folder}, {"predictions", rows}});
    out() << Qt::flush;
    return Ok;
}

int cmdServe(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("host"), QStringLiteral("Address to bind (default 127.0.0.1)."),
                        QStringLiteral("ADDR"), QStringLiteral("127.0.0.1")});
    p.parser.addOption({QStringLiteral("port"), QStringLiteral("Port (default 8080; 0 picks a free one)."),
                        QStringLiteral("N"), QStringLiteral("8080")});
    p.parser.addOption({QStringLiteral("max-body"), QStringLiteral("Largest request body in bytes (default 8 MiB)."),
                        QStringLiteral("BYTES"), QString::number(8 * 1024 * 1024)});
    p.parser.addOption({QStringLiteral("token-env"),
                        QStringLiteral("Require 'Authorization: Bearer <token>' with the token read from this "
                                       "environment variable."),
                        QStringLiteral("VAR")});
    if (int rc = parse(p, QStringLiteral("serve"),
                       QStringLiteral("Serve a deployment package over HTTP: POST /v1/predict, GET /v1/health, "
                                      "GET /v1/model, GET /metrics. The package's checksums are verified first."),
                       args, {QStringLiteral("PACKAGE")});
        rc >= 0)
        return rc;
    ServeOptions options;
    if (!options.host.setAddress(p.parser.value(QStringLiteral("host"))))
        return usageError(p.parser, QStringLiteral("--host must be an IP address"));
    bool ok = false;
    const int port = p.parser.value(QStringLiteral("port")).toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return usageError(p.parser, QStringLiteral("--port must be 0..65535"));
    options.port = quint16(port);
    options.maxBodyBytes = p.parser.value(QStringLiteral("max-body")).toLongLong(&ok);
    if (!ok || options.maxBodyBytes < 1)
        return usageError(p.parser, QStringLiteral("--max-body must be a positive number of bytes"));
    if (p.parser.isSet(QStringLiteral("token-env"))) {
        options.bearerToken = qEnvironmentVariable(qPrintable(p.parser.value(QStringLiteral("token-env"))));
        if (options.bearerToken.isEmpty())
            return usageError(p.parser, QStringLiteral("environment variable %1 is empty").arg(p.parser.value(QStringLiteral("token-env"))));
    }
    auto pkg = openPackage(p.parser.positionalArguments().first());
    if (!pkg)
        return fail(pkg.error());
    auto model = PackageModel::load(pkg.value());
    if (!model)
        return fail(model.error());
    auto server = PackageServer::start(model.value(), options);
    if (!server)
        return fail(server.error());
    out() << "listening on http://" << options.host.toString() << ":" << server.value()->port() << "\n" << Qt::flush;
    // SIGINT/SIGTERM only set a flag; the event loop checks it.
    QTimer stopCheck;
    QObject::connect(&stopCheck, &QTimer::timeout, &stopCheck, [] {
        if (cancelToken().isCancelled())
            QCoreApplication::quit();
    });
    stopCheck.start(200);
    QCoreApplication::exec();
    err() << "lepton serve: stopped" << Qt::endl;
    return Ok;
}

} // namespace lepton::Cli
