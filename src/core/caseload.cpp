#include "caseload.h"

#include <QJsonArray>

#include <algorithm>

namespace hearth {

namespace {

const QString kPerson = QStringLiteral("p");
const QString kReferrals = QStringLiteral("r");
const QString kActions = QStringLiteral("a");
const QString kAssessments = QStringLiteral("h");
const QString kStatuses = QStringLiteral("s");

QJsonValue str(const QJsonObject &v, const char *field)
{
    const QJsonValue x = v.value(QLatin1String(field));
    return x.isString() ? x : QJsonValue();
}

void setEntry(QJsonObject &summary, const QString &map, const QString &id, const QJsonValue &value)
{
    QJsonObject m = summary.value(map).toObject();
    if (value.isUndefined())
        m.remove(id);
    else
        m.insert(id, value);
    if (m.isEmpty())
        summary.remove(map);
    else
        summary.insert(map, m);
}

QDate date(const QJsonValue &v)
{
    return QDate::fromString(v.toString(), Qt::ISODate);
}

// What a search matches: "given family chi" folded to lower case.
QString folded(const CaseloadEntry &e)
{
    return (e.givenName + QLatin1Char(' ') + e.familyName + QLatin1Char(' ') + e.chi).toCaseFolded();
}

// A search as typed: all digits is a CHI prefix, anything else words that must all appear.
class SearchQuery
{
public:
    explicit SearchQuery(const QString &search)
        : m_terms(search.toCaseFolded().split(QLatin1Char(' '), Qt::SkipEmptyParts))
    {
        for (QChar c : search)
            if (c.isDigit())
                m_digits += c;
        m_chi = !m_digits.isEmpty() && m_digits.size() == search.trimmed().remove(QLatin1Char(' ')).size();
    }
    // False when every entry matches, so callers can skip folding names.
    [[nodiscard]] bool needsFolded() const { return !m_chi && !m_terms.isEmpty(); }
    [[nodiscard]] bool matches(const CaseloadEntry &e, const QString &folded) const
    {
        if (m_chi)
            return e.chi.startsWith(m_digits);
        for (const QString &t : m_terms)
            if (!folded.contains(t))
                return false;
        return true;
    }

private:
    QStringList m_terms;
    QString m_digits;
    bool m_chi = false;
};

} // namespace

namespace summary {

bool fold(QJsonObject &s, const RecordState &record)
{
    const QString &t = record.type;
    // Most records (concerns, notes...) say nothing here: skip building their values.
    if (t != QLatin1String("person") && t != QLatin1String("referral") && t != QLatin1String("care_action")
        && t != QLatin1String("assessment") && t != QLatin1String("case_status"))
        return false;
    const QJsonObject v = record.values();
    const bool live = !record.isDeleted();
    if (t == QLatin1String("person")) {
        QJsonObject p{{QStringLiteral("g"), str(v, "given_name")},   {QStringLiteral("f"), str(v, "family_name")},
                      {QStringLiteral("c"), str(v, "chi_number")},   {QStringLiteral("b"), str(v, "date_of_birth")},
                      {QStringLiteral("pc"), str(v, "postcode")},    {QStringLiteral("st"), str(v, "stage_of_care")},
                      {QStringLiteral("lw"), str(v, "link_worker")}, {QStringLiteral("x"), !live}};
        s.insert(kPerson, p);
    } else if (t == QLatin1String("referral")) {
        setEntry(s, kReferrals, record.id,
                 live ? QJsonValue(QJsonArray{str(v, "date_received"), str(v, "date_first_contact")})
                      : QJsonValue(QJsonValue::Undefined));
    } else if (t == QLatin1String("care_action")) {
        const QString status = v.value(QStringLiteral("status")).toString();
        const bool open = live && (status == QLatin1String("planned") || status == QLatin1String("in_progress"));
        setEntry(s, kActions, record.id, open ? str(v, "due_date") : QJsonValue(QJsonValue::Undefined));
    } else if (t == QLatin1String("assessment")) {
        setEntry(s, kAssessments, record.id,
                 live ? QJsonValue(QJsonArray{str(v, "kind"), str(v, "date")}) : QJsonValue(QJsonValue::Undefined));
    } else if (t == QLatin1String("case_status")) {
        setEntry(s, kStatuses, record.id,
                 live ? QJsonValue(QJsonArray{str(v, "status"), str(v, "date")}) : QJsonValue(QJsonValue::Undefined));
    }
    return true;
}

} // namespace summary

QString CaseloadEntry::displayName() const
{
    return familyName.isEmpty() ? givenName : familyName + QStringLiteral(", ") + givenName;
}

int CaseloadEntry::daysWaiting(const QDate &today) const
{
    return awaitingFirstContact && referralReceived.isValid() ? int(referralReceived.daysTo(today)) : 0;
}

CaseloadEntry caseloadEntry(const QString &personId, const QJsonObject &s, const QDate &today)
{
    CaseloadEntry e;
    e.personId = personId;
    const QJsonObject p = s.value(kPerson).toObject();
    e.givenName = p.value(QStringLiteral("g")).toString();
    e.familyName = p.value(QStringLiteral("f")).toString();
    e.chi = p.value(QStringLiteral("c")).toString();
    e.dateOfBirth = date(p.value(QStringLiteral("b")));
    e.postcode = p.value(QStringLiteral("pc")).toString();
    e.stageOfCare = p.value(QStringLiteral("st")).toString();
    e.linkWorker = p.value(QStringLiteral("lw")).toString();

    const QJsonObject refs = s.value(kReferrals).toObject();
    for (auto it = refs.begin(); it != refs.end(); ++it) {
        const QJsonArray r = it.value().toArray();
        const QDate received = date(r.at(0));
        const bool waiting = r.at(1).isNull() || r.at(1).toString().isEmpty();
        if (waiting && (!e.awaitingFirstContact || received < e.referralReceived)) {
            e.awaitingFirstContact = true;
            e.referralReceived = received;
        } else if (!e.awaitingFirstContact && (!e.referralReceived.isValid() || received > e.referralReceived)) {
            e.referralReceived = received;
        }
    }
    const QJsonObject actions = s.value(kActions).toObject();
    for (auto it = actions.begin(); it != actions.end(); ++it) {
        const QDate due = date(it.value());
        if (!due.isValid())
            continue;
        if (due < today)
            ++e.overdueActions;
        if (!e.nextActionDue.isValid() || due < e.nextActionDue)
            e.nextActionDue = due;
    }
    QDate lastInitial, lastFollowUp;
    const QJsonObject hnas = s.value(kAssessments).toObject();
    for (auto it = hnas.begin(); it != hnas.end(); ++it) {
        const QJsonArray h = it.value().toArray();
        const QDate d = date(h.at(1));
        if (h.at(0).toString() == QLatin1String("initial")) {
            if (d > lastInitial)
                lastInitial = d;
        } else if (d > lastFollowUp) {
            lastFollowUp = d;
        }
    }
    // Our choice: a review is due 12 weeks after the initial HNA (the service's median was 84 days).
    if (lastInitial.isValid() && !(lastFollowUp.isValid() && lastFollowUp >= lastInitial))
        e.reviewDue = lastInitial.addDays(84);
    QDate latest;
    const QJsonObject statuses = s.value(kStatuses).toObject();
    for (auto it = statuses.begin(); it != statuses.end(); ++it) {
        const QJsonArray st = it.value().toArray();
        const QDate d = date(st.at(1));
        if (!latest.isValid() || d >= latest) {
            latest = d;
            e.closed = st.at(0).toString() == QLatin1String("closed");
        }
    }
    return e;
}

CaseloadIndex::CaseloadIndex(QList<CaseloadEntry> entries) : m_entries(std::move(entries))
{
    std::sort(m_entries.begin(), m_entries.end(), &CaseloadIndex::before);
    m_folded.reserve(m_entries.size());
    for (const CaseloadEntry &e : std::as_const(m_entries))
        m_folded << folded(e);
}

bool CaseloadIndex::before(const CaseloadEntry &a, const CaseloadEntry &b)
{
    if (const int c = a.familyName.compare(b.familyName, Qt::CaseInsensitive); c != 0)
        return c < 0;
    if (const int c = a.givenName.compare(b.givenName, Qt::CaseInsensitive); c != 0)
        return c < 0;
    return a.personId < b.personId;
}

QList<CaseloadEntry> CaseloadIndex::firstPage(const QList<CaseloadEntry> &entries, const QString &search, Filter filter,
                                              const QDate &today, int count)
{
    const SearchQuery query(search);
    QList<const CaseloadEntry *> found;
    for (const CaseloadEntry &e : entries)
        if (matches(e, filter, today) && query.matches(e, query.needsFolded() ? folded(e) : QString()))
            found << &e;
    const auto end = found.begin() + qMin(qsizetype(count), found.size());
    std::partial_sort(found.begin(), end, found.end(),
                      [](const CaseloadEntry *a, const CaseloadEntry *b) { return before(*a, *b); });
    QList<CaseloadEntry> out;
    out.reserve(end - found.begin());
    for (auto it = found.begin(); it != end; ++it)
        out << **it;
    return out;
}

bool CaseloadIndex::matches(const CaseloadEntry &e, Filter filter, const QDate &today)
{
    switch (filter) {
    case Filter::All:
        return true;
    case Filter::Open:
        return !e.closed;
    case Filter::AwaitingFirstContact:
        return !e.closed && e.awaitingFirstContact;
    case Filter::OverdueActions:
        return !e.closed && e.overdueActions > 0;
    case Filter::ReviewsDue:
        return !e.closed && e.reviewDue.isValid() && e.reviewDue <= today.addDays(7);
    case Filter::Closed:
        return e.closed;
    }
    return true;
}

QList<int> CaseloadIndex::select(const QString &search, Filter filter, const QDate &today) const
{
    const SearchQuery query(search);
    QList<int> out;
    for (int i = 0; i < m_entries.size(); ++i)
        if (matches(m_entries[i], filter, today) && query.matches(m_entries[i], m_folded[i]))
            out << i;
    return out;
}

} // namespace hearth
