#include "filekeyprotector.h"

#include "crypto.h"
#include "identifiers.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QStandardPaths>

namespace hearth {

FileKeyProtector::FileKeyProtector(QString keyDir) : m_dir(std::move(keyDir))
{
    if (m_dir.isEmpty())
        m_dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/keys");
}

QString FileKeyProtector::keyPath(const QString &storeId) const
{
    return QDir(m_dir).filePath(storeId + QStringLiteral(".key"));
}

Result<QByteArray> FileKeyProtector::readKey(const QString &storeId, bool createIfMissing) const
{
    if (!ids::isUuid(storeId))
        return makeError(ErrorCode::Usage, QStringLiteral("Malformed store id"));
    QFile f(keyPath(storeId));
    if (f.open(QIODevice::ReadOnly)) {
        const QByteArray key = f.readAll();
        if (key.size() != crypto::KeySize)
            return makeError(ErrorCode::Corrupt, QStringLiteral("The device key file %1 is damaged").arg(f.fileName()));
        return key;
    }
    if (!createIfMissing)
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("This device's key for the store is missing (%1); the store cannot be "
                                        "opened here. Re-enrol the device to download the caseload again.")
                             .arg(f.fileName()));
    if (!QDir().mkpath(m_dir))
        return makeError(ErrorCode::Io, QStringLiteral("Cannot create the key folder %1").arg(m_dir));
    QFile::setPermissions(m_dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QByteArray key = crypto::randomBytes(crypto::KeySize);
    QSaveFile out(f.fileName());
    if (!out.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, QStringLiteral("Cannot write the device key %1").arg(f.fileName()));
    out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    out.write(key);
    if (!out.commit())
        return makeError(ErrorCode::Io, QStringLiteral("Cannot write the device key %1").arg(f.fileName()));
    return key;
}

Result<QByteArray> FileKeyProtector::wrap(const QString &storeId, const QByteArray &secret)
{
    auto key = readKey(storeId, true);
    if (!key)
        return key.error();
    return crypto::seal(key.value(), secret, QStringLiteral("hearth:platform-wrap:v1|%1").arg(storeId).toUtf8());
}

Result<QByteArray> FileKeyProtector::unwrap(const QString &storeId, const QByteArray &wrapped)
{
    auto key = readKey(storeId, false);
    if (!key)
        return key.error();
    auto out = crypto::open(key.value(), wrapped, QStringLiteral("hearth:platform-wrap:v1|%1").arg(storeId).toUtf8());
    if (!out)
        return makeError(ErrorCode::Corrupt, QStringLiteral("The device key does not open this store"));
    return out;
}

Status FileKeyProtector::destroy(const QString &storeId)
{
    QFile f(keyPath(storeId));
    if (!f.exists())
        return {};
    // Overwrite before unlinking so the key is not trivially recoverable from the file system.
    if (f.open(QIODevice::ReadWrite)) {
        f.write(crypto::randomBytes(crypto::KeySize));
        f.flush();
        f.close();
    }
    if (!f.remove())
        return makeError(ErrorCode::Io, QStringLiteral("Cannot remove the device key %1").arg(f.fileName()));
    return {};
}

} // namespace hearth
