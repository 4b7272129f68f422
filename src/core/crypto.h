#pragma once

#include "result.h"

#include <QByteArray>
#include <QJsonObject>

#include <memory>

namespace hearth::crypto {

constexpr int KeySize = 32;   // AES-256
constexpr int NonceSize = 12; // GCM's recommended IV length
constexpr int TagSize = 16;

// Cryptographically secure random bytes from OpenSSL's DRBG.
[[nodiscard]] QByteArray randomBytes(int count);

// Overwrites key material before its memory is released.
void wipe(QByteArray &secret);

[[nodiscard]] QByteArray sha256(const QByteArray &data);

// Compares in time independent of where the inputs differ.
[[nodiscard]] bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

// Parameters of the passcode KDF, stored beside the salt so they can be raised later
// without breaking existing stores.
struct KdfParams {
    QString algorithm = QStringLiteral("scrypt");
    quint64 n = 1u << 15; // ~32 MiB of memory with r = 8
    quint32 r = 8;
    quint32 p = 1;
    QByteArray salt;

    [[nodiscard]] QJsonObject toJson() const;
    static Result<KdfParams> fromJson(const QJsonObject &o);
    static KdfParams fresh();
};

// Derives a 32-byte key from a passcode with OpenSSL's scrypt (EVP_KDF).
[[nodiscard]] Result<QByteArray> deriveKey(const QByteArray &passcode, const KdfParams &params);

// AES-256-GCM. Output: nonce | ciphertext | tag. `aad` is authenticated, not stored.
[[nodiscard]] Result<QByteArray> seal(const QByteArray &key, const QByteArray &plaintext, const QByteArray &aad);
// Inverse of seal(); fails (never returns garbage) on a wrong key, edited blob or wrong aad.
[[nodiscard]] Result<QByteArray> open(const QByteArray &key, const QByteArray &sealed, const QByteArray &aad);
// seal() and open() for many messages under one key: the key schedule is set up once and nonces
// are drawn from the DRBG in blocks, so sealing a page of records pays for neither per record.
// Same format as seal()/open(). Confined to one thread, like the Store connection that owns it.
class Cipher
{
public:
    explicit Cipher(const QByteArray &key);
    ~Cipher();
    Cipher(const Cipher &) = delete;
    Cipher &operator=(const Cipher &) = delete;

    [[nodiscard]] Result<QByteArray> seal(const QByteArray &plaintext, const QByteArray &aad);
    [[nodiscard]] Result<QByteArray> open(const QByteArray &sealed, const QByteArray &aad);

private:
    struct Contexts;
    std::unique_ptr<Contexts> d;
};

// seal() with a caller-chosen nonce: for known-answer tests only.
[[nodiscard]] Result<QByteArray> sealWithNonce(const QByteArray &key, const QByteArray &nonce,
                                               const QByteArray &plaintext, const QByteArray &aad);

} // namespace hearth::crypto
