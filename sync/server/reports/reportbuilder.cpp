#include "reportbuilder.h"

#include "merge.h"
#include "referencedata.h"
#include "serverstore.h"
#include "statistics.h"

#include <QHash>
#include <QJsonArray>
#include <QMap>
#include <QSet>

#include <algorithm>
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

struct Person {
    bool exists = false;
    QString caseload;
    bool withheld = false;
    QString postcode;
    QDate diagnosis;
};
struct Referral {
    int person;
    QString source;
    QDate received;
    QDate firstContact;
};
struct Contact {
    int person;
    QDate date;
    bool reached;
};
struct Assessment {
    int person;
    QString id;
    QString kind;
    QDate date;
    bool complete;
    std::optional<double> distress;
    QString initialId;
};
struct Concern {
    int person;
    QString assessmentId;
    QString domain;
    QString item;
    double score;
};
struct Dated {
    int person;
    QDate date;
    QString a;         // onward referral: organisation; gain: kind; event: format; status: status
    QString b;         // onward referral: status; gain: period; event: attended by; status: reason
    qint64 pence = 0;  // financial gain
    bool flag = false; // onward referral: carer's assessment
    QString id;        // case status: for a deterministic order on equal dates
};
struct Measure {
    int person;
    QString instrument;
    QString timepoint;
    QDate date;
    QString state;
    std::optional<double> vas;
    QString id;
};

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

} // namespace

// Records of one type, keyed by record id: adding a record again replaces it.
template<typename T>
using ById = QHash<QString, T>;

struct ReportBuilder::Data {
    ReportScope scope;            // set by build() for the figures' helpers
    std::vector<char> scopeFlags; // per person: 1 in scope, 2 counted (set by setScope())
    const ReferenceData &reference;
    QHash<QString, int> personIndex;
    std::vector<Person> persons;
    ById<Referral> referrals;
    ById<Contact> contacts;
    ById<Assessment> assessments;
    ById<Concern> concerns;
    ById<Dated> onward, gains, summaries, reviews, events, statuses;
    ById<Measure> measures;

    explicit Data(const ReferenceData &r) : reference(r) {}

    int person(const QString &id)
    {
        auto it = personIndex.constFind(id);
        if (it != personIndex.cend())
            return *it;
        const int i = int(persons.size());
        persons.emplace_back();
        personIndex.insert(id, i);
        return i;
    }
    // Forgets record `id` of `type` (every table when the type is not known).
    void remove(const QString &id, const QString &type = {})
    {
        static const QHash<QString, int> tables = {{QStringLiteral("person"), 0},
                                                   {QStringLiteral("referral"), 1},
                                                   {QStringLiteral("contact"), 2},
                                                   {QStringLiteral("assessment"), 3},
                                                   {QStringLiteral("concern"), 4},
                                                   {QStringLiteral("onward_referral"), 5},
                                                   {QStringLiteral("financial_gain"), 6},
                                                   {QStringLiteral("treatment_summary"), 7},
                                                   {QStringLiteral("cancer_care_review"), 8},
                                                   {QStringLiteral("wellbeing_event"), 9},
                                                   {QStringLiteral("case_status"), 10},
                                                   {QStringLiteral("outcome_measure"), 11}};
        const int only = type.isEmpty() ? -1 : tables.value(type, 99);
        auto drop = [&](int table, auto &hash) {
            if (only < 0 || only == table)
                hash.remove(id);
        };
        drop(1, referrals);
        drop(2, contacts);
        drop(3, assessments);
        drop(4, concerns);
        drop(5, onward);
        drop(6, gains);
        drop(7, summaries);
        drop(8, reviews);
        drop(9, events);
        drop(10, statuses);
        drop(11, measures);
        if (only >= 0 && only != 0)
            return;
        // A person's own record has the person's id: forgetting it leaves the person unknown.
        if (auto it = personIndex.constFind(id); it != personIndex.cend())
            persons[std::size_t(*it)] = Person{};
    }
    [[nodiscard]] bool inPeriod(const QDate &d) const { return d.isValid() && d >= scope.from && d <= scope.to; }
    // Sets the scope and decides each person's membership once, not once per record.
    void setScope(const ReportScope &s)
    {
        scope = s;
        scopeFlags.assign(persons.size(), 0);
        for (std::size_t p = 0; p < persons.size(); ++p) {
            const Person &x = persons[p];
            const bool in = x.exists && (!scope.caseloads || scope.caseloads->contains(x.caseload));
            scopeFlags[p] = char((in ? 1 : 0) | (in && !x.withheld ? 2 : 0));
        }
    }
    // In scope and not withheld: the people every figure but referrals is about.
    [[nodiscard]] bool counted(int p) const { return scopeFlags[std::size_t(p)] & 2; }
    [[nodiscard]] bool inScope(int p) const { return scopeFlags[std::size_t(p)] & 1; }
};

ReportBuilder::ReportBuilder(const ReferenceData &reference) : d(std::make_unique<Data>(reference)) {}

ReportBuilder::~ReportBuilder() = default;

void ReportBuilder::remove(const QString &recordId)
{
    d->remove(recordId);
}

void ReportBuilder::add(const RecordState &s)
{
    // A record keeps its type, so only its own type's table can hold an older version.
    d->remove(s.id, s.type);
    if (s.isDeleted() || s.personId.isEmpty())
        return;
    const int p = d->person(s.personId);
    const QString &t = s.type;
    if (t == QLatin1String("person")) {
        Person &x = d->persons[std::size_t(p)];
        x.exists = true;
        x.caseload = text(s, QStringLiteral("caseload"));
        x.withheld = s.value(QStringLiteral("consent_to_contact")).isBool()
            && !s.value(QStringLiteral("consent_to_contact")).toBool();
        x.postcode = text(s, QStringLiteral("postcode"));
        x.diagnosis = date(s, QStringLiteral("diagnosis_date"));
    } else if (t == QLatin1String("referral")) {
        d->referrals.insert(s.id,
                            {p, text(s, QStringLiteral("source")), date(s, QStringLiteral("date_received")),
                             date(s, QStringLiteral("date_first_contact"))});
    } else if (t == QLatin1String("contact")) {
        d->contacts.insert(s.id, {p, date(s, QStringLiteral("date")), reached(text(s, QStringLiteral("outcome")))});
    } else if (t == QLatin1String("assessment")) {
        d->assessments.insert(s.id,
                              {p, s.id, text(s, QStringLiteral("kind")), date(s, QStringLiteral("date")),
                               text(s, QStringLiteral("status")) == QLatin1String("complete"),
                               number(s, QStringLiteral("overall_distress")),
                               text(s, QStringLiteral("initial_assessment_id"))});
    } else if (t == QLatin1String("concern")) {
        if (auto score = number(s, QStringLiteral("score")))
            d->concerns.insert(s.id,
                               {p, text(s, QStringLiteral("assessment_id")), text(s, QStringLiteral("domain")),
                                text(s, QStringLiteral("item")), *score});
    } else if (t == QLatin1String("onward_referral")) {
        Dated x{p, date(s, QStringLiteral("date")), text(s, QStringLiteral("organisation_id")),
                text(s, QStringLiteral("status"))};
        x.flag = s.value(QStringLiteral("carers_assessment")).toBool();
        d->onward.insert(s.id, x);
    } else if (t == QLatin1String("financial_gain")) {
        Dated x{p, date(s, QStringLiteral("date_awarded")), text(s, QStringLiteral("kind")),
                text(s, QStringLiteral("period"))};
        // Whole pence, so sums over thousands of awards do not drift.
        x.pence = std::llround(s.value(QStringLiteral("amount")).toDouble() * 100.0);
        d->gains.insert(s.id, x);
    } else if (t == QLatin1String("outcome_measure")) {
        d->measures.insert(s.id,
                           {p, text(s, QStringLiteral("instrument")), text(s, QStringLiteral("timepoint")),
                            date(s, QStringLiteral("date")), text(s, QStringLiteral("eq5d_state")),
                            number(s, QStringLiteral("eq5d_vas")), s.id});
    } else if (t == QLatin1String("treatment_summary")) {
        // The summary's diagnosis date is the fallback for a person record without one (build()).
        d->summaries.insert(s.id,
                            {p, date(s, QStringLiteral("date_received")), text(s, QStringLiteral("diagnosis_date"))});
    } else if (t == QLatin1String("cancer_care_review")) {
        d->reviews.insert(s.id, {p, date(s, QStringLiteral("date"))});
    } else if (t == QLatin1String("wellbeing_event")) {
        d->events.insert(s.id,
                         {p, date(s, QStringLiteral("date")), text(s, QStringLiteral("format")),
                          text(s, QStringLiteral("attended_by"))});
    } else if (t == QLatin1String("case_status")) {
        Dated x{p, date(s, QStringLiteral("date")), text(s, QStringLiteral("status")),
                text(s, QStringLiteral("reason"))};
        x.id = s.id;
        d->statuses.insert(s.id, x);
    }
}

QJsonObject ReportBuilder::build(const ReportScope &scope, const QDateTime &generatedAt) const
{
    d->setScope(scope);
    const Data &D = *d;
    const std::size_t people = D.persons.size();
    // ---- people supported: someone in scope, not withheld, with a service activity in the period
    std::vector<char> supported(people, 0);
    auto mark = [&](int p, const QDate &when) {
        if (D.counted(p) && D.inPeriod(when))
            supported[std::size_t(p)] = 1;
    };
    for (const Contact &c : D.contacts)
        if (c.reached)
            mark(c.person, c.date);
    for (const Assessment &a : D.assessments)
        mark(a.person, a.date);
    for (const Dated &x : D.onward)
        mark(x.person, x.date);
    for (const Dated &x : D.gains)
        mark(x.person, x.date);
    for (const Dated &x : D.events)
        mark(x.person, x.date);
    const int supportedCount = int(std::count(supported.begin(), supported.end(), 1));
    int withheld = 0;
    for (std::size_t p = 0; p < people; ++p)
        withheld += D.inScope(int(p)) && D.persons[p].withheld;

    // ---- referrals and time to first contact
    QHash<QString, Row> bySource;
    int referralCount = 0;
    // Earliest reached contact on or after a date, for a referral whose first-contact date is blank.
    std::vector<std::vector<QDate>> reachedDates(people);
    for (const Contact &c : D.contacts)
        if (c.reached && c.date.isValid())
            reachedDates[std::size_t(c.person)].push_back(c.date);
    std::vector<double> days;
    int awaiting = 0;
    for (const Referral &r : D.referrals) {
        if (!D.inScope(r.person) || !D.inPeriod(r.received))
            continue;
        ++referralCount;
        bump(bySource, r.source);
        if (D.persons[std::size_t(r.person)].withheld)
            continue;
        QDate first = r.firstContact;
        if (!first.isValid())
            for (const QDate &c : reachedDates[std::size_t(r.person)])
                if (c >= r.received && (!first.isValid() || c < first))
                    first = c;
        if (first.isValid() && first <= D.scope.to)
            days.push_back(double(r.received.daysTo(first)));
        else
            ++awaiting;
    }
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
    for (const Dated &x : D.statuses) {
        if (!x.date.isValid() || x.date > D.scope.to)
            continue;
        const Dated *&cur = lastStatus[std::size_t(x.person)];
        if (!cur || x.date > cur->date || (x.date == cur->date && x.id > cur->id))
            cur = &x;
    }
    std::vector<char> hasCase(people, 0);
    for (const Referral &r : D.referrals)
        if (r.received.isValid() && r.received <= D.scope.to)
            hasCase[std::size_t(r.person)] = 1;
    int open = 0, closed = 0;
    QHash<QString, Row> closedBy;
    for (std::size_t p = 0; p < people; ++p) {
        if (!D.counted(int(p)) || (!hasCase[p] && !lastStatus[p]))
            continue;
        const Dated *st = lastStatus[p];
        if (!st || st->a != QLatin1String("closed"))
            ++open;
        else if (D.inPeriod(st->date)) {
            ++closed;
            bump(closedBy, st->b);
        }
    }

    // ---- deprivation of the people supported, from the configured look-up
    const DeprivationLookup &lookup = D.reference.deprivation();
    QHash<QString, Row> quintiles, deciles;
    for (int q = 1; q <= 5; ++q)
        quintiles[QString::number(q)] = Row{q == 1 ? QStringLiteral("1 (most deprived)")
                                                   : (q == 5 ? QStringLiteral("5 (least deprived)") : QString())};
    for (int q = 1; q <= 10; ++q)
        deciles[QString::number(q)] = Row{q == 1 ? QStringLiteral("1 (most deprived)")
                                                 : (q == 10 ? QStringLiteral("10 (least deprived)") : QString())};
    quintiles[QStringLiteral("unknown")] = Row{};
    deciles[QStringLiteral("unknown")] = Row{};
    for (std::size_t p = 0; p < people; ++p) {
        if (!supported[p])
            continue;
        const QString &pc = D.persons[p].postcode;
        const Deprivation dep = pc.isEmpty() ? Deprivation{} : lookup.lookup(pc);
        ++quintiles[dep.known ? QString::number(dep.quintile) : QStringLiteral("unknown")].count;
        ++deciles[dep.known ? QString::number(dep.decile) : QStringLiteral("unknown")].count;
    }
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
    QHash<QString, const Assessment *> byId;
    for (const Assessment &a : D.assessments)
        byId.insert(a.id, &a);
    QHash<QString, std::vector<const Concern *>> concernsOf;
    for (const Concern &c : D.concerns)
        concernsOf[c.assessmentId].push_back(&c);
    const Checklist &checklist = D.reference.checklist();

    std::vector<int> concernsPerPerson(people, -1);
    int initialCount = 0, concernTotal = 0;
    QHash<QString, Row> byItem, byDomain;
    for (const Assessment &a : D.assessments) {
        if (a.kind != QLatin1String("initial") || !a.complete || !D.counted(a.person) || !D.inPeriod(a.date))
            continue;
        ++initialCount;
        int &mine = concernsPerPerson[std::size_t(a.person)];
        mine = std::max(mine, 0);
        for (const Concern *c : concernsOf.value(a.id)) {
            ++concernTotal;
            ++mine;
            Row &r = byItem[c->item];
            if (r.label.isEmpty()) {
                r.label = checklist.itemLabel(c->item);
                r.extra.insert(QStringLiteral("domain"), c->domain);
            }
            ++r.count;
            const ChecklistDomain *dom = checklist.domain(c->domain);
            bump(byDomain, c->domain, dom ? dom->label : QString());
        }
    }
    std::vector<double> perPerson;
    for (int n : concernsPerPerson)
        if (n >= 0)
            perPerson.push_back(n);

    // The pair of each person: a complete review dated in the period naming a complete initial
    // assessment of the same person; the earliest such review (then the smallest id) wins.
    std::vector<std::pair<const Assessment *, const Assessment *>> pairOf(people, {nullptr, nullptr});
    for (const Assessment &r : D.assessments) {
        if (r.kind != QLatin1String("review") || !r.complete || !D.counted(r.person) || !D.inPeriod(r.date))
            continue;
        const Assessment *i = byId.value(r.initialId);
        if (!i || i->person != r.person || i->kind != QLatin1String("initial") || !i->complete || i->date > r.date)
            continue;
        auto &cur = pairOf[std::size_t(r.person)];
        if (!cur.second || r.date < cur.second->date || (r.date == cur.second->date && r.id < cur.second->id))
            cur = {i, &r};
    }
    struct ItemChange {
        std::vector<double> before, after;
        QString domain;
    };
    QMap<QString, ItemChange> changes;
    std::vector<double> allBefore, allAfter, distressBefore, distressAfter;
    int notRescored = 0;
    for (const auto &[initial, review] : pairOf) {
        if (!initial)
            continue;
        if (initial->distress && review->distress) {
            distressBefore.push_back(*initial->distress);
            distressAfter.push_back(*review->distress);
        }
        QHash<QString, double> reviewScores;
        for (const Concern *c : concernsOf.value(review->id))
            reviewScores.insert(c->item, c->score);
        for (const Concern *c : concernsOf.value(initial->id)) {
            auto it = reviewScores.constFind(c->item);
            if (it == reviewScores.cend()) {
                ++notRescored;
                continue;
            }
            ItemChange &ch = changes[c->item];
            ch.domain = c->domain;
            ch.before.push_back(c->score);
            ch.after.push_back(*it);
            allBefore.push_back(c->score);
            allAfter.push_back(*it);
        }
    }
    // Initial assessments in the period (with a distress score) that no counted pair covers.
    int distressUnpaired = 0;
    for (const Assessment &a : D.assessments)
        if (a.kind == QLatin1String("initial") && a.complete && a.distress && D.counted(a.person) && D.inPeriod(a.date)
            && pairOf[std::size_t(a.person)].first != &a)
            ++distressUnpaired;
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
    std::vector<const Measure *> firstInitial(people, nullptr), firstReview(people, nullptr);
    auto earlier = [](const Measure *cur, const Measure &m) {
        return !cur || m.date < cur->date || (m.date == cur->date && m.id < cur->id);
    };
    for (const Measure &m : D.measures) {
        if (!m.instrument.startsWith(QLatin1String("eq5d")) || !D.counted(m.person) || !m.date.isValid()
            || m.date > D.scope.to)
            continue;
        if (m.timepoint == QLatin1String("initial") && earlier(firstInitial[std::size_t(m.person)], m))
            firstInitial[std::size_t(m.person)] = &m;
    }
    for (const Measure &m : D.measures) {
        const Measure *i = m.person < int(people) ? firstInitial[std::size_t(m.person)] : nullptr;
        if (!i || m.timepoint != QLatin1String("review") || !D.inPeriod(m.date) || m.date < i->date
            || m.instrument != i->instrument)
            continue;
        if (earlier(firstReview[std::size_t(m.person)], m))
            firstReview[std::size_t(m.person)] = &m;
    }
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
        if (i->vas && r->vas) {
            vasBefore.push_back(*i->vas);
            vasAfter.push_back(*r->vas);
        }
        if (i->instrument != setInstrument) {
            ++otherInstrument;
            continue;
        }
        const Result<double> a = valueSet.index(i->state), b = valueSet.index(r->state);
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
        QSet<int> people;
        qint64 bg = 0, debt = 0;
    };
    const QDate firstMonth(D.scope.from.year(), D.scope.from.month(), 1);
    auto monthIndex = [&](const QDate &day) {
        return (day.year() - firstMonth.year()) * 12 + (day.month() - firstMonth.month());
    };
    std::vector<Month> months(
        D.scope.from.isValid() && D.scope.to >= D.scope.from ? std::size_t(monthIndex(D.scope.to) + 1) : 0);
    for (const Dated &g : D.gains) {
        if (!D.counted(g.person) || !D.inPeriod(g.date))
            continue;
        const std::size_t p = std::size_t(g.person);
        helped[p] = 1;
        if (const int mi = monthIndex(g.date); mi >= 0 && std::size_t(mi) < months.size()) {
            Month &mo = months[std::size_t(mi)];
            ++mo.count;
            mo.people.insert(g.person);
            if (g.a == QLatin1String("benefit_award") || g.a == QLatin1String("grant"))
                mo.bg += g.pence;
            else if (g.a == QLatin1String("debt_written_off"))
                mo.debt += g.pence;
        }
        bump(byKind, g.a);
        auto &ppl = kindPeople[g.a];
        if (ppl.empty())
            ppl.assign(people, 0);
        ppl[p] = 1;
        const bool annual = g.b == QLatin1String("annual");
        (annual ? kindSums[g.a].second : kindSums[g.a].first) += g.pence;
        if (g.a == QLatin1String("benefit_award") || g.a == QLatin1String("grant")) {
            (annual ? bgAnnual : bgOneOff) += g.pence;
            bgPeople[p] = 1;
        } else if (g.a == QLatin1String("debt_written_off")) {
            debt += g.pence;
            debtPeople[p] = 1;
        }
    }
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
        const QString key = firstMonth.addMonths(int(i)).toString(QStringLiteral("yyyy-MM"));
        const Month &mo = months[i];
        byMonth.append(QJsonObject{{QStringLiteral("key"), key},
                                   {QStringLiteral("label"), key},
                                   {QStringLiteral("count"), double(mo.count)},
                                   {QStringLiteral("people"), double(mo.people.size())},
                                   {QStringLiteral("benefits_and_grants"), pounds(mo.bg)},
                                   {QStringLiteral("debt_written_off"), pounds(mo.debt)}});
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
    for (const Dated &x : D.onward) {
        if (!D.counted(x.person) || !D.inPeriod(x.date))
            continue;
        ++onwardTotal;
        onwardPeople[std::size_t(x.person)] = 1;
        const Organisation *org = directory.find(x.a);
        const QString category = org ? org->category : QStringLiteral("unknown");
        Row &r = byOrg[x.a.isEmpty() ? QStringLiteral("unknown") : x.a];
        if (r.label.isEmpty()) {
            r.label = org ? org->name : x.a;
            r.extra.insert(QStringLiteral("category"), category);
        }
        ++r.count;
        bump(byCategory, category);
        bump(byStatus, x.b);
        if (x.flag) {
            ++carers;
            carerPeople[std::size_t(x.person)] = 1;
        }
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
    std::vector<QDate> diagnosis(people);
    for (std::size_t p = 0; p < people; ++p)
        diagnosis[p] = D.persons[p].diagnosis;
    for (const Dated &x : D.summaries) {
        // A person's record without a diagnosis date falls back to the treatment summary's.
        const QDate fromSummary = QDate::fromString(x.a, Qt::ISODate);
        QDate &dx = diagnosis[std::size_t(x.person)];
        if (!D.persons[std::size_t(x.person)].diagnosis.isValid() && fromSummary.isValid()
            && (!dx.isValid() || fromSummary < dx))
            dx = fromSummary;
        if (!D.counted(x.person) || !D.inPeriod(x.date))
            continue;
        ++summaries;
        summaryPeople[std::size_t(x.person)] = 1;
    }
    int ccrInPeriod = 0;
    std::vector<char> reviewedInTime(people, 0);
    for (const Dated &x : D.reviews) {
        if (!D.counted(x.person))
            continue;
        ccrInPeriod += D.inPeriod(x.date);
        const QDate &dx = diagnosis[std::size_t(x.person)];
        if (dx.isValid() && x.date.isValid() && x.date >= dx && x.date <= dx.addMonths(12))
            reviewedInTime[std::size_t(x.person)] = 1;
    }
    int eligible = 0, inTime = 0;
    for (std::size_t p = 0; p < people; ++p)
        if (supported[p] && diagnosis[p].isValid() && diagnosis[p].addMonths(12) <= D.scope.to) {
            ++eligible;
            inTime += reviewedInTime[p];
        }
    QHash<QString, Row> eventFormat, eventBy;
    int attendances = 0;
    std::vector<char> eventPeople(people, 0);
    for (const Dated &x : D.events) {
        if (!D.counted(x.person) || !D.inPeriod(x.date))
            continue;
        ++attendances;
        eventPeople[std::size_t(x.person)] = 1;
        bump(eventFormat, x.a);
        bump(eventBy, x.b);
    }
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
