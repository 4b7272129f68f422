#pragma once

#include "result.h"

#include <QByteArray>
#include <QString>

namespace hearth {

// A platform key store (Android Keystore, iOS Keychain, a desktop file key) that adds a second,
// device-bound layer around the passcode-wrapped data key: copying the database off a lost device
// is then not enough to attack the passcode offline. Implementations live in platform/.
class KeyProtector
{
public:
    virtual ~KeyProtector() = default;
    // A short name stored with the wrapped key, so a store opened elsewhere says what it needs.
    [[nodiscard]] virtual QString name() const = 0;
    // Wraps `secret` under a key the platform holds for `storeId`, creating that key if needed.
    [[nodiscard]] virtual Result<QByteArray> wrap(const QString &storeId, const QByteArray &secret) = 0;
    [[nodiscard]] virtual Result<QByteArray> unwrap(const QString &storeId, const QByteArray &wrapped) = 0;
    // Forgets the platform key (remote wipe): the store becomes unreadable even with the passcode.
    virtual Status destroy(const QString &storeId) = 0;
};

} // namespace hearth
