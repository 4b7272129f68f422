#pragma once

#include "merge.h"

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace hearth {

// What the caseload list needs of one person, folded from all their records. Kept encrypted per
// person (schema 2, table person_summary) and updated in the same transaction as every write, so
// opening a caseload decrypts one small blob per person instead of every record.
namespace summary {

// Folds one record's current state into its person's summary (replacing what it said before).
// False when records of its type are not part of a summary (the summary is then unchanged).
bool fold(QJsonObject &summary, const RecordState &record);

} // namespace summary

struct CaseloadEntry {
    QString personId;
    QString givenName;
    QString familyName;
    QString chi;
    QDate dateOfBirth;
    QString postcode;
    QString stageOfCare;
    QString linkWorker;
    bool closed = false;
    bool awaitingFirstContact = false;
    QDate referralReceived; // the earliest referral still awaiting first contact, else the latest
    int overdueActions = 0; // open care actions past their due date
    QDate nextActionDue;    // earliest due date of an open action
    QDate reviewDue;        // initial HNA date + 12 weeks when no review followed it; invalid otherwise
    int conflicts = 0;      // not filled from the summary; set by callers that track conflicts

    [[nodiscard]] QString displayName() const;
    [[nodiscard]] int daysWaiting(const QDate &today) const;
};

// Builds a caseload entry from a summary as of `today`.
[[nodiscard]] CaseloadEntry caseloadEntry(const QString &personId, const QJsonObject &summary, const QDate &today);

// An in-memory, sorted caseload with search and filters. Cheap enough to rebuild per keystroke
// for tens of thousands of people; built off the UI thread from Store::reader().
class CaseloadIndex
{
public:
    enum class Filter { All, Open, AwaitingFirstContact, OverdueActions, ReviewsDue, Closed };

    CaseloadIndex() = default;
    explicit CaseloadIndex(QList<CaseloadEntry> entries);

    [[nodiscard]] const QList<CaseloadEntry> &entries() const { return m_entries; }
    [[nodiscard]] int size() const { return int(m_entries.size()); }
    // Positions in entries() matching a name/CHI search and a filter, in display order.
    [[nodiscard]] QList<int> select(const QString &search, Filter filter, const QDate &today) const;
    [[nodiscard]] static bool matches(const CaseloadEntry &e, Filter filter, const QDate &today);
    // Display order: family name, given name (case-insensitive), then id, so the order is total.
    [[nodiscard]] static bool before(const CaseloadEntry &a, const CaseloadEntry &b);
    // The first `count` entries that select() would list first, in the same order, without sorting
    // or folding the whole caseload: what a list shows before the full index is built.
    [[nodiscard]] static QList<CaseloadEntry> firstPage(const QList<CaseloadEntry> &entries, const QString &search,
                                                        Filter filter, const QDate &today, int count);

private:
    QList<CaseloadEntry> m_entries; // sorted by family name, given name, id
    QStringList m_folded;           // lower-cased "given family chi" per entry, for search
};

} // namespace hearth
