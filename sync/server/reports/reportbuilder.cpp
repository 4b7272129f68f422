#include "reportbuilder.h"

#include "merge.h"
#include "referencedata.h"
#include "serverstore.h"
#include "statistics.h"

#include <QDataStream>
#include <QHash>
#include <QJsonArray>
#include <QMap>
#include <QSaveFile>
#include <QSet>
#include <QUuid>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <type_traits>
#include <cmath>
#include <vector>

namespace hearth::server::reports {

namespace {

// Statistics need at least this many values; fewer say "insufficient" instead of a number.
constexpr int kMinimumForStatistics = 5;

// Contact outcomes that mean the person was actually reached.
bool reached(const QString &outcome)
{
    return outcome == QLatin1String("reached") || outcome == QLatin1String("visit_arranged");
}

QString text(const RecordState &s, const QString &field)
{
    return s.value(field).toString();
}

QDate date(const RecordState &s, const QString &field)
{
    return QDate::fromString(s.value(field).toString(), Qt::ISODate);
}

std::optional<double> number(const RecordState &s, const QString &field)
{
    const QJsonValue v = s.value(field);
    if (!v.isDouble())
        return std::nullopt;
    return v.toDouble();
}

// Interned text: an index into Data::strings (0 is the empty text). Most report fields take a few
// values repeated over every record, so a record keeps small numbers, not copies of text.
using Code = quint32;
// A day as its Julian day number; kNoDay when the record has none (or an unreadable one).
using Day = qint32;
constexpr Day kNoDay = std::numeric_limits<Day>::min();

Day dayOf(const QDate &d)
{
    return d.isValid() ? Day(d.toJulianDay()) : kNoDay;
}

QDate dateOf(Day d)
{
    return d == kNoDay ? QDate() : QDate::fromJulianDay(d);
}

// Record ids are UUIDs (the write path refuses others); any other text is hashed to one, so the
// builder still tells records apart.
QUuid keyOf(const QString &id)
{
    const QUuid u = QUuid::fromString(id);
    if (!u.isNull() || id.isEmpty())
        return u;
    return QUuid::createUuidV5(QUuid(), id);
}

// The order of the ids' lower-case text form, which the figures use to break ties.
bool idLess(const QUuid &a, const QUuid &b)
{
    if (a.data1 != b.data1)
        return a.data1 < b.data1;
    if (a.data2 != b.data2)
        return a.data2 < b.data2;
    if (a.data3 != b.data3)
        return a.data3 < b.data3;
    return std::memcmp(a.data4, b.data4, sizeof a.data4) < 0;
}

// Every kept record starts with its id and person (an index into Data::persons); `alive` is 0
// once the record is deleted or replaced under another type. Rows are plain data, so a snapshot
// writes and reads them as they lie in memory: every byte is a member (flags are bytes, padding is
// spelled out and zero), so no stray memory reaches the file, and the sizes are checked below.
struct Row0 {
    QUuid id;
    qint32 person = 0;
    quint8 alive = 1;
    quint8 pad0[3]{};
};
struct Person {
    QUuid id;
    Code caseload = 0;
    Code postcode = 0;
    Day diagnosis = kNoDay;
    quint8 exists = 0;
    quint8 withheld = 0;
    quint8 pad[2]{};
};
struct Referral : Row0 {
    Code source = 0;
    Day received = kNoDay;
    Day firstContact = kNoDay;
};
struct Contact : Row0 {
    Day date = kNoDay;
    quint8 reached = 0;
    quint8 pad[3]{};
};
struct Assessment : Row0 {
    Code kind = 0;
    Day date = kNoDay;
    double distress = qQNaN(); // NaN: not scored
    QUuid initialId;
    quint8 complete = 0;
    quint8 pad[7]{};
};
struct Concern : Row0 {
    QUuid assessmentId;
    Code domain = 0;
    Code item = 0;
    double score = 0;
};
struct Dated : Row0 {
    Day date = kNoDay;
    Code a = 0;         // onward referral: organisation; gain: kind; event: format; status: status
    qint64 pence = 0;   // financial gain
    Code b = 0;         // onward referral: status; gain: period; event: attended by; status: reason
    Day extra = kNoDay; // treatment summary: its diagnosis date
    quint8 flag = 0;    // onward referral: carer's assessment
    quint8 pad[7]{};
};
struct Measure : Row0 {
    Code instrument = 0;
    Code timepoint = 0;
    Day date = kNoDay;
    Code state = 0;
    double vas = qQNaN(); // NaN: not given
};
static_assert(sizeof(Row0) == 24 && sizeof(Person) == 32 && sizeof(Referral) == 36 && sizeof(Contact) == 32
                  && sizeof(Assessment) == 64 && sizeof(Concern) == 56 && sizeof(Dated) == 56 && sizeof(Measure) == 48,
              "a row with padding the compiler chose: spell it out");

// A count row for a breakdown: `count` and optional extra numbers.
struct Row {
    QString label;
    QJsonObject extra;
    qint64 count = 0;
};

QJsonArray rows(const QHash<QString, Row> &in)
{
    QList<QString> keys = in.keys();
    std::sort(keys.begin(), keys.end(), [&](const QString &a, const QString &b) {
        const qint64 ca = in.value(a).count, cb = in.value(b).count;
        return ca != cb ? ca > cb : a < b;
    });
    QJsonArray out;
    for (const QString &k : keys) {
        const Row &r = in[k];
        QJsonObject o = r.extra;
        o.insert(QStringLiteral("key"), k);
        o.insert(QStringLiteral("label"), r.label.isEmpty() ? k : r.label);
        o.insert(QStringLiteral("count"), double(r.count));
        out.append(o);
    }
    return out;
}

void bump(QHash<QString, Row> &h, const QString &key, const QString &label = {})
{
    Row &r = h[key.isEmpty() ? QStringLiteral("unknown") : key];
    if (r.label.isEmpty())
        r.label = label;
    ++r.count;
}

double pounds(qint64 pence)
{
    return double(pence) / 100.0;
}

QString insufficientPairs(qsizetype n)
{
    return QStringLiteral("%1 paired initial and review values; at least %2 are needed")
        .arg(n)
        .arg(kMinimumForStatistics);
}

QJsonObject wilcoxonJson(const std::vector<double> &differences)
{
    const stats::WilcoxonResult w = stats::wilcoxonSignedRank(differences);
    return QJsonObject{{QStringLiteral("method"),
                        w.method == stats::WilcoxonMethod::Exact ? QStringLiteral("exact") : QStringLiteral("normal")},
                       {QStringLiteral("zero_method"), QStringLiteral("pratt")},
                       {QStringLiteral("n"), w.n},
                       {QStringLiteral("n_zero"), w.nZero},
                       {QStringLiteral("n_nonzero"), w.nNonZero},
                       {QStringLiteral("w_plus"), w.wPlus},
                       {QStringLiteral("w_minus"), w.wMinus},
                       {QStringLiteral("z"), w.z},
                       {QStringLiteral("p_value"), w.pValue},
                       {QStringLiteral("effect_size"),
                        QJsonObject{{QStringLiteral("rank_biserial"), w.rankBiserial}, {QStringLiteral("r"), w.r}}}};
}

// Paired figures for one measure: n, medians, Wilcoxon; with `means`, the mean change and its
// 95% t interval too.
QJsonObject pairedJson(const std::vector<double> &before, const std::vector<double> &after, bool means)
{
    QJsonObject o{{QStringLiteral("n"), double(before.size())}};
    if (before.size() < std::size_t(kMinimumForStatistics)) {
        o.insert(QStringLiteral("insufficient"), insufficientPairs(qsizetype(before.size())));
        return o;
    }
    std::vector<double> change(before.size());
    for (std::size_t i = 0; i < before.size(); ++i)
        change[i] = after[i] - before[i];
    o.insert(QStringLiteral("median_initial"), *stats::median(before));
    o.insert(QStringLiteral("median_review"), *stats::median(after));
    o.insert(QStringLiteral("median_change"), *stats::median(change));
    if (means) {
        const stats::MeanInterval ci = *stats::meanInterval(change);
        o.insert(QStringLiteral("mean_initial"), *stats::mean(before));
        o.insert(QStringLiteral("mean_review"), *stats::mean(after));
        o.insert(QStringLiteral("mean_change"), ci.mean);
        o.insert(QStringLiteral("sd_change"), ci.sd);
        o.insert(QStringLiteral("ci95"), QJsonArray{ci.lower, ci.upper});
    }
    o.insert(QStringLiteral("wilcoxon"), wilcoxonJson(change));
    return o;
}

// The record types the report reads, in the order of Data's tables.
enum Table : quint8 {
    TReferral,
    TContact,
    TAssessment,
    TConcern,
    TOnward,
    TGain,
    TSummary,
    TReview,
    TEvent,
    TStatus,
    TMeasure,
    TableCount
};

Table tableOf(const QString &type)
{
    static const QHash<QString, Table> tables = {{QStringLiteral("referral"), TReferral},
                                                 {QStringLiteral("contact"), TContact},
                                                 {QStringLiteral("assessment"), TAssessment},
                                                 {QStringLiteral("concern"), TConcern},
                                                 {QStringLiteral("onward_referral"), TOnward},
                                                 {QStringLiteral("financial_gain"), TGain},
                                                 {QStringLiteral("treatment_summary"), TSummary},
                                                 {QStringLiteral("cancer_care_review"), TReview},
                                                 {QStringLiteral("wellbeing_event"), TEvent},
                                                 {QStringLiteral("case_status"), TStatus},
                                                 {QStringLiteral("outcome_measure"), TMeasure}};
    return tables.value(type, TableCount);
}

// Where a record's row lies.
struct Slot {
    quint32 row;
    Table table;
    quint8 pad[3]{};
};
struct IndexEntry {
    QUuid id;
    Slot slot; // table TableCount: the record was removed
};
static_assert(sizeof(IndexEntry) == 24, "an index entry with padding the compiler chose: spell it out");

bool entryLess(const IndexEntry &a, const IndexEntry &b)
{
    return idLess(a.id, b.id);
}

// Record id -> row, for replacing a record's row when it changes. Most entries sit in a sorted
// array that a snapshot stores as it is (reading it back costs no hashing of a million ids); new
// ones go to a hash that is merged into the array as it grows.
class RecordIndex
{
public:
    [[nodiscard]] const Slot *find(const QUuid &id) const
    {
        if (auto it = m_recent.constFind(id); it != m_recent.cend())
            return &*it;
        auto it = std::lower_bound(m_sorted.begin(), m_sorted.end(), IndexEntry{id, {}}, entryLess);
        return it != m_sorted.end() && it->id == id && it->slot.table != TableCount ? &it->slot : nullptr;
    }
    void insert(const QUuid &id, Slot slot)
    {
        m_recent.insert(id, slot);
        if (m_recent.size() > std::max<qsizetype>(4096, qsizetype(m_sorted.size() / 8)))
            merge();
    }
    void erase(const QUuid &id)
    {
        if (m_recent.remove(id))
            return;
        auto it = std::lower_bound(m_sorted.begin(), m_sorted.end(), IndexEntry{id, {}}, entryLess);
        if (it != m_sorted.end() && it->id == id)
            it->slot.table = TableCount;
    }
    // Replaces the whole index with `entries` (any order).
    void assign(std::vector<IndexEntry> entries)
    {
        m_recent.clear();
        m_sorted = std::move(entries);
        std::sort(m_sorted.begin(), m_sorted.end(), entryLess);
    }
    // The sorted array as read from a snapshot; false when it is not sorted and unique.
    bool adopt(std::vector<IndexEntry> sorted)
    {
        for (std::size_t i = 1; i < sorted.size(); ++i)
            if (!entryLess(sorted[i - 1], sorted[i]))
                return false;
        m_recent.clear();
        m_sorted = std::move(sorted);
        return true;
    }

private:
    void merge()
    {
        std::vector<IndexEntry> recent;
        recent.reserve(std::size_t(m_recent.size()));
        for (auto it = m_recent.cbegin(); it != m_recent.cend(); ++it)
            recent.push_back({it.key(), it.value()});
        std::sort(recent.begin(), recent.end(), entryLess);
        std::vector<IndexEntry> merged;
        merged.reserve(m_sorted.size() + recent.size());
        // A removed entry is dropped; an id in both (removed, then added again) keeps the new slot.
        auto a = m_sorted.cbegin();
        auto b = recent.cbegin();
        while (a != m_sorted.cend() || b != recent.cend()) {
            if (b == recent.cend() || (a != m_sorted.cend() && entryLess(*a, *b))) {
                if (a->slot.table != TableCount)
                    merged.push_back(*a);
                ++a;
            } else {
                if (a != m_sorted.cend() && a->id == b->id)
                    ++a;
                merged.push_back(*b++);
            }
        }
        m_sorted = std::move(merged);
        m_recent.clear();
    }

    std::vector<IndexEntry> m_sorted;
    QHash<QUuid, Slot> m_recent;
};

// Calls `fn` on every live row of `rows`.
template<typename T, typename Fn>
void forLive(const std::vector<T> &rows, Fn &&fn)
{
    for (const T &r : rows)
        if (r.alive)
            fn(r);
}

} // namespace

struct ReportBuilder::Data {
    ReportScope scope;            // set by build() for the figures' helpers
    Day from = kNoDay, to = kNoDay;
    std::vector<char> scopeFlags; // per person: 1 in scope, 2 counted (set by setScope())
    const ReferenceData &reference;
    QList<QString> strings{QString()};
    QHash<QString, Code> codes{{QString(), 0}};
    QHash<QUuid, qint32> personIndex;
    std::vector<Person> persons;
    RecordIndex recordIndex;
    // Bumped whenever an assessment or concern row changes, so build() knows when the grouping of
    // concerns by assessment it keeps is out of date.
    quint64 assessmentsChanged = 1;
    mutable quint64 groupedAt = 0;
    mutable QHash<QUuid, qint32> assessmentRow;
    mutable std::vector<qint32> concernStart, concernOrder; // concerns of assessment row a: [start[a], start[a+1])
    std::vector<Referral> referrals;
    std::vector<Contact> contacts;
    std::vector<Assessment> assessments;
    std::vector<Concern> concerns;
    std::vector<Dated> onward, gains, summaries, reviews, events, statuses;
    std::vector<Measure> measures;
    // Per code of a postcode: 1 + decile * 6 + quintile as the look-up gives them (0: not looked
    // up yet; decile and quintile 0: unknown), kept across builds since the reference data does
    // not change under the builder.
    mutable std::vector<quint8> deprivationOfCode;

    explicit Data(const ReferenceData &r) : reference(r) {}

    // Calls fn(table id, rows) for every table: one list for what must treat them all alike.
    template<typename Fn>
    void eachTable(Fn &&fn)
    {
        fn(TReferral, referrals);
        fn(TContact, contacts);
        fn(TAssessment, assessments);
        fn(TConcern, concerns);
        fn(TOnward, onward);
        fn(TGain, gains);
        fn(TSummary, summaries);
        fn(TReview, reviews);
        fn(TEvent, events);
        fn(TStatus, statuses);
        fn(TMeasure, measures);
    }
    Row0 *rowAt(Slot s)
    {
        Row0 *out = nullptr;
        eachTable([&](Table t, auto &rows) {
            if (t == s.table && s.row < rows.size())
                out = &rows[s.row];
        });
        return out;
    }

    Code code(const QString &text)
    {
        auto it = codes.constFind(text);
        if (it != codes.cend())
            return *it;
        const Code c = Code(strings.size());
        strings.append(text);
        codes.insert(text, c);
        return c;
    }
    // The code of `text` if any record uses it; otherwise one no record has.
    [[nodiscard]] Code known(const QString &text) const { return codes.value(text, Code(strings.size())); }
    [[nodiscard]] const QString &str(Code c) const { return strings[qsizetype(c)]; }

    qint32 person(const QString &id)
    {
        const QUuid key = keyOf(id);
        auto it = personIndex.constFind(key);
        if (it != personIndex.cend())
            return *it;
        const qint32 i = qint32(persons.size());
        persons.push_back(Person{key});
        personIndex.insert(key, i);
        return i;
    }
    // Forgets record `id`: its row no longer counts.
    void remove(const QUuid &id)
    {
        if (const Slot *slot = recordIndex.find(id)) {
            if (slot->table == TAssessment || slot->table == TConcern)
                ++assessmentsChanged;
            if (Row0 *r = rowAt(*slot))
                r->alive = false;
            recordIndex.erase(id);
        }
        // A person's own record has the person's id: forgetting it leaves the person unknown.
        if (auto p = personIndex.constFind(id); p != personIndex.cend())
            persons[std::size_t(*p)] = Person{id};
    }
    // Puts `row` in its table, over the record's earlier row when it has one.
    template<typename T>
    void put(Table t, std::vector<T> &rows, T row)
    {
        if (t == TAssessment || t == TConcern)
            ++assessmentsChanged;
        const Slot *slot = recordIndex.find(row.id);
        if (slot && slot->table == t) {
            rows[slot->row] = row;
            return;
        }
        if (slot)
            remove(row.id);
        recordIndex.insert(row.id, Slot{quint32(rows.size()), t});
        rows.push_back(row);
    }

    [[nodiscard]] bool inPeriod(Day d) const { return d != kNoDay && d >= from && d <= to; }
    // Sets the scope and decides each person's membership once, not once per record.
    void setScope(const ReportScope &s)
    {
        scope = s;
        from = dayOf(s.from);
        to = dayOf(s.to);
        std::vector<char> inCaseload;
        if (scope.caseloads) {
            inCaseload.assign(std::size_t(strings.size()), 0);
            for (const QString &c : *scope.caseloads)
                if (auto it = codes.constFind(c); it != codes.cend())
                    inCaseload[*it] = 1;
        }
        scopeFlags.assign(persons.size(), 0);
        for (std::size_t p = 0; p < persons.size(); ++p) {
            const Person &x = persons[p];
            const bool in = x.exists && (!scope.caseloads || inCaseload[x.caseload]);
            scopeFlags[p] = char((in ? 1 : 0) | (in && !x.withheld ? 2 : 0));
        }
    }
    // In scope and not withheld: the people every figure but referrals is about.
    [[nodiscard]] bool counted(qint32 p) const { return scopeFlags[std::size_t(p)] & 2; }
    [[nodiscard]] bool inScope(qint32 p) const { return scopeFlags[std::size_t(p)] & 1; }

    // The deprivation decile (1-10) and quintile (1-5) of a postcode, as the configured look-up
    // gives them; {0, 0} when unknown.
    std::pair<int, int> deprivation(Code postcode) const
    {
        if (deprivationOfCode.size() < std::size_t(strings.size()))
            deprivationOfCode.resize(std::size_t(strings.size()), 0);
        quint8 &d = deprivationOfCode[postcode];
        if (d == 0) {
            const QString &pc = str(postcode);
            const Deprivation dep = pc.isEmpty() ? Deprivation{} : reference.deprivation().lookup(pc);
            const bool known = dep.known && dep.decile >= 1 && dep.decile <= 10 && dep.quintile >= 1 && dep.quintile <= 5;
            d = quint8(1 + (known ? dep.decile * 6 + dep.quintile : 0));
        }
        return {(d - 1) / 6, (d - 1) % 6};
    }

    // Groups the concerns by the row of the assessment they belong to (kept until an assessment
    // or concern changes: a dashboard asks for report after report of an unchanged service).
    void groupConcerns() const
    {
        if (groupedAt == assessmentsChanged)
            return;
        QHash<QUuid, qint32> &rowOf = assessmentRow;
        rowOf.clear();
        rowOf.reserve(qsizetype(assessments.size()));
        for (std::size_t a = 0; a < assessments.size(); ++a)
            if (assessments[a].alive)
                rowOf.insert(assessments[a].id, qint32(a));
        std::vector<qint32> of(concerns.size(), -1);
        concernStart.assign(assessments.size() + 1, 0);
        for (std::size_t c = 0; c < concerns.size(); ++c)
            if (concerns[c].alive)
                if (auto it = rowOf.constFind(concerns[c].assessmentId); it != rowOf.cend()) {
                    of[c] = *it;
                    ++concernStart[std::size_t(*it) + 1];
                }
        for (std::size_t a = 0; a < assessments.size(); ++a)
            concernStart[a + 1] += concernStart[a];
        concernOrder.assign(std::size_t(concernStart.back()), 0);
        std::vector<qint32> next(concernStart.begin(), concernStart.end() - 1);
        for (std::size_t c = 0; c < concerns.size(); ++c)
            if (of[c] >= 0)
                concernOrder[std::size_t(next[std::size_t(of[c])]++)] = qint32(c);
        groupedAt = assessmentsChanged;
    }

    bool save(QDataStream &out) const;
    bool load(QDataStream &in);
};

namespace {

// Bumped whenever a row's layout changes: a snapshot of another layout is not read.
constexpr quint32 kLayout = 1;

template<typename T>
bool isLive(const T &r)
{
    if constexpr (std::is_same_v<T, IndexEntry>)
        return r.slot.table != TableCount;
    else
        return r.alive;
}

template<typename T>
void writeRows(QDataStream &out, const std::vector<T> &rows)
{
    static_assert(std::is_trivially_copyable_v<T>);
    qint64 live = 0;
    for (const T &r : rows)
        live += isLive(r);
    out << live << quint32(sizeof(T));
    for (const T &r : rows)
        if (isLive(r))
            out.writeRawData(reinterpret_cast<const char *>(&r), int(sizeof(T)));
}

template<typename T>
bool readRows(QDataStream &in, std::vector<T> &rows)
{
    qint64 n = 0;
    quint32 size = 0;
    in >> n >> size;
    // The count is checked against what is left, so a damaged count cannot ask for a huge allocation.
    if (in.status() != QDataStream::Ok || size != sizeof(T) || n < 0
        || n > (in.device()->bytesAvailable() / qint64(sizeof(T))))
        return false;
    rows.resize(std::size_t(n));
    const qint64 bytes = n * qint64(sizeof(T));
    for (qint64 done = 0; done < bytes;) {
        const int chunk = int(std::min<qint64>(bytes - done, 1 << 30));
        if (in.readRawData(reinterpret_cast<char *>(rows.data()) + done, chunk) != chunk)
            return false;
        done += chunk;
    }
    return true;
}

} // namespace

bool ReportBuilder::Data::save(QDataStream &out) const
{
    out << kLayout << strings << qint64(persons.size()) << quint32(sizeof(Person));
    out.writeRawData(reinterpret_cast<const char *>(persons.data()), int(persons.size() * sizeof(Person)));
    // Rows are written without the removed ones, so the index is made for the rows as written.
    std::vector<IndexEntry> index;
    const_cast<Data *>(this)->eachTable([&](Table t, const auto &rows) {
        writeRows(out, rows);
        quint32 row = 0;
        for (const auto &r : rows)
            if (r.alive)
                index.push_back({r.id, Slot{row++, t}});
    });
    std::sort(index.begin(), index.end(), entryLess);
    writeRows(out, index);
    return out.status() == QDataStream::Ok;
}

bool ReportBuilder::Data::load(QDataStream &in)
{
    quint32 layout = 0;
    qint64 n = 0;
    quint32 size = 0;
    in >> layout;
    if (layout != kLayout)
        return false;
    in >> strings >> n >> size;
    if (in.status() != QDataStream::Ok || strings.isEmpty() || !strings.first().isEmpty() || size != sizeof(Person)
        || n < 0 || n > in.device()->bytesAvailable() / qint64(sizeof(Person)))
        return false;
    persons.resize(std::size_t(n));
    if (in.readRawData(reinterpret_cast<char *>(persons.data()), int(n * qint64(sizeof(Person))))
        != int(n * qint64(sizeof(Person))))
        return false;
    bool ok = true;
    eachTable([&](Table, auto &rows) { ok = ok && readRows(in, rows); });
    if (!ok || in.status() != QDataStream::Ok)
        return false;
    // Every index a row holds must point inside the snapshot: a damaged file is refused, never read past.
    const auto nStrings = Code(strings.size());
    const auto nPersons = qint32(persons.size());
    codes.clear();
    codes.reserve(strings.size());
    for (qsizetype i = 0; i < strings.size(); ++i)
        codes.insert(strings[i], Code(i));
    if (codes.size() != strings.size())
        return false;
    personIndex.clear();
    personIndex.reserve(qsizetype(persons.size()));
    for (qint32 p = 0; p < nPersons; ++p) {
        const Person &x = persons[std::size_t(p)];
        if (x.caseload >= nStrings || x.postcode >= nStrings || x.exists > 1 || x.withheld > 1)
            return false;
        personIndex.insert(x.id, p);
    }
    const auto codeOk = [&](Code c) { return c < nStrings; };
    const auto rowOk = [&](const auto &r) {
        using T = std::decay_t<decltype(r)>;
        bool good = r.person >= 0 && r.person < nPersons;
        if constexpr (std::is_same_v<T, Referral>)
            good = good && codeOk(r.source);
        else if constexpr (std::is_same_v<T, Contact>)
            good = good && r.reached <= 1;
        else if constexpr (std::is_same_v<T, Assessment>)
            good = good && codeOk(r.kind) && r.complete <= 1;
        else if constexpr (std::is_same_v<T, Concern>)
            good = good && codeOk(r.domain) && codeOk(r.item);
        else if constexpr (std::is_same_v<T, Dated>)
            good = good && codeOk(r.a) && codeOk(r.b) && r.flag <= 1;
        else if constexpr (std::is_same_v<T, Measure>)
            good = good && codeOk(r.instrument) && codeOk(r.timepoint) && codeOk(r.state);
        return good;
    };
    std::size_t total = 0;
    eachTable([&](Table, auto &rows) {
        total += rows.size();
        for (std::size_t i = 0; ok && i < rows.size(); ++i) {
            rows[i].alive = true;
            ok = rowOk(rows[i]);
        }
    });
    std::vector<IndexEntry> index;
    if (!ok || !readRows(in, index) || index.size() != total)
        return false;
    // Every entry must name a row that carries its id; with as many entries as rows, sorted and
    // unique, every row is then indexed exactly once.
    for (const IndexEntry &e : index) {
        const Row0 *r = e.slot.table < TableCount ? rowAt(e.slot) : nullptr;
        if (!r || r->id != e.id)
            return false;
    }
    if (!recordIndex.adopt(std::move(index)))
        return false;
    ++assessmentsChanged;
    deprivationOfCode.clear();
    return in.status() == QDataStream::Ok;
}

ReportBuilder::ReportBuilder(const ReferenceData &reference) : d(std::make_unique<Data>(reference)) {}

ReportBuilder::~ReportBuilder() = default;

bool ReportBuilder::save(QDataStream &out) const
{
    return d->save(out);
}

std::unique_ptr<ReportBuilder> ReportBuilder::load(QDataStream &in, const ReferenceData &reference)
{
    auto b = std::make_unique<ReportBuilder>(reference);
    if (!b->d->load(in))
        return nullptr;
    return b;
}

void ReportBuilder::remove(const QString &recordId)
{
    d->remove(keyOf(recordId));
}

void ReportBuilder::add(const RecordState &s)
{
    const QUuid id = keyOf(s.id);
    if (s.isDeleted() || s.personId.isEmpty()) {
        d->remove(id);
        return;
    }
    const qint32 p = d->person(s.personId);
    auto code = [&](const char *field) { return d->code(text(s, QString::fromLatin1(field))); };
    auto day = [&](const char *field) { return dayOf(date(s, QString::fromLatin1(field))); };
    auto num = [&](const char *field) { return number(s, QString::fromLatin1(field)).value_or(qQNaN()); };
    const Row0 base{id, p};
    const QString &t = s.type;
    if (t == QLatin1String("person")) {
        Person &x = d->persons[std::size_t(p)];
        x.exists = true;
        x.caseload = code("caseload");
        x.withheld = s.value(QStringLiteral("consent_to_contact")).isBool()
            && !s.value(QStringLiteral("consent_to_contact")).toBool();
        x.postcode = code("postcode");
        x.diagnosis = day("diagnosis_date");
        return;
    }
    switch (tableOf(t)) {
    case TReferral:
        d->put(TReferral, d->referrals, Referral{base, code("source"), day("date_received"), day("date_first_contact")});
        break;
    case TContact:
        d->put(TContact, d->contacts, Contact{base, day("date"), reached(text(s, QStringLiteral("outcome")))});
        break;
    case TAssessment:
        d->put(TAssessment, d->assessments,
               Assessment{base, code("kind"), day("date"), num("overall_distress"),
                          keyOf(text(s, QStringLiteral("initial_assessment_id"))),
                          text(s, QStringLiteral("status")) == QLatin1String("complete")});
        break;
    case TConcern:
        if (const double score = num("score"); !std::isnan(score))
            d->put(TConcern, d->concerns,
                   Concern{base, keyOf(text(s, QStringLiteral("assessment_id"))), code("domain"), code("item"), score});
        else
            d->remove(id);
        break;
    case TOnward: {
        Dated x{base, day("date"), code("organisation_id"), 0, code("status")};
        x.flag = s.value(QStringLiteral("carers_assessment")).toBool();
        d->put(TOnward, d->onward, x);
        break;
    }
    case TGain: {
        Dated x{base, day("date_awarded"), code("kind"), 0, code("period")};
        // Whole pence, so sums over thousands of awards do not drift.
        x.pence = std::llround(s.value(QStringLiteral("amount")).toDouble() * 100.0);
        d->put(TGain, d->gains, x);
        break;
    }
    case TMeasure:
        d->put(TMeasure, d->measures,
               Measure{base, code("instrument"), code("timepoint"), day("date"), code("eq5d_state"), num("eq5d_vas")});
        break;
    case TSummary: {
        // The summary's diagnosis date is the fallback for a person record without one (build()).
        Dated x{base, day("date_received")};
        x.extra = day("diagnosis_date");
        d->put(TSummary, d->summaries, x);
        break;
    }
    case TReview:
        d->put(TReview, d->reviews, Dated{base, day("date")});
        break;
    case TEvent:
        d->put(TEvent, d->events, Dated{base, day("date"), code("format"), 0, code("attended_by")});
        break;
    case TStatus:
        d->put(TStatus, d->statuses, Dated{base, day("date"), code("status"), 0, code("reason")});
        break;
    case TableCount:
        d->remove(id); // a type no figure reads
        break;
    }
}

QJsonObject ReportBuilder::build(const ReportScope &scope, const QDateTime &generatedAt) const
{
    d->setScope(scope);
    const Data &D = *d;
    const std::size_t people = D.persons.size();
    const auto P = [](qint32 p) { return std::size_t(p); };
    // Codes of the values the figures test for; one no record has when no record uses the value.
    const Code cInitial = D.known(QStringLiteral("initial")), cReview = D.known(QStringLiteral("review")),
               cClosed = D.known(QStringLiteral("closed")), cAnnual = D.known(QStringLiteral("annual")),
               cBenefit = D.known(QStringLiteral("benefit_award")), cGrant = D.known(QStringLiteral("grant")),
               cDebt = D.known(QStringLiteral("debt_written_off"));
    // Text of a code as a breakdown key ("unknown" for none).
    const auto key = [&](Code c) { return c == 0 ? QStringLiteral("unknown") : D.str(c); };

    // ---- people supported: someone in scope, not withheld, with a service activity in the period
    std::vector<char> supported(people, 0);
    auto mark = [&](const Row0 &r, Day when) {
        if (D.counted(r.person) && D.inPeriod(when))
            supported[P(r.person)] = 1;
    };
    forLive(D.contacts, [&](const Contact &c) {
        if (c.reached)
            mark(c, c.date);
    });
    forLive(D.assessments, [&](const Assessment &a) { mark(a, a.date); });
    for (const auto *rows : {&D.onward, &D.gains, &D.events})
        forLive(*rows, [&](const Dated &x) { mark(x, x.date); });
    const int supportedCount = int(std::count(supported.begin(), supported.end(), 1));
    int withheld = 0;
    for (std::size_t p = 0; p < people; ++p)
        withheld += D.inScope(qint32(p)) && D.persons[p].withheld;

    // ---- referrals and time to first contact
    QHash<QString, Row> bySource;
    int referralCount = 0;
    // Earliest reached contact on or after a date, for a referral whose first-contact date is blank.
    std::vector<qint32> reachedStart(people + 1, 0);
    forLive(D.contacts, [&](const Contact &c) {
        if (c.reached && c.date != kNoDay)
            ++reachedStart[P(c.person) + 1];
    });
    for (std::size_t p = 0; p < people; ++p)
        reachedStart[p + 1] += reachedStart[p];
    std::vector<Day> reachedDates(std::size_t(reachedStart.back()));
    {
        std::vector<qint32> next(reachedStart.begin(), reachedStart.end() - 1);
        forLive(D.contacts, [&](const Contact &c) {
            if (c.reached && c.date != kNoDay)
                reachedDates[std::size_t(next[P(c.person)]++)] = c.date;
        });
    }
    std::vector<double> days;
    int awaiting = 0;
    forLive(D.referrals, [&](const Referral &r) {
        if (!D.inScope(r.person) || !D.inPeriod(r.received))
            return;
        ++referralCount;
        bump(bySource, D.str(r.source));
        if (D.persons[P(r.person)].withheld)
            return;
        Day first = r.firstContact;
        if (first == kNoDay)
            for (qint32 i = reachedStart[P(r.person)]; i < reachedStart[P(r.person) + 1]; ++i)
                if (const Day c = reachedDates[std::size_t(i)]; c >= r.received && (first == kNoDay || c < first))
                    first = c;
        if (first != kNoDay && first <= D.to)
            days.push_back(double(first - r.received));
        else
            ++awaiting;
    });
    QJsonObject toContact{{QStringLiteral("n"), double(days.size())}, {QStringLiteral("awaiting"), awaiting}};
    if (days.size() < std::size_t(kMinimumForStatistics))
        toContact.insert(QStringLiteral("insufficient"),
                         QStringLiteral("%1 referrals with a first contact; at least %2 are needed")
                             .arg(days.size())
                             .arg(kMinimumForStatistics));
    else {
        toContact.insert(QStringLiteral("median"), *stats::quantile(days, 0.5));
        toContact.insert(QStringLiteral("p90"), *stats::quantile(days, 0.9));
    }

    // ---- cases: status at the end of the period
    std::vector<const Dated *> lastStatus(people, nullptr);
    forLive(D.statuses, [&](const Dated &x) {
        if (x.date == kNoDay || x.date > D.to)
            return;
        const Dated *&cur = lastStatus[P(x.person)];
        if (!cur || x.date > cur->date || (x.date == cur->date && idLess(cur->id, x.id)))
            cur = &x;
    });
    std::vector<char> hasCase(people, 0);
    forLive(D.referrals, [&](const Referral &r) {
        if (r.received != kNoDay && r.received <= D.to)
            hasCase[P(r.person)] = 1;
    });
    int open = 0, closed = 0;
    QHash<QString, Row> closedBy;
    for (std::size_t p = 0; p < people; ++p) {
        if (!D.counted(qint32(p)) || (!hasCase[p] && !lastStatus[p]))
            continue;
        const Dated *st = lastStatus[p];
        if (!st || st->a != cClosed)
            ++open;
        else if (D.inPeriod(st->date)) {
            ++closed;
            bump(closedBy, D.str(st->b));
        }
    }

    // ---- deprivation of the people supported, from the configured look-up
    const DeprivationLookup &lookup = D.reference.deprivation();
    std::array<qint64, 11> decileCount{}; // [0] unknown
    std::array<qint64, 6> quintileCount{}; // [0] unknown
    for (std::size_t p = 0; p < people; ++p)
        if (supported[p]) {
            const auto [decile, quintile] = D.deprivation(D.persons[p].postcode);
            ++decileCount[std::size_t(decile)];
            ++quintileCount[std::size_t(quintile)];
        }
    QHash<QString, Row> quintiles, deciles;
    for (int q = 1; q <= 5; ++q)
        quintiles[QString::number(q)] = Row{q == 1 ? QStringLiteral("1 (most deprived)")
                                                   : (q == 5 ? QStringLiteral("5 (least deprived)") : QString()),
                                            {},
                                            quintileCount[std::size_t(q)]};
    for (int q = 1; q <= 10; ++q)
        deciles[QString::number(q)] = Row{q == 1 ? QStringLiteral("1 (most deprived)")
                                                 : (q == 10 ? QStringLiteral("10 (least deprived)") : QString()),
                                          {},
                                          decileCount[std::size_t(q)]};
    quintiles[QStringLiteral("unknown")] = Row{{}, {}, quintileCount[0]};
    deciles[QStringLiteral("unknown")] = Row{{}, {}, decileCount[0]};
    auto withShares = [&](QHash<QString, Row> h) {
        for (Row &r : h)
            r.extra.insert(QStringLiteral("share"), supportedCount ? double(r.count) / supportedCount : 0.0);
        // In index order (1 = most deprived, then unknown), not by count: a distribution reads in order.
        QJsonArray sorted;
        QStringList keys = h.keys();
        std::sort(keys.begin(), keys.end(), [](const QString &a, const QString &b) {
            const int ia = a == QLatin1String("unknown") ? 99 : a.toInt();
            const int ib = b == QLatin1String("unknown") ? 99 : b.toInt();
            return ia < ib;
        });
        for (const QString &k : keys) {
            QJsonObject o = h[k].extra;
            o.insert(QStringLiteral("key"), k);
            o.insert(QStringLiteral("label"), h[k].label.isEmpty() ? k : h[k].label);
            o.insert(QStringLiteral("count"), double(h[k].count));
            sorted.append(o);
        }
        return sorted;
    };
    const QJsonObject deprivation{{QStringLiteral("index"), lookup.index()},
                                  {QStringLiteral("version"), lookup.version()},
                                  {QStringLiteral("people"), supportedCount},
                                  {QStringLiteral("unknown"), double(quintiles[QStringLiteral("unknown")].count)},
                                  {QStringLiteral("quintiles"), withShares(quintiles)},
                                  {QStringLiteral("deciles"), withShares(deciles)}};

    // ---- assessments: initial ones in the period, and one initial/review pair per person
    D.groupConcerns();
    const Checklist &checklist = D.reference.checklist();
    // The concerns of an assessment row, by a range of D.concernOrder.
    struct Concerns {
        const Data &D;
        std::size_t a;
        struct It {
            const Data &D;
            const qint32 *p;
            const Concern *operator*() const { return &D.concerns[std::size_t(*p)]; }
            It &operator++() { return ++p, *this; }
            bool operator!=(const It &o) const { return p != o.p; }
        };
        It begin() const { return {D, D.concernOrder.data() + D.concernStart[a]}; }
        It end() const { return {D, D.concernOrder.data() + D.concernStart[a + 1]}; }
    };
    const auto rowOf = [&](const Assessment &a) { return std::size_t(&a - D.assessments.data()); };
    const auto concernsOfAssessment = [&](const Assessment &a) { return Concerns{D, rowOf(a)}; };

    std::vector<int> concernsPerPerson(people, -1);
    int initialCount = 0, concernTotal = 0;
    std::vector<qint64> itemCount(std::size_t(D.strings.size()), 0), domainCount(std::size_t(D.strings.size()), 0);
    std::vector<Code> itemDomain(std::size_t(D.strings.size()), 0);
    forLive(D.assessments, [&](const Assessment &a) {
        if (a.kind != cInitial || !a.complete || !D.counted(a.person) || !D.inPeriod(a.date))
            return;
        ++initialCount;
        int &mine = concernsPerPerson[P(a.person)];
        mine = std::max(mine, 0);
        for (const Concern *c : concernsOfAssessment(a)) {
            ++concernTotal;
            ++mine;
            if (itemCount[c->item]++ == 0)
                itemDomain[c->item] = c->domain;
            ++domainCount[c->domain];
        }
    });
    QHash<QString, Row> byItem, byDomain;
    for (std::size_t c = 0; c < itemCount.size(); ++c) {
        if (itemCount[c]) {
            Row &r = byItem[key(Code(c))];
            r.label = checklist.itemLabel(D.str(Code(c)));
            r.extra.insert(QStringLiteral("domain"), D.str(itemDomain[c]));
            r.count += itemCount[c];
        }
        if (domainCount[c]) {
            const ChecklistDomain *dom = checklist.domain(D.str(Code(c)));
            Row &r = byDomain[key(Code(c))];
            r.label = dom ? dom->label : QString();
            r.count += domainCount[c];
        }
    }
    std::vector<double> perPerson;
    for (int n : concernsPerPerson)
        if (n >= 0)
            perPerson.push_back(n);

    // The pair of each person: a complete review dated in the period naming a complete initial
    // assessment of the same person; the earliest such review (then the smallest id) wins.
    std::vector<std::pair<const Assessment *, const Assessment *>> pairOf(people, {nullptr, nullptr});
    forLive(D.assessments, [&](const Assessment &r) {
        if (r.kind != cReview || !r.complete || !D.counted(r.person) || !D.inPeriod(r.date))
            return;
        const auto at = D.assessmentRow.constFind(r.initialId);
        const Assessment *i = at == D.assessmentRow.cend() ? nullptr : &D.assessments[std::size_t(*at)];
        if (!i || i->person != r.person || i->kind != cInitial || !i->complete || i->date > r.date)
            return;
        auto &cur = pairOf[P(r.person)];
        if (!cur.second || r.date < cur.second->date || (r.date == cur.second->date && idLess(r.id, cur.second->id)))
            cur = {i, &r};
    });
    struct ItemChange {
        std::vector<double> before, after;
        QString domain;
    };
    QMap<QString, ItemChange> changes;
    std::vector<double> allBefore, allAfter, distressBefore, distressAfter;
    int notRescored = 0;
    QHash<Code, double> reviewScores;
    for (const auto &[initial, review] : pairOf) {
        if (!initial)
            continue;
        if (!std::isnan(initial->distress) && !std::isnan(review->distress)) {
            distressBefore.push_back(initial->distress);
            distressAfter.push_back(review->distress);
        }
        reviewScores.clear();
        for (const Concern *c : concernsOfAssessment(*review))
            reviewScores.insert(c->item, c->score);
        for (const Concern *c : concernsOfAssessment(*initial)) {
            auto it = reviewScores.constFind(c->item);
            if (it == reviewScores.cend()) {
                ++notRescored;
                continue;
            }
            ItemChange &ch = changes[key(c->item)];
            ch.domain = D.str(c->domain);
            ch.before.push_back(c->score);
            ch.after.push_back(*it);
            allBefore.push_back(c->score);
            allAfter.push_back(*it);
        }
    }
    // Initial assessments in the period (with a distress score) that no counted pair covers.
    int distressUnpaired = 0;
    forLive(D.assessments, [&](const Assessment &a) {
        if (a.kind == cInitial && a.complete && !std::isnan(a.distress) && D.counted(a.person) && D.inPeriod(a.date)
            && pairOf[P(a.person)].first != &a)
            ++distressUnpaired;
    });
    QJsonArray changeByItem;
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        const ItemChange &ch = it.value();
        const double mb = *stats::mean(ch.before), ma = *stats::mean(ch.after);
        changeByItem.append(
            QJsonObject{{QStringLiteral("key"), it.key()},
                        {QStringLiteral("label"),
                         checklist.itemLabel(it.key()).isEmpty() ? it.key() : checklist.itemLabel(it.key())},
                        {QStringLiteral("domain"), ch.domain},
                        {QStringLiteral("n"), double(ch.before.size())},
                        {QStringLiteral("mean_initial"), mb},
                        {QStringLiteral("mean_review"), ma},
                        {QStringLiteral("mean_change"), ma - mb}});
    }
    QJsonObject changeAll{{QStringLiteral("n"), double(allBefore.size())}};
    if (allBefore.empty())
        changeAll.insert(QStringLiteral("insufficient"), QStringLiteral("no concern was scored at both assessments"));
    else {
        changeAll.insert(QStringLiteral("mean_initial"), *stats::mean(allBefore));
        changeAll.insert(QStringLiteral("mean_review"), *stats::mean(allAfter));
        changeAll.insert(QStringLiteral("mean_change"), *stats::mean(allAfter) - *stats::mean(allBefore));
    }
    QJsonObject concerns{
        {QStringLiteral("assessments"), initialCount}, {QStringLiteral("people"), double(perPerson.size())},
        {QStringLiteral("total"), concernTotal},       {QStringLiteral("top_items"), rows(byItem)},
        {QStringLiteral("by_domain"), rows(byDomain)}, {QStringLiteral("change_by_item"), changeByItem},
        {QStringLiteral("change_all"), changeAll},     {QStringLiteral("not_rescored"), notRescored}};
    if (perPerson.empty())
        concerns.insert(
            QStringLiteral("per_person"),
            QJsonObject{{QStringLiteral("insufficient"), QStringLiteral("no initial assessment in the period")}});
    else
        concerns.insert(QStringLiteral("per_person"),
                        QJsonObject{{QStringLiteral("mean"), *stats::mean(perPerson)},
                                    {QStringLiteral("median"), *stats::median(perPerson)}});

    QJsonObject distress = pairedJson(distressBefore, distressAfter, false);
    distress.insert(QStringLiteral("initial_without_review"), distressUnpaired);

    // ---- EQ-5D: per person the earliest initial measure and the earliest review in the period
    const ValueSet &valueSet = D.reference.valueSet();
    const QString setInstrument = valueSet.levels() == 3 ? QStringLiteral("eq5d_3l") : QStringLiteral("eq5d_5l");
    const Code cSetInstrument = D.known(setInstrument);
    std::vector<char> isEq5d(std::size_t(D.strings.size()), 0);
    for (qsizetype c = 0; c < D.strings.size(); ++c)
        isEq5d[std::size_t(c)] = D.strings[c].startsWith(QLatin1String("eq5d"));
    std::vector<const Measure *> firstInitial(people, nullptr), firstReview(people, nullptr);
    auto earlier = [](const Measure *cur, const Measure &m) {
        return !cur || m.date < cur->date || (m.date == cur->date && idLess(m.id, cur->id));
    };
    forLive(D.measures, [&](const Measure &m) {
        if (!isEq5d[m.instrument] || !D.counted(m.person) || m.date == kNoDay || m.date > D.to)
            return;
        if (m.timepoint == cInitial && earlier(firstInitial[P(m.person)], m))
            firstInitial[P(m.person)] = &m;
    });
    forLive(D.measures, [&](const Measure &m) {
        const Measure *i = firstInitial[P(m.person)];
        if (!i || m.timepoint != cReview || !D.inPeriod(m.date) || m.date < i->date || m.instrument != i->instrument)
            return;
        if (earlier(firstReview[P(m.person)], m))
            firstReview[P(m.person)] = &m;
    });
    std::vector<double> indexBefore, indexAfter, vasBefore, vasAfter;
    int otherInstrument = 0, eqUnpaired = 0;
    for (std::size_t p = 0; p < people; ++p) {
        const Measure *i = firstInitial[p], *r = firstReview[p];
        if (!i)
            continue;
        if (!r) {
            eqUnpaired += D.inPeriod(i->date);
            continue;
        }
        if (!std::isnan(i->vas) && !std::isnan(r->vas)) {
            vasBefore.push_back(i->vas);
            vasAfter.push_back(r->vas);
        }
        if (i->instrument != cSetInstrument) {
            ++otherInstrument;
            continue;
        }
        const Result<double> a = valueSet.index(D.str(i->state)), b = valueSet.index(D.str(r->state));
        if (a && b) {
            indexBefore.push_back(a.value());
            indexAfter.push_back(b.value());
        }
    }
    QJsonObject eq5dIndex = pairedJson(indexBefore, indexAfter, true);
    eq5dIndex.insert(QStringLiteral("value_set"), valueSet.id());
    eq5dIndex.insert(QStringLiteral("instrument"), setInstrument);
    eq5dIndex.insert(QStringLiteral("other_instrument"), otherInstrument);
    eq5dIndex.insert(QStringLiteral("initial_without_review"), eqUnpaired);
    QJsonObject eq5dVas = pairedJson(vasBefore, vasAfter, true);
    eq5dVas.insert(QStringLiteral("initial_without_review"), eqUnpaired);

    // ---- money
    QHash<QString, Row> byKind;
    QHash<QString, std::vector<char>> kindPeople;
    qint64 bgOneOff = 0, bgAnnual = 0, debt = 0;
    std::vector<char> helped(people, 0), bgPeople(people, 0), debtPeople(people, 0);
    QHash<QString, std::pair<qint64, qint64>> kindSums; // one-off, annual
    // By calendar month of the award, every month of the period (empty ones included).
    struct Month {
        int count = 0;
        QSet<qint32> people, bgPeople, debtPeople;
        qint64 bg = 0, debt = 0;
    };
    const QDate firstMonth(D.scope.from.year(), D.scope.from.month(), 1);
    auto monthIndex = [&](const QDate &day) {
        return (day.year() - firstMonth.year()) * 12 + (day.month() - firstMonth.month());
    };
    std::vector<Month> months(
        D.scope.from.isValid() && D.scope.to >= D.scope.from ? std::size_t(monthIndex(D.scope.to) + 1) : 0);
    forLive(D.gains, [&](const Dated &g) {
        if (!D.counted(g.person) || !D.inPeriod(g.date))
            return;
        const std::size_t p = P(g.person);
        const bool benefit = g.a == cBenefit || g.a == cGrant, written = g.a == cDebt;
        helped[p] = 1;
        if (const int mi = monthIndex(dateOf(g.date)); mi >= 0 && std::size_t(mi) < months.size()) {
            Month &mo = months[std::size_t(mi)];
            ++mo.count;
            mo.people.insert(g.person);
            if (benefit) {
                mo.bg += g.pence;
                mo.bgPeople.insert(g.person);
            } else if (written) {
                mo.debt += g.pence;
                mo.debtPeople.insert(g.person);
            }
        }
        const QString kind = key(g.a);
        bump(byKind, kind);
        auto &ppl = kindPeople[kind];
        if (ppl.empty())
            ppl.assign(people, 0);
        ppl[p] = 1;
        const bool annual = g.b == cAnnual;
        (annual ? kindSums[kind].second : kindSums[kind].first) += g.pence;
        if (benefit) {
            (annual ? bgAnnual : bgOneOff) += g.pence;
            bgPeople[p] = 1;
        } else if (written) {
            debt += g.pence;
            debtPeople[p] = 1;
        }
    });
    for (auto it = byKind.begin(); it != byKind.end(); ++it) {
        const auto sums = kindSums.value(it.key());
        const auto &ppl = kindPeople[it.key()];
        it->extra = QJsonObject{{QStringLiteral("people"), double(std::count(ppl.begin(), ppl.end(), 1))},
                                {QStringLiteral("one_off"), pounds(sums.first)},
                                {QStringLiteral("annual"), pounds(sums.second)},
                                {QStringLiteral("total"), pounds(sums.first + sums.second)}};
    }
    auto countOf = [](const std::vector<char> &v) { return double(std::count(v.begin(), v.end(), 1)); };
    QJsonArray byMonth;
    for (std::size_t i = 0; i < months.size(); ++i) {
        const QString month = firstMonth.addMonths(int(i)).toString(QStringLiteral("yyyy-MM"));
        const Month &mo = months[i];
        byMonth.append(QJsonObject{{QStringLiteral("key"), month},
                                   {QStringLiteral("label"), month},
                                   {QStringLiteral("count"), double(mo.count)},
                                   {QStringLiteral("people"), double(mo.people.size())},
                                   {QStringLiteral("benefits_and_grants"), pounds(mo.bg)},
                                   {QStringLiteral("benefits_and_grants_people"), double(mo.bgPeople.size())},
                                   {QStringLiteral("debt_written_off"), pounds(mo.debt)},
                                   {QStringLiteral("debt_written_off_people"), double(mo.debtPeople.size())}});
    }
    const QJsonObject money{
        {QStringLiteral("people_helped"), countOf(helped)},
        {QStringLiteral("benefits_and_grants"),
         QJsonObject{{QStringLiteral("one_off"), pounds(bgOneOff)},
                     {QStringLiteral("annual"), pounds(bgAnnual)},
                     {QStringLiteral("total"), pounds(bgOneOff + bgAnnual)},
                     {QStringLiteral("people"), countOf(bgPeople)}}},
        {QStringLiteral("debt_written_off"),
         QJsonObject{{QStringLiteral("total"), pounds(debt)}, {QStringLiteral("people"), countOf(debtPeople)}}},
        {QStringLiteral("by_kind"), rows(byKind)},
        {QStringLiteral("by_month"), byMonth}};

    // ---- onward referrals
    const Directory &directory = D.reference.directory();
    QHash<QString, Row> byOrg, byCategory, byStatus;
    int onwardTotal = 0, carers = 0;
    std::vector<char> onwardPeople(people, 0), carerPeople(people, 0);
    std::vector<qint64> orgCount(std::size_t(D.strings.size()), 0), statusCount(std::size_t(D.strings.size()), 0);
    forLive(D.onward, [&](const Dated &x) {
        if (!D.counted(x.person) || !D.inPeriod(x.date))
            return;
        ++onwardTotal;
        onwardPeople[P(x.person)] = 1;
        ++orgCount[x.a];
        ++statusCount[x.b];
        if (x.flag) {
            ++carers;
            carerPeople[P(x.person)] = 1;
        }
    });
    for (std::size_t c = 0; c < orgCount.size(); ++c) {
        if (orgCount[c]) {
            const QString &id = D.str(Code(c));
            const Organisation *org = directory.find(id);
            const QString category = org ? org->category : QStringLiteral("unknown");
            Row &r = byOrg[key(Code(c))];
            r.label = org ? org->name : id;
            r.extra.insert(QStringLiteral("category"), category);
            r.count += orgCount[c];
            Row &cat = byCategory[category];
            cat.count += orgCount[c];
        }
        if (statusCount[c])
            byStatus[key(Code(c))].count += statusCount[c];
    }
    const QJsonObject onward{
        {QStringLiteral("total"), onwardTotal},
        {QStringLiteral("people"), countOf(onwardPeople)},
        {QStringLiteral("by_organisation"), rows(byOrg)},
        {QStringLiteral("by_category"), rows(byCategory)},
        {QStringLiteral("by_status"), rows(byStatus)},
        {QStringLiteral("carers_assessment"),
         QJsonObject{{QStringLiteral("referrals"), carers}, {QStringLiteral("people"), countOf(carerPeople)}}}};

    // ---- Recovery Package
    int summaries = 0;
    std::vector<char> summaryPeople(people, 0);
    std::vector<Day> diagnosis(people);
    for (std::size_t p = 0; p < people; ++p)
        diagnosis[p] = D.persons[p].diagnosis;
    forLive(D.summaries, [&](const Dated &x) {
        // A person's record without a diagnosis date falls back to the treatment summary's.
        Day &dx = diagnosis[P(x.person)];
        if (D.persons[P(x.person)].diagnosis == kNoDay && x.extra != kNoDay && (dx == kNoDay || x.extra < dx))
            dx = x.extra;
        if (!D.counted(x.person) || !D.inPeriod(x.date))
            return;
        ++summaries;
        summaryPeople[P(x.person)] = 1;
    });
    // The last day a Cancer Care Review counts as within 12 months of the diagnosis.
    const auto yearAfter = [](Day dx) { return dayOf(dateOf(dx).addMonths(12)); };
    int ccrInPeriod = 0;
    std::vector<char> reviewedInTime(people, 0);
    forLive(D.reviews, [&](const Dated &x) {
        if (!D.counted(x.person))
            return;
        ccrInPeriod += D.inPeriod(x.date);
        const Day dx = diagnosis[P(x.person)];
        if (dx != kNoDay && x.date != kNoDay && x.date >= dx && x.date <= yearAfter(dx))
            reviewedInTime[P(x.person)] = 1;
    });
    int eligible = 0, inTime = 0;
    for (std::size_t p = 0; p < people; ++p)
        if (supported[p] && diagnosis[p] != kNoDay && yearAfter(diagnosis[p]) <= D.to) {
            ++eligible;
            inTime += reviewedInTime[p];
        }
    QHash<QString, Row> eventFormat, eventBy;
    int attendances = 0;
    std::vector<char> eventPeople(people, 0);
    forLive(D.events, [&](const Dated &x) {
        if (!D.counted(x.person) || !D.inPeriod(x.date))
            return;
        ++attendances;
        eventPeople[P(x.person)] = 1;
        bump(eventFormat, D.str(x.a));
        bump(eventBy, D.str(x.b));
    });
    const QJsonObject recovery{
        {QStringLiteral("treatment_summaries"),
         QJsonObject{{QStringLiteral("received"), summaries}, {QStringLiteral("people"), countOf(summaryPeople)}}},
        {QStringLiteral("cancer_care_reviews"),
         QJsonObject{{QStringLiteral("in_period"), ccrInPeriod},
                     {QStringLiteral("eligible"), eligible},
                     {QStringLiteral("within_12_months"), inTime},
                     {QStringLiteral("share"), eligible ? double(inTime) / eligible : 0.0}}},
        {QStringLiteral("wellbeing_events"),
         QJsonObject{{QStringLiteral("attendances"), attendances},
                     {QStringLiteral("people"), countOf(eventPeople)},
                     {QStringLiteral("by_format"), rows(eventFormat)},
                     {QStringLiteral("by_attended_by"), rows(eventBy)}}}};

    QJsonArray caseloads;
    if (D.scope.caseloads) {
        QStringList c = D.scope.caseloads->values();
        c.sort();
        caseloads = QJsonArray::fromStringList(c);
    }
    const ValueSet *set3 = D.reference.valueSet3L();
    QJsonObject reference{
        {QStringLiteral("checklist"), checklist.id()},
        {QStringLiteral("directory"), directory.id()},
        {QStringLiteral("value_set"),
         QJsonObject{{QStringLiteral("id"), valueSet.id()}, {QStringLiteral("sample"), valueSet.isSample()}}},
        {QStringLiteral("deprivation"),
         QJsonObject{{QStringLiteral("index"), lookup.index()},
                     {QStringLiteral("version"), lookup.version()},
                     {QStringLiteral("sample"), lookup.isSample()}}}};
    if (set3)
        reference.insert(QStringLiteral("value_set_3l"),
                         QJsonObject{{QStringLiteral("id"), set3->id()}, {QStringLiteral("sample"), set3->isSample()}});

    return QJsonObject{
        {QStringLiteral("report"), QStringLiteral("hearth.evaluation")},
        {QStringLiteral("format_version"), 1},
        {QStringLiteral("generated_at"), generatedAt.toUTC().toString(Qt::ISODate)},
        {QStringLiteral("period"),
         QJsonObject{{QStringLiteral("from"), D.scope.from.toString(Qt::ISODate)},
                     {QStringLiteral("to"), D.scope.to.toString(Qt::ISODate)}}},
        {QStringLiteral("scope"),
         QJsonObject{{QStringLiteral("team"), D.scope.team.isEmpty() ? QJsonValue() : QJsonValue(D.scope.team)},
                     {QStringLiteral("caseloads"), D.scope.caseloads ? QJsonValue(caseloads) : QJsonValue()}}},
        {QStringLiteral("reference"), reference},
        {QStringLiteral("activity"),
         QJsonObject{
             {QStringLiteral("people_supported"), supportedCount},
             {QStringLiteral("consent_withheld"), withheld},
             {QStringLiteral("referrals"),
              QJsonObject{{QStringLiteral("total"), referralCount}, {QStringLiteral("by_source"), rows(bySource)}}},
             {QStringLiteral("days_to_first_contact"), toContact},
             {QStringLiteral("cases"),
              QJsonObject{{QStringLiteral("open_at_end"), open},
                          {QStringLiteral("closed"), closed},
                          {QStringLiteral("closed_by_reason"), rows(closedBy)}}}}},
        {QStringLiteral("deprivation"), deprivation},
        {QStringLiteral("concerns"), concerns},
        {QStringLiteral("distress"), distress},
        {QStringLiteral("eq5d_index"), eq5dIndex},
        {QStringLiteral("eq5d_vas"), eq5dVas},
        {QStringLiteral("money"), money},
        {QStringLiteral("onward_referrals"), onward},
        {QStringLiteral("recovery_package"), recovery}};
}

Result<QSet<QString>> teamCaseloads(ServerStore &store, const QString &team)
{
    auto users = store.users();
    if (!users)
        return users.error();
    QSet<QString> out;
    bool known = false;
    for (const User &u : users.value())
        if (u.team == team) {
            known = true;
            for (const QString &c : u.caseloads)
                out.insert(c);
        }
    if (!known)
        return makeError(ErrorCode::NotFound, QStringLiteral("No user belongs to team '%1'").arg(team));
    return out;
}

Result<QJsonObject> buildReport(ServerStore &store, const ReportScope &scope, const ReferenceData &reference)
{
    ReportBuilder builder(reference);
    if (auto st = store.forEachRecord([&](const RecordState &s) { builder.add(s); }); !st)
        return st.error();
    return builder.build(scope, QDateTime::currentDateTimeUtc());
}

} // namespace hearth::server::reports
