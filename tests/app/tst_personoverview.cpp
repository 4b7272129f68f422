#include "appsupport.h"
#include "personoverview.h"

using namespace hearth;
using namespace hearth::app;

class TestPersonOverview : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void summarisesThePerson();
    void reloadsWhenTheirRecordsChange();
    void unknownPersonSaysSo();
};

namespace {
QString valueOf(const QVariantList &pairs, const QString &label)
{
    for (const QVariant &p : pairs)
        if (p.toMap().value(QStringLiteral("label")).toString() == label)
            return p.toMap().value(QStringLiteral("value")).toString();
    return {};
}
} // namespace

void TestPersonOverview::summarisesThePerson()
{
    test::AppFixture f;
    const QString person = firstPerson(f.dir, test::kAppPasscode, test::reference());
    auto rec = f.session->store()->get(person).value();
    PersonOverview o;
    QSignalSpy loaded(&o, &PersonOverview::loaded);
    o.setPersonId(person);
    QCOMPARE(loaded.size(), 1);
    QVERIFY(o.error().isEmpty());
    QCOMPARE(o.name(),
             rec.values.value(QStringLiteral("given_name")).toString() + QLatin1Char(' ')
                 + rec.values.value(QStringLiteral("family_name")).toString());
    QCOMPARE(valueOf(o.details(), QStringLiteral("CHI number")),
             rec.values.value(QStringLiteral("chi_number")).toString());
    QVERIFY(!valueOf(o.activity(), QStringLiteral("Assessments")).isEmpty());
    int conflicts = 0;
    for (const Record &r : f.session->store()->listForPerson(person).value())
        conflicts += int(r.conflicts.size());
    QCOMPARE(o.conflicts(), conflicts);
}

void TestPersonOverview::reloadsWhenTheirRecordsChange()
{
    test::AppFixture f(10, false);
    const QString person = firstPerson(f.dir, test::kAppPasscode, test::reference());
    PersonOverview o;
    o.setPersonId(person);
    const int notesBefore = valueOf(o.activity(), QStringLiteral("Visit notes")).toInt();
    QSignalSpy loaded(&o, &PersonOverview::loaded);
    auto r = f.session->commit({Mutation::put(QStringLiteral("note"),
                                              {{QStringLiteral("person_id"), person},
                                               {QStringLiteral("date"), QDate::currentDate().toString(Qt::ISODate)},
                                               {QStringLiteral("text"), QStringLiteral("Visited at home.")}})},
                               {person});
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().toString()));
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(valueOf(o.activity(), QStringLiteral("Visit notes")).toInt(), notesBefore + 1);
    // Someone else's change does not reload this page.
    f.session->notifyChanged({QStringLiteral("someone-else")});
    QCOMPARE(loaded.size(), 1);
    f.session->lock();
    QVERIFY(o.name().isEmpty());
    QVERIFY(o.details().isEmpty());
}

void TestPersonOverview::unknownPersonSaysSo()
{
    test::AppFixture f(5, false);
    PersonOverview o;
    o.setPersonId(QStringLiteral("00000000-0000-4000-8000-000000000000"));
    QVERIFY(!o.error().isEmpty());
    QVERIFY(o.details().isEmpty());
}

QTEST_MAIN(TestPersonOverview)
#include "tst_personoverview.moc"
