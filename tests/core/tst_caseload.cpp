#include "demodata.h"
#include "testsupport.h"

#include <QTemporaryDir>

using namespace hearth;

// The caseload comes from per-person summaries kept in step with every write; this checks them
// against the same figures computed directly from the records.
class TestCaseload : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void summariesAgreeWithRecords();
    void followsEditsAndDeletes();
    void searchAndFilters();

private:
    struct Expect {
        bool awaiting = false;
        int overdue = 0;
        bool closed = false;
    };
    QHash<QString, Expect> expectedFromRecords() const;
    QTemporaryDir m_tmp;
    std::unique_ptr<Store> m_store;
    const QDate m_today = QDate(2025, 11, 1);
};

void TestCaseload::initTestCase()
{
    auto s = Store::create(m_tmp.filePath(QStringLiteral("s")), "correct horse", test::fastOptions());
    QVERIFY(s.ok());
    m_store = std::move(s).value();
    demo::Options o;
    o.people = 300;
    o.today = m_today;
    auto n = demo::populate(*m_store, o, test::reference());
    QVERIFY2(n.ok(), qPrintable(n.ok() ? QString() : n.error().toString()));
}

QHash<QString, TestCaseload::Expect> TestCaseload::expectedFromRecords() const
{
    QHash<QString, Expect> out;
    for (const Record &p : m_store->list(QStringLiteral("person")).value())
        out.insert(p.id, {});
    for (const Record &r : m_store->list(QStringLiteral("referral")).value())
        if (!r.values.contains(QStringLiteral("date_first_contact")))
            out[r.personId].awaiting = true;
    for (const Record &a : m_store->list(QStringLiteral("care_action")).value()) {
        const QString st = a.values.value(QStringLiteral("status")).toString();
        const QDate due = QDate::fromString(a.values.value(QStringLiteral("due_date")).toString(), Qt::ISODate);
        if ((st == QLatin1String("planned") || st == QLatin1String("in_progress")) && due.isValid() && due < m_today)
            out[a.personId].overdue++;
    }
    for (const Record &c : m_store->list(QStringLiteral("case_status")).value())
        out[c.personId].closed = c.values.value(QStringLiteral("status")).toString() == QLatin1String("closed");
    return out;
}

void TestCaseload::summariesAgreeWithRecords()
{
    const auto entries = m_store->reader().value()->caseload(m_today);
    QVERIFY(entries.ok());
    const auto expected = expectedFromRecords();
    QCOMPARE(entries.value().size(), expected.size());
    int awaiting = 0, overdue = 0, closed = 0;
    for (const CaseloadEntry &e : entries.value()) {
        QVERIFY(expected.contains(e.personId));
        const Expect x = expected.value(e.personId);
        QCOMPARE(e.awaitingFirstContact, x.awaiting);
        QCOMPARE(e.overdueActions, x.overdue);
        QCOMPARE(e.closed, x.closed);
        QVERIFY(!e.familyName.isEmpty());
        awaiting += x.awaiting;
        overdue += x.overdue > 0;
        closed += x.closed;
    }
    // The demo caseload must exercise every filter.
    QVERIFY(awaiting > 20);
    QVERIFY(overdue > 20);
    QVERIFY(closed > 5);
}

void TestCaseload::followsEditsAndDeletes()
{
    auto byId = [&](const QString &id) {
        for (const CaseloadEntry &e : m_store->reader().value()->caseload(m_today).value())
            if (e.personId == id)
                return std::optional<CaseloadEntry>(e);
        return std::optional<CaseloadEntry>();
    };
    // Complete every overdue action of one person.
    QString person;
    for (const Record &a : m_store->list(QStringLiteral("care_action")).value()) {
        const QDate due = QDate::fromString(a.values.value(QStringLiteral("due_date")).toString(), Qt::ISODate);
        if (a.values.value(QStringLiteral("status")).toString() == QLatin1String("in_progress") && due < m_today) {
            person = a.personId;
            break;
        }
    }
    QVERIFY(!person.isEmpty());
    QVERIFY(byId(person)->overdueActions > 0);
    for (const Record &a : m_store->listForPerson(person).value())
        if (a.type == QLatin1String("care_action"))
            QVERIFY(m_store->edit(a.id, QJsonObject{{QStringLiteral("status"), QStringLiteral("done")}}).ok());
    QCOMPARE(byId(person)->overdueActions, 0);
    // Renaming shows at once; deleting removes the person from the caseload.
    QVERIFY(m_store->edit(person, QJsonObject{{QStringLiteral("family_name"), QStringLiteral("Aardvark")}}).ok());
    QCOMPARE(byId(person)->familyName, QStringLiteral("Aardvark"));
    QVERIFY(m_store->remove(person).ok());
    QVERIFY(!byId(person).has_value());
}

void TestCaseload::searchAndFilters()
{
    CaseloadIndex index(m_store->reader().value()->caseload(m_today).value());
    QVERIFY(index.size() > 250);
    // Sorted by family name.
    for (int i = 1; i < index.size(); ++i)
        QVERIFY(index.entries()[i - 1].familyName.compare(index.entries()[i].familyName, Qt::CaseInsensitive) <= 0);
    const CaseloadEntry &someone = index.entries()[index.size() / 2];
    const auto byName = index.select(someone.givenName.toLower() + QLatin1Char(' ') + someone.familyName.left(3),
                                     CaseloadIndex::Filter::All, m_today);
    QVERIFY(!byName.isEmpty());
    for (int i : byName) {
        QCOMPARE(index.entries()[i].givenName, someone.givenName);
        QVERIFY(index.entries()[i].familyName.startsWith(someone.familyName.left(3)));
    }
    const auto byChi =
        index.select(someone.chi.left(6) + QLatin1Char(' ') + someone.chi.mid(6), CaseloadIndex::Filter::All, m_today);
    QVERIFY(std::any_of(byChi.begin(), byChi.end(),
                        [&](int i) { return index.entries()[i].personId == someone.personId; }));
    for (auto f : {CaseloadIndex::Filter::AwaitingFirstContact, CaseloadIndex::Filter::OverdueActions,
                   CaseloadIndex::Filter::ReviewsDue, CaseloadIndex::Filter::Closed}) {
        const auto sel = index.select(QString(), f, m_today);
        QVERIFY(!sel.isEmpty());
        for (int i : sel)
            QVERIFY(CaseloadIndex::matches(index.entries()[i], f, m_today));
    }
    for (int i : index.select(QString(), CaseloadIndex::Filter::AwaitingFirstContact, m_today))
        QVERIFY(index.entries()[i].daysWaiting(m_today) >= 0);
    QVERIFY(index.select(QStringLiteral("zzzz-nobody"), CaseloadIndex::Filter::All, m_today).isEmpty());
}

QTEST_GUILESS_MAIN(TestCaseload)
#include "tst_caseload.moc"
