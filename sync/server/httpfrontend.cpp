#include "httpfrontend.h"

#include "protocol.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QTcpServer>
#include <QtConcurrent>

namespace hearth::server {

namespace {

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    default:
        return "OTHER";
    }
}

} // namespace

HttpFrontEnd::HttpFrontEnd(SyncService &service, int threads, QObject *parent) : QObject(parent), m_service(service)
{
    m_pool.setMaxThreadCount(qMax(1, threads));
    m_pool.setExpiryTimeout(-1); // threads keep their database connections
    m_http.route(QStringLiteral("/v1/<arg>"), [this](const QString &endpoint, const QHttpServerRequest &req) {
        ServiceRequest r;
        r.method = methodName(req.method());
        r.path = QStringLiteral("/v1/") + endpoint;
        r.body = req.body();
        r.authorization = req.value("Authorization");
        r.protocolVersion = req.value(sync::ProtocolHeader);
        r.contentType = req.value("Content-Type");
        r.peer = req.remoteAddress().toString();
        return QtConcurrent::run(&m_pool, [this, r] {
            const ServiceResponse out = m_service.handle(r);
            return QHttpServerResponse(out.contentType, out.body, QHttpServerResponse::StatusCode(out.status));
        });
    });
    // Every other path gets the protocol's JSON error body, not an empty 404.
    m_http.setMissingHandler([](const QHttpServerRequest &req, QHttpServerResponder &&responder) {
        responder.write(sync::errorBody(QStringLiteral("not_found"),
                                        QStringLiteral("No such endpoint: %1").arg(req.url().path().left(200))),
                        "application/json", QHttpServerResponder::StatusCode::NotFound);
    });
}

Result<quint16> HttpFrontEnd::listen(const QHostAddress &address, quint16 port, const TlsIdentity &identity)
{
    m_http.sslSetup(identity.certificate, identity.key, QSsl::TlsV1_2OrLater);
    const quint16 bound = m_http.listen(address, port);
    if (bound == 0)
        return makeError(
            ErrorCode::Io,
            QStringLiteral("Cannot listen on %1:%2 (in use, or not allowed)").arg(address.toString()).arg(port));
    return bound;
}

void HttpFrontEnd::shutdown(int timeoutMs)
{
    for (QTcpServer *s : m_http.servers())
        s->close();
    m_pool.waitForDone(timeoutMs);
}

} // namespace hearth::server
