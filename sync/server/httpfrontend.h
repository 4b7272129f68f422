#pragma once

#include "syncservice.h"
#include "tlsidentity.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerResponder>
#include <QPointer>
#include <QThreadPool>

#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>

class QTcpSocket;

namespace hearth::server {

// Qt HTTP Server over TLS in front of SyncService. Store work runs on a thread pool (one database
// connection per thread) so a slow request never stalls the others; replies are written back on
// the event-loop thread, and only to a connection that is still there (see handleApi()).
//
// Every connection also has a guard (httpfrontend.cpp) that reads each request's headers before
// Qt HTTP Server buffers the body: a body declared over the protocol's limit is refused at once,
// and a connection that stalls (mid-request, not reading its reply, or idle) is closed.
class HttpFrontEnd : public QObject
{
    Q_OBJECT
public:
    HttpFrontEnd(SyncService &service, int threads, QObject *parent = nullptr);
    ~HttpFrontEnd() override;

    // How long a connection may make no progress before it is closed: a request stalled part way,
    // a reply the client does not read, or a kept-alive connection left idle. Never applies while
    // the server itself is working on a request. Set before listen().
    void setIdleTimeout(int ms) { m_idleTimeoutMs = qMax(100, ms); }
    // How many connections may be open at once, so the process never runs out of file descriptors
    // mid-commit. At the limit up to 256 more wait their turn (accepted, before TLS) and take the
    // next place that frees; more than that are closed at once and their devices back off and
    // retry. Set before listen().
    void setMaxConnections(int n) { m_maxConnections = qMax(1, n); }

    // Starts listening with TLS; returns the port (useful when `port` is 0).
    Result<quint16> listen(const QHostAddress &address, quint16 port, const TlsIdentity &identity);
    // Stops accepting connections and requests, waits (up to `timeoutMs`) for the requests being
    // handled to finish, and writes their replies out, so no acknowledged commit goes unanswered.
    void shutdown(int timeoutMs);

private:
    void handleApi(const QString &endpoint, const QHttpServerRequest &req, QHttpServerResponder &&responder);
    void reply(quint64 id, const ServiceResponse &out);
    void flushReplies(const void *connection);
    [[nodiscard]] bool repliesPending(const QTcpSocket *socket) const;
    [[nodiscard]] bool repliesUnsent() const;

    SyncService &m_service;
    QThreadPool m_pool;
    // Before m_http: its sockets count themselves out here as it deletes them.
    int m_maxConnections = 1000;
    int m_open = 0; // connections accepted and not yet gone
    QHttpServer m_http;
    int m_idleTimeoutMs = 60000;
    // Requests handed to the pool whose reply is not yet written or dropped; only this thread
    // touches them.
    struct PendingReply {
        const void *connection; // the socket's address, the key of m_order
        QPointer<QTcpSocket> peer;
        std::unique_ptr<QHttpServerResponder> responder;
        QString path;
        std::optional<ServiceResponse> ready; // produced, waiting for an earlier reply on its connection
    };
    std::unordered_map<quint64, PendingReply> m_replies;
    // Per connection, its requests' reply ids in arrival order.
    std::unordered_map<const void *, std::deque<quint64>> m_order;
    quint64 m_lastReplyId = 0;
    bool m_stopping = false;
};

} // namespace hearth::server
