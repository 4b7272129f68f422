// Every figure of the evaluation report on a small fixture service whose answers were worked out
// by hand (the comments give the arithmetic): people inside and outside the period, another team,
// a deleted person, consent withheld, missing review assessments, unknown and missing postcodes.
// Also: the report read from a real server store (SQLite, and PostgreSQL when HEARTH_TEST_PG_URL
// is set) equals the one built from the same records, and the CSV carries exactly the JSON's values.
#include "hlc.h"
#include "merge.h"
#include "referencedata.h"
#include "reportbuilder.h"
#include "reportcache.h"
#include "reportformat.h"
#include "serverstore.h"

#include <QDataStream>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QUuid>
#include <QUrl>

#include "pgexec.h"

#include <cmath>
#include <random>

using namespace hearth;
using namespace hearth::server;
using namespace hearth::server::reports;

using hearth::test::pgExec;

namespace {

const QDate kFrom(2026, 1, 1);
const QDate kTo(2026, 6, 30);
const QDateTime kGenerated(QDate(2026, 7, 1), QTime(9, 0), QTimeZone::utc());

hearth::server::reports::ReportScope scopeOf(const QDate &from, const QDate &to, bool team)
{
    hearth::server::reports::ReportScope scope{from, to, team ? QStringLiteral("alpha") : QString(), {}};
    if (team)
        scope.caseloads = QSet<QString>{QStringLiteral("c1")};
    return scope;
}

// One fixture record, written by one device as a single write.
struct Fixture {
    QList<Write> writes;
    qint64 seq = 0;

    QString add(const QString &type, const QString &person, QJsonObject values, const QString &id = {})
    {
        Write w;
        w.device = QStringLiteral("fixturedev");
        w.seq = ++seq;
        w.hlc = Hlc{1'700'000'000'000 + seq, 0, w.device}.toString();
        w.recordId =
            id.isEmpty() ? QStringLiteral("00000000-0000-4000-8000-%1").arg(seq, 12, 10, QLatin1Char('0')) : id;
        w.type = type;
        w.personId = type == QLatin1String("person") ? w.recordId : person;
        if (type != QLatin1String("person"))
            values.insert(QStringLiteral("person_id"), person);
        w.values = values;
        writes << w;
        return w.recordId;
    }
    void remove(const QString &id, const QString &type, const QString &person)
    {
        Write w;
        w.device = QStringLiteral("fixturedev");
        w.seq = ++seq;
        w.hlc = Hlc{1'700'000'000'000 + seq, 0, w.device}.toString();
        w.recordId = id;
        w.type = type;
        w.personId = person;
        w.values = QJsonObject{{DeletedField, true}};
        writes << w;
    }
    QString person(const QString &caseload, const QJsonObject &extra = {})
    {
        QJsonObject v{{QStringLiteral("given_name"), QStringLiteral("Fixture")},
                      {QStringLiteral("family_name"), QStringLiteral("Person")},
                      {QStringLiteral("date_of_birth"), QStringLiteral("1950-01-01")},
                      {QStringLiteral("caseload"), caseload}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            v.insert(it.key(), it.value());
        return add(QStringLiteral("person"), {}, v);
    }
    void referral(const QString &p, const char *source, const char *received, const char *firstContact = nullptr)
    {
        QJsonObject v{{QStringLiteral("source"), QLatin1String(source)},
                      {QStringLiteral("date_received"), QLatin1String(received)}};
        if (firstContact)
            v.insert(QStringLiteral("date_first_contact"), QLatin1String(firstContact));
        add(QStringLiteral("referral"), p, v);
    }
    void contact(const QString &p, const char *date, const char *outcome)
    {
        add(QStringLiteral("contact"), p,
            {{QStringLiteral("date"), QLatin1String(date)},
             {QStringLiteral("method"), QStringLiteral("phone")},
             {QStringLiteral("outcome"), QLatin1String(outcome)}});
    }
    QString assessment(const QString &p, const char *kind, const char *date, int distress, const QString &initial = {})
    {
        QJsonObject v{{QStringLiteral("kind"), QLatin1String(kind)},
                      {QStringLiteral("date"), QLatin1String(date)},
                      {QStringLiteral("checklist_version"), QStringLiteral("hna-2024.1")},
                      {QStringLiteral("status"), QStringLiteral("complete")},
                      {QStringLiteral("overall_distress"), distress}};
        if (!initial.isEmpty())
            v.insert(QStringLiteral("initial_assessment_id"), initial);
        return add(QStringLiteral("assessment"), p, v);
    }
    void concern(const QString &p, const QString &assessment, const char *domain, const char *item, int score)
    {
        add(QStringLiteral("concern"), p,
            {{QStringLiteral("assessment_id"), assessment},
             {QStringLiteral("domain"), QLatin1String(domain)},
             {QStringLiteral("item"), QLatin1String(item)},
             {QStringLiteral("score"), score}});
    }
    void eq5d(const QString &p, const char *timepoint, const char *date, const char *state, int vas)
    {
        add(QStringLiteral("outcome_measure"), p,
            {{QStringLiteral("instrument"), QStringLiteral("eq5d_5l")},
             {QStringLiteral("timepoint"), QLatin1String(timepoint)},
             {QStringLiteral("date"), QLatin1String(date)},
             {QStringLiteral("eq5d_state"), QLatin1String(state)},
             {QStringLiteral("eq5d_vas"), vas}});
    }
    void gain(const QString &p, const char *kind, double amount, const char *period, const char *date)
    {
        add(QStringLiteral("financial_gain"), p,
            {{QStringLiteral("kind"), QLatin1String(kind)},
             {QStringLiteral("amount"), amount},
             {QStringLiteral("period"), QLatin1String(period)},
             {QStringLiteral("date_awarded"), QLatin1String(date)}});
    }
    void onward(const QString &p, const char *org, const char *date, const char *status, bool carers)
    {
        add(QStringLiteral("onward_referral"), p,
            {{QStringLiteral("organisation_id"), QLatin1String(org)},
             {QStringLiteral("date"), QLatin1String(date)},
             {QStringLiteral("status"), QLatin1String(status)},
             {QStringLiteral("carers_assessment"), carers}});
    }
    void status(const QString &p, const char *status, const char *date, const char *reason = nullptr)
    {
        QJsonObject v{{QStringLiteral("status"), QLatin1String(status)}, {QStringLiteral("date"), QLatin1String(date)}};
        if (reason)
            v.insert(QStringLiteral("reason"), QLatin1String(reason));
        add(QStringLiteral("case_status"), p, v);
    }

    // The merged state of every record, as the server's forEachRecord would give it.
    [[nodiscard]] QList<RecordState> states() const
    {
        QMap<QString, RecordState> out;
        for (const Write &w : writes) {
            RecordState &s = out[w.recordId];
            s.id = w.recordId;
            s.type = w.type;
            s.personId = w.personId;
            s.apply(w, [](const QString &) { return false; });
        }
        return out.values();
    }
};

// The fixture service (REPORTS.md definitions; period 2026-01-01..2026-06-30, team "alpha" = c1).
Fixture service()
{
    Fixture f;
    const auto dx = [](const char *d) { return QJsonObject{{QStringLiteral("diagnosis_date"), QLatin1String(d)}}; };
    auto withPostcode = [](QJsonObject o, const char *pc) {
        o.insert(QStringLiteral("postcode"), QLatin1String(pc));
        return o;
    };
    // P1: SIMD quintile 1 / decile 1; the fullest story.
    const QString p1 = f.person(QStringLiteral("c1"), withPostcode(dx("2025-03-01"), "G13 1FA"));
    f.referral(p1, "gp", "2026-01-05", "2026-01-08");
    f.contact(p1, "2026-01-08", "reached");
    const QString a1 = f.assessment(p1, "initial", "2026-01-10", 8);
    f.concern(p1, a1, "practical", "money_or_housing", 9);
    f.concern(p1, a1, "physical", "tired_exhausted_or_fatigued", 7);
    f.concern(p1, a1, "emotional", "worry_fear_or_anxiety", 6);
    const QString r1 = f.assessment(p1, "review", "2026-04-10", 4, a1);
    f.concern(p1, r1, "practical", "money_or_housing", 3);
    f.concern(p1, r1, "physical", "tired_exhausted_or_fatigued", 5);
    f.eq5d(p1, "initial", "2026-01-10", "12345", 40);
    f.eq5d(p1, "review", "2026-04-10", "21111", 70);
    f.gain(p1, "benefit_award", 5000, "annual", "2026-02-01");
    f.gain(p1, "grant", 250.5, "one_off", "2026-03-01");
    f.onward(p1, "org-0001", "2026-01-20", "accepted", true);
    f.add(QStringLiteral("cancer_care_review"), p1,
          {{QStringLiteral("date"), QStringLiteral("2026-02-15")}, {QStringLiteral("reviewer"), QStringLiteral("GP")}});
    f.add(QStringLiteral("treatment_summary"), p1, {{QStringLiteral("date_received"), QStringLiteral("2026-01-03")}});
    f.add(QStringLiteral("wellbeing_event"), p1,
          {{QStringLiteral("date"), QStringLiteral("2026-05-01")},
           {QStringLiteral("format"), QStringLiteral("group")},
           {QStringLiteral("attended_by"), QStringLiteral("person")}});
    f.status(p1, "closed", "2026-06-01", "needs_met");

    // P2: quintile 2 / decile 3; first contact found from contacts (no date on the referral).
    const QString p2 = f.person(QStringLiteral("c1"), withPostcode(dx("2024-01-01"), "G11 8US"));
    f.referral(p2, "self", "2026-02-01");
    f.contact(p2, "2026-02-02", "no_answer");
    f.contact(p2, "2026-02-11", "reached");
    const QString a2 = f.assessment(p2, "initial", "2026-02-12", 6);
    f.concern(p2, a2, "practical", "money_or_housing", 8);
    f.concern(p2, a2, "physical", "breathing_difficulties", 5);
    const QString r2 = f.assessment(p2, "review", "2026-05-12", 6, a2);
    f.concern(p2, r2, "practical", "money_or_housing", 8);
    f.concern(p2, r2, "physical", "breathing_difficulties", 2);
    f.eq5d(p2, "initial", "2026-02-12", "21111", 60);
    f.eq5d(p2, "review", "2026-05-12", "11111", 80);
    f.gain(p2, "debt_written_off", 1200, "one_off", "2026-03-10");
    f.onward(p2, "org-0002", "2026-02-20", "made", false);
    f.add(QStringLiteral("cancer_care_review"), p2,
          {{QStringLiteral("date"), QStringLiteral("2025-06-01")}, {QStringLiteral("reviewer"), QStringLiteral("GP")}});

    // P3: quintile 3 / decile 6; open at the end (closed only after the period).
    const QString p3 = f.person(QStringLiteral("c1"), withPostcode({}, "G14 2PW"));
    f.referral(p3, "gp", "2026-01-15", "2026-01-20");
    const QString a3 = f.assessment(p3, "initial", "2026-01-22", 9);
    f.concern(p3, a3, "physical", "tired_exhausted_or_fatigued", 8);
    const QString r3 = f.assessment(p3, "review", "2026-03-22", 5, a3);
    f.concern(p3, r3, "physical", "tired_exhausted_or_fatigued", 4);
    f.eq5d(p3, "initial", "2026-01-22", "12345", 30);
    f.eq5d(p3, "review", "2026-03-22", "12345", 30);
    f.status(p3, "open", "2026-01-15");
    f.status(p3, "closed", "2026-07-15", "moved_away");

    // P4: a postcode the look-up does not have: unknown, never guessed.
    const QString p4 = f.person(QStringLiteral("c1"), withPostcode({}, "G99 9ZZ"));
    f.referral(p4, "clinical_nurse_specialist", "2026-03-01", "2026-03-03");
    const QString a4 = f.assessment(p4, "initial", "2026-03-05", 7);
    f.concern(p4, a4, "practical", "money_or_housing", 6);
    const QString r4 = f.assessment(p4, "review", "2026-06-05", 3, a4);
    f.concern(p4, r4, "practical", "money_or_housing", 2);
    f.eq5d(p4, "initial", "2026-03-05", "55555", 20);
    f.eq5d(p4, "review", "2026-06-05", "21111", 65);

    // P5: no postcode at all (unknown); an initial assessment with no concerns.
    const QString p5 = f.person(QStringLiteral("c1"));
    f.referral(p5, "self", "2026-03-10", "2026-03-24");
    const QString a5 = f.assessment(p5, "initial", "2026-03-25", 5);
    f.assessment(p5, "review", "2026-06-20", 2, a5);
    f.eq5d(p5, "initial", "2026-03-25", "21111", 50);
    f.eq5d(p5, "review", "2026-06-20", "11111", 90);

    // P6: quintile 5 / decile 9; still awaiting first contact; no review yet.
    const QString p6 = f.person(QStringLiteral("c1"), withPostcode({}, "G3 3RX"));
    f.referral(p6, "gp", "2026-04-01");
    const QString a6 = f.assessment(p6, "initial", "2026-04-02", 8);
    f.concern(p6, a6, "emotional", "worry_fear_or_anxiety", 7);
    f.eq5d(p6, "initial", "2026-04-02", "11111", 75);

    // P7: consent to contact withheld: only the referral counts.
    QJsonObject withheld = withPostcode({}, "G13 1FA");
    withheld.insert(QStringLiteral("consent_to_contact"), false);
    const QString p7 = f.person(QStringLiteral("c1"), withheld);
    f.referral(p7, "gp", "2026-02-01");
    f.contact(p7, "2026-02-05", "reached");
    f.gain(p7, "grant", 100, "one_off", "2026-02-06");

    // P8: everything before the period; their case is still open at its end.
    const QString p8 = f.person(QStringLiteral("c1"), withPostcode({}, "G13 1FA"));
    f.referral(p8, "gp", "2025-10-01", "2025-10-05");
    const QString a8 = f.assessment(p8, "initial", "2025-10-06", 9);
    f.assessment(p8, "review", "2025-12-01", 1, a8);
    f.gain(p8, "benefit_award", 999, "one_off", "2025-11-01");

    // P9: another team's caseload.
    const QString p9 = f.person(QStringLiteral("c2"), withPostcode({}, "G13 1FA"));
    f.referral(p9, "gp", "2026-02-01");
    f.contact(p9, "2026-02-02", "reached");
    f.gain(p9, "benefit_award", 777, "one_off", "2026-02-03");

    // P10: deleted, with a referral in the period.
    const QString p10 = f.person(QStringLiteral("c1"));
    f.referral(p10, "gp", "2026-02-01", "2026-02-02");
    f.remove(p10, QStringLiteral("person"), p10);
    return f;
}

QJsonObject at(const QJsonObject &o, const QString &path)
{
    QJsonObject cur = o;
    for (const QString &part : path.split(QLatin1Char('.')))
        cur = cur.value(part).toObject();
    return cur;
}

double num(const QJsonObject &o, const QString &path)
{
    const int dot = int(path.lastIndexOf(QLatin1Char('.')));
    const QJsonObject parent = dot < 0 ? o : at(o, path.left(dot));
    const QJsonValue v = parent.value(path.mid(dot + 1));
    if (!v.isDouble())
        qWarning("missing number %s", qPrintable(path));
    return v.toDouble(std::nan(""));
}

// {key: count} of a breakdown.
QMap<QString, double> counts(const QJsonObject &o, const QString &path, const QString &field = QStringLiteral("count"))
{
    const int dot = int(path.lastIndexOf(QLatin1Char('.')));
    QMap<QString, double> out;
    for (const QJsonValue &v : at(o, path.left(dot)).value(path.mid(dot + 1)).toArray())
        out.insert(v.toObject().value(QStringLiteral("key")).toString(), v.toObject().value(field).toDouble());
    return out;
}

bool near(double a, double b)
{
    return std::abs(a - b) < 1e-9;
}

// Every leaf of the JSON as "path" -> text, breakdown rows addressed by their key.
void flatten(const QJsonValue &v, const QString &path, QMap<QString, QString> &out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            flatten(it.value(), path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key(), out);
    } else if (v.isArray()) {
        int i = 0;
        for (const QJsonValue &e : v.toArray()) {
            if (e.isObject() && e.toObject().contains(QStringLiteral("key"))) {
                QJsonObject row = e.toObject();
                const QString key = row.take(QStringLiteral("key")).toString();
                row.remove(QStringLiteral("label"));
                flatten(row, path + QLatin1Char('[') + key + QLatin1Char(']'), out);
            } else {
                flatten(e, path + QLatin1Char('.') + QString::number(i), out);
            }
            ++i;
        }
    } else if (v.isDouble()) {
        out.insert(path, QString::number(v.toDouble(), 'g', 17));
    } else if (v.isBool()) {
        out.insert(path, v.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
    } else {
        out.insert(path, v.toString());
    }
}

// RFC 4180 rows.
QList<QStringList> parseCsv(const QByteArray &bytes)
{
    QList<QStringList> rows;
    QStringList row;
    QString cell;
    const QString s = QString::fromUtf8(bytes);
    bool quoted = false;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < s.size() && s.at(i + 1) == QLatin1Char('"')) {
                cell += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row << cell;
            cell.clear();
        } else if (c == QLatin1Char('\r')) {
            continue;
        } else if (c == QLatin1Char('\n')) {
            row << cell;
            rows << row;
            row.clear();
            cell.clear();
        } else {
            cell += c;
        }
    }
    return rows;
}

} // namespace

class TestReportBuilder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void activity();
    void deprivation();
    void concerns();
    void distress();
    void eq5d();
    void money();
    void onwardReferrals();
    void recoveryPackage();
    void wholeService();
    void insufficientWhenTooFewPairs();
    void recordOrderDoesNotMatter();
    void updatesReplaceAndRemove();
    void csvCarriesExactlyTheJsonValues();
    void storeBackends_data();
    void storeBackends();
    void cacheFollowsTheLog_data();
    void cacheFollowsTheLog();
    void snapshotRoundTrip();
    void largeServiceKeptUpToDate();
    void damagedSnapshotIsRefused();
    void cacheStartsFromItsSnapshot_data();
    void cacheStartsFromItsSnapshot();

private:
    QJsonObject report(const QDate &from, const QDate &to, bool team) const;
    // The report made afresh (every record read) from `store`, without its time stamp.
    QJsonObject fresh(ServerStore &store, const ReportScope &scope) const;
    std::optional<ReferenceData> m_reference;
    QJsonObject m_team;
};

void TestReportBuilder::initTestCase()
{
    auto r = ReferenceData::loadDefault(QStringLiteral(HEARTH_ASSETS_DIR));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    m_reference.emplace(std::move(r).value());
    m_team = report(kFrom, kTo, true);
}

QJsonObject TestReportBuilder::report(const QDate &from, const QDate &to, bool team) const
{
    ReportBuilder b(*m_reference);
    for (const RecordState &s : service().states())
        b.add(s);
    return b.build(scopeOf(from, to, team), kGenerated);
}

void TestReportBuilder::activity()
{
    const QJsonObject &r = m_team;
    QCOMPARE(r.value(QStringLiteral("format_version")).toInt(), 1);
    QCOMPARE(at(r, QStringLiteral("period")).value(QStringLiteral("from")).toString(), QStringLiteral("2026-01-01"));
    QCOMPARE(at(r, QStringLiteral("scope")).value(QStringLiteral("team")).toString(), QStringLiteral("alpha"));
    // P1-P6 (P7 withheld, P8 before the period, P9 another team, P10 deleted).
    QCOMPARE(num(r, QStringLiteral("activity.people_supported")), 6.0);
    QCOMPARE(num(r, QStringLiteral("activity.consent_withheld")), 1.0);
    // P1-P7: gp P1 P3 P6 P7, self P2 P5, clinical nurse specialist P4.
    QCOMPARE(num(r, QStringLiteral("activity.referrals.total")), 7.0);
    QCOMPARE(counts(r, QStringLiteral("activity.referrals.by_source")),
             (QMap<QString, double>{{QStringLiteral("gp"), 4},
                                    {QStringLiteral("self"), 2},
                                    {QStringLiteral("clinical_nurse_specialist"), 1}}));
    // Days 3, 10 (from contacts), 5, 2, 14; P6 awaiting; P7 withheld is left out.
    // Median of 2 3 5 10 14 = 5; p90 (type 7): h = 3.6 -> 10 + 0.6 * 4 = 12.4.
    QCOMPARE(num(r, QStringLiteral("activity.days_to_first_contact.n")), 5.0);
    QCOMPARE(num(r, QStringLiteral("activity.days_to_first_contact.awaiting")), 1.0);
    QCOMPARE(num(r, QStringLiteral("activity.days_to_first_contact.median")), 5.0);
    QVERIFY(near(num(r, QStringLiteral("activity.days_to_first_contact.p90")), 12.4));
    // Open at the end: P2-P6 and P8 (P3's closure is after the period); closed in it: P1.
    QCOMPARE(num(r, QStringLiteral("activity.cases.open_at_end")), 6.0);
    QCOMPARE(num(r, QStringLiteral("activity.cases.closed")), 1.0);
    QCOMPARE(counts(r, QStringLiteral("activity.cases.closed_by_reason")),
             (QMap<QString, double>{{QStringLiteral("needs_met"), 1}}));
}

void TestReportBuilder::deprivation()
{
    const QJsonObject &r = m_team;
    QCOMPARE(at(r, QStringLiteral("deprivation")).value(QStringLiteral("index")).toString(), QStringLiteral("SIMD"));
    QCOMPARE(num(r, QStringLiteral("deprivation.people")), 6.0);
    QCOMPARE(num(r, QStringLiteral("deprivation.unknown")), 2.0); // P4 not in the look-up, P5 no postcode
    QCOMPARE(counts(r, QStringLiteral("deprivation.quintiles")),
             (QMap<QString, double>{{QStringLiteral("1"), 1},
                                    {QStringLiteral("2"), 1},
                                    {QStringLiteral("3"), 1},
                                    {QStringLiteral("4"), 0},
                                    {QStringLiteral("5"), 1},
                                    {QStringLiteral("unknown"), 2}}));
    const auto deciles = counts(r, QStringLiteral("deprivation.deciles"));
    QCOMPARE(deciles.size(), 11);
    QCOMPARE(deciles.value(QStringLiteral("1")), 1.0);
    QCOMPARE(deciles.value(QStringLiteral("3")), 1.0);
    QCOMPARE(deciles.value(QStringLiteral("6")), 1.0);
    QCOMPARE(deciles.value(QStringLiteral("9")), 1.0);
    QCOMPARE(deciles.value(QStringLiteral("2")), 0.0);
    QCOMPARE(deciles.value(QStringLiteral("unknown")), 2.0);
    const auto shares = counts(r, QStringLiteral("deprivation.quintiles"), QStringLiteral("share"));
    QVERIFY(near(shares.value(QStringLiteral("unknown")), 2.0 / 6.0));
    // In index order, most deprived first, unknown last.
    const QJsonArray q = at(r, QStringLiteral("deprivation")).value(QStringLiteral("quintiles")).toArray();
    QCOMPARE(q.first().toObject().value(QStringLiteral("key")).toString(), QStringLiteral("1"));
    QCOMPARE(q.last().toObject().value(QStringLiteral("key")).toString(), QStringLiteral("unknown"));
}

void TestReportBuilder::concerns()
{
    const QJsonObject &r = m_team;
    QCOMPARE(num(r, QStringLiteral("concerns.assessments")), 6.0);
    QCOMPARE(num(r, QStringLiteral("concerns.people")), 6.0);
    QCOMPARE(num(r, QStringLiteral("concerns.total")), 8.0); // 3 + 2 + 1 + 1 + 0 + 1
    QVERIFY(near(num(r, QStringLiteral("concerns.per_person.mean")), 8.0 / 6.0));
    QCOMPARE(num(r, QStringLiteral("concerns.per_person.median")), 1.0); // 0 1 1 1 2 3
    QCOMPARE(counts(r, QStringLiteral("concerns.top_items")),
             (QMap<QString, double>{{QStringLiteral("money_or_housing"), 3},
                                    {QStringLiteral("tired_exhausted_or_fatigued"), 2},
                                    {QStringLiteral("worry_fear_or_anxiety"), 2},
                                    {QStringLiteral("breathing_difficulties"), 1}}));
    const QJsonArray top = at(r, QStringLiteral("concerns")).value(QStringLiteral("top_items")).toArray();
    QCOMPARE(top.first().toObject().value(QStringLiteral("key")).toString(), QStringLiteral("money_or_housing"));
    QCOMPARE(top.first().toObject().value(QStringLiteral("domain")).toString(), QStringLiteral("practical"));
    QVERIFY(!top.first().toObject().value(QStringLiteral("label")).toString().isEmpty());
    QCOMPARE(counts(r, QStringLiteral("concerns.by_domain")),
             (QMap<QString, double>{
                 {QStringLiteral("practical"), 3}, {QStringLiteral("physical"), 3}, {QStringLiteral("emotional"), 2}}));
    // money_or_housing 9->3, 8->8, 6->2; fatigue 7->5, 8->4; breathing 5->2; P1's worry not rescored.
    QMap<QString, QJsonObject> change;
    for (const QJsonValue &v : at(r, QStringLiteral("concerns")).value(QStringLiteral("change_by_item")).toArray())
        change.insert(v.toObject().value(QStringLiteral("key")).toString(), v.toObject());
    QCOMPARE(change.size(), 3);
    QCOMPARE(change[QStringLiteral("money_or_housing")].value(QStringLiteral("n")).toInt(), 3);
    QVERIFY(
        near(change[QStringLiteral("money_or_housing")].value(QStringLiteral("mean_initial")).toDouble(), 23.0 / 3));
    QVERIFY(near(change[QStringLiteral("money_or_housing")].value(QStringLiteral("mean_review")).toDouble(), 13.0 / 3));
    QVERIFY(
        near(change[QStringLiteral("money_or_housing")].value(QStringLiteral("mean_change")).toDouble(), -10.0 / 3));
    QVERIFY(near(change[QStringLiteral("tired_exhausted_or_fatigued")].value(QStringLiteral("mean_change")).toDouble(),
                 -3.0));
    QCOMPARE(change[QStringLiteral("breathing_difficulties")].value(QStringLiteral("n")).toInt(), 1);
    QCOMPARE(num(r, QStringLiteral("concerns.not_rescored")), 1.0);
    QCOMPARE(num(r, QStringLiteral("concerns.change_all.n")), 6.0);
    QVERIFY(near(num(r, QStringLiteral("concerns.change_all.mean_initial")), 43.0 / 6));
    QVERIFY(near(num(r, QStringLiteral("concerns.change_all.mean_review")), 4.0));
}

void TestReportBuilder::distress()
{
    const QJsonObject &r = m_team;
    // Pairs 8->4, 6->6, 9->5, 7->3, 5->2 (P6 has no review; P8's pair is before the period).
    QCOMPARE(num(r, QStringLiteral("distress.n")), 5.0);
    QCOMPARE(num(r, QStringLiteral("distress.initial_without_review")), 1.0);
    QCOMPARE(num(r, QStringLiteral("distress.median_initial")), 7.0);
    QCOMPARE(num(r, QStringLiteral("distress.median_review")), 4.0);
    QCOMPARE(num(r, QStringLiteral("distress.median_change")), -4.0);
    // Pratt: |d| 0 3 4 4 4 -> ranks 1, 2, 4, 4, 4; W- = 14, W+ = 0. Exact over 2^4 signs of
    // (2, 4, 4, 4): P(W+ <= 0) = 1/16, two-sided p = 0.125. z = (0 - 7 + 0.5) / sqrt(52 / 4).
    const QJsonObject w = at(r, QStringLiteral("distress.wilcoxon"));
    QCOMPARE(w.value(QStringLiteral("method")).toString(), QStringLiteral("exact"));
    QCOMPARE(w.value(QStringLiteral("zero_method")).toString(), QStringLiteral("pratt"));
    QCOMPARE(w.value(QStringLiteral("n_zero")).toInt(), 1);
    QCOMPARE(w.value(QStringLiteral("w_plus")).toDouble(), 0.0);
    QCOMPARE(w.value(QStringLiteral("w_minus")).toDouble(), 14.0);
    QCOMPARE(w.value(QStringLiteral("p_value")).toDouble(), 0.125);
    QVERIFY(near(w.value(QStringLiteral("z")).toDouble(), -6.5 / std::sqrt(13.0)));
    QCOMPARE(num(r, QStringLiteral("distress.wilcoxon.effect_size.rank_biserial")), -1.0);
    QVERIFY(near(num(r, QStringLiteral("distress.wilcoxon.effect_size.r")), -6.5 / std::sqrt(13.0) / std::sqrt(5.0)));
}

void TestReportBuilder::eq5d()
{
    const QJsonObject &r = m_team;
    // Devlin 2018: 12345 = 0.322, 21111 = 0.942, 11111 = 1, 55555 = -0.285.
    // Changes: +0.62, +0.058, 0, +1.227, +0.058: mean 0.3926.
    QCOMPARE(at(r, QStringLiteral("eq5d_index")).value(QStringLiteral("value_set")).toString(),
             QStringLiteral("eq5d5l-en-devlin2018"));
    QCOMPARE(num(r, QStringLiteral("eq5d_index.n")), 5.0);
    QCOMPARE(num(r, QStringLiteral("eq5d_index.initial_without_review")), 1.0); // P6
    QVERIFY(near(num(r, QStringLiteral("eq5d_index.mean_change")), 0.3926));
    QVERIFY(near(num(r, QStringLiteral("eq5d_index.mean_initial")), (0.322 + 0.942 + 0.322 - 0.285 + 0.942) / 5));
    // sd of the changes and t(0.975, 4) = 2.776445105 give the interval.
    const std::vector<double> ch{0.62, 0.058, 0, 1.227, 0.058};
    double ss = 0;
    for (double c : ch)
        ss += (c - 0.3926) * (c - 0.3926);
    const double half = 2.77644510519779 * std::sqrt(ss / 4) / std::sqrt(5.0);
    const QJsonArray ci = at(r, QStringLiteral("eq5d_index")).value(QStringLiteral("ci95")).toArray();
    QVERIFY(std::abs(ci.at(0).toDouble() - (0.3926 - half)) < 1e-8);
    QVERIFY(std::abs(ci.at(1).toDouble() - (0.3926 + half)) < 1e-8);
    // Ranks: 0 -> 1; 0.058 x2 -> 2.5; 0.62 -> 4; 1.227 -> 5: W+ = 14, exact p = 2/16.
    QCOMPARE(num(r, QStringLiteral("eq5d_index.wilcoxon.w_plus")), 14.0);
    QCOMPARE(num(r, QStringLiteral("eq5d_index.wilcoxon.p_value")), 0.125);
    // VAS: +30, +20, 0, +45, +40 -> mean 27.
    QCOMPARE(num(r, QStringLiteral("eq5d_vas.n")), 5.0);
    QVERIFY(near(num(r, QStringLiteral("eq5d_vas.mean_change")), 27.0));
    QVERIFY(near(num(r, QStringLiteral("eq5d_vas.mean_initial")), 40.0));
    QVERIFY(near(num(r, QStringLiteral("eq5d_vas.mean_review")), 67.0));
    QCOMPARE(num(r, QStringLiteral("eq5d_vas.median_change")), 30.0);
    QCOMPARE(num(r, QStringLiteral("eq5d_vas.wilcoxon.p_value")), 0.125);
}

void TestReportBuilder::money()
{
    const QJsonObject &r = m_team;
    // P1 benefit £5,000 a year and a £250.50 grant; P2 £1,200 debt written off. P7 (withheld), P8
    // (before the period) and P9 (another team) are left out.
    QCOMPARE(num(r, QStringLiteral("money.people_helped")), 2.0);
    QCOMPARE(num(r, QStringLiteral("money.benefits_and_grants.one_off")), 250.5);
    QCOMPARE(num(r, QStringLiteral("money.benefits_and_grants.annual")), 5000.0);
    QCOMPARE(num(r, QStringLiteral("money.benefits_and_grants.total")), 5250.5);
    QCOMPARE(num(r, QStringLiteral("money.benefits_and_grants.people")), 1.0);
    QCOMPARE(num(r, QStringLiteral("money.debt_written_off.total")), 1200.0);
    QCOMPARE(num(r, QStringLiteral("money.debt_written_off.people")), 1.0);
    QCOMPARE(counts(r, QStringLiteral("money.by_kind")),
             (QMap<QString, double>{{QStringLiteral("benefit_award"), 1},
                                    {QStringLiteral("grant"), 1},
                                    {QStringLiteral("debt_written_off"), 1}}));
    QCOMPARE(
        counts(r, QStringLiteral("money.by_kind"), QStringLiteral("annual")).value(QStringLiteral("benefit_award")),
        5000.0);
    // By month awarded, every month of January to June (empty ones as zeros), in order.
    const QJsonArray byMonth = at(r, QStringLiteral("money")).value(QStringLiteral("by_month")).toArray();
    QStringList keys;
    for (const QJsonValue &m : byMonth) {
        keys << m.toObject().value(QStringLiteral("key")).toString();
        QCOMPARE(m.toObject().value(QStringLiteral("label")).toString(), keys.last());
    }
    QCOMPARE(keys,
             (QStringList{QStringLiteral("2026-01"), QStringLiteral("2026-02"), QStringLiteral("2026-03"),
                          QStringLiteral("2026-04"), QStringLiteral("2026-05"), QStringLiteral("2026-06")}));
    const QString m = QStringLiteral("money.by_month");
    auto expect = [&](double feb, double mar) {
        QMap<QString, double> e;
        for (const QString &k : keys)
            e.insert(k, 0);
        e[QStringLiteral("2026-02")] = feb;
        e[QStringLiteral("2026-03")] = mar;
        return e;
    };
    QCOMPARE(counts(r, m), expect(1, 2));
    QCOMPARE(counts(r, m, QStringLiteral("people")), expect(1, 2));
    // The annual benefit at its yearly value in February; the £250.50 grant in March.
    QCOMPARE(counts(r, m, QStringLiteral("benefits_and_grants")), expect(5000, 250.5));
    QCOMPARE(counts(r, m, QStringLiteral("debt_written_off")), expect(0, 1200));
    // Each amount with the people it went to, so the dashboard can hide one series of a month alone.
    QCOMPARE(counts(r, m, QStringLiteral("benefits_and_grants_people")), expect(1, 1));
    QCOMPARE(counts(r, m, QStringLiteral("debt_written_off_people")), expect(0, 1));
    // The months add up to the period's figures.
    double bg = 0, debt = 0;
    for (const QJsonValue &v : byMonth) {
        bg += v.toObject().value(QStringLiteral("benefits_and_grants")).toDouble();
        debt += v.toObject().value(QStringLiteral("debt_written_off")).toDouble();
    }
    QCOMPARE(bg, num(r, QStringLiteral("money.benefits_and_grants.total")));
    QCOMPARE(debt, num(r, QStringLiteral("money.debt_written_off.total")));
    // A period that starts and ends mid-month still has one row per calendar month touched.
    const QJsonObject partial = report(QDate(2026, 2, 15), QDate(2026, 4, 2), true);
    QCOMPARE(at(partial, QStringLiteral("money")).value(QStringLiteral("by_month")).toArray().size(), 3);
    QCOMPARE(counts(partial, m, QStringLiteral("benefits_and_grants")),
             (QMap<QString, double>{
                 {QStringLiteral("2026-02"), 0}, {QStringLiteral("2026-03"), 250.5}, {QStringLiteral("2026-04"), 0}}));
}

void TestReportBuilder::onwardReferrals()
{
    const QJsonObject &r = m_team;
    QCOMPARE(num(r, QStringLiteral("onward_referrals.total")), 2.0);
    QCOMPARE(num(r, QStringLiteral("onward_referrals.people")), 2.0);
    QCOMPARE(counts(r, QStringLiteral("onward_referrals.by_organisation")),
             (QMap<QString, double>{{QStringLiteral("org-0001"), 1}, {QStringLiteral("org-0002"), 1}}));
    QCOMPARE(counts(r, QStringLiteral("onward_referrals.by_category")),
             (QMap<QString, double>{{QStringLiteral("welfare_rights"), 2}}));
    QCOMPARE(counts(r, QStringLiteral("onward_referrals.by_status")),
             (QMap<QString, double>{{QStringLiteral("accepted"), 1}, {QStringLiteral("made"), 1}}));
    QCOMPARE(num(r, QStringLiteral("onward_referrals.carers_assessment.referrals")), 1.0);
    QCOMPARE(num(r, QStringLiteral("onward_referrals.carers_assessment.people")), 1.0);
    const QJsonObject org =
        at(r, QStringLiteral("onward_referrals")).value(QStringLiteral("by_organisation")).toArray().first().toObject();
    QCOMPARE(org.value(QStringLiteral("label")).toString(), QStringLiteral("Clydeview Welfare Rights Service"));
}

void TestReportBuilder::recoveryPackage()
{
    const QJsonObject &r = m_team;
    QCOMPARE(num(r, QStringLiteral("recovery_package.treatment_summaries.received")), 1.0);
    QCOMPARE(num(r, QStringLiteral("recovery_package.cancer_care_reviews.in_period")), 1.0);
    // Eligible: P1 (diagnosed 2025-03-01) and P2 (2024-01-01); only P1's review was within 12 months.
    QCOMPARE(num(r, QStringLiteral("recovery_package.cancer_care_reviews.eligible")), 2.0);
    QCOMPARE(num(r, QStringLiteral("recovery_package.cancer_care_reviews.within_12_months")), 1.0);
    QCOMPARE(num(r, QStringLiteral("recovery_package.cancer_care_reviews.share")), 0.5);
    QCOMPARE(num(r, QStringLiteral("recovery_package.wellbeing_events.attendances")), 1.0);
    QCOMPARE(counts(r, QStringLiteral("recovery_package.wellbeing_events.by_format")),
             (QMap<QString, double>{{QStringLiteral("group"), 1}}));
}

void TestReportBuilder::wholeService()
{
    const QJsonObject r = report(kFrom, kTo, false);
    QVERIFY(at(r, QStringLiteral("scope")).value(QStringLiteral("team")).isNull());
    // P9 joins: supported, a gp referral first contacted a day later, £777.
    QCOMPARE(num(r, QStringLiteral("activity.people_supported")), 7.0);
    QCOMPARE(num(r, QStringLiteral("activity.referrals.total")), 8.0);
    QCOMPARE(num(r, QStringLiteral("activity.days_to_first_contact.n")), 6.0);
    QCOMPARE(num(r, QStringLiteral("money.people_helped")), 3.0);
    QCOMPARE(num(r, QStringLiteral("money.benefits_and_grants.one_off")), 1027.5);
}

void TestReportBuilder::insufficientWhenTooFewPairs()
{
    // January to March: only P3's review (2026-03-22) is in the period.
    const QJsonObject r = report(kFrom, QDate(2026, 3, 31), true);
    const QJsonObject d = at(r, QStringLiteral("distress"));
    QCOMPARE(d.value(QStringLiteral("n")).toInt(), 1);
    QVERIFY(d.value(QStringLiteral("insufficient")).toString().contains(QStringLiteral("at least 5")));
    QVERIFY(!d.contains(QStringLiteral("wilcoxon")));
    QVERIFY(!d.contains(QStringLiteral("median_change")));
    QVERIFY(at(r, QStringLiteral("eq5d_vas")).contains(QStringLiteral("insufficient")));
    QVERIFY(!at(r, QStringLiteral("eq5d_vas")).contains(QStringLiteral("ci95")));
    // An empty period: every statistic insufficient, every count zero.
    const QJsonObject empty = report(QDate(2030, 1, 1), QDate(2030, 1, 2), true);
    QCOMPARE(num(empty, QStringLiteral("activity.people_supported")), 0.0);
    QVERIFY(at(empty, QStringLiteral("activity.days_to_first_contact")).contains(QStringLiteral("insufficient")));
    QVERIFY(at(empty, QStringLiteral("concerns.per_person")).contains(QStringLiteral("insufficient")));
    QCOMPARE(num(empty, QStringLiteral("recovery_package.cancer_care_reviews.share")), 0.0);
}

void TestReportBuilder::recordOrderDoesNotMatter()
{
    QList<RecordState> states = service().states();
    std::reverse(states.begin(), states.end());
    ReportBuilder b(*m_reference);
    for (const RecordState &s : states)
        b.add(s);
    QCOMPARE(b.build(scopeOf(kFrom, kTo, true), kGenerated), m_team);
}

void TestReportBuilder::updatesReplaceAndRemove()
{
    // One builder kept up to date (as the server's cache is) equals one built afresh.
    const QList<RecordState> states = service().states();
    ReportBuilder kept(*m_reference);
    for (const RecordState &s : states)
        kept.add(s);
    QCOMPARE(kept.build(scopeOf(kFrom, kTo, false), kGenerated), report(kFrom, kTo, false));

    // Edit every financial gain to £1 one-off, delete every onward referral, forget the concerns.
    qint64 seq = 100000;
    auto change = [&](RecordState &s, const QJsonObject &values) {
        Write w{QStringLiteral("fixturedev"), ++seq, {}, s.id, s.type, s.personId, values, {}};
        w.hlc = Hlc{1'800'000'000'000 + seq, 0, w.device}.toString();
        s.apply(w, [](const QString &) { return false; });
        kept.add(s);
    };
    QList<RecordState> changed;
    for (RecordState s : states) {
        if (s.type == QLatin1String("financial_gain"))
            change(s, {{QStringLiteral("amount"), 1.0}, {QStringLiteral("period"), QStringLiteral("one_off")}});
        else if (s.type == QLatin1String("onward_referral"))
            change(s, {{DeletedField, true}});
        else if (s.type == QLatin1String("concern")) {
            kept.remove(s.id);
            continue;
        }
        changed << s;
    }
    ReportBuilder fresh(*m_reference);
    for (const RecordState &s : changed)
        fresh.add(s);
    const QJsonObject a = kept.build(scopeOf(kFrom, kTo, true), kGenerated);
    QCOMPARE(a, fresh.build(scopeOf(kFrom, kTo, true), kGenerated));
    QCOMPARE(num(a, QStringLiteral("money.benefits_and_grants.total")), 2.0);
    QCOMPARE(num(a, QStringLiteral("money.debt_written_off.total")), 1.0);
    QCOMPARE(num(a, QStringLiteral("onward_referrals.total")), 0.0);
    QCOMPARE(num(a, QStringLiteral("concerns.total")), 0.0);
    QVERIFY(a != m_team);
}

void TestReportBuilder::csvCarriesExactlyTheJsonValues()
{
    QMap<QString, QString> fromJson;
    flatten(m_team, {}, fromJson);
    const QList<QStringList> rows = parseCsv(toCsv(m_team));
    QCOMPARE(rows.first(),
             (QStringList{QStringLiteral("section"), QStringLiteral("figure"), QStringLiteral("key"),
                          QStringLiteral("label"), QStringLiteral("value")}));
    QMap<QString, QString> fromCsv;
    for (qsizetype i = 1; i < rows.size(); ++i) {
        const QStringList &row = rows[i];
        QCOMPARE(row.size(), 5);
        QString path = row[0];
        if (!row[2].isEmpty())
            path += QLatin1Char('[') + row[2] + QLatin1Char(']');
        path = path.isEmpty() ? row[1] : path + QLatin1Char('.') + row[1];
        QVERIFY2(!fromCsv.contains(path), qPrintable(path));
        fromCsv.insert(path, row[4]);
    }
    QCOMPARE(fromCsv.size(), fromJson.size());
    for (auto it = fromJson.cbegin(); it != fromJson.cend(); ++it) {
        QVERIFY2(fromCsv.contains(it.key()), qPrintable(it.key()));
        bool isNumber = false;
        const double j = it.value().toDouble(&isNumber);
        if (isNumber)
            QVERIFY2(fromCsv.value(it.key()).toDouble() == j,
                     qPrintable(it.key() + QLatin1Char(' ') + fromCsv.value(it.key())));
        else
            QCOMPARE(fromCsv.value(it.key()), it.value());
    }
    // Money by month is there like any other breakdown: one row per figure, the month as its key.
    QCOMPARE(fromCsv.value(QStringLiteral("money.by_month[2026-03].debt_written_off")), QStringLiteral("1200"));
    QCOMPARE(fromCsv.value(QStringLiteral("money.by_month[2026-02].benefits_and_grants")), QStringLiteral("5000"));
    QCOMPARE(fromCsv.value(QStringLiteral("money.by_month[2026-06].people")), QStringLiteral("0"));
    // And the JSON text is the object.
    QCOMPARE(QJsonDocument::fromJson(toJson(m_team, true)).object(), m_team);
    QCOMPARE(QJsonDocument::fromJson(toJson(m_team, false)).object(), m_team);
}

void TestReportBuilder::storeBackends_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("sqlite") << QString();
    const QString pg = qEnvironmentVariable("HEARTH_TEST_PG_URL");
    if (!pg.isEmpty())
        QTest::newRow("postgresql") << pg;
}

// A store of the test's own: SQLite in a temporary folder for an empty `pgUrl`, else a fresh
// PostgreSQL database, dropped when done.
class OwnStore
{
public:
    explicit OwnStore(const QString &pgUrl) : m_pgUrl(pgUrl)
    {
        QString url;
        if (!pgUrl.isEmpty()) {
            m_db = QStringLiteral("hearth_reports_%1_%2")
                       .arg(QCoreApplication::applicationPid())
                       .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
            if (const QString err = pgExec(pgUrl, "CREATE DATABASE " + m_db.toLatin1()); !err.isEmpty())
                qFatal("%s", qPrintable(err));
            QUrl u(pgUrl);
            u.setPath(QLatin1Char('/') + m_db);
            url = u.toString(QUrl::FullyEncoded);
        }
        auto opened = ServerStore::open(url, m_dir.path());
        if (!opened)
            qFatal("%s", qPrintable(opened.error().toString()));
        m_store = std::move(opened).value();
    }
    ~OwnStore()
    {
        m_store.reset();
        if (!m_db.isEmpty())
            if (const QString err = pgExec(m_pgUrl, "DROP DATABASE IF EXISTS " + m_db.toLatin1() + " WITH (FORCE)");
                !err.isEmpty())
                qWarning("%s", qPrintable(err));
    }
    OwnStore(const OwnStore &) = delete;
    OwnStore &operator=(const OwnStore &) = delete;
    ServerStore &operator*() const { return *m_store; }
    ServerStore *operator->() const { return m_store.get(); }
    [[nodiscard]] QString filePath(const QString &name) const { return m_dir.filePath(name); }

private:
    QString m_pgUrl, m_db;
    QTemporaryDir m_dir;
    std::unique_ptr<ServerStore> m_store;
};

namespace {

// The start of the service as another device wrote it: a store as long as one holding the
// service's first writes, whose writes differ.
QList<Write> otherService()
{
    Fixture alt = service();
    for (Write &w : alt.writes)
        w.device = QStringLiteral("otherdevice"), w.hlc = Hlc{1'750'000'000'000 + w.seq, 0, w.device}.toString();
    return alt.writes.mid(0, 10);
}

// A report without its time stamp, for comparing reports made at different moments.
QJsonObject unstamped(QJsonObject report)
{
    report.remove(QStringLiteral("generated_at"));
    return report;
}

} // namespace

QJsonObject TestReportBuilder::fresh(ServerStore &store, const ReportScope &scope) const
{
    return unstamped(buildReport(store, scope, *m_reference).value());
}

void TestReportBuilder::storeBackends()
{
    QFETCH(QString, url);
    {
        OwnStore store(url);
        auto n = store->append(service().writes);
        QVERIFY2(n, qPrintable(n ? QString() : n.error().toString()));
        QVERIFY(store
                    ->addUser(User{QStringLiteral("alpha-lw"),
                                   {},
                                   QStringLiteral("link_worker"),
                                   QStringLiteral("alpha"),
                                   {QStringLiteral("c1")},
                                   false,
                                   {}})
                    .ok());
        auto caseloads = teamCaseloads(*store, QStringLiteral("alpha"));
        QVERIFY(caseloads);
        QCOMPARE(caseloads.value(), QSet<QString>{QStringLiteral("c1")});
        QCOMPARE(teamCaseloads(*store, QStringLiteral("nobody")).error().code, hearth::ErrorCode::NotFound);
        auto built = buildReport(*store, ReportScope{kFrom, kTo, QStringLiteral("alpha"), caseloads.value()},
                                 *m_reference);
        QVERIFY(built);
        QJsonObject got = built.value();
        got.insert(QStringLiteral("generated_at"), m_team.value(QStringLiteral("generated_at")));
        QCOMPARE(got, m_team);
    }
}

void TestReportBuilder::cacheFollowsTheLog_data()
{
    storeBackends_data();
}

void TestReportBuilder::cacheFollowsTheLog()
{
    QFETCH(QString, url);
    {
        OwnStore store(url);
        const Fixture f = service();
        const qsizetype half = f.writes.size() / 2;
        QVERIFY(store->append(f.writes.mid(0, half)));
        const ReportScope scope = scopeOf(kFrom, kTo, true);
        auto viaCache = [&](ReportCache &c, ServerStore &s) { return unstamped(c.report(s, scope).value()); };
        ReportCache cache(*m_reference);
        QCOMPARE(viaCache(cache, *store), fresh(*store, scope));
        QCOMPARE(cache.lastMode(), QStringLiteral("full"));
        QCOMPARE(viaCache(cache, *store), fresh(*store, scope));
        QCOMPARE(cache.lastMode(), QStringLiteral("cached"));
        // The rest of the service arrives, P10 deleted included: caught up through the log.
        QVERIFY(store->append(f.writes.mid(half)));
        const QJsonObject whole = viaCache(cache, *store);
        QCOMPARE(cache.lastMode(), QStringLiteral("incremental"));
        QCOMPARE(whole, fresh(*store, scope));
        QCOMPARE(whole, unstamped(m_team));
        // An edit and a delete of records the cache already holds.
        Fixture more = service();
        more.writes.clear();
        more.seq = 10000;
        for (const Write &w : f.writes) {
            if (w.type == QLatin1String("financial_gain")) {
                Write e = w;
                e.seq = ++more.seq;
                e.hlc = Hlc{1'800'000'000'000 + e.seq, 0, e.device}.toString();
                e.values = QJsonObject{{QStringLiteral("amount"), 3.0}};
                e.parents = QJsonObject{{QStringLiteral("amount"), QJsonArray{w.hlc}}};
                more.writes << e;
            } else if (w.type == QLatin1String("onward_referral")) {
                Write e = w;
                e.seq = ++more.seq;
                e.hlc = Hlc{1'800'000'000'000 + e.seq, 0, e.device}.toString();
                e.values = QJsonObject{{DeletedField, true}};
                more.writes << e;
            }
        }
        QVERIFY(store->append(more.writes));
        const QJsonObject edited = viaCache(cache, *store);
        QCOMPARE(cache.lastMode(), QStringLiteral("incremental"));
        QCOMPARE(edited, fresh(*store, scope));
        QCOMPARE(num(edited, QStringLiteral("onward_referrals.total")), 0.0);
        QCOMPARE(num(edited, QStringLiteral("money.debt_written_off.total")), 3.0);

        // A different store with the same log length is recognised and read afresh.
        OwnStore other({});
        QVERIFY(other->append(otherService()));
        QCOMPARE(viaCache(cache, *other), fresh(*other, scope));
        QCOMPARE(cache.lastMode(), QStringLiteral("full"));
    }
}

namespace {

QByteArray snapshotOf(const ReportBuilder &b)
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    if (!b.save(out))
        return {};
    return bytes;
}

std::unique_ptr<ReportBuilder> builderFrom(const QByteArray &bytes, const ReferenceData &reference)
{
    QDataStream in(bytes);
    auto b = ReportBuilder::load(in, reference);
    return b && in.atEnd() ? std::move(b) : nullptr;
}

} // namespace

void TestReportBuilder::snapshotRoundTrip()
{
    ReportBuilder b(*m_reference);
    const Fixture f = service();
    for (const RecordState &s : f.states())
        b.add(s);
    const QByteArray bytes = snapshotOf(b);
    QVERIFY(!bytes.isEmpty());
    auto back = builderFrom(bytes, *m_reference);
    QVERIFY(back);
    for (bool team : {true, false}) {
        const ReportScope scope = scopeOf(kFrom, kTo, team);
        QCOMPARE(back->build(scope, kGenerated), b.build(scope, kGenerated));
    }
    // A builder read back takes changes as the original does: its index of records was rebuilt.
    for (const RecordState &s : f.states()) {
        if (s.type == QLatin1String("financial_gain")) {
            RecordState changed = s;
            changed.fields[QStringLiteral("amount")].heads.first().value = 7.0;
            b.add(changed);
            back->add(changed);
        } else if (s.type == QLatin1String("onward_referral")) {
            b.remove(s.id);
            back->remove(s.id);
        }
    }
    QCOMPARE(back->build(scopeOf(kFrom, kTo, false), kGenerated), b.build(scopeOf(kFrom, kTo, false), kGenerated));
    QCOMPARE(num(back->build(scopeOf(kFrom, kTo, false), kGenerated), QStringLiteral("onward_referrals.total")), 0.0);
    // Saved again after the changes, the snapshot holds only live rows and still reads back the same.
    auto again = builderFrom(snapshotOf(*back), *m_reference);
    QVERIFY(again);
    QCOMPARE(again->build(scopeOf(kFrom, kTo, true), kGenerated), b.build(scopeOf(kFrom, kTo, true), kGenerated));
}

// Thousands of records with random ids, added in random order, then edited, deleted and deleted
// ones written again: a kept builder (its index merging as it grows) and its snapshot equal a
// builder made afresh from the final states.
void TestReportBuilder::largeServiceKeptUpToDate()
{
    QRandomGenerator rng(7);
    Fixture f;
    auto id = [] { return QUuid::createUuid().toString(QUuid::WithoutBraces); };
    for (int i = 0; i < 1500; ++i) {
        const QString p = f.add(QStringLiteral("person"), {},
                                {{QStringLiteral("caseload"), i % 3 ? QStringLiteral("c1") : QStringLiteral("c2")},
                                 {QStringLiteral("postcode"), QStringLiteral("G42 7XY")}},
                                id());
        const QString day = QStringLiteral("2026-0%1-1%2").arg(1 + rng.bounded(6)).arg(rng.bounded(10));
        f.add(QStringLiteral("referral"), p,
              {{QStringLiteral("source"), i % 2 ? QStringLiteral("gp") : QStringLiteral("self")},
               {QStringLiteral("date_received"), day}},
              id());
        f.add(QStringLiteral("contact"), p,
              {{QStringLiteral("date"), day}, {QStringLiteral("outcome"), QStringLiteral("reached")}}, id());
        const QString a = f.add(QStringLiteral("assessment"), p,
                                {{QStringLiteral("kind"), QStringLiteral("initial")},
                                 {QStringLiteral("date"), day},
                                 {QStringLiteral("status"), QStringLiteral("complete")},
                                 {QStringLiteral("overall_distress"), int(rng.bounded(11))}},
                                id());
        for (const char *item : {"money", "sleep", "fatigue"})
            f.add(QStringLiteral("concern"), p,
                  {{QStringLiteral("assessment_id"), a},
                   {QStringLiteral("domain"), QStringLiteral("practical")},
                   {QStringLiteral("item"), QLatin1String(item)},
                   {QStringLiteral("score"), int(rng.bounded(11))}},
                  id());
        f.add(QStringLiteral("financial_gain"), p,
              {{QStringLiteral("kind"), QStringLiteral("benefit_award")},
               {QStringLiteral("amount"), double(rng.bounded(5000))},
               {QStringLiteral("period"), QStringLiteral("one_off")},
               {QStringLiteral("date_awarded"), day}},
              id());
    }
    QList<RecordState> states = f.states();
    QVERIFY(states.size() > 10000);
    std::shuffle(states.begin(), states.end(), std::mt19937(11));
    ReportBuilder kept(*m_reference);
    for (const RecordState &st : states)
        kept.add(st);
    // A third edited, a tenth deleted, and half of those deleted written again.
    qint64 seq = 1'000'000;
    QList<RecordState> final;
    for (RecordState st : states) {
        if (st.type == QLatin1String("person")) {
            final << st;
            continue;
        }
        const quint32 roll = rng.bounded(30);
        auto write = [&](const QJsonObject &values) {
            Write w{QStringLiteral("fixturedev"), ++seq, {}, st.id, st.type, st.personId, values, {}};
            w.hlc = Hlc{1'800'000'000'000 + seq, 0, w.device}.toString();
            st.apply(w, [](const QString &) { return false; });
            kept.add(st);
        };
        if (roll < 10 && st.type == QLatin1String("financial_gain"))
            write({{QStringLiteral("amount"), 1.0}});
        else if (roll < 10 && st.type == QLatin1String("concern"))
            write({{QStringLiteral("score"), 10}});
        else if (roll < 13) {
            kept.remove(st.id);
            if (roll == 12) {
                kept.add(st); // written again
                final << st;
            }
            continue;
        }
        final << st;
    }
    ReportBuilder fresh(*m_reference);
    for (const RecordState &st : final)
        fresh.add(st);
    for (bool team : {false, true}) {
        const ReportScope scope = scopeOf(kFrom, kTo, team);
        const QJsonObject expected = fresh.build(scope, kGenerated);
        QCOMPARE(kept.build(scope, kGenerated), expected);
        auto back = builderFrom(snapshotOf(kept), *m_reference);
        QVERIFY(back);
        QCOMPARE(back->build(scope, kGenerated), expected);
    }
}

void TestReportBuilder::damagedSnapshotIsRefused()
{
    ReportBuilder b(*m_reference);
    for (const RecordState &s : service().states())
        b.add(s);
    const QByteArray bytes = snapshotOf(b);
    QVERIFY(builderFrom(bytes, *m_reference));
    // Cut short anywhere: refused.
    for (qsizetype n = 0; n < bytes.size(); n += 1 + bytes.size() / 400)
        QVERIFY2(!builderFrom(bytes.left(n), *m_reference), qPrintable(QStringLiteral("cut at %1").arg(n)));
    // Another layout: refused.
    QByteArray layout = bytes;
    layout[3] = char(layout[3] ^ 0x40);
    QVERIFY(!builderFrom(layout, *m_reference));
    // Flipped bits: refused, or read into a builder that still reports without reading out of
    // bounds (a flipped date is a different but valid date). The cache's file adds a digest that
    // refuses those too (cacheStartsFromItsSnapshot); this is the builder's own line of defence.
    QRandomGenerator rng(20261123);
    int refused = 0;
    for (int i = 0; i < 400; ++i) {
        QByteArray damaged = bytes;
        const auto at = qsizetype(rng.bounded(quint32(damaged.size())));
        damaged[at] = char(damaged[at] ^ char(1 << rng.bounded(8)));
        if (auto d = builderFrom(damaged, *m_reference))
            QVERIFY(!d->build(scopeOf(kFrom, kTo, false), kGenerated).isEmpty());
        else
            ++refused;
    }
    QVERIFY2(refused > 0, "no flipped bit was noticed");
}

void TestReportBuilder::cacheStartsFromItsSnapshot_data()
{
    storeBackends_data();
}

void TestReportBuilder::cacheStartsFromItsSnapshot()
{
    QFETCH(QString, url);
    {
        OwnStore store(url);
        const Fixture f = service();
        const qsizetype half = f.writes.size() / 2;
        QVERIFY(store->append(f.writes.mid(0, half)));
        const ReportScope scope = scopeOf(kFrom, kTo, true);
        const QString snapshot = store.filePath(QStringLiteral("report-snapshot"));
        auto viaNewCache = [&](ServerStore &s, const QString &expectedMode) {
            ReportCache c(*m_reference, snapshot);
            auto r = c.report(s, scope);
            if (!r)
                qWarning() << r.error().toString();
            if (c.lastMode() != expectedMode)
                qWarning() << "mode" << c.lastMode() << "expected" << expectedMode;
            return r && c.lastMode() == expectedMode ? unstamped(r.value()) : QJsonObject();
        };
        // The first report reads every record and leaves a snapshot only the server's user can read.
        QCOMPARE(viaNewCache(*store, QStringLiteral("full")), fresh(*store, scope));
        QVERIFY(QFile::exists(snapshot));
        QCOMPARE(QFile::permissions(snapshot) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        // A new cache (a restarted server, the report command) starts from it.
        QCOMPARE(viaNewCache(*store, QStringLiteral("snapshot")), fresh(*store, scope));
        {
            // Kept up to date in the background (serve does it every 30 s): the next report then
            // costs nothing more.
            QVERIFY(store->append(f.writes.mid(half, 5)));
            ReportCache kept(*m_reference, snapshot);
            QVERIFY(kept.keepUp(*store));
            QCOMPARE(kept.lastMode(), QStringLiteral("snapshot"));
            const QJsonObject o = unstamped(kept.report(*store, scope).value());
            QCOMPARE(kept.lastMode(), QStringLiteral("cached"));
            QCOMPARE(o, fresh(*store, scope));
            // Without a snapshot nothing is read until a report asks for it.
            ReportCache none(*m_reference, store.filePath(QStringLiteral("no-snapshot")));
            QVERIFY(none.keepUp(*store));
            QCOMPARE(none.lastMode(), QString());
        }
        // ... and catches up through the log with what arrived since.
        QVERIFY(store->append(f.writes.mid(half + 5)));
        QCOMPARE(viaNewCache(*store, QStringLiteral("snapshot")), fresh(*store, scope));

        // A snapshot of another store is not used; the one written for it is not used here.
        OwnStore other({});
        QVERIFY(other->append(otherService()));
        QCOMPARE(viaNewCache(*other, QStringLiteral("full")), fresh(*other, scope));
        QCOMPARE(viaNewCache(*store, QStringLiteral("full")), fresh(*store, scope));

        // A damaged snapshot: read afresh with a warning, and written again.
        QFile file(snapshot);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.resize(file.size() / 2));
        file.close();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("report snapshot .* is damaged"),
                                                              QRegularExpression::CaseInsensitiveOption));
        QCOMPARE(viaNewCache(*store, QStringLiteral("full")), fresh(*store, scope));
        QCOMPARE(viaNewCache(*store, QStringLiteral("snapshot")), fresh(*store, scope));

        // One flipped bit in the middle (a value that would still be in range): caught by the
        // digest, read afresh.
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.seek(file.size() / 2));
        char byte = 0;
        QVERIFY(file.getChar(&byte));
        QVERIFY(file.seek(file.size() / 2));
        QVERIFY(file.putChar(char(byte ^ 0x04)));
        file.close();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("report snapshot .* is damaged"),
                                                              QRegularExpression::CaseInsensitiveOption));
        QCOMPARE(viaNewCache(*store, QStringLiteral("full")), fresh(*store, scope));
        QCOMPARE(viaNewCache(*store, QStringLiteral("snapshot")), fresh(*store, scope));
    }
}

QTEST_GUILESS_MAIN(TestReportBuilder)
#include "tst_reportbuilder.moc"
