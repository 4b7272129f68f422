#include "tlsidentity.h"

#include "crypto.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace hearth::server {

namespace {

struct Free {
    void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
    void operator()(X509 *x) const { X509_free(x); }
    void operator()(BIO *b) const { BIO_free(b); }
    void operator()(X509_EXTENSION *e) const { X509_EXTENSION_free(e); }
};

QByteArray bioBytes(BIO *b)
{
    char *data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    return QByteArray(data, int(n));
}

Result<std::pair<QByteArray, QByteArray>> generate()
{
    std::unique_ptr<EVP_PKEY, Free> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    std::unique_ptr<X509, Free> cert(X509_new());
    if (!key || !cert)
        return makeError(ErrorCode::Io, QStringLiteral("OpenSSL could not generate a key"));
    X509_set_version(cert.get(), 2);
    const QByteArray serial = crypto::randomBytes(8);
    ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()),
                            *reinterpret_cast<const quint64 *>(serial.constData()) >> 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 5L * 365 * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME *name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("hearth-server"), -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("Hearth (self-signed)"),
                               -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, Free> san(
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"));
    if (!san || X509_add_ext(cert.get(), san.get(), -1) != 1)
        return makeError(ErrorCode::Io, QStringLiteral("OpenSSL could not add the certificate's names"));
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
        return makeError(ErrorCode::Io, QStringLiteral("OpenSSL could not sign the certificate"));
    std::unique_ptr<BIO, Free> certBio(BIO_new(BIO_s_mem())), keyBio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(certBio.get(), cert.get());
    PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    return std::pair{bioBytes(certBio.get()), bioBytes(keyBio.get())};
}

Status writeFile(const QString &path, const QByteArray &data, QFileDevice::Permissions perms)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, QStringLiteral("Cannot write %1").arg(path));
    f.setPermissions(perms);
    f.write(data);
    if (!f.commit())
        return makeError(ErrorCode::Io, QStringLiteral("Cannot write %1").arg(path));
    return {};
}

} // namespace

QString publicKeyPin(const QSslCertificate &certificate)
{
    const QByteArray der = certificate.toDer();
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    std::unique_ptr<X509, Free> x(d2i_X509(nullptr, &p, long(der.size())));
    if (!x)
        return {};
    unsigned char *spki = nullptr;
    const int n = i2d_PUBKEY(X509_get0_pubkey(x.get()), &spki);
    if (n <= 0)
        return {};
    const QByteArray digest = crypto::sha256(QByteArray(reinterpret_cast<const char *>(spki), n));
    OPENSSL_free(spki);
    return QStringLiteral("sha256/") + QString::fromLatin1(digest.toBase64());
}

Result<TlsIdentity> loadTlsIdentity(const QString &certPath, const QString &keyPath)
{
    QFile c(certPath), k(keyPath);
    if (!c.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::NotFound, QStringLiteral("Cannot read the certificate %1").arg(certPath));
    if (!k.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::NotFound, QStringLiteral("Cannot read the private key %1").arg(keyPath));
    const auto certs = QSslCertificate::fromData(c.readAll(), QSsl::Pem);
    const QByteArray keyPem = k.readAll();
    QSslKey key(keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Rsa, QSsl::Pem);
    if (certs.isEmpty() || key.isNull())
        return makeError(ErrorCode::Usage,
                         QStringLiteral("%1 / %2 are not a PEM certificate and private key").arg(certPath, keyPath));
    return TlsIdentity{certs.first(), key, publicKeyPin(certs.first())};
}

Result<TlsIdentity> selfSignedIdentity(const QString &dataDir)
{
    const QString certPath = QDir(dataDir).filePath(QStringLiteral("tls-cert.pem"));
    const QString keyPath = QDir(dataDir).filePath(QStringLiteral("tls-key.pem"));
    if (!QFile::exists(certPath) || !QFile::exists(keyPath)) {
        auto pem = generate();
        if (!pem)
            return pem.error();
        if (auto st = writeFile(keyPath, pem.value().second, QFileDevice::ReadOwner | QFileDevice::WriteOwner); !st)
            return st.error();
        if (auto st = writeFile(certPath, pem.value().first,
                                QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                                    | QFileDevice::ReadOther);
            !st)
            return st.error();
    }
    return loadTlsIdentity(certPath, keyPath);
}

} // namespace hearth::server
