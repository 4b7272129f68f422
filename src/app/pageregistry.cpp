#include "pageregistry.h"

#include <QCoreApplication>
#include <QFile>
#include <QQmlEngine>
#include <QVariantMap>

namespace hearth::app {

QString moduleResourceRoot()
{
    // RESOURCE_PREFIX /qt/qml in qml/CMakeLists.txt: the 6.5+ default, set explicitly on 6.4.
    return QStringLiteral(":/qt/qml/Hearth/");
}

QUrl PageEntry::url() const
{
    return QUrl(QStringLiteral("qrc") + moduleResourceRoot() + file);
}

bool PageEntry::isAvailable() const
{
    return QFile::exists(moduleResourceRoot() + file);
}

const QList<PageEntry> &pageEntries()
{
    static const QList<PageEntry> entries = {
        {QStringLiteral("intake"), QStringLiteral("intake/IntakePage.qml"),
         QT_TRANSLATE_NOOP("PageRegistry", "Details and referral"),
         QT_TRANSLATE_NOOP("PageRegistry", "Personal details, consent and how they were referred"), false},
        {QStringLiteral("contacts"), QStringLiteral("intake/ContactAttemptsPage.qml"),
         QT_TRANSLATE_NOOP("PageRegistry", "Contact attempts"),
         QT_TRANSLATE_NOOP("PageRegistry", "Calls, letters and visits until first contact"), false},
        {QStringLiteral("assessment"), QStringLiteral("assessment/AssessmentPage.qml"),
         QT_TRANSLATE_NOOP("PageRegistry", "Holistic needs assessment"),
         QT_TRANSLATE_NOOP("PageRegistry", "Concerns scored 0 to 10 and overall distress"), false},
        {QStringLiteral("careplan"), QStringLiteral("careplan/CarePlanPage.qml"),
         QT_TRANSLATE_NOOP("PageRegistry", "Care plan"),
         QT_TRANSLATE_NOOP("PageRegistry", "Agreed actions, who does them and by when"), false},
        {QStringLiteral("referrals"), QStringLiteral("referrals/OnwardReferralsPage.qml"),
         QT_TRANSLATE_NOOP("PageRegistry", "Onward referrals"),
         QT_TRANSLATE_NOOP("PageRegistry", "Referrals to local organisations and their outcome"), false},
        {QStringLiteral("money"), QStringLiteral("money/MoneyPage.qml"), QT_TRANSLATE_NOOP("PageRegistry", "Money"),
         QT_TRANSLATE_NOOP("PageRegistry", "Benefits, grants and debt written off"), false},
        {QStringLiteral("outcomes"), QStringLiteral("outcomes/OutcomesPage.qml"),
         QT_TRANSLATE_NOOP("PageRegistry", "Outcomes"),
         QT_TRANSLATE_NOOP("PageRegistry", "EQ-5D and distress, first and review"), false},
        {QStringLiteral("recovery"), QStringLiteral("recovery/RecoveryPackagePage.qml"),
         QT_TRANSLATE_NOOP("PageRegistry", "Recovery package"),
         QT_TRANSLATE_NOOP("PageRegistry", "Treatment summary, cancer care review, wellbeing events"), false},
        {QStringLiteral("notes"), QStringLiteral("notes/NotesPage.qml"),
         QT_TRANSLATE_NOOP("PageRegistry", "Visit notes"),
         QT_TRANSLATE_NOOP("PageRegistry", "What happened at each visit"), false},
        {QStringLiteral("closure"), QStringLiteral("closure/ClosurePage.qml"),
         QT_TRANSLATE_NOOP("PageRegistry", "Closure"), QT_TRANSLATE_NOOP("PageRegistry", "Close or reopen the case"),
         false},
    };
    return entries;
}

PageRegistry::PageRegistry(QObject *parent) : QObject(parent) {}

PageRegistry *PageRegistry::create(QQmlEngine *engine, QJSEngine *)
{
    // Stateless: each engine gets its own, owned by it.
    return new PageRegistry(engine);
}

QVariantList PageRegistry::pages() const
{
    QVariantList out;
    for (const PageEntry &e : pageEntries()) {
        if (!e.isAvailable())
            continue;
        out.append(QVariantMap{{QStringLiteral("key"), e.key},
                               {QStringLiteral("title"), QCoreApplication::translate("PageRegistry", e.title)},
                               {QStringLiteral("summary"), QCoreApplication::translate("PageRegistry", e.summary)},
                               {QStringLiteral("url"), e.url()},
                               {QStringLiteral("newPerson"), e.newPerson}});
    }
    return out;
}

QStringList PageRegistry::missing() const
{
    QStringList out;
    for (const PageEntry &e : pageEntries())
        if (!e.isAvailable())
            out << e.key;
    return out;
}

QUrl PageRegistry::urlFor(const QString &key) const
{
    for (const PageEntry &e : pageEntries())
        if (e.key == key && e.isAvailable())
            return e.url();
    return {};
}

} // namespace hearth::app
