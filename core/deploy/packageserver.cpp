#include "deploy/packageserver.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>

#include <array>

namespace lepton {

namespace {

using HttpStatus = QHttpServerResponse::StatusCode;

constexpr std::array<double, 9> kLatencyBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};

QHttpServerResponse jsonResponse(const QJsonObject &o, HttpStatus status = HttpStatus::Ok)
{
    return QHttpServerResponse(QByteArrayLiteral("application/json"), QJsonDocument(o).toJson(QJsonDocument::Compact),
                               status);
}

QHttpServerResponse errorResponse(HttpStatus status, const QString &message)
{
    return jsonResponse(QJsonObject{{"error", message}}, status);
}

QJsonObject predictionJson(const Prediction &p)
{
    QJsonArray scores;
    for (float v : p.probabilities)
        scores.append(double(v));
    return QJsonObject{{"label", p.labelName}, {"index", p.label},
                       {"confidence", double(p.probabilities.value(p.label))}, {"scores", scores}};
}

} // namespace

struct PackageServer::Private
{
    std::shared_ptr<PackageModel> model;
    ServeOptions options;
    QHttpServer server;
    quint16 port = 0;
    QMap<QPair<QString, int>, qint64> requests;   // (path, status) -> count
    std::array<qint64, kLatencyBuckets.size()> latencyBuckets{};
    qint64 latencyCount = 0;
    double latencySum = 0;

    void count(const QString &path, HttpStatus status) { ++requests[{path, int(status)}]; }

    // Returns an error response when the request may not go on.
    std::optional<QHttpServerResponse> guard(const QHttpServerRequest &req, const QString &path,
                                             QHttpServerRequest::Method allowed)
    {
        if (!options.bearerToken.isEmpty()
            && req.value(QByteArrayLiteral("Authorization")) != "Bearer " + options.bearerToken.toUtf8()) {
            count(path, HttpStatus::Unauthorized);
            return errorResponse(HttpStatus::Unauthorized, QStringLiteral("missing or wrong bearer token"));
        }
        if (req.method() != allowed) {
            count(path, HttpStatus::MethodNotAllowed);
            return errorResponse(HttpStatus::MethodNotAllowed,
                                 QStringLiteral("%1 takes %2 only").arg(path, allowed == QHttpServerRequest::Method::Get
                                                                                  ? QStringLiteral("GET")
                                                                                  : QStringLiteral("POST")));
        }
        if (req.body().size() > options.maxBodyBytes) {
            count(path, HttpStatus::PayloadTooLarge);
            return errorResponse(HttpStatus::PayloadTooLarge, QStringLiteral("request body of %1 bytes exceeds the limit of %2")
                                                              .arg(req.body().size())
                                                              .arg(options.maxBodyBytes));
        }
        return std::nullopt;
    }

    QHttpServerResponse predict(const QHttpServerRequest &req)
    {
        const QString path = QStringLiteral("/v1/predict");
        if (auto refused = guard(req, path, QHttpServerRequest::Method::Post))
            return std::move(*refused);
        QElapsedTimer timer;
        timer.start();
        const QByteArray type = req.value(QByteArrayLiteral("Content-Type")).toLower();
        QJsonObject body;
        HttpStatus status = HttpStatus::Ok;
        if (type.startsWith("application/json")) {
            QJsonParseError pe{};
            const QJsonDocument doc = QJsonDocument::fromJson(req.body(), &pe);
            const QJsonArray tensor = doc.object().value(QLatin1String("tensor")).toArray();
            if (pe.error != QJsonParseError::NoError) {
                status = HttpStatus::BadRequest;
                body = {{"error", QStringLiteral("malformed JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString())}};
            } else if (tensor.isEmpty()) {
                status = HttpStatus::BadRequest;
                body = {{"error", QStringLiteral("JSON body needs \"tensor\": a flat list of %1 floats per sample (NCHW, "
                                                 "preprocessed as in preprocess.json) and optional \"count\"")
                                      .arg(model->inputSize())}};
            } else {
                QVector<float> values;
                values.reserve(tensor.size());
                bool numeric = true;
                for (const QJsonValue &v : tensor) {
                    numeric = numeric && v.isDouble();
                    values.append(float(v.toDouble()));
                }
                const int n = doc.object().value(QLatin1String("count")).toInt(1);
                auto predictions = numeric ? model->predictTensor(values, n)
                                           : Result<QVector<Prediction>>::failure(QStringLiteral("\"tensor\" must hold numbers only"));
                if (!predictions) {
                    status = HttpStatus::UnprocessableEntity;
                    body = {{"error", predictions.error()}};
                } else {
                    QJsonArray rows;
                    for (const Prediction &p : predictions.value())
                        rows.append(predictionJson(p));
                    body = {{"predictions", rows}};
                }
            }
        } else if (type.startsWith("image/") || type.startsWith("application/octet-stream")) {
            auto p = model->predictEncoded(req.body(), QStringLiteral("request body"));
            if (!p) {
                status = HttpStatus::UnprocessableEntity;
                body = {{"error", p.error()}};
            } else {
                body = predictionJson(p.value());
            }
        } else {
            status = HttpStatus::UnsupportedMediaType;
            body = {{"error", QStringLiteral("Content-Type must be image/png, image/jpeg, application/octet-stream or "
                                             "application/json, got '%1'")
                                  .arg(QString::fromUtf8(type))}};
        }
        const double seconds = timer.nsecsElapsed() / 1e9;
        for (size_t i = 0; i < kLatencyBuckets.size(); ++i)
            if (seconds <= kLatencyBuckets[i])
                ++latencyBuckets[i];
        ++latencyCount;
        latencySum += seconds;
        count(path, status);
        return jsonResponse(body, status);
    }

    QString metricsText() const
    {
        QString t;
        t += QStringLiteral("# HELP lepton_requests_total HTTP requests by path and status.\n"
                            "# TYPE lepton_requests_total counter\n");
        qint64 errors = 0;
        for (auto it = requests.begin(); it != requests.end(); ++it) {
            t += QStringLiteral("lepton_requests_total{path=\"%1\",status=\"%2\"} %3\n").arg(it.key().first).arg(it.key().second).arg(it.value());
            if (it.key().second >= 400)
                errors += it.value();
        }
        t += QStringLiteral("# HELP lepton_request_errors_total Requests answered with a 4xx or 5xx status.\n"
                            "# TYPE lepton_request_errors_total counter\nlepton_request_errors_total %1\n")
                 .arg(errors);
        t += QStringLiteral("# HELP lepton_predict_latency_seconds Time to answer /v1/predict.\n"
                            "# TYPE lepton_predict_latency_seconds histogram\n");
        for (size_t i = 0; i < kLatencyBuckets.size(); ++i)
            t += QStringLiteral("lepton_predict_latency_seconds_bucket{le=\"%1\"} %2\n").arg(kLatencyBuckets[i]).arg(latencyBuckets[i]);
        t += QStringLiteral("lepton_predict_latency_seconds_bucket{le=\"+Inf\"} %1\n").arg(latencyCount);
        t += QStringLiteral("lepton_predict_latency_seconds_sum %1\nlepton_predict_latency_seconds_count %2\n")
                 .arg(latencySum, 0, 'g', 9)
                 .arg(latencyCount);
        return t;
    }
};

PackageServer::PackageServer(std::unique_ptr<Private> dd) : d(std::move(dd)) {}
PackageServer::~PackageServer() = default;
quint16 PackageServer::port() const { return d->port; }

Result<std::unique_ptr<PackageServer>> PackageServer::start(std::shared_ptr<PackageModel> model, const ServeOptions &options)
{
    using R = Result<std::unique_ptr<PackageServer>>;
    auto d = std::make_unique<Private>();
    d->model = std::move(model);
    d->options = options;
    Private *p = d.get();
    d->server.route(QStringLiteral("/v1/predict"), [p](const QHttpServerRequest &req) { return p->predict(req); });
    d->server.route(QStringLiteral("/v1/health"), [p](const QHttpServerRequest &req) {
        if (auto refused = p->guard(req, QStringLiteral("/v1/health"), QHttpServerRequest::Method::Get))
            return std::move(*refused);
        p->count(QStringLiteral("/v1/health"), HttpStatus::Ok);
        return jsonResponse(QJsonObject{{"status", "ok"},
                                        {"model", p->model->package().manifest.value("model_version").toObject().value("name")}});
    });
    d->server.route(QStringLiteral("/v1/model"), [p](const QHttpServerRequest &req) {
        if (auto refused = p->guard(req, QStringLiteral("/v1/model"), QHttpServerRequest::Method::Get))
            return std::move(*refused);
        p->count(QStringLiteral("/v1/model"), HttpStatus::Ok);
        return jsonResponse(p->model->package().manifest);
    });
    d->server.route(QStringLiteral("/metrics"), [p](const QHttpServerRequest &req) {
        if (auto refused = p->guard(req, QStringLiteral("/metrics"), QHttpServerRequest::Method::Get))
            return std::move(*refused);
        p->count(QStringLiteral("/metrics"), HttpStatus::Ok);
        return QHttpServerResponse(QByteArrayLiteral("text/plain; version=0.0.4"), p->metricsText().toUtf8());
    });
    d->server.setMissingHandler([p](const QHttpServerRequest &req, QHttpServerResponder &&responder) {
        p->count(QStringLiteral("other"), HttpStatus::NotFound);
        responder.write(QJsonDocument(QJsonObject{{"error", QStringLiteral("no such endpoint: %1").arg(req.url().path())}}),
                        QHttpServerResponder::StatusCode::NotFound);
    });
    const int port = d->server.listen(options.host, options.port);
    if (port <= 0)
        return R::failure(QStringLiteral("cannot listen on %1:%2 (in use or not allowed)").arg(options.host.toString()).arg(options.port));
    d->port = quint16(port);
    return R(std::unique_ptr<PackageServer>(new PackageServer(std::move(d))));
}

} // namespace lepton
