#pragma once

#include "caseload.h"

#include <QAbstractListModel>
#include <QDate>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace hearth {
class Store;
}

namespace hearth::app {

// The caseload list: my people, searchable by name or CHI, with the link worker's filters.
// Everything slow happens off the UI thread: the summaries are decrypted through a second store
// connection (Store::reader()) and each search runs on the thread pool over an immutable index;
// a result arriving after a newer request is dropped (the latest query wins). Rows are handed to
// the view in pages (fetchMore), so a 10,000-person caseload costs the view one page.
// A load shows in two steps: the first page as soon as the summaries are decrypted, then the
// sorted index, the other pages and the filter counts (the first page's rows do not change).
// Rows change by removal and insertion, never by a reset: Qt 6.4's DelegateModel warns (and can
// crash) when a reset lands while the view is still creating a row asynchronously.
class CaseloadModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY searchChanged)
    Q_PROPERTY(Filter filter READ filter WRITE setFilter NOTIFY filterChanged)
    // People matching the search and filter (rows not yet fetched by the view included).
    Q_PROPERTY(int matches READ matches NOTIFY matchesChanged)
    // Everyone on this device, whatever the filter.
    Q_PROPERTY(int total READ total NOTIFY loaded)
    // How many people each filter would show, ignoring the search: {all, open, awaiting, ...}.
    // Empty until the whole caseload is indexed (just after the first page shows).
    Q_PROPERTY(QVariantMap filterCounts READ filterCounts NOTIFY loaded)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
public:
    enum class Filter { All, Open, AwaitingFirstContact, OverdueActions, ReviewsDue, Closed };
    Q_ENUM(Filter)

    enum Roles {
        PersonIdRole = Qt::UserRole + 1,
        DisplayNameRole,
        ChiRole,
        DateOfBirthRole, // locale short date
        PostcodeRole,
        StageOfCareRole,
        ClosedRole,
        AwaitingFirstContactRole,
        DaysWaitingRole,
        OverdueActionsRole,
        NextActionDueRole, // locale short date, empty when none
        ReviewDueRole,     // locale short date, empty when no review is due
        ReviewOverdueRole, // the review date has passed
        ConflictsRole,     // fields in conflict across the person's records, to review
    };
    Q_ENUM(Roles)

    explicit CaseloadModel(QObject *parent = nullptr);
    ~CaseloadModel() override;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    [[nodiscard]] QString search() const { return m_search; }
    void setSearch(const QString &search);
    [[nodiscard]] Filter filter() const { return m_filter; }
    void setFilter(Filter filter);
    [[nodiscard]] int matches() const { return int(m_rows.size()); }
    [[nodiscard]] int total() const { return m_index ? m_index->size() : 0; }
    [[nodiscard]] QVariantMap filterCounts() const { return m_filterCounts; }
    [[nodiscard]] bool isBusy() const { return m_busy; }
    [[nodiscard]] QString error() const { return m_error; }

    // Re-reads the caseload from the store (after a sync or an edit).
    Q_INVOKABLE void reload();
    // Person id of a row (for tests and keyboard navigation).
    Q_INVOKABLE QString personIdAt(int row) const;

    // Pins "today" (tests); defaults to the current date.
    void setToday(const QDate &today) { m_today = today; }
    // Rows handed to the view per fetchMore().
    static constexpr int PageSize = 100;

Q_SIGNALS:
    void searchChanged();
    void filterChanged();
    void matchesChanged();
    void busyChanged();
    void errorChanged();
    // A load finished (total and filterCounts are new).
    void loaded();
    // A search or filter result is on display (benchmarks and tests wait on it).
    void resultsShown();

private:
    void requery();
    void clear();
    void setBusy(bool busy);
    void setError(const QString &error);
    // Replaces the rows on display (removal then insertion of the first page).
    void show(std::shared_ptr<const CaseloadIndex> index, QList<int> rows);
    // Builds the whole index from the entries a load read, after its first page is on screen.
    void buildIndex(quint64 generation, std::shared_ptr<const QList<CaseloadEntry>> entries);
    // False (and the job counted as finished) when a newer request came after `generation`.
    bool isCurrent(quint64 generation);
    void finishJob(bool current);
    [[nodiscard]] QDate today() const { return m_today.isValid() ? m_today : QDate::currentDate(); }

    std::shared_ptr<const CaseloadIndex> m_index;
    QList<int> m_rows; // positions in m_index->entries(), display order
    int m_fetched = 0; // rows the view has been given
    QString m_search;
    Filter m_filter = Filter::Open;
    QVariantMap m_filterCounts;
    bool m_busy = false;
    QString m_error;
    QDate m_today;
    quint64 m_generation = 0; // bumped by every request; older results are dropped
    int m_running = 0;
    bool m_changing = false;         // inside begin/end of a row change: fetchMore waits
    bool m_partial = false;          // the index holds only the first page; searches wait for the rest
    const Store *m_source = nullptr; // the store the rows were read from (null: none yet)
    // Holds the session's background start-up work (the sync worker's own unlock) until the
    // first page after an unlock is on screen.
    std::shared_ptr<void> m_startupHold;
};

} // namespace hearth::app
