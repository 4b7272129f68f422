#pragma once

#include "keyprotector.h"

namespace hearth {

// Desktop stand-in for a hardware key store: one random 256-bit key per store, kept in a
// user-only (0600) file in a folder outside the store. It protects against copying the store's
// folder alone; it cannot protect against an attacker who can read the user's home directory.
class FileKeyProtector final : public KeyProtector
{
public:
    // `keyDir` defaults to the per-user application data folder.
    explicit FileKeyProtector(QString keyDir = {});

    [[nodiscard]] QString name() const override { return QStringLiteral("desktop-file"); }
    [[nodiscard]] Result<QByteArray> wrap(const QString &storeId, const QByteArray &secret) override;
    [[nodiscard]] Result<QByteArray> unwrap(const QString &storeId, const QByteArray &wrapped) override;
    Status destroy(const QString &storeId) override;

private:
    [[nodiscard]] QString keyPath(const QString &storeId) const;
    [[nodiscard]] Result<QByteArray> readKey(const QString &storeId, bool createIfMissing) const;
    QString m_dir;
};

} // namespace hearth
