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

int cmdExport(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("model"), QStringLiteral("Model version id."), QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("out"),
                        QStringLiteral("Output: a file for torchscript, a new folder for package (plus FOLDER.tar.gz)."),
                        QStringLiteral("PATH")});
    p.parser.addOption({{QStringLiteral("target"), QStringLiteral("format")},
                        QStringLiteral("torchscript (default), onnx or package."), QStringLiteral("TARGET"),
                        QStringLiteral("torchscript")});
    p.parser.addOption({QStringLiteral("opset"), QStringLiteral("ONNX opset, 11..17 (default 13)."), QStringLiteral("N"),
                        QString::number(OnnxDefaultOpset)});
    if (int rc = parse(p, QStringLiteral("export"),
                       QStringLiteral("Export a model version and verify the written files against the live model."),
                       args, {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    bool ok = false;
    const qint64 model = p.parser.value(QStringLiteral("model")).toLongLong(&ok);
    if (!ok)
        return usageError(p.parser, QStringLiteral("--model ID is required"));
    if (!p.parser.isSet(QStringLiteral("out")))
        return usageError(p.parser, QStringLiteral("--out PATH is required"));
    const QString target = p.parser.value(QStringLiteral("target"));
    const QString project = p.parser.positionalArguments().first();
    const QString outPath = p.parser.value(QStringLiteral("out"));
    const bool json = p.parser.isSet(p.json);
    if (target == QLatin1String("package")) {
        auto pkg = exportPackage(project, model, outPath, {}, cancelToken());
        if (!pkg)
            return fail(pkg.error());
        if (json) {
            printJson({{"folder", pkg->folder}, {"archive", pkg->archive}, {"files", QJsonArray::fromStringList(pkg->files)},
                       {"verification", QJsonObject{{"torchscript", pkg->torchscript.verification.toJson()},
                                                    {"onnx", pkg->onnx.verification.toJson()}}}});
        } else {
            out() << "wrote package " << pkg->folder << " and " << pkg->archive << "\n";
            for (const QString &f : pkg->files)
                out() << "  " << f << "\n";
            out() << Qt::flush;
        }
        return Ok;
    }
    if (target != QLatin1String("torchscript") && target != QLatin1String("onnx"))
        return usageError(p.parser, QStringLiteral("unknown --target '%1' (supported: torchscript, onnx, package)").arg(target));
    int opset = OnnxDefaultOpset;
    QString error;
    if (!intOption(p.parser, QStringLiteral("opset"), &opset, 1, &error))
        return usageError(p.parser, error);
    auto outcome = target == QLatin1String("onnx") ? exportOnnx(project, model, outPath, opset, {}, cancelToken())
                                                   : exportTorchScript(project, model, outPath, {}, cancelToken());
    if (!outcome)
        return fail(outcome.error());
    const ExportVerification &v = outcome->verification;
    if (json) {
        printJson({{"export_id", outcome->exportId}, {"path", outcome->path}, {"sha256", outcome->sha256},
                   {"bytes", double(outcome->bytes)}, {"verification", v.toJson()}});
    } else {
        out() << "wrote " << outcome->path << " (" << outcome->bytes << " bytes, sha256 " << outcome->sha256 << ")\n"
              << "verified on " << v.samples << " samples: max |diff| " << v.maxAbsDiff << ", top-1 agreement "
              << v.top1Agreement << ", accuracy " << v.exportedAccuracy << "\n"
              << Qt::flush;
    }
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
