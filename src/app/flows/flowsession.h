#pragma once

#include <QDate>
#include <QObject>
#include <QString>

#include <functional>

namespace hearth {

class Store;
class ReferenceData;

// What the home-visit flows need of the unlocked session: the open store, the reference data and
// who is working. The app's Session attaches these on unlock and detaches them on lock (a test
// without the whole app may attach a store itself); controllers read them at the moment they act,
// so a locked app never writes through a stale pointer.
class FlowSession : public QObject
{
    Q_OBJECT
public:
    // The one instance, owned by C++ for the life of the process.
    static FlowSession *instance();

    // Called when the store is unlocked; `worker` is the signed-in user's id, stored as author.
    void attach(Store *store, const ReferenceData *reference, const QString &worker = {});
    // Called when the store locks: controllers stop reading and writing.
    void detach();

    [[nodiscard]] Store *store() const { return m_store; }
    [[nodiscard]] const ReferenceData *reference() const { return m_reference; }
    [[nodiscard]] QString worker() const { return m_worker; }
    // Pins "today" (tests pin the store's clock, and "not in the future" must agree with it).
    void setClock(std::function<QDate()> clock) { m_clock = std::move(clock); }
    // Today from the pinned clock; invalid when none is pinned.
    [[nodiscard]] QDate pinnedToday() const { return m_clock ? m_clock() : QDate(); }

    // Tells open flow pages that a person's records changed when no app Session carries the news.
    void notifyChanged(const QString &personId);

Q_SIGNALS:
    void recordsChanged(const QString &personId);
    void attachedChanged();

private:
    FlowSession() = default;
    Store *m_store = nullptr;
    const ReferenceData *m_reference = nullptr;
    QString m_worker;
    std::function<QDate()> m_clock;
};

} // namespace hearth
