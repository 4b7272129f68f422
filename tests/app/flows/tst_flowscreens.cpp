// Renders every flow page offscreen with demo data at tablet landscape (1280x800), phone
// (390x844) and phone at 200% text, writes PNGs to <build>/flow-screenshots, and fails on any QML
// warning, a page that does not load, or a blank picture.
#include "flowtestsupport.h"
#include "selftest.h"

#include "demodata.h"

#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace hearth;

namespace {
QStringList s_warnings;
QtMessageHandler s_previous = nullptr;
void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type != QtDebugMsg && type != QtInfoMsg)
        s_warnings << message;
    if (s_previous)
        s_previous(type, context, message);
}
} // namespace

class TestFlowScreens : public QObject
{
    Q_OBJECT
    test::FlowFixture f;
    QString m_dir;
    QString m_person; // a demo person with a whole story: assessments, plan, referrals, money

private Q_SLOTS:
    void initTestCase()
    {
        hearth::app::selectStyle(); // the app's own look (Material), before any page is loaded
        f.setUp();
        demo::Options o;
        o.people = 12;
        o.today = QDate(2025, 11, 20);
        QVERIFY(demo::populate(*f.store, o, test::reference()).ok());
        int best = 0;
        for (const Record &p : f.store->list(QStringLiteral("person")).value()) {
            const auto mine = f.store->listForPerson(p.id).value();
            int score = 0;
            for (const Record &r : mine)
                score += r.type == QLatin1String("financial_gain") ? 5 : r.type == QLatin1String("assessment") ? 3 : 1;
            if (score > best) {
                best = score;
                m_person = p.id;
            }
        }
        f.adoptIntoSession();
        m_dir = QStringLiteral(HEARTH_FLOW_SCREENSHOT_DIR);
        QVERIFY(QDir().mkpath(m_dir));
        s_previous = qInstallMessageHandler(handler);
    }
    void cleanupTestCase()
    {
        qInstallMessageHandler(s_previous);
        f.tearDown();
    }

    void everyPage_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("newPerson");
        for (const char *file :
             {"intake/IntakePage.qml", "intake/ContactAttemptsPage.qml", "assessment/AssessmentPage.qml",
              "careplan/CarePlanPage.qml", "referrals/OnwardReferralsPage.qml", "money/MoneyPage.qml",
              "outcomes/OutcomesPage.qml", "recovery/RecoveryPackagePage.qml", "notes/NotesPage.qml",
              "closure/ClosurePage.qml"})
            QTest::newRow(file) << QString::fromLatin1(file) << false;
        QTest::newRow("intake-new") << QStringLiteral("intake/IntakePage.qml") << true;
    }

    void everyPage()
    {
        QFETCH(QString, file);
        QFETCH(bool, newPerson);
        struct Size {
            const char *name;
            int w, h;
            qreal text;
        };
        for (const Size &s :
             {Size{"tablet", 1280, 800, 1.0}, Size{"phone", 390, 844, 1.0}, Size{"phone-200", 390, 844, 2.0}}) {
            s_warnings.clear();
            // As Main.qml does: the window's font follows the text-size setting (16 px at 100%).
            f.session->setTextScale(s.text);
            QFont font = QGuiApplication::font();
            font.setPixelSize(int(16 * s.text));
            QGuiApplication::setFont(font);
            QQmlEngine engine;
            engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
            QQmlComponent component(&engine, QUrl(QStringLiteral("qrc:/qt/qml/Hearth/") + file));
            QVERIFY2(component.isReady(), qPrintable(component.errorString()));
            QQuickWindow window;
            window.resize(s.w, s.h);
            std::unique_ptr<QObject> object(component.createWithInitialProperties(
                {{QStringLiteral("personId"), newPerson ? QString() : m_person}}));
            QVERIFY2(object, qPrintable(component.errorString()));
            auto *item = qobject_cast<QQuickItem *>(object.get());
            QVERIFY(item);
            item->setParentItem(window.contentItem());
            item->setSize(QSizeF(s.w, s.h));
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QTest::qWait(150);
            const QImage image = window.grabWindow();
            QVERIFY(!image.isNull());
            QSet<QRgb> colours;
            for (int y = 0; y < image.height(); y += 7)
                for (int x = 0; x < image.width(); x += 7)
                    colours.insert(image.pixel(x, y));
            QVERIFY2(colours.size() > 4, "blank picture");
            QString name = file.section(QLatin1Char('/'), 1).remove(QStringLiteral(".qml"));
            if (newPerson)
                name += QStringLiteral("-new");
            QVERIFY(image.save(m_dir + QLatin1Char('/') + name + QLatin1Char('-') + QLatin1String(s.name)
                               + QStringLiteral(".png")));
            QVERIFY2(s_warnings.isEmpty(), qPrintable(s_warnings.join(QLatin1Char('\n'))));
        }
    }
};

QTEST_MAIN(TestFlowScreens)
#include "tst_flowscreens.moc"
