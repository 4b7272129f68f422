#include "appsupport.h"
#include "caseloadmodel.h"

#include <QAbstractItemModelTester>

using namespace hearth;
using namespace hearth::app;

class TestCaseloadModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void loadsOffTheUiThreadAndMatchesTheIndex();
    void searchByNameAndChiLatestQueryWins();
    void filtersAndCounts();
    void pagesRowsToTheView();
    void clearsOnLockAndReloadsOnChange();
    void rowsCountTheConflictsToReview();
    void firstPageBeforeTheWholeIndex();
};

namespace {
// The same caseload computed directly, to compare the model with.
CaseloadIndex directIndex(test::AppFixture &f)
{
    auto reader = f.session->store()->reader();
    auto entries = reader.value()->caseload(QDate::currentDate());
    return CaseloadIndex(std::move(entries).value());
}
} // namespace

void TestCaseloadModel::loadsOffTheUiThreadAndMatchesTheIndex()
{
    test::AppFixture f(60);
    CaseloadModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.isBusy()); // the load runs on the pool; the constructor returned at once
    QSignalSpy shown(&model, &CaseloadModel::resultsShown);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 0, 30000); // generous: CI machines are shared
    QVERIFY(!model.isBusy());
    QCOMPARE(model.total(), 60);
    const CaseloadIndex index = directIndex(f);
    const QList<int> open = index.select({}, CaseloadIndex::Filter::Open, QDate::currentDate());
    QCOMPARE(model.matches(), int(open.size()));
    QCOMPARE(model.rowCount(), int(open.size())); // fewer than a page
    for (int i = 0; i < model.rowCount(); ++i) {
        const CaseloadEntry &e = index.entries().at(open.at(i));
        QCOMPARE(model.data(model.index(i), CaseloadModel::PersonIdRole).toString(), e.personId);
        QCOMPARE(model.data(model.index(i), CaseloadModel::DisplayNameRole).toString(), e.displayName());
        QCOMPARE(model.data(model.index(i), CaseloadModel::ChiRole).toString(), e.chi);
        QCOMPARE(model.data(model.index(i), CaseloadModel::OverdueActionsRole).toInt(), e.overdueActions);
        QCOMPARE(model.data(model.index(i), CaseloadModel::AwaitingFirstContactRole).toBool(), e.awaitingFirstContact);
    }
    QCOMPARE(model.roleNames().value(CaseloadModel::DaysWaitingRole), QByteArray("daysWaiting"));
}

void TestCaseloadModel::searchByNameAndChiLatestQueryWins()
{
    test::AppFixture f(60);
    CaseloadModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy shown(&model, &CaseloadModel::resultsShown);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 0, 30000); // generous: CI machines are shared
    const CaseloadIndex index = directIndex(f);
    const CaseloadEntry &someone = index.entries().at(7);

    // Keystrokes in quick succession: only the last query's result may stay on screen.
    model.setFilter(CaseloadModel::Filter::All);
    for (int n = 1; n <= someone.familyName.size(); ++n)
        model.setSearch(someone.familyName.left(n));
    QTRY_VERIFY_WITH_TIMEOUT(!model.isBusy(), 10000);
    const QList<int> expected = index.select(someone.familyName, CaseloadIndex::Filter::All, QDate::currentDate());
    QCOMPARE(model.matches(), int(expected.size()));
    bool found = false;
    for (int i = 0; i < model.rowCount(); ++i)
        found |= model.personIdAt(i) == someone.personId;
    QVERIFY(found);

    model.setSearch(someone.chi.left(8));
    QTRY_VERIFY_WITH_TIMEOUT(!model.isBusy() && model.search() == someone.chi.left(8), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(model.personIdAt(0).isEmpty(), false, 5000);
    found = false;
    for (int i = 0; i < model.rowCount(); ++i)
        found |= model.personIdAt(i) == someone.personId;
    QVERIFY(found);

    model.setSearch(QStringLiteral("zzzz-nobody"));
    QTRY_COMPARE_WITH_TIMEOUT(model.matches(), 0, 5000);
    QCOMPARE(model.rowCount(), 0);
}

void TestCaseloadModel::filtersAndCounts()
{
    test::AppFixture f(80);
    CaseloadModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy shown(&model, &CaseloadModel::resultsShown);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 0, 30000); // generous: CI machines are shared
    const CaseloadIndex index = directIndex(f);
    const QDate today = QDate::currentDate();
    const QList<std::pair<CaseloadModel::Filter, std::pair<CaseloadIndex::Filter, QString>>> filters = {
        {CaseloadModel::Filter::All, {CaseloadIndex::Filter::All, QStringLiteral("all")}},
        {CaseloadModel::Filter::Open, {CaseloadIndex::Filter::Open, QStringLiteral("open")}},
        {CaseloadModel::Filter::AwaitingFirstContact,
         {CaseloadIndex::Filter::AwaitingFirstContact, QStringLiteral("awaiting")}},
        {CaseloadModel::Filter::OverdueActions, {CaseloadIndex::Filter::OverdueActions, QStringLiteral("overdue")}},
        {CaseloadModel::Filter::ReviewsDue, {CaseloadIndex::Filter::ReviewsDue, QStringLiteral("reviews")}},
        {CaseloadModel::Filter::Closed, {CaseloadIndex::Filter::Closed, QStringLiteral("closed")}}};
    int nonEmpty = 0;
    for (const auto &[mine, core] : filters) {
        const int expected = int(index.select({}, core.first, today).size());
        QCOMPARE(model.filterCounts().value(core.second).toInt(), expected);
        nonEmpty += expected > 0 ? 1 : 0;
        // Start from a different filter so each one really changes the model.
        model.setFilter(mine == CaseloadModel::Filter::All ? CaseloadModel::Filter::Closed
                                                           : CaseloadModel::Filter::All);
        QTRY_VERIFY_WITH_TIMEOUT(!model.isBusy(), 5000);
        model.setFilter(mine);
        QTRY_VERIFY_WITH_TIMEOUT(!model.isBusy(), 5000);
        QCOMPARE(model.matches(), expected);
        for (int i = 0; i < model.rowCount(); ++i) {
            if (mine == CaseloadModel::Filter::AwaitingFirstContact) {
                QVERIFY(model.data(model.index(i), CaseloadModel::AwaitingFirstContactRole).toBool());
                QVERIFY(model.data(model.index(i), CaseloadModel::DaysWaitingRole).toInt() >= 0);
            }
            if (mine == CaseloadModel::Filter::OverdueActions)
                QVERIFY(model.data(model.index(i), CaseloadModel::OverdueActionsRole).toInt() > 0);
            if (mine == CaseloadModel::Filter::Closed)
                QVERIFY(model.data(model.index(i), CaseloadModel::ClosedRole).toBool());
            if (mine == CaseloadModel::Filter::ReviewsDue)
                QVERIFY(!model.data(model.index(i), CaseloadModel::ReviewDueRole).toString().isEmpty());
        }
    }
    QVERIFY2(nonEmpty >= 4, "the demo caseload should exercise most filters");
}

void TestCaseloadModel::pagesRowsToTheView()
{
    test::AppFixture f(260, false);
    CaseloadModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilter(CaseloadModel::Filter::All);
    QTRY_VERIFY_WITH_TIMEOUT(model.total() == 260 && !model.isBusy(), 20000);
    QCOMPARE(model.matches(), 260);
    QCOMPARE(model.rowCount(), CaseloadModel::PageSize);
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QCOMPARE(model.rowCount(), 2 * CaseloadModel::PageSize);
    model.fetchMore({});
    QCOMPARE(model.rowCount(), 260);
    QVERIFY(!model.canFetchMore({}));
}

void TestCaseloadModel::clearsOnLockAndReloadsOnChange()
{
    test::AppFixture f(30, false);
    CaseloadModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilter(CaseloadModel::Filter::All);
    QTRY_VERIFY_WITH_TIMEOUT(model.total() == 30 && !model.isBusy(), 10000);
    // A new person through the app's commit path appears without anyone asking for a reload.
    auto id = f.session->commit(
        {Mutation::put(QStringLiteral("person"), test::person(QStringLiteral("Aileen"), QStringLiteral("Zzyzx")))});
    QVERIFY2(id.ok(), id.ok() ? "" : qPrintable(id.error().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(model.total(), 31, 10000);
    f.session->lock();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.total(), 0);
    f.unlock();
    QTRY_COMPARE_WITH_TIMEOUT(model.total(), 31, 10000);
}

void TestCaseloadModel::rowsCountTheConflictsToReview()
{
    test::AppFixture f(30, true); // one real two-device conflict on one person's phone number
    CaseloadModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilter(CaseloadModel::Filter::All);
    QTRY_VERIFY_WITH_TIMEOUT(model.total() == 30 && !model.isBusy() && model.rowCount() == 30, 10000);
    auto conflicted = f.session->store()->conflicted();
    QVERIFY(conflicted.ok());
    QCOMPARE(conflicted.value().size(), 1);
    const QString person = conflicted.value().first().personId;
    int withConflicts = 0;
    for (int i = 0; i < model.rowCount(); ++i) {
        const int n = model.data(model.index(i), CaseloadModel::ConflictsRole).toInt();
        QCOMPARE(n, model.personIdAt(i) == person ? 1 : 0);
        withConflicts += n > 0 ? 1 : 0;
    }
    QCOMPARE(withConflicts, 1);
    QCOMPARE(model.roleNames().value(CaseloadModel::ConflictsRole), QByteArray("conflicts"));

    // Settling it through the app's commit path clears the count without anyone asking.
    const Record &r = conflicted.value().first();
    auto done = f.session->commit(
        {Mutation::resolve(r.id, r.conflicts.first().field, r.values.value(r.conflicts.first().field))}, {person});
    QVERIFY2(done.ok(), done.ok() ? "" : qPrintable(done.error().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(!model.isBusy() && model.rowCount() == 30, 10000);
    for (int i = 0; i < model.rowCount(); ++i)
        QCOMPARE(model.data(model.index(i), CaseloadModel::ConflictsRole).toInt(), 0);
}

void TestCaseloadModel::firstPageBeforeTheWholeIndex()
{
    // The first page a load shows is the first page of the full index, row for row.
    test::AppFixture f(260, false);
    const CaseloadIndex index = directIndex(f);
    const QDate today = QDate::currentDate();
    for (const QString &search : {QString(), QStringLiteral("a"), index.entries().at(5).chi.left(6)}) {
        const QList<CaseloadEntry> page =
            CaseloadIndex::firstPage(index.entries(), search, CaseloadIndex::Filter::Open, today, 50);
        const QList<int> all = index.select(search, CaseloadIndex::Filter::Open, today);
        QCOMPARE(page.size(), qMin(qsizetype(50), all.size()));
        for (int i = 0; i < page.size(); ++i)
            QCOMPARE(page.at(i).personId, index.entries().at(all.at(i)).personId);
    }
    // The model shows that page, then the rest behind it without moving the first rows.
    CaseloadModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() > 0, 20000);
    const QString first = model.personIdAt(0);
    QTRY_VERIFY_WITH_TIMEOUT(!model.isBusy(), 20000);
    QCOMPARE(model.personIdAt(0), first);
    QCOMPARE(removed.count(), 0);
    QVERIFY(!model.filterCounts().isEmpty());
    QCOMPARE(model.matches(), int(index.select({}, CaseloadIndex::Filter::Open, today).size()));
}

QTEST_MAIN(TestCaseloadModel)
#include "tst_caseloadmodel.moc"
