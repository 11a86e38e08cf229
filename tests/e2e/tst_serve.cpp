// `lepton serve` over loopback with real HTTP requests, malformed ones included.
#include "deploy/deploymentpackage.h"
#include "pipeline/demopipeline.h"
#include "trainedproject.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace lepton;

class TestServe : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_package;
    QProcess m_server;
    QString m_base;
    QNetworkAccessManager m_net;

    struct Reply
    {
        int status = 0;
        QByteArray body;
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };

    Reply send(const QByteArray &method, const QString &path, const QByteArray &body = {},
               const QByteArray &contentType = {}, const QByteArray &token = {}, const QString &base = {})
    {
        QNetworkRequest req(QUrl((base.isEmpty() ? m_base : base) + path));
        if (!contentType.isEmpty())
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token);
        QNetworkReply *reply = m_net.sendCustomRequest(req, method, body);
        QEventLoop loop;
        QTimer::singleShot(30000, &loop, &QEventLoop::quit);
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        reply->deleteLater();
        return r;
    }

    static QString startServer(QProcess &process, const QStringList &extra)
    {
        process.start(QStringLiteral(LEPTON_CLI), QStringList{"serve"} + extra + QStringList{"--port", "0"});
        if (!process.waitForReadyRead(60000))
            return {};
        const QRegularExpression re(QStringLiteral("listening on (http://[0-9.]+:[0-9]+)"));
        const auto m = re.match(QString::fromUtf8(process.readAllStandardOutput()));
        return m.hasMatch() ? m.captured(1) : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        auto trained = Testing::makeTrainedDemoProject(m_dir.filePath(QStringLiteral("serve.lepton")));
        QVERIFY2(trained.ok(), qPrintable(trained.error()));
        auto pkg = exportPackage(trained->project.projectPath, trained->modelVersionId, m_dir.filePath(QStringLiteral("pkg")));
        QVERIFY2(pkg.ok(), qPrintable(pkg.error()));
        m_package = pkg->archive;
        m_base = startServer(m_server, {m_package, "--max-body", "100000"});
        QVERIFY2(!m_base.isEmpty(), m_server.readAllStandardError().constData());
    }

    void cleanupTestCase()
    {
        m_server.terminate();
        QVERIFY(m_server.waitForFinished(10000));
        QCOMPARE(m_server.exitCode(), 0);
    }

    void healthAndModel()
    {
        Reply r = send("GET", "/v1/health");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("status").toString(), QStringLiteral("ok"));
        r = send("GET", "/v1/model");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("format").toString(), QStringLiteral("lepton-package"));
        QVERIFY(r.json().value("files").toObject().contains("model.pt"));
    }

    void predictImageMatchesPackageSamples()
    {
        const QString folder = m_dir.filePath(QStringLiteral("pkg"));
        QFile ef(folder + "/samples/expected.json");
        QVERIFY(ef.open(QIODevice::ReadOnly));
        const QJsonArray expected = QJsonDocument::fromJson(ef.readAll()).object().value("samples").toArray();
        QVERIFY(!expected.isEmpty());
        for (const QJsonValue &e : expected) {
            QFile img(folder + "/" + e.toObject().value("file").toString());
            QVERIFY(img.open(QIODevice::ReadOnly));
            const Reply r = send("POST", "/v1/predict", img.readAll(), "image/png");
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json().value("label").toString(), e.toObject().value("predicted_label").toString());
            QCOMPARE(r.json().value("scores").toArray().size(), 10);
        }
    }

    void predictTensor()
    {
        QJsonArray values;
        for (int i = 0; i < 2 * 400; ++i)
            values.append((i % 17) / 17.0);
        const Reply r = send("POST", "/v1/predict",
                             QJsonDocument(QJsonObject{{"tensor", values}, {"count", 2}}).toJson(), "application/json");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("predictions").toArray().size(), 2);
    }

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::newRow("malformed json") << QByteArray("POST") << "/v1/predict" << QByteArray("{\"tensor\": [1, 2")
                                        << QByteArray("application/json") << 400 << "malformed JSON";
        QTest::newRow("json without tensor") << QByteArray("POST") << "/v1/predict" << QByteArray("{\"x\": 1}")
                                             << QByteArray("application/json") << 400 << "\"tensor\"";
        QTest::newRow("wrong tensor size") << QByteArray("POST") << "/v1/predict" << QByteArray("{\"tensor\": [1, 2, 3]}")
                                           << QByteArray("application/json") << 422 << "tensor has 3 values";
        QTest::newRow("non-numeric tensor") << QByteArray("POST") << "/v1/predict" << QByteArray("{\"tensor\": [\"a\"]}")
                                            << QByteArray("application/json") << 422 << "numbers only";
        QTest::newRow("corrupt image") << QByteArray("POST") << "/v1/predict" << QByteArray("\x89PNG not really")
                                       << QByteArray("image/png") << 422 << "not a readable image";
        QTest::newRow("empty image") << QByteArray("POST") << "/v1/predict" << QByteArray() << QByteArray("image/png")
                                     << 422 << "empty image";
        QTest::newRow("wrong type") << QByteArray("POST") << "/v1/predict" << QByteArray("hello") << QByteArray("text/plain")
                                    << 415 << "Content-Type";
        QTest::newRow("too large") << QByteArray("POST") << "/v1/predict" << QByteArray(200000, 'x')
                                   << QByteArray("image/png") << 413 << "exceeds the limit";
        QTest::newRow("GET predict") << QByteArray("GET") << "/v1/predict" << QByteArray() << QByteArray() << 405 << "POST only";
        QTest::newRow("unknown path") << QByteArray("GET") << "/v2/nothing" << QByteArray() << QByteArray() << 404
                                      << "no such endpoint";
    }
    void badRequests()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, type);
        QFETCH(int, status);
        QFETCH(QString, message);
        const Reply r = send(method, path, body, type);
        QCOMPARE(r.status, status);
        QVERIFY2(r.json().value("error").toString().contains(message), r.body.constData());
        QCOMPARE(send("GET", "/v1/health").status, 200);   // still serving
    }

    void metricsCountRequests()
    {
        const Reply r = send("GET", "/metrics");
        QCOMPARE(r.status, 200);
        const QString text = QString::fromUtf8(r.body);
        QVERIFY2(text.contains(QStringLiteral("lepton_requests_total{path=\"/v1/predict\",status=\"200\"} 11")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("lepton_requests_total{path=\"/v1/predict\",status=\"422\"}")));
        QVERIFY(text.contains(QStringLiteral("lepton_predict_latency_seconds_count")));
        QVERIFY(text.contains(QStringLiteral("lepton_request_errors_total")));
    }

    void bearerToken()
    {
        QProcess secured;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("LEPTON_TOKEN", "s3cret");
        secured.setProcessEnvironment(env);
        const QString base = startServer(secured, {m_package, "--token-env", "LEPTON_TOKEN"});
        QVERIFY2(!base.isEmpty(), secured.readAllStandardError().constData());
        QCOMPARE(send("GET", "/v1/health", {}, {}, {}, base).status, 401);
        QCOMPARE(send("GET", "/v1/health", {}, {}, "wrong", base).status, 401);
        QCOMPARE(send("GET", "/v1/health", {}, {}, "s3cret", base).status, 200);
        secured.terminate();
        QVERIFY(secured.waitForFinished(10000));
    }

    void refusesTamperedPackage()
    {
        const QString folder = m_dir.filePath(QStringLiteral("pkg"));
        QFile f(folder + "/preprocess.json");
        QVERIFY(f.open(QIODevice::Append));
        f.write(" ");
        f.close();
        QProcess p;
        p.start(QStringLiteral(LEPTON_CLI), {"serve", folder, "--port", "0"});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardError().contains("does not match its SHA-256"));
    }
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
