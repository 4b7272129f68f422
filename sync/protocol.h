#pragma once

#include "result.h"
#include "store.h"
#include "write.h"

#include <QByteArray>
#include <QCborMap>
#include <QList>
#include <QStringList>

// The Hearth sync protocol, version 1 (sync/PROTOCOL.md): message types and their CBOR codec,
// shared by the client engine and hearth-server. Every decoder takes bytes from outside and
// answers malformed input with an error, never a crash or a half-filled message.
namespace hearth::sync {

constexpr int ProtocolVersion = 1;
inline const QByteArray ProtocolHeader = "Hearth-Protocol";
inline const QByteArray CborType = "application/cbor";
constexpr qsizetype MaxBodyBytes = 32 * 1024 * 1024;
constexpr int MaxWritesPerPush = 5000;
constexpr int MaxPullLimit = 10000;

[[nodiscard]] QCborMap encodeWrite(const Write &w);
[[nodiscard]] Result<Write> decodeWrite(const QCborValue &v);
// The CBOR of encodeWrite(w) (byte for byte) built from w's ids and its stored payload
// (Write::encodePayload()) without decoding the values: what a pull sends for each stored write.
[[nodiscard]] Result<QByteArray> encodeStoredWrite(const Write &ids, const QByteArray &payload);

struct PushRequest {
    QList<Write> writes;
    [[nodiscard]] QByteArray encode() const;
    static Result<PushRequest> decode(const QByteArray &body);
};

struct PushResponse {
    QList<Store::WriteId> acked;
    QList<Store::Rejection> rejected;
    [[nodiscard]] QByteArray encode() const;
    static Result<PushResponse> decode(const QByteArray &body);
};

struct PullRequest {
    qint64 cursor = 0;
    int limit = 2000;
    QStringList confirmDelivered; // persons whose back-filled history the device has applied
    QStringList confirmPurged;    // persons the device has purged
    // Whether the server should count what is left (`remaining`, `remaining_bytes`): a device asks
    // on the first page of a run only, since counting costs the server a pass over the backlog.
    bool count = true;
    [[nodiscard]] QByteArray encode() const;
    static Result<PullRequest> decode(const QByteArray &body);
};

struct PullResponse {
    QList<Write> writes;
    // Server side: W items already encoded (encodeStoredWrite()), sent after `writes`.
    QList<QByteArray> encodedWrites;
    qint64 cursor = 0;
    bool more = false;
    QStringList delivered;      // persons newly in scope whose whole history up to the cursor is in `writes`
    QStringList purge;          // persons no longer in the device's scope
    qint64 remaining = -1;      // writes still to come after this page (for progress); -1: not counted
    qint64 remainingBytes = -1; // their stored size, an estimate of the bytes still to come; -1: not counted
    [[nodiscard]] QByteArray encode() const;
    static Result<PullResponse> decode(const QByteArray &body);
};

// Error bodies are JSON so a person with curl can read them: {"error": code, "message": text}.
[[nodiscard]] QByteArray errorBody(const QString &code, const QString &message);
// The message of an error body, or a fallback naming the HTTP status.
[[nodiscard]] QString errorMessage(const QByteArray &body, int httpStatus);
[[nodiscard]] QString errorCode(const QByteArray &body);

} // namespace hearth::sync
