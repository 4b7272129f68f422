#include "reportcache.h"

#include "crypto.h"
#include "merge.h"

#include <QBuffer>
#include <QDataStream>
#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QSaveFile>

#include <openssl/evp.h>

Q_LOGGING_CATEGORY(lcReportCache, "hearth.server.reports", QtInfoMsg)

namespace hearth::server::reports {

namespace {

constexpr int kPage = 5000;
constexpr char kSnapshotMagic[] = "hearth-report-snapshot";
constexpr qint64 kDigestSize = 32; // SHA-256

// Passes what is written on to `out` and hashes it on the way (SHA-256, OpenSSL EVP), so a
// snapshot of a hundred megabytes is hashed without a second copy in memory.
class HashingWriter : public QIODevice
{
public:
    explicit HashingWriter(QIODevice &out) : m_out(out), m_ctx(EVP_MD_CTX_new())
    {
        if (!m_ctx || EVP_DigestInit_ex(m_ctx, EVP_sha256(), nullptr) != 1)
            qFatal("OpenSSL EVP_DigestInit(SHA-256) failed");
        open(QIODevice::WriteOnly);
    }
    ~HashingWriter() override { EVP_MD_CTX_free(m_ctx); }
    HashingWriter(const HashingWriter &) = delete;
    HashingWriter &operator=(const HashingWriter &) = delete;
    QByteArray digest()
    {
        QByteArray out(int(kDigestSize), Qt::Uninitialized);
        unsigned int len = 0;
        if (EVP_DigestFinal_ex(m_ctx, reinterpret_cast<unsigned char *>(out.data()), &len) != 1 || len != kDigestSize)
            qFatal("OpenSSL EVP_DigestFinal(SHA-256) failed");
        return out;
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 n) override
    {
        if (EVP_DigestUpdate(m_ctx, data, size_t(n)) != 1)
            return -1;
        return m_out.write(data, n);
    }

private:
    QIODevice &m_out;
    EVP_MD_CTX *m_ctx;
};

Result<QSet<QString>> allPersons(ServerStore &store)
{
    auto caseloads = store.personCaseloads();
    if (!caseloads)
        return caseloads.error();
    QSet<QString> out;
    out.reserve(caseloads.value().size());
    for (auto it = caseloads.value().cbegin(); it != caseloads.value().cend(); ++it)
        out.insert(it.key());
    return out;
}

} // namespace

ReportCache::ReportCache(const ReferenceData &reference, const QString &snapshotPath)
    : m_reference(reference), m_snapshotPath(snapshotPath)
{
}

bool ReportCache::loadSnapshot(ServerStore &store)
{
    QFile f(m_snapshotPath);
    // A snapshot found unusable is not read (nor logged) again every 30 s until one is written.
    if (m_snapshotPath.isEmpty() || m_snapshotUnusable || !f.open(QIODevice::ReadOnly))
        return false;
    // The file ends with the SHA-256 of all before it: a bit flipped anywhere (a date, an amount)
    // makes it be read afresh rather than quietly change a figure until the next full read.
    const qint64 size = f.size();
    const uchar *mapped = size > kDigestSize ? f.map(0, size) : nullptr;
    const QByteArray whole = mapped ? QByteArray::fromRawData(reinterpret_cast<const char *>(mapped), size)
                                    : (size > kDigestSize ? f.readAll() : QByteArray());
    QByteArray body = QByteArray::fromRawData(whole.constData(), qMax<qint64>(0, whole.size() - kDigestSize));
    const bool intact = whole.size() > kDigestSize && crypto::sha256(body) == whole.right(kDigestSize);
    QBuffer buffer(&body);
    buffer.open(QIODevice::ReadOnly);
    QDataStream in(&buffer);
    in.setVersion(QDataStream::Qt_6_4);
    QByteArray magic;
    qint64 seq = 0;
    QString hlc, person;
    std::unique_ptr<ReportBuilder> builder;
    if (intact) {
        in >> magic >> seq >> hlc >> person;
        if (in.status() == QDataStream::Ok && magic == kSnapshotMagic)
            builder = ReportBuilder::load(in, m_reference);
    }
    if (!builder || !in.atEnd()) {
        // Only a cache: a damaged one is read afresh from the store and written again.
        qCWarning(lcReportCache) << "Report snapshot" << m_snapshotPath
                                 << "is damaged; the next report reads every record instead";
        m_snapshotUnusable = true;
        return false;
    }
    m_builder = std::move(builder);
    m_seq = seq;
    m_lastHlc = hlc;
    m_lastPerson = person;
    if (!sameStore(store)) {
        qCInfo(lcReportCache) << "Report snapshot" << m_snapshotPath
                              << "is of another store; the next report reads every record";
        m_builder.reset();
        m_snapshotUnusable = true;
        return false;
    }
    m_savedSeq = seq;
    return true;
}

void ReportCache::saveSnapshot()
{
    if (m_snapshotPath.isEmpty() || !m_builder || m_seq == m_savedSeq)
        return;
    QDir().mkpath(QFileInfo(m_snapshotPath).absolutePath()); // with PostgreSQL, nothing else may have made it
    QSaveFile f(m_snapshotPath);
    // The snapshot holds fields of people's records (postcodes, dates): readable by the server's user only.
    if (f.open(QIODevice::WriteOnly)) {
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        HashingWriter hashed(f);
        QDataStream out(&hashed);
        out.setVersion(QDataStream::Qt_6_4);
        out << QByteArray(kSnapshotMagic) << m_seq << m_lastHlc << m_lastPerson;
        if (m_builder->save(out) && out.status() == QDataStream::Ok && f.write(hashed.digest()) == kDigestSize
            && f.commit()) {
            m_savedSeq = m_seq;
            m_snapshotUnusable = false;
            return;
        }
    }
    qCWarning(lcReportCache) << "Cannot write the report snapshot" << m_snapshotPath << f.errorString();
}

QString ReportCache::lastMode() const
{
    QMutexLocker lock(&m_lock);
    return m_mode;
}

bool ReportCache::sameStore(ServerStore &store) const
{
    if (m_seq == 0)
        return true; // an empty store: nothing cached that could belong to another
    auto writes = store.writesOfPersons({m_lastPerson}, m_seq);
    return writes && !writes.value().isEmpty() && writes.value().last().serverSeq == m_seq
        && writes.value().last().write.hlc == m_lastHlc;
}

Status ReportCache::rescan(ServerStore &store)
{
    m_builder.reset();
    m_savedSeq = -1;
    // The sequence number first: writes committed during the scan are either in it or found by
    // the next catch-up, which re-reads their records (adding a record again replaces it).
    auto last = store.lastSeq();
    if (!last)
        return last.error();
    auto builder = std::make_unique<ReportBuilder>(m_reference);
    if (auto st = store.forEachRecord([&](const RecordState &s) { builder->add(s); }); !st)
        return st;
    m_seq = 0;
    m_lastHlc.clear();
    m_lastPerson.clear();
    if (last.value() > 0) {
        auto persons = allPersons(store);
        if (!persons)
            return persons.error();
        auto at = store.writesAfter(last.value() - 1, persons.value(), 1);
        if (!at)
            return at.error();
        if (at.value().isEmpty() || at.value().first().serverSeq != last.value())
            return makeError(ErrorCode::Io, QStringLiteral("The log changed under the report; try again"));
        m_seq = last.value();
        m_lastHlc = at.value().first().write.hlc;
        m_lastPerson = at.value().first().write.personId;
    }
    m_builder = std::move(builder);
    return {};
}

Status ReportCache::catchUp(ServerStore &store, qint64 upTo)
{
    // Every person with a write up to `upTo` is in this set (a person's row is stored with their
    // first write), so a page filtered by it skips nothing up to `upTo`.
    auto persons = allPersons(store);
    if (!persons)
        return persons.error();
    QSet<QString> changed;
    qint64 cursor = m_seq;
    StoredWrite last;
    while (cursor < upTo) {
        auto page = store.writesAfter(cursor, persons.value(), kPage);
        if (!page)
            return page.error();
        for (const StoredWrite &sw : std::as_const(page.value())) {
            if (sw.serverSeq > upTo)
                break;
            changed.insert(sw.write.recordId);
            cursor = sw.serverSeq;
            last = sw;
        }
        if (qint64(changed.size()) > kRescanAfter)
            return rescan(store);
        if (page.value().size() < kPage || page.value().last().serverSeq > upTo)
            break;
    }
    for (const QString &id : std::as_const(changed)) {
        auto state = store.record(id);
        if (!state)
            return state.error();
        if (state.value())
            m_builder->add(*state.value());
        else
            m_builder->remove(id);
    }
    if (last.serverSeq > 0) {
        m_seq = last.serverSeq;
        m_lastHlc = last.write.hlc;
        m_lastPerson = last.write.personId;
    }
    return {};
}

Status ReportCache::bringUpToDate(ServerStore &store, bool readAllIfNeeded)
{
    auto last = store.lastSeq();
    if (!last)
        return last.error();
    if (m_builder && (!sameStore(store) || last.value() < m_seq || last.value() - m_seq > kRescanAfter))
        m_builder.reset();
    const bool fromSnapshot = !m_builder && loadSnapshot(store);
    if (m_builder && (last.value() < m_seq || last.value() - m_seq > kRescanAfter))
        m_builder.reset();
    if (!m_builder) {
        if (!readAllIfNeeded)
            return {};
        m_mode = QStringLiteral("full");
        if (auto st = rescan(store); !st) {
            m_builder.reset();
            return st;
        }
        saveSnapshot();
    } else if (last.value() > m_seq) {
        m_mode = fromSnapshot ? QStringLiteral("snapshot") : QStringLiteral("incremental");
        if (auto st = catchUp(store, last.value()); !st) {
            m_builder.reset(); // start afresh next time rather than trust a half-applied catch-up
            return st;
        }
        if (m_seq - m_savedSeq >= kSaveEvery)
            saveSnapshot();
    } else {
        m_mode = fromSnapshot ? QStringLiteral("snapshot") : QStringLiteral("cached");
    }
    return {};
}

Result<QJsonObject> ReportCache::report(ServerStore &store, const ReportScope &scope)
{
    QMutexLocker lock(&m_lock);
    if (auto st = bringUpToDate(store, true); !st)
        return st.error();
    return m_builder->build(scope, QDateTime::currentDateTimeUtc());
}

Status ReportCache::keepUp(ServerStore &store)
{
    QMutexLocker lock(&m_lock);
    return bringUpToDate(store, false);
}

} // namespace hearth::server::reports
