// Qt Quick Test runner for tests/qml/flows/tst_*.qml: the real flow pages and controllers over a
// temporary encrypted store. QML reads back what the store holds through FlowStore, a small test
// helper, so a test can check the records a tap wrote, not only what the page shows.
#include "flowtestsupport.h"

#include <QJsonArray>
#include <QQmlEngine>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest/quicktest.h>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace hearth;

// What the QML tests may ask of the store (never a write: the pages do those).
class FlowStore : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString personId READ personId CONSTANT)
public:
    explicit FlowStore(test::FlowFixture *fixture) : m_f(fixture) {}
    [[nodiscard]] QString personId() const { return m_f->personId; }
    // How many live records of `type` the person has.
    Q_INVOKABLE int count(const QString &type) const { return int(m_f->all(type).size()); }
    // One field of the only (or first) record of `type` whose `matchField` equals `matchValue`.
    Q_INVOKABLE QVariant field(const QString &type, const QString &name, const QString &matchField = {},
                               const QVariant &matchValue = {}) const
    {
        for (const Record &r : m_f->all(type))
            if (matchField.isEmpty() || r.values.value(matchField).toVariant() == matchValue)
                return r.values.value(name).toVariant();
        return {};
    }
    // The id of the record of `type` whose `matchField` equals `matchValue`.
    Q_INVOKABLE QString idOf(const QString &type, const QString &matchField, const QVariant &matchValue) const
    {
        for (const Record &r : m_f->all(type))
            if (r.values.value(matchField).toVariant() == matchValue)
                return r.id;
        return {};
    }
    Q_INVOKABLE double writes() const { return double(m_f->writes()); }

private:
    test::FlowFixture *m_f;
};

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable()
    {
        m_fixture.setUp();
        m_fixture.adoptIntoSession(); // the pages' shared components read the app session
        m_helper = new FlowStore(&m_fixture);
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        qmlRegisterSingletonInstance("HearthFlowsTest", 1, 0, "FlowStore", m_helper);
    }
    void cleanupTestCase() { m_fixture.tearDown(); }

private:
    test::FlowFixture m_fixture;
    FlowStore *m_helper = nullptr;
};

QUICK_TEST_MAIN_WITH_SETUP(hearth_flowpages, Setup)
#include "tst_flowpages.moc"
