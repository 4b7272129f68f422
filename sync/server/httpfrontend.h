#pragma once

#include "syncservice.h"
#include "tlsidentity.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QThreadPool>

namespace hearth::server {

// Qt HTTP Server over TLS in front of SyncService. Handlers return futures so store work runs on
// a thread pool (one database connection per thread) and a slow request never stalls the others.
class HttpFrontEnd : public QObject
{
    Q_OBJECT
public:
    HttpFrontEnd(SyncService &service, int threads, QObject *parent = nullptr);

    // Starts listening with TLS; returns the port (useful when `port` is 0).
    Result<quint16> listen(const QHostAddress &address, quint16 port, const TlsIdentity &identity);
    // Stops accepting connections and waits (up to `timeoutMs`) for requests being handled to finish,
    // so no acknowledged commit is cut short.
    void shutdown(int timeoutMs);

private:
    SyncService &m_service;
    QThreadPool m_pool;
    QHttpServer m_http;
};

} // namespace hearth::server
