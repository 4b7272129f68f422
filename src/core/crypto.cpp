#include "crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <memory>

namespace hearth::crypto {

namespace {

QString opensslError(const char *what)
{
    const unsigned long e = ERR_get_error();
    char buf[256] = {};
    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return QStringLiteral("%1 failed%2")
        .arg(QLatin1String(what), e ? QStringLiteral(": ") + QLatin1String(buf) : QString());
}

struct CtxFree {
    void operator()(EVP_CIPHER_CTX *c) const { EVP_CIPHER_CTX_free(c); }
    void operator()(EVP_KDF_CTX *c) const { EVP_KDF_CTX_free(c); }
    void operator()(EVP_KDF *k) const { EVP_KDF_free(k); }
    void operator()(EVP_CIPHER *c) const { EVP_CIPHER_free(c); }
};

// Fetched once: EVP_CIPHER_fetch is comparatively slow and the result is thread-safe to share.
const EVP_CIPHER *aes256gcm()
{
    static std::unique_ptr<EVP_CIPHER, CtxFree> cipher(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
    return cipher.get();
}

} // namespace

QByteArray randomBytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), count) != 1)
        qFatal("OpenSSL RAND_bytes failed; refusing to continue without secure randomness");
    return out;
}

void wipe(QByteArray &secret)
{
    if (!secret.isEmpty())
        OPENSSL_cleanse(secret.data(), size_t(secret.size()));
    secret.clear();
}

QByteArray sha256(const QByteArray &data)
{
    QByteArray out(32, Qt::Uninitialized);
    unsigned int len = 0;
    if (EVP_Digest(data.constData(), size_t(data.size()), reinterpret_cast<unsigned char *>(out.data()), &len,
                   EVP_sha256(), nullptr)
        != 1)
        qFatal("OpenSSL EVP_Digest(SHA-256) failed");
    return out;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

QJsonObject KdfParams::toJson() const
{
    return QJsonObject{{QStringLiteral("alg"), algorithm},
                       {QStringLiteral("n"), double(n)},
                       {QStringLiteral("r"), double(r)},
                       {QStringLiteral("p"), double(p)},
                       {QStringLiteral("salt"), QString::fromLatin1(salt.toBase64())}};
}

Result<KdfParams> KdfParams::fromJson(const QJsonObject &o)
{
    KdfParams k;
    k.algorithm = o.value(QStringLiteral("alg")).toString();
    k.n = quint64(o.value(QStringLiteral("n")).toDouble());
    k.r = quint32(o.value(QStringLiteral("r")).toDouble());
    k.p = quint32(o.value(QStringLiteral("p")).toDouble());
    k.salt = QByteArray::fromBase64(o.value(QStringLiteral("salt")).toString().toLatin1());
    if (k.algorithm != QLatin1String("scrypt") || k.n < 2 || (k.n & (k.n - 1)) != 0 || k.r == 0 || k.p == 0
        || k.salt.size() < 16)
        return makeError(ErrorCode::Corrupt, QStringLiteral("The store's key-derivation parameters are unreadable"));
    return k;
}

KdfParams KdfParams::fresh()
{
    KdfParams k;
    k.salt = randomBytes(16);
    return k;
}

Result<QByteArray> deriveKey(const QByteArray &passcode, const KdfParams &params)
{
    std::unique_ptr<EVP_KDF, CtxFree> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
    if (!kdf)
        return makeError(ErrorCode::Unsupported, opensslError("EVP_KDF_fetch(SCRYPT)"));
    std::unique_ptr<EVP_KDF_CTX, CtxFree> ctx(EVP_KDF_CTX_new(kdf.get()));
    uint64_t n = params.n;
    uint32_t r = params.r, p = params.p;
    uint64_t maxmem = 1ull << 30;
    QByteArray pass = passcode, salt = params.salt;
    OSSL_PARAM ps[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pass.data(), size_t(pass.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt.data(), size_t(salt.size())),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end(),
    };
    QByteArray out(KeySize, Qt::Uninitialized);
    const int rc = EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), size_t(out.size()), ps);
    OPENSSL_cleanse(pass.data(), size_t(pass.size()));
    if (rc != 1)
        return makeError(ErrorCode::Unsupported, opensslError("scrypt key derivation"));
    return out;
}

namespace {

// AES-GCM over a context: `cipher` and `key` set the key up (both null: the context keeps the
// key it was given before, and only the nonce and the GCM state are reset).
Result<QByteArray> gcmSeal(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, const unsigned char *key,
                           const unsigned char *nonce, const QByteArray &plaintext, const QByteArray &aad)
{
    QByteArray out(NonceSize + plaintext.size() + TagSize, Qt::Uninitialized);
    auto *dst = reinterpret_cast<unsigned char *>(out.data());
    memcpy(dst, nonce, NonceSize);
    int len = 0, total = 0;
    if (EVP_EncryptInit_ex2(ctx, cipher, key, nonce, nullptr) != 1)
        return makeError(ErrorCode::Io, opensslError("AES-GCM init"));
    if (!aad.isEmpty()
        && EVP_EncryptUpdate(ctx, nullptr, &len, reinterpret_cast<const unsigned char *>(aad.constData()),
                             int(aad.size()))
            != 1)
        return makeError(ErrorCode::Io, opensslError("AES-GCM aad"));
    if (EVP_EncryptUpdate(ctx, dst + NonceSize, &len, reinterpret_cast<const unsigned char *>(plaintext.constData()),
                          int(plaintext.size()))
        != 1)
        return makeError(ErrorCode::Io, opensslError("AES-GCM encrypt"));
    total = len;
    if (EVP_EncryptFinal_ex(ctx, dst + NonceSize + total, &len) != 1)
        return makeError(ErrorCode::Io, opensslError("AES-GCM final"));
    total += len;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TagSize, dst + NonceSize + total) != 1)
        return makeError(ErrorCode::Io, opensslError("AES-GCM tag"));
    out.resize(NonceSize + total + TagSize);
    return out;
}

Result<QByteArray> gcmOpen(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, const unsigned char *key,
                           const QByteArray &sealed, const QByteArray &aad)
{
    if (sealed.size() < NonceSize + TagSize)
        return makeError(ErrorCode::Corrupt, QStringLiteral("Encrypted data is truncated"));
    const auto *src = reinterpret_cast<const unsigned char *>(sealed.constData());
    const int ctLen = int(sealed.size()) - NonceSize - TagSize;
    QByteArray out(ctLen, Qt::Uninitialized);
    auto *dst = reinterpret_cast<unsigned char *>(out.data());
    int len = 0, total = 0;
    if (EVP_DecryptInit_ex2(ctx, cipher, key, src, nullptr) != 1)
        return makeError(ErrorCode::Io, opensslError("AES-GCM init"));
    if (!aad.isEmpty()
        && EVP_DecryptUpdate(ctx, nullptr, &len, reinterpret_cast<const unsigned char *>(aad.constData()),
                             int(aad.size()))
            != 1)
        return makeError(ErrorCode::Io, opensslError("AES-GCM aad"));
    if (EVP_DecryptUpdate(ctx, dst, &len, src + NonceSize, ctLen) != 1)
        return makeError(ErrorCode::Corrupt, opensslError("AES-GCM decrypt"));
    total = len;
    QByteArray tag(reinterpret_cast<const char *>(src + NonceSize + ctLen), TagSize);
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TagSize, tag.data()) != 1)
        return makeError(ErrorCode::Io, opensslError("AES-GCM set tag"));
    if (EVP_DecryptFinal_ex(ctx, dst + total, &len) != 1) {
        ERR_clear_error();
        return makeError(ErrorCode::Corrupt,
                         QStringLiteral("Encrypted data failed its integrity check (tampered, swapped or wrong key)"));
    }
    out.resize(total + len);
    return out;
}

// Nonces drawn per block: one DRBG call per this many seals.
constexpr int kNoncesPerDraw = 256;

} // namespace

Result<QByteArray> sealWithNonce(const QByteArray &key, const QByteArray &nonce, const QByteArray &plaintext,
                                 const QByteArray &aad)
{
    if (key.size() != KeySize || nonce.size() != NonceSize)
        return makeError(ErrorCode::Usage, QStringLiteral("AES-256-GCM needs a 32-byte key and a 12-byte nonce"));
    std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
    return gcmSeal(ctx.get(), aes256gcm(), reinterpret_cast<const unsigned char *>(key.constData()),
                   reinterpret_cast<const unsigned char *>(nonce.constData()), plaintext, aad);
}

Result<QByteArray> seal(const QByteArray &key, const QByteArray &plaintext, const QByteArray &aad)
{
    return sealWithNonce(key, randomBytes(NonceSize), plaintext, aad);
}

Result<QByteArray> open(const QByteArray &key, const QByteArray &sealed, const QByteArray &aad)
{
    if (key.size() != KeySize)
        return makeError(ErrorCode::Usage, QStringLiteral("AES-256-GCM needs a 32-byte key"));
    std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
    return gcmOpen(ctx.get(), aes256gcm(), reinterpret_cast<const unsigned char *>(key.constData()), sealed, aad);
}

struct Cipher::Contexts {
    std::unique_ptr<EVP_CIPHER_CTX, CtxFree> enc{EVP_CIPHER_CTX_new()};
    std::unique_ptr<EVP_CIPHER_CTX, CtxFree> dec{EVP_CIPHER_CTX_new()};
    bool keyed = false;
    QByteArray nonces; // drawn from the DRBG, each used once
    qsizetype next = 0;
};

Cipher::Cipher(const QByteArray &key) : d(std::make_unique<Contexts>())
{
    // The contexts keep the expanded key (EVP_CIPHER_CTX_free cleanses it); later calls only
    // change the nonce.
    const auto *k = reinterpret_cast<const unsigned char *>(key.constData());
    d->keyed = key.size() == KeySize && d->enc && d->dec
        && EVP_EncryptInit_ex2(d->enc.get(), aes256gcm(), k, nullptr, nullptr) == 1
        && EVP_DecryptInit_ex2(d->dec.get(), aes256gcm(), k, nullptr, nullptr) == 1;
    if (!d->keyed)
        ERR_clear_error();
}

Cipher::~Cipher() = default;

Result<QByteArray> Cipher::seal(const QByteArray &plaintext, const QByteArray &aad)
{
    if (!d->keyed)
        return makeError(ErrorCode::Usage, QStringLiteral("AES-256-GCM needs a 32-byte key"));
    if (d->next + NonceSize > d->nonces.size()) {
        d->nonces = randomBytes(NonceSize * kNoncesPerDraw);
        d->next = 0;
    }
    const auto *nonce = reinterpret_cast<const unsigned char *>(d->nonces.constData() + d->next);
    d->next += NonceSize;
    return gcmSeal(d->enc.get(), nullptr, nullptr, nonce, plaintext, aad);
}

Result<QByteArray> Cipher::open(const QByteArray &sealed, const QByteArray &aad)
{
    if (!d->keyed)
        return makeError(ErrorCode::Usage, QStringLiteral("AES-256-GCM needs a 32-byte key"));
    return gcmOpen(d->dec.get(), nullptr, nullptr, sealed, aad);
}

} // namespace hearth::crypto
