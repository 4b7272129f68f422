#pragma once

#include "result.h"

#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace hearth::server {

struct TlsIdentity {
    QSslCertificate certificate;
    QSslKey key;
    QString pin; // "sha256/<base64>" of the certificate's public key, for device pinning
};

// The pin devices use: SHA-256 of the DER SubjectPublicKeyInfo, base64, prefixed "sha256/".
[[nodiscard]] QString publicKeyPin(const QSslCertificate &certificate);

// Loads a configured certificate and key (PEM).
[[nodiscard]] Result<TlsIdentity> loadTlsIdentity(const QString &certPath, const QString &keyPath);

// The zero-configuration default: a self-signed certificate for localhost/127.0.0.1 kept in
// `dataDir` (created with OpenSSL on first use, key file readable by the owner only).
[[nodiscard]] Result<TlsIdentity> selfSignedIdentity(const QString &dataDir);

} // namespace hearth::server
