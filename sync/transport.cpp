#include "transport.h"

#include "crypto.h"
#include "protocol.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QSslKey>

#include <openssl/x509.h>

namespace hearth::sync {

namespace {

// Same definition as the server prints: SHA-256 of the DER SubjectPublicKeyInfo.
QString pinOf(const QSslCertificate &cert)
{
    const QByteArray der = cert.toDer();
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    X509 *x = d2i_X509(nullptr, &p, long(der.size()));
    if (!x)
        return {};
    unsigned char *spki = nullptr;
    const int n = i2d_PUBKEY(X509_get0_pubkey(x), &spki);
    QString out;
    if (n > 0)
        out = QStringLiteral("sha256/")
            + QString::fromLatin1(crypto::sha256(QByteArray(reinterpret_cast<const char *>(spki), n)).toBase64());
    OPENSSL_free(spki);
    X509_free(x);
    return out;
}

} // namespace

Transport::Transport(QObject *parent) : QObject(parent) {}

void Transport::post(const QString &path, const QByteArray &body, const QByteArray &contentType,
                     std::function<void(const Reply &)> done)
{
    QUrl url = m_server;
    url.setPath(path);
    if (url.scheme() != QLatin1String("https")) {
        Reply r;
        r.error = QStringLiteral("The server address must start with https://");
        done(r);
        return;
    }
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    req.setRawHeader(ProtocolHeader, QByteArray::number(ProtocolVersion));
    if (!m_token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_token);
    req.setTransferTimeout(m_timeoutMs);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    req.setSslConfiguration(tls);

    QNetworkReply *reply = m_nam.post(req, body);
    const QString pin = m_pin;
    auto pinMismatch = std::make_shared<bool>(false);
    connect(reply, &QNetworkReply::sslErrors, reply, [reply, pin, pinMismatch](const QList<QSslError> &errors) {
        // A pinned key stands in for the chain (self-signed demo servers); nothing else does.
        if (!pin.isEmpty() && pinOf(reply->sslConfiguration().peerCertificate()) == pin)
            reply->ignoreSslErrors(errors);
        else if (!pin.isEmpty())
            *pinMismatch = true;
    });
    connect(reply, &QNetworkReply::encrypted, reply, [reply, pin, pinMismatch] {
        if (!pin.isEmpty() && pinOf(reply->sslConfiguration().peerCertificate()) != pin) {
            *pinMismatch = true;
            reply->abort();
        }
    });
    const qint64 up = body.size();
    connect(reply, &QNetworkReply::finished, this, [reply, done, pinMismatch, up] {
        reply->deleteLater();
        Reply r;
        r.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.bytesUp = up;
        r.bytesDown = r.body.size();
        if (*pinMismatch) {
            r.networkError = true;
            r.httpStatus = 0;
            r.error = QStringLiteral("The server's key does not match the pinned key: refusing to talk to it");
        } else if (r.httpStatus == 0 || (reply->error() != QNetworkReply::NoError && reply->error() < 100)
                   || reply->error() == QNetworkReply::OperationCanceledError) {
            // Connection, TLS and timeout errors (codes below 100) mean the exchange did not
            // complete, even when a status line arrived before the cut: offline, not refused.
            r.networkError = true;
            r.error = QStringLiteral("Cannot reach the server: %1").arg(reply->errorString());
        } else if (r.httpStatus >= 400) {
            r.error = errorMessage(r.body, r.httpStatus);
        }
        done(r);
    });
}

Reply Transport::postAndWait(const QString &path, const QByteArray &body, const QByteArray &contentType)
{
    QEventLoop loop;
    Reply out;
    bool finished = false;
    post(path, body, contentType, [&](const Reply &r) {
        out = r;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return out;
}

} // namespace hearth::sync
