// Qt Quick Test runner for tests/qml/tst_*.qml: the real controllers over a temporary encrypted
// demo store (cheap KDF), locked at the start so the tests unlock it through the unlock screen's
// controller.
#include "appsupport.h"

#include <QQmlEngine>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest/quicktest.h>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable()
    {
        QStandardPaths::setTestModeEnabled(true);
        hearth::app::installTranslations();
        hearth::app::selectStyle();
        m_fixture = std::make_unique<hearth::test::AppFixture>(40, true, false);
    }
    void qmlEngineAvailable(QQmlEngine *engine) { hearth::app::prepareEngine(*engine); }
    void cleanupTestCase() { m_fixture.reset(); }

private:
    std::unique_ptr<hearth::test::AppFixture> m_fixture;
};

QUICK_TEST_MAIN_WITH_SETUP(hearth_qml, Setup)
#include "tst_qml.moc"
