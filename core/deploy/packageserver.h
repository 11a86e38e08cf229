#pragma once
// HTTP serving of a deployment package (Qt HttpServer) for ops:
//   POST /v1/predict   image bytes (PNG/JPEG/...) or JSON {"tensor": [...], "count": N}
//   GET  /v1/health    GET /v1/model (manifest)    GET /metrics (Prometheus text)
// Loopback by default, request size limit, optional bearer token; bad requests get 4xx + message.
#include "common/result.h"
#include "deploy/packagemodel.h"

#include <QHostAddress>
#include <QObject>

#include <memory>

namespace lepton {

struct ServeOptions
{
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 8080;                 // 0: any free port (see PackageServer::port())
    qint64 maxBodyBytes = 8 * 1024 * 1024;
    QString bearerToken;                 // empty: no authentication
};

class PackageServer : public QObject
{
    Q_OBJECT
public:
    static Result<std::unique_ptr<PackageServer>> start(std::shared_ptr<PackageModel> model, const ServeOptions &options);
    ~PackageServer() override;
    quint16 port() const;

private:
    struct Private;
    explicit PackageServer(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace lepton
