#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace hearth::app {

// One flow page a person's overview can open. The person overview, `hearth --self-test` and the
// screenshot test all read this one list, so a page added here is loaded, shown and tested.
struct PageEntry {
    QString key;                   // stable id ("assessment"), used by tests and deep links
    QString file;                  // path inside the Hearth module ("assessment/AssessmentPage.qml")
    const char *title = nullptr;   // untranslated; PageRegistry translates it
    const char *summary = nullptr; // one line under the title on the overview
    bool newPerson = false;        // opened without a person (intake of someone new)

    // qrc URL of the page in the Hearth module.
    [[nodiscard]] QUrl url() const;
    // True when the page is compiled into this build (the flow pages arrive one by one).
    [[nodiscard]] bool isAvailable() const;
};

// Every flow page in the order a link worker meets them.
[[nodiscard]] const QList<PageEntry> &pageEntries();
// The qrc folder the Hearth module's files live under.
[[nodiscard]] QString moduleResourceRoot();

// The registry as QML sees it: available pages with translated titles.
class PageRegistry : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // [{key, title, summary, url, newPerson}], available pages only.
    Q_PROPERTY(QVariantList pages READ pages CONSTANT)
    // Keys of registered pages not in this build (shown as "coming" rather than silently hidden).
    Q_PROPERTY(QStringList missing READ missing CONSTANT)
public:
    explicit PageRegistry(QObject *parent = nullptr);
    static PageRegistry *create(QQmlEngine *, QJSEngine *);

    [[nodiscard]] QVariantList pages() const;
    [[nodiscard]] QStringList missing() const;
    // The qrc URL of the page with `key`, or an empty URL when it is not in this build.
    Q_INVOKABLE QUrl urlFor(const QString &key) const;
};

} // namespace hearth::app
