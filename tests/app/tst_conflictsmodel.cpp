#include "appsupport.h"
#include "conflictsmodel.h"

#include <QAbstractItemModelTester>

using namespace hearth;
using namespace hearth::app;

class TestConflictsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void showsEveryHeadWithDeviceAndTime();
    void keepOtherValueResolvesThroughTheStore();
    void mergedValueIsConvertedAndValidated();
    void filtersByPerson();
    void valueConversion();
};

namespace {
int rowFor(const ConflictsModel &m, const QString &field)
{
    for (int i = 0; i < m.rowCount(); ++i)
        if (m.data(m.index(i), ConflictsModel::FieldRole).toString() == field)
            return i;
    return -1;
}
} // namespace

void TestConflictsModel::showsEveryHeadWithDeviceAndTime()
{
    test::AppFixture f;
    ConflictsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.count(), 1);
    const QModelIndex i = model.index(0);
    QCOMPARE(model.data(i, ConflictsModel::FieldRole).toString(), QStringLiteral("phone"));
    QCOMPARE(model.data(i, ConflictsModel::RecordTypeRole).toString(), QStringLiteral("person"));
    QVERIFY(!model.data(i, ConflictsModel::PersonNameRole).toString().isEmpty());
    QVERIFY(!model.data(i, ConflictsModel::IsDeleteRole).toBool());
    const QVariantList heads = model.data(i, ConflictsModel::HeadsRole).toList();
    QCOMPARE(heads.size(), 2);
    QStringList values;
    int mine = 0;
    for (const QVariant &h : heads) {
        const QVariantMap m = h.toMap();
        values << m.value(QStringLiteral("value")).toString();
        QVERIFY(!m.value(QStringLiteral("when")).toString().isEmpty());
        QVERIFY(!m.value(QStringLiteral("hlc")).toString().isEmpty());
        QCOMPARE(m.value(QStringLiteral("device")).toString().size(), 8);
        mine += m.value(QStringLiteral("thisDevice")).toBool() ? 1 : 0;
    }
    values.sort();
    QCOMPARE(values, (QStringList{QStringLiteral("0141 496 0000"), QStringLiteral("07700 900461")}));
    QCOMPARE(mine, 1); // one value from this device, one from the other
    QVERIFY(heads.first().toMap().value(QStringLiteral("current")).toBool());
}

void TestConflictsModel::keepOtherValueResolvesThroughTheStore()
{
    test::AppFixture f;
    ConflictsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int row = rowFor(model, QStringLiteral("phone"));
    QVERIFY(row >= 0);
    const QString recordId = model.data(model.index(row), ConflictsModel::RecordIdRole).toString();
    const QVariantList heads = model.data(model.index(row), ConflictsModel::HeadsRole).toList();
    // Keep the value that is NOT currently shown: the resolution must not just confirm the winner.
    const QString chosen = heads.at(1).toMap().value(QStringLiteral("value")).toString();
    const qint64 writesBefore = f.session->store()->writeCount().value();
    QSignalSpy resolved(&model, &ConflictsModel::resolved);
    QSignalSpy changed(f.session.get(), &Session::recordsChanged);
    QVERIFY(model.keep(row, 1));
    QCOMPARE(resolved.size(), 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.count(), 0);
    auto rec = f.session->store()->get(recordId);
    QVERIFY(rec.ok());
    QVERIFY(rec.value().conflicts.isEmpty());
    QCOMPARE(rec.value().values.value(QStringLiteral("phone")).toString(), chosen);
    // The resolution is a new write in the log (it syncs like any other change).
    QCOMPARE(f.session->store()->writeCount().value(), writesBefore + 1);
    QVERIFY(!model.keep(0, 0)); // nothing left to resolve
}

void TestConflictsModel::mergedValueIsConvertedAndValidated()
{
    test::AppFixture f;
    ConflictsModel model;
    const int row = rowFor(model, QStringLiteral("phone"));
    const QString recordId = model.data(model.index(row), ConflictsModel::RecordIdRole).toString();
    QString tooLong(60, QLatin1Char('7')); // phone is at most 40 characters: the store refuses it
    QVERIFY(!model.merge(row, tooLong));
    QVERIFY(!model.error().isEmpty());
    QCOMPARE(model.count(), 1); // still there: nothing resolved behind the person's back
    QVERIFY(model.merge(row, QStringLiteral("  0141 496 0999 ")));
    QVERIFY(model.error().isEmpty());
    QCOMPARE(f.session->store()->get(recordId).value().values.value(QStringLiteral("phone")).toString(),
             QStringLiteral("0141 496 0999"));
}

void TestConflictsModel::filtersByPerson()
{
    test::AppFixture f;
    ConflictsModel all;
    QCOMPARE(all.count(), 1);
    const QString person = all.data(all.index(0), ConflictsModel::PersonIdRole).toString();
    ConflictsModel mine;
    mine.setPersonId(person);
    QCOMPARE(mine.count(), 1);
    ConflictsModel other;
    other.setPersonId(QStringLiteral("00000000-0000-4000-8000-000000000000"));
    QCOMPARE(other.count(), 0);
    f.session->lock();
    QCOMPARE(all.count(), 0);
    QVERIFY(!all.keep(0, 0));
}

void TestConflictsModel::valueConversion()
{
    QCOMPARE(valueFromText(QStringLiteral("assessment"), QStringLiteral("overall_distress"), QStringLiteral("7")),
             QJsonValue(7.0));
    QCOMPARE(valueFromText(QStringLiteral("person"), QStringLiteral("consent_share_gp"), QStringLiteral("yes")),
             QJsonValue(true));
    QCOMPARE(valueFromText(QStringLiteral("person"), QStringLiteral("consent_share_gp"), QStringLiteral("No")),
             QJsonValue(false));
    QCOMPARE(valueFromText(QStringLiteral("person"), QStringLiteral("phone"), QStringLiteral(" 0141 ")),
             QJsonValue(QStringLiteral("0141")));
    QVERIFY(valueFromText(QStringLiteral("person"), QStringLiteral("phone"), QStringLiteral("  ")).isNull());
    QCOMPARE(displayValue(QJsonValue(true)), QStringLiteral("yes"));
    QCOMPARE(displayValue(QJsonValue(QJsonValue::Null)), QStringLiteral("(empty)"));
}

QTEST_MAIN(TestConflictsModel)
#include "tst_conflictsmodel.moc"
