#include "pageregistry.h"

#include <QFile>
#include <QSet>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace hearth::app;

class TestPageRegistry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyFlowPageIsRegisteredOnce();
    void availabilityFollowsTheModuleResources();
};

void TestPageRegistry::everyFlowPageIsRegisteredOnce()
{
    const QStringList expected = {QStringLiteral("intake/IntakePage.qml"),
                                  QStringLiteral("intake/ContactAttemptsPage.qml"),
                                  QStringLiteral("assessment/AssessmentPage.qml"),
                                  QStringLiteral("careplan/CarePlanPage.qml"),
                                  QStringLiteral("referrals/OnwardReferralsPage.qml"),
                                  QStringLiteral("money/MoneyPage.qml"),
                                  QStringLiteral("outcomes/OutcomesPage.qml"),
                                  QStringLiteral("recovery/RecoveryPackagePage.qml"),
                                  QStringLiteral("notes/NotesPage.qml"),
                                  QStringLiteral("closure/ClosurePage.qml")};
    QStringList files;
    QSet<QString> keys;
    for (const PageEntry &e : pageEntries()) {
        files << e.file;
        QVERIFY2(!keys.contains(e.key), qPrintable(e.key));
        keys.insert(e.key);
        QVERIFY(e.title && *e.title);
        QVERIFY(e.file.endsWith(QLatin1String("Page.qml")));
    }
    QCOMPARE(files, expected);
}

void TestPageRegistry::availabilityFollowsTheModuleResources()
{
    // The module's own files are in the resources; the registry must see them the same way.
    QVERIFY(QFile::exists(moduleResourceRoot() + QStringLiteral("Main.qml")));
    PageRegistry registry;
    const QVariantList pages = registry.pages();
    QCOMPARE(pages.size() + registry.missing().size(), pageEntries().size());
    for (const PageEntry &e : pageEntries()) {
        QCOMPARE(e.isAvailable(), QFile::exists(moduleResourceRoot() + e.file));
        QCOMPARE(registry.urlFor(e.key).isEmpty(), !e.isAvailable());
    }
    QVERIFY(registry.urlFor(QStringLiteral("no-such-page")).isEmpty());
}

QTEST_GUILESS_MAIN(TestPageRegistry)
#include "tst_pageregistry.moc"
