#include "httpfrontend.h"

#include "dashboardroutes.h"
#include "protocol.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslServer>
#include <QSslSocket>
#include <QTimer>

#include <unistd.h>

#include <deque>
#include <functional>
#include <memory>

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

void logEvent(const QJsonObject &o)
{
    qCInfo(lcServer).noquote() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// A request's header block larger than this is refused: real ones are well under 1 KiB, and the
// guard below must not buffer without bound while it looks for the end of the headers.
constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
// After refusing a declared body, the guard reads and drops up to this much of it (without keeping
// it) so that a client that sends its body before reading the answer (QNetworkAccessManager does)
// still gets to read the refusal; past this the connection is simply closed.
constexpr qint64 kMaxDiscardBytes = 2 * qint64(sync::MaxBodyBytes);

// What the guard needs from a request's header block.
struct Framing {
    bool valid = true;
    bool chunked = false; // any Transfer-Encoding but identity
    qint64 contentLength = 0;
};

// The end of the header block in `buf` (just after the blank line), or -1. Bare LF line ends are
// accepted, as Qt's parser accepts them.
qsizetype headerEnd(const QByteArray &buf, qsizetype from)
{
    for (qsizetype i = qMax<qsizetype>(0, from); i < buf.size(); ++i) {
        if (buf.at(i) != '\n')
            continue;
        if (i + 1 < buf.size() && buf.at(i + 1) == '\n')
            return i + 2;
        if (i + 2 < buf.size() && buf.at(i + 1) == '\r' && buf.at(i + 2) == '\n')
            return i + 3;
    }
    return -1;
}

Framing framingOf(const QByteArray &head)
{
    Framing f;
    bool seenLength = false;
    const QList<QByteArray> lines = head.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) { // line 0 is the request line
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "transfer-encoding") {
            f.chunked |= value.toLower() != "identity";
        } else if (name == "content-length") {
            // "5" or "5, 5"; anything else (signs, other digits, overflow) is malformed.
            for (const QByteArray &part : value.split(',')) {
                const QByteArray digits = part.trimmed();
                bool ok = !digits.isEmpty() && digits.size() <= 18;
                for (char c : digits)
                    ok &= c >= '0' && c <= '9';
                const qint64 n = ok ? digits.toLongLong(&ok) : -1;
                if (!ok || (seenLength && n != f.contentLength)) {
                    f.valid = false;
                    return f;
                }
                f.contentLength = n;
                seenLength = true;
            }
        }
    }
    return f;
}

} // namespace

// Watches one TLS connection on behalf of the front end, for what Qt HTTP Server 6.4 does not do:
//
// - Early refusal. QHttpServer 6.4 calls a handler only once the whole body is buffered (its
//   QAbstractHttpServer parses in a private readyRead slot; there is no hook at the end of the
//   headers, and QHttpServerRequest is not exposed before then). The guard is connected to the
//   socket's readyRead before QHttpServer is (when the socket is made, while QHttpServer connects
//   only once the TLS handshake is done), so it sees every new byte first, with peek(), and
//   follows each request's framing. When a request's headers declare a body over the protocol's
//   limit, or a chunked one (whose size cannot be known in advance), it answers 413 / 400 itself,
//   disconnects QHttpServer from the socket before QHttpServer reads a byte of that request, drops
//   the body as it arrives without keeping it, and closes the connection.
// - Timeouts. A connection that makes no progress (no byte in or out) for the idle timeout is
//   closed, except while a reply is being produced by the server: so a client that declares a body
//   and stalls, or never reads its answer, cannot hold a socket and its buffers for ever. Worker
//   threads are never involved: a request reaches the pool only once it is complete.
class ConnectionGuard : public QObject
{
    Q_OBJECT
public:
    ConnectionGuard(QSslSocket *socket, QObject *http, int idleTimeoutMs)
        : QObject(socket), m_socket(socket), m_http(http)
    {
        m_timer.setSingleShot(true);
        m_timer.setInterval(idleTimeoutMs);
        connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
        connect(socket, &QIODevice::readyRead, this, &ConnectionGuard::onReadyRead);
        connect(socket, &QSslSocket::encryptedBytesWritten, this, &ConnectionGuard::progress);
        // QHttpServer 6.4 deletes a socket that disconnects only once it has read a request from
        // it; one closed by its client before that would stay, holding a descriptor and a place
        // under the connection limit, until the idle timeout. A socket whose reply is pending is
        // left to the front end (which checks it is still there) and QHttpServer.
        connect(socket, &QAbstractSocket::disconnected, this, [this] {
            if (m_pending == 0)
                m_socket->deleteLater();
        });
        connect(socket, &QSslSocket::encrypted, this, [this] {
            // By now QHttpServer has connected its readyRead slot (QSslServer hands the socket over
            // on `encrypted`, before this slot): this one runs after it and notes what it left
            // unread, so that onReadyRead() counts only bytes it has not seen.
            connect(m_socket, &QIODevice::readyRead, this, [this] { m_seenUnread = m_socket->bytesAvailable(); });
            progress(); // until now QSslServer's own handshake timeout applied
        });
    }

    // The front end took a complete request and works on it: no timeout until the reply is out.
    void replyPending()
    {
        ++m_pending;
        m_timer.stop();
    }
    void replyDone()
    {
        if (m_pending > 0)
            --m_pending;
        progress();
    }

private:
    void progress()
    {
        if (m_pending == 0)
            m_timer.start();
    }

    void onReadyRead()
    {
        if (!m_socket->isEncrypted())
            return; // the TLS client hello, which QSslServer peeks at before the handshake
        const qint64 available = m_socket->bytesAvailable();
        if (available <= m_seenUnread)
            return;
        progress();
        if (m_phase == Phase::Discard) {
            m_discardLeft -= available - m_seenUnread;
            m_socket->skip(available);
            m_seenUnread = 0;
            if (m_discardLeft <= 0)
                m_socket->disconnectFromHost();
            return;
        }
        // Follow the framing of the new bytes: bodies are only counted; header blocks are
        // collected (up to kMaxHeaderBytes) to read their Content-Length.
        QByteArray fresh; // peeked lazily: most new bytes are body bytes, never copied here
        qint64 offset = m_seenUnread;
        while (offset < available) {
            if (m_phase == Phase::Body) {
                const qint64 n = qMin(available - offset, m_bodyLeft);
                m_bodyLeft -= n;
                offset += n;
                if (m_bodyLeft == 0)
                    m_phase = Phase::Headers;
                continue;
            }
            if (fresh.isNull())
                fresh = m_socket->peek(available);
            // Blank lines between requests are allowed (RFC 9112 §2.2); they are not a header block.
            while (m_head.isEmpty() && offset < available && (fresh.at(offset) == '\r' || fresh.at(offset) == '\n'))
                ++offset;
            if (offset >= available)
                break;
            const qsizetype before = m_head.size();
            m_head.append(fresh.constData() + offset, qMin(available - offset, kMaxHeaderBytes + 4 - before));
            const qsizetype end = headerEnd(m_head, before - 2);
            if (end < 0) {
                if (m_head.size() > kMaxHeaderBytes)
                    return refuse(413, QStringLiteral("too_large"),
                                  QStringLiteral("The request headers are larger than %1 bytes.").arg(kMaxHeaderBytes),
                                  0);
                return; // the rest of the headers is still to come
            }
            offset += end - before;
            const Framing f = framingOf(m_head.left(end));
            m_head.clear();
            const qint64 bodyHere = available - offset; // bytes of the body already received
            if (!f.valid)
                return refuse(400, QStringLiteral("malformed"), QStringLiteral("The Content-Length is not valid."), 0);
            if (f.chunked)
                return refuse(400, QStringLiteral("malformed"),
                              QStringLiteral("Send the request body with a Content-Length; chunked bodies are not "
                                             "accepted."),
                              0);
            if (f.contentLength > sync::MaxBodyBytes)
                return refuse(413, QStringLiteral("too_large"),
                              QStringLiteral("The request body is larger than %1 bytes; send fewer writes per request.")
                                  .arg(sync::MaxBodyBytes),
                              qMin(f.contentLength, kMaxDiscardBytes) - bodyHere);
            m_bodyLeft = f.contentLength;
            m_phase = m_bodyLeft > 0 ? Phase::Body : Phase::Headers;
        }
    }

    // Answers the request being received with an error, keeps QHttpServer from ever seeing it, then
    // drops up to `discard` more bytes of its body and closes the connection.
    void refuse(int status, const QString &code, const QString &message, qint64 discard)
    {
        // Qt's parser must not read this request: disconnecting it here, while readyRead is being
        // delivered, means its slot is not called for these bytes either.
        QObject::disconnect(m_socket, &QIODevice::readyRead, m_http, nullptr);
        // A transaction QHttpServer opened on an earlier part of these headers keeps every byte
        // read since in the socket's buffer; end it, then drop what has arrived.
        if (m_socket->isTransactionStarted())
            m_socket->commitTransaction();
        m_socket->skip(m_socket->bytesAvailable());
        m_seenUnread = 0;
        m_phase = Phase::Discard;
        m_discardLeft = discard;
        m_head.clear();
        logEvent({{QStringLiteral("event"), QStringLiteral("request_refused")},
                  {QStringLiteral("status"), status},
                  {QStringLiteral("error"), code}});
        if (m_pending > 0) {
            // A reply to an earlier request on this connection is still being produced; an answer
            // written now would come before it and be taken for it.
            m_socket->abort();
            return;
        }
        const QByteArray body = sync::errorBody(code, message);
        const QByteArray reason = status == 413 ? "Payload Too Large" : "Bad Request";
        m_socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                        + "\r\nConnection: close\r\n\r\n" + body);
        if (m_discardLeft <= 0)
            m_socket->disconnectFromHost(); // after the answer has gone out
    }

    void onTimeout()
    {
        if (m_pending > 0)
            return;
        const bool midRequest = m_phase != Phase::Headers || !m_head.isEmpty();
        const bool unreadReply = m_socket->bytesToWrite() > 0 || m_socket->encryptedBytesToWrite() > 0;
        if (!midRequest && !unreadReply) {
            m_socket->disconnectFromHost(); // an idle kept-alive connection: routine, not logged
            return;
        }
        logEvent({{QStringLiteral("event"), QStringLiteral("connection_timeout")},
                  {QStringLiteral("stalled"), midRequest ? QStringLiteral("request") : QStringLiteral("reply")},
                  {QStringLiteral("after_ms"), m_timer.interval()}});
        m_socket->abort();
    }

    enum class Phase { Headers, Body, Discard };

    QSslSocket *const m_socket; // the parent: outlives this guard
    QObject *const m_http;
    QTimer m_timer;
    Phase m_phase = Phase::Headers;
    QByteArray m_head;     // the header block being received
    qint64 m_bodyLeft = 0; // body bytes of the current request still to come
    qint64 m_discardLeft = 0;
    qint64 m_seenUnread = 0; // bytes already followed here that QHttpServer left in the socket
    int m_pending = 0;       // replies the front end is producing for this connection
};

// QSslServer that hands each socket it makes to `onSocket` as soon as it exists, before the TLS
// handshake and before QHttpServer sees it.
class TlsListener : public QSslServer
{
public:
    std::function<void(QSslSocket *)> onSocket;
    std::function<bool()> atLimit;

    ~TlsListener() override
    {
        for (qintptr d : m_waiting)
            ::close(int(d));
    }

    // A place came free: the longest-waiting connection takes it, or accepting resumes.
    void placeFreed()
    {
        if (!isListening())
            return; // shutting down; Qt 6.4 crashes resuming a closed listener
        if (m_waiting.empty()) {
            resumeAccepting();
            return;
        }
        const qintptr d = m_waiting.front();
        m_waiting.pop_front();
        m_refusing = false;
        admit(d);
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        // At the limit a connection waits, TCP-accepted but without a socket, until a place frees.
        // QSslServer resumes accepting by itself as handshakes finish and Qt's accept loop drains
        // the kernel's queue, so connections keep arriving while paused: a bounded number wait,
        // the rest are closed at once (the device backs off and retries), logged once per episode.
        if (atLimit && atLimit()) {
            pauseAccepting();
            if (m_waiting.size() < kMaxWaiting) {
                m_waiting.push_back(descriptor);
                return;
            }
            ::close(int(descriptor));
            if (!m_refusing)
                logEvent({{QStringLiteral("event"), QStringLiteral("connection_refused")},
                          {QStringLiteral("reason"), QStringLiteral("connection_limit")},
                          {QStringLiteral("waiting"), qint64(m_waiting.size())}});
            m_refusing = true;
            return;
        }
        admit(descriptor);
    }

private:
    static constexpr std::size_t kMaxWaiting = 256;

    void admit(qintptr descriptor)
    {
        QSslServer::incomingConnection(descriptor);
        // The socket QSslServer just made is its newest child without a guard.
        const QObjectList &children = this->children();
        for (auto it = children.crbegin(); it != children.crend(); ++it) {
            auto *socket = qobject_cast<QSslSocket *>(*it);
            if (!socket)
                continue;
            if (!socket->findChild<ConnectionGuard *>(QString(), Qt::FindDirectChildrenOnly) && onSocket)
                onSocket(socket);
            break;
        }
    }

    std::deque<qintptr> m_waiting;
    bool m_refusing = false;
};

namespace {

ConnectionGuard *guardOf(QTcpSocket *socket)
{
    return socket ? socket->findChild<ConnectionGuard *>(QString(), Qt::FindDirectChildrenOnly) : nullptr;
}

} // namespace

HttpFrontEnd::HttpFrontEnd(SyncService &service, int threads, QObject *parent) : QObject(parent), m_service(service)
{
    m_pool.setMaxThreadCount(qMax(1, threads));
    m_pool.setExpiryTimeout(-1); // threads keep their database connections
    // The handler takes the responder rather than returning QFuture<QHttpServerResponse>: in Qt 6.4,
    // QHttpServer::sendResponse(QFuture...) attaches a continuation holding the raw QTcpSocket
    // pointer and a reference to the QHttpServerRequest (owned by that socket). When the client
    // goes away while the future is pending, QAbstractHttpServer deleteLater()s the socket on
    // `disconnected` (its `handling` flag was cleared when the handler returned), the request is
    // deleted with it, and the continuation then writes through freed memory: the server crashed
    // when a device was killed or lost its connection mid-request. handleApi() keeps a QPointer to
    // the socket instead and writes the reply on this thread only if the connection is still there.
    m_http.route(QStringLiteral("/v1/<arg>"),
                 [this](const QString &endpoint, const QHttpServerRequest &req, QHttpServerResponder &&responder) {
                     handleApi(endpoint, req, std::move(responder));
                 });
    addDashboardRoutes(m_http); // the web dashboard's static files (dashboardroutes.h)
    // Every other path gets the protocol's JSON error body, not an empty 404.
    m_http.setMissingHandler([this](const QHttpServerRequest &req, QHttpServerResponder &&responder) {
        // Written at once, so it cannot follow a pipelined request still being answered: such a
        // connection is closed instead, as for the guard's refusals (PROTOCOL.md).
        if (repliesPending(responder.socket())) {
            responder.socket()->disconnectFromHost();
            return;
        }
        responder.write(sync::errorBody(QStringLiteral("not_found"),
                                        QStringLiteral("No such endpoint: %1").arg(req.url().path().left(200))),
                        "application/json", QHttpServerResponder::StatusCode::NotFound);
    });
}

HttpFrontEnd::~HttpFrontEnd()
{
    // Work still on the pool posts its reply to this object; let it finish while the sockets exist.
    // Replies posted but not delivered are discarded with this object's pending events.
    m_pool.waitForDone();
}

void HttpFrontEnd::handleApi(const QString &endpoint, const QHttpServerRequest &req, QHttpServerResponder &&responder)
{
    QTcpSocket *socket = responder.socket();
    if (m_stopping) {
        // Shutting down: the request is not started, so nothing changes; the device sees a cut
        // connection and syncs again later, as after any network failure.
        socket->disconnectFromHost();
        return;
    }
    ServiceRequest r;
    r.method = methodName(req.method());
    r.path = QStringLiteral("/v1/") + endpoint;
    r.body = req.body();
    r.authorization = req.value("Authorization");
    r.protocolVersion = req.value(sync::ProtocolHeader);
    r.contentType = req.value("Content-Type");
    r.query = req.url().query(QUrl::FullyEncoded);
    r.peer = req.remoteAddress().toString();
    if (ConnectionGuard *g = guardOf(socket))
        g->replyPending();
    // The responder holds only the raw socket pointer (and a reference to the request the socket
    // owns), so it stays on this thread, which is the one that deletes sockets, and is used only
    // after the QPointer has said the socket still exists. The pool gets the request, not these.
    const quint64 id = ++m_lastReplyId;
    // Keyed by the socket's address, which a later socket may reuse once this one is gone: its
    // replies then wait behind the gone one's, which are dropped as they finish.
    m_order[socket].push_back(id);
    m_replies.emplace(id,
                      PendingReply{socket, QPointer<QTcpSocket>(socket),
                                   std::make_unique<QHttpServerResponder>(std::move(responder)), r.path});
    m_pool.start([this, id, r] {
        ServiceResponse out = m_service.handle(r);
        QMetaObject::invokeMethod(
            this, [this, id, out = std::move(out)] { reply(id, out); }, Qt::QueuedConnection);
    });
}

void HttpFrontEnd::reply(quint64 id, const ServiceResponse &out)
{
    auto it = m_replies.find(id);
    if (it == m_replies.end())
        return;
    it->second.ready = out;
    flushReplies(it->second.connection);
}

bool HttpFrontEnd::repliesPending(const QTcpSocket *socket) const
{
    auto q = m_order.find(socket);
    return q != m_order.end() && !q->second.empty();
}

void HttpFrontEnd::flushReplies(const void *connection)
{
    // A connection's replies go out in the order of its requests (HTTP/1.1 pipelining), however
    // the pool finishes them: from the oldest, up to the first still being produced.
    auto q = m_order.find(connection);
    if (q == m_order.end())
        return;
    while (!q->second.empty()) {
        auto it = m_replies.find(q->second.front());
        if (it != m_replies.end()) {
            if (!it->second.ready)
                return;
            const ServiceResponse &r = *it->second.ready;
            QTcpSocket *socket = it->second.peer.data();
            if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
                // The client went away (killed, or its connection cut) while its request was
                // handled. What the request did is committed or not as the service decided; the
                // device learns it on its next sync (push is idempotent by write id, pull restarts
                // from its cursor).
                logEvent({{QStringLiteral("event"), QStringLiteral("reply_dropped")},
                          {QStringLiteral("path"), it->second.path.left(64)},
                          {QStringLiteral("status"), r.status}});
            } else {
                it->second.responder->write(r.body, r.contentType, QHttpServerResponder::StatusCode(r.status));
                if (ConnectionGuard *g = guardOf(socket))
                    g->replyDone();
            }
            m_replies.erase(it);
        }
        q->second.pop_front();
    }
    m_order.erase(q);
}

Result<quint16> HttpFrontEnd::listen(const QHostAddress &address, quint16 port, const TlsIdentity &identity)
{
    // Our own QSslServer rather than QHttpServer::sslSetup()+listen(), which build the same one:
    // it hands each socket over before QHttpServer sees it, so the guard's readyRead slot runs
    // before QHttpServer's. QSslServer's handshake timeout (5 s) closes connections that never
    // finish the TLS handshake.
    QSslConfiguration tls;
    tls.setLocalCertificate(identity.certificate);
    tls.setPrivateKey(identity.key);
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    auto server = std::make_unique<TlsListener>();
    server->setSslConfiguration(tls);
    TlsListener *listener = server.get();
    server->atLimit = [this] { return m_open >= m_maxConnections; };
    server->onSocket = [this, listener](QSslSocket *socket) {
        new ConnectionGuard(socket, &m_http, m_idleTimeoutMs);
        if (++m_open >= m_maxConnections) {
            listener->pauseAccepting();
            logEvent({{QStringLiteral("event"), QStringLiteral("connection_limit")},
                      {QStringLiteral("open"), m_open}});
        }
        // Qt 6.4's QSslServer counts connections still in their TLS handshake against
        // maxPendingConnections (30) and stops accepting when it reaches that, but a connection
        // that then fails its handshake (the client gives up or is killed, or sends no TLS) is
        // deleted without accepting being resumed: after a burst of 30 connections of which some
        // fail, the server never accepted another one. Resuming once each socket is gone is
        // harmless: the listener pauses again at once if it is still at that limit.
        // Direct, from the socket's destructor: a queued call was not delivered for sockets that
        // QHttpServer deletes. The QPointer is cleared before the listener deletes its remaining
        // sockets.
        connect(socket, &QObject::destroyed, [this, listener = QPointer<TlsListener>(listener)] {
            if (--m_open < m_maxConnections && listener)
                listener->placeFreed();
        });
    };
    if (!server->listen(address, port))
        return makeError(
            ErrorCode::Io,
            QStringLiteral("Cannot listen on %1:%2 (in use, or not allowed)").arg(address.toString()).arg(port));
    const quint16 bound = server->serverPort();
    m_http.bind(server.release()); // QHttpServer takes it as a child
    return bound;
}

bool HttpFrontEnd::repliesUnsent() const
{
    if (!m_replies.empty())
        return true;
    for (const QSslSocket *s : m_http.findChildren<QSslSocket *>())
        if (s->state() == QAbstractSocket::ConnectedState && (s->bytesToWrite() > 0 || s->encryptedBytesToWrite() > 0))
            return true;
    return false;
}

void HttpFrontEnd::shutdown(int timeoutMs)
{
    m_stopping = true;
    for (QTcpServer *s : m_http.servers())
        s->close();
    // Commits under way finish on the pool (the event loop is not needed for that)...
    m_pool.waitForDone(timeoutMs);
    // ...then their replies, queued to this thread, are written and TLS gets them onto the wire,
    // so devices hear their writes were stored. Requests that arrive meanwhile are not started.
    QDeadlineTimer flush(5000);
    while (repliesUnsent() && !flush.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
}

} // namespace hearth::server

#include "httpfrontend.moc"
