#pragma once

#include "result.h"

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <functional>

class QNetworkReply;

namespace hearth::sync {

// One HTTPS exchange's outcome: an HTTP status and body, or a transport failure.
struct Reply {
    int httpStatus = 0; // 0 when no HTTP answer arrived
    QByteArray body;
    bool networkError = false; // could not reach the server (offline, refused, cut, TLS failure)
    QString error;             // what went wrong, for a person to read
    qint64 bytesUp = 0;
    qint64 bytesDown = 0;
};

// HTTPS to hearth-server (TLS 1.2 or newer). Certificate errors are fatal unless the server's
// public key matches the pin ("sha256/<base64>"); with a pin set, a key that does not match is
// refused even when the certificate chain is valid.
class Transport : public QObject
{
    Q_OBJECT
public:
    explicit Transport(QObject *parent = nullptr);

    void setServer(const QUrl &server) { m_server = server; }
    void setPin(const QString &pin) { m_pin = pin; }
    void setToken(const QByteArray &token) { m_token = token; }
    void setTimeout(int ms) { m_timeoutMs = ms; }
    [[nodiscard]] QUrl server() const { return m_server; }

    // POSTs `body` to `path`; `done` runs on this object's thread when the exchange ends.
    void post(const QString &path, const QByteArray &body, const QByteArray &contentType,
              std::function<void(const Reply &)> done);
    // Blocks (with a local event loop) until the exchange ends: for command-line use only.
    Reply postAndWait(const QString &path, const QByteArray &body, const QByteArray &contentType);

private:
    QNetworkAccessManager m_nam;
    QUrl m_server;
    QString m_pin;
    QByteArray m_token;
    int m_timeoutMs = 60000;
};

} // namespace hearth::sync
