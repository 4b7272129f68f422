#include "reportcache.h"

#include "merge.h"

#include <QMutexLocker>

namespace hearth::server::reports {

namespace {

constexpr int kPage = 5000;

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

ReportCache::ReportCache(const ReferenceData &reference) : m_reference(reference) {}

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

Result<QJsonObject> ReportCache::report(ServerStore &store, const ReportScope &scope)
{
    QMutexLocker lock(&m_lock);
    auto last = store.lastSeq();
    if (!last)
        return last.error();
    if (m_builder && (!sameStore(store) || last.value() < m_seq || last.value() - m_seq > kRescanAfter))
        m_builder.reset();
    if (!m_builder) {
        m_mode = QStringLiteral("full");
        if (auto st = rescan(store); !st) {
            m_builder.reset();
            return st.error();
        }
    } else if (last.value() > m_seq) {
        m_mode = QStringLiteral("incremental");
        if (auto st = catchUp(store, last.value()); !st) {
            m_builder.reset(); // start afresh next time rather than trust a half-applied catch-up
            return st.error();
        }
    } else {
        m_mode = QStringLiteral("cached");
    }
    return m_builder->build(scope, QDateTime::currentDateTimeUtc());
}

} // namespace hearth::server::reports
