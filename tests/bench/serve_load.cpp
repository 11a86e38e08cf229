// Bounded load test of `lepton serve` over loopback: N requests (default 2000) from this process to
// the server process, K in flight at once; prints requests/s and latency percentiles. No thresholds.
//   serve_load LEPTON_CLI [REQUESTS] [CONCURRENCY]
#include "deploy/deploymentpackage.h"
#include "pipeline/demopipeline.h"
#include "trainedproject.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <functional>

using namespace lepton;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    if (argc < 2) {
        out << "usage: serve_load LEPTON_CLI [REQUESTS] [CONCURRENCY]\n";
        return 2;
    }
    const QString cli = QString::fromLocal8Bit(argv[1]);
    const int total = argc > 2 ? std::clamp(atoi(argv[2]), 1, 100000) : 2000;
    const int concurrency = argc > 3 ? std::clamp(atoi(argv[3]), 1, 64) : 8;
    configureRuntime(1);   // the server gets the other core
    QTemporaryDir dir;
    auto trained = Testing::makeTrainedDemoProject(dir.filePath(QStringLiteral("load.lepton")));
    auto pkg = trained ? exportPackage(trained->project.projectPath, trained->modelVersionId, dir.filePath(QStringLiteral("pkg")))
                       : Result<PackageOutcome>::failure(trained.error());
    if (!pkg) {
        out << "error: " << pkg.error() << Qt::endl;
        return 1;
    }
    QFile sample(pkg->folder + QStringLiteral("/samples/sample_0.png"));
    if (!sample.open(QIODevice::ReadOnly))
        return 1;
    const QByteArray body = sample.readAll();

    QProcess server;
    server.start(cli, {"serve", pkg->archive, "--port", "0", "--threads", "1"});
    if (!server.waitForReadyRead(60000)) {
        out << "error: server did not start: " << server.readAllStandardError() << Qt::endl;
        return 1;
    }
    const auto m = QRegularExpression(QStringLiteral("listening on (http://\\S+)")).match(QString::fromUtf8(server.readAllStandardOutput()));
    const QUrl url(m.captured(1) + QStringLiteral("/v1/predict"));

    QNetworkAccessManager net;
    QVector<double> latencies;
    latencies.reserve(total);
    int sent = 0, done = 0, failed = 0;
    QElapsedTimer wall;
    wall.start();
    std::function<void()> sendOne = [&] {
        if (sent >= total)
            return;
        ++sent;
        QNetworkRequest req(url);
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("image/png"));
        auto *timer = new QElapsedTimer;
        timer->start();
        QNetworkReply *reply = net.post(req, body);
        QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply, timer] {
            latencies.append(timer->nsecsElapsed() / 1e6);
            delete timer;
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
                ++failed;
            reply->deleteLater();
            if (++done == total)
                QCoreApplication::quit();
            else
                sendOne();
        });
    };
    for (int i = 0; i < concurrency; ++i)
        sendOne();
    QTimer::singleShot(600000, &app, &QCoreApplication::quit);   // bounded in time as well as in count
    app.exec();
    const double seconds = wall.nsecsElapsed() / 1e9;
    server.terminate();
    server.waitForFinished(10000);
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double p) { return latencies.isEmpty() ? 0.0 : latencies[std::min<int>(latencies.size() - 1, int(p * latencies.size()))]; };
    out << "serve_load: " << done << " POST /v1/predict (20x20 PNG) over loopback, " << concurrency
        << " in flight, server on 1 thread\n";
    out << "  " << QString::number(done / seconds, 'f', 0) << " requests/s; latency ms p50 " << QString::number(pct(0.5), 'f', 2)
        << ", p90 " << QString::number(pct(0.9), 'f', 2) << ", p99 " << QString::number(pct(0.99), 'f', 2) << ", max "
        << QString::number(latencies.isEmpty() ? 0 : latencies.last(), 'f', 2) << "; failed " << failed << "\n";
    out << QJsonDocument(QJsonObject{{"requests", done}, {"failed", failed}, {"requests_per_second", done / seconds},
                                     {"p50_ms", pct(0.5)}, {"p99_ms", pct(0.99)}})
               .toJson(QJsonDocument::Compact)
        << Qt::endl;
    return failed == 0 && done == total ? 0 : 1;
}
