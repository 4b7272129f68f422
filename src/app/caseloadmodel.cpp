#include "caseloadmodel.h"

#include "session.h"
#include "store.h"

#include <QFutureWatcher>
#include <QLocale>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <numeric>

namespace hearth::app {

namespace {

CaseloadIndex::Filter coreFilter(CaseloadModel::Filter f)
{
    switch (f) {
    case CaseloadModel::Filter::All:
        return CaseloadIndex::Filter::All;
    case CaseloadModel::Filter::Open:
        return CaseloadIndex::Filter::Open;
    case CaseloadModel::Filter::AwaitingFirstContact:
        return CaseloadIndex::Filter::AwaitingFirstContact;
    case CaseloadModel::Filter::OverdueActions:
        return CaseloadIndex::Filter::OverdueActions;
    case CaseloadModel::Filter::ReviewsDue:
        return CaseloadIndex::Filter::ReviewsDue;
    case CaseloadModel::Filter::Closed:
        return CaseloadIndex::Filter::Closed;
    }
    return CaseloadIndex::Filter::All;
}

QString shortDate(const QDate &d)
{
    return d.isValid() ? QLocale().toString(d, QLocale::ShortFormat) : QString();
}

// The first step of a load: every entry, and the first page of the current view.
struct Loaded {
    std::shared_ptr<const QList<CaseloadEntry>> entries;
    std::shared_ptr<const CaseloadIndex> firstPage;
    QString error;
};

// The second step: the sorted index, the rows of the current view and the filter counts.
struct Indexed {
    std::shared_ptr<const CaseloadIndex> index;
    QList<int> rows;
    QVariantMap counts;
};

// Runs `done` with a job's result on the owner's thread, unless the owner is gone by then. The
// watcher belongs to the owner and also reports a job that ended before it was attached (a load
// once never reported back under load with QFuture::then(context); the cause was not pinned down).
template<typename T, typename Fn>
void whenFinished(QObject *owner, const QFuture<T> &future, Fn done)
{
    auto *watcher = new QFutureWatcher<T>(owner);
    QObject::connect(watcher, &QFutureWatcherBase::finished, owner, [watcher, done = std::move(done)] {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(future);
}

QList<int> firstRows(const CaseloadIndex &page)
{
    QList<int> rows(page.size());
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

} // namespace

CaseloadModel::CaseloadModel(QObject *parent) : QAbstractListModel(parent)
{
    Session *session = Session::instance();
    if (session) {
        connect(session, &Session::unlockedChanged, this, [this, session] {
            if (!session->isUnlocked())
                clear();
            else if (m_source != session->store())
                reload(); // not yet loaded from this store (a model made during the unlock has)
        });
        connect(session, &Session::recordsChanged, this, &CaseloadModel::reload);
        if (session->isUnlocked())
            reload();
    }
}

CaseloadModel::~CaseloadModel() = default;

int CaseloadModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_fetched;
}

bool CaseloadModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_fetched < m_rows.size();
}

void CaseloadModel::fetchMore(const QModelIndex &parent)
{
    // Views and testers may ask again from inside the change notifications: one page at a time.
    if (parent.isValid() || m_changing)
        return;
    const int more = qMin(PageSize, int(m_rows.size()) - m_fetched);
    if (more <= 0)
        return;
    m_changing = true;
    beginInsertRows({}, m_fetched, m_fetched + more - 1);
    m_fetched += more;
    endInsertRows();
    m_changing = false;
}

QVariant CaseloadModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_index)
        return {};
    const CaseloadEntry &e = m_index->entries().at(m_rows.at(index.row()));
    switch (role) {
    case Qt::DisplayRole:
    case DisplayNameRole:
        return e.displayName();
    case PersonIdRole:
        return e.personId;
    case ChiRole:
        return e.chi;
    case DateOfBirthRole:
        return shortDate(e.dateOfBirth);
    case PostcodeRole:
        return e.postcode;
    case StageOfCareRole:
        return e.stageOfCare;
    case ClosedRole:
        return e.closed;
    case AwaitingFirstContactRole:
        return e.awaitingFirstContact;
    case DaysWaitingRole:
        return e.awaitingFirstContact ? e.daysWaiting(today()) : 0;
    case OverdueActionsRole:
        return e.overdueActions;
    case NextActionDueRole:
        return shortDate(e.nextActionDue);
    case ReviewDueRole:
        return shortDate(e.reviewDue);
    case ReviewOverdueRole:
        return e.reviewDue.isValid() && e.reviewDue < today();
    case ConflictsRole:
        return e.conflicts;
    default:
        return {};
    }
}

QHash<int, QByteArray> CaseloadModel::roleNames() const
{
    return {{PersonIdRole, "personId"},
            {DisplayNameRole, "displayName"},
            {ChiRole, "chi"},
            {DateOfBirthRole, "dateOfBirth"},
            {PostcodeRole, "postcode"},
            {StageOfCareRole, "stageOfCare"},
            {ClosedRole, "closed"},
            {AwaitingFirstContactRole, "awaitingFirstContact"},
            {DaysWaitingRole, "daysWaiting"},
            {OverdueActionsRole, "overdueActions"},
            {NextActionDueRole, "nextActionDue"},
            {ReviewDueRole, "reviewDue"},
            {ReviewOverdueRole, "reviewOverdue"},
            {ConflictsRole, "conflicts"}};
}

void CaseloadModel::setSearch(const QString &search)
{
    if (search == m_search)
        return;
    m_search = search;
    Q_EMIT searchChanged();
    requery();
}

void CaseloadModel::setFilter(Filter filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    Q_EMIT filterChanged();
    requery();
}

QString CaseloadModel::personIdAt(int row) const
{
    if (!m_index || row < 0 || row >= m_rows.size())
        return {};
    return m_index->entries().at(m_rows.at(row)).personId;
}

void CaseloadModel::reload()
{
    Session *session = Session::instance();
    if (!session || !session->store())
        return;
    Store *store = session->store();
    // The reader is a second connection with its own copy of the key: the job owns it, so a lock
    // while it runs closes the UI store without pulling the connection from under the job.
    auto reader = store->reader();
    if (!reader) {
        setError(reader.error().message);
        return;
    }
    if (m_source != store)
        m_startupHold = session->deferBackgroundStart();
    m_source = store;
    // Records in conflict are few and indexed (the conflicts page reads them the same way).
    QHash<QString, int> conflicts;
    if (auto conflicted = store->conflicted())
        for (const Record &r : conflicted.value())
            conflicts[r.personId] += int(r.conflicts.size());
    std::shared_ptr<Store::Reader> r = std::move(reader).value();
    const quint64 generation = ++m_generation;
    const QString search = m_search;
    const CaseloadIndex::Filter filter = coreFilter(m_filter);
    const QDate day = today();
    ++m_running;
    setBusy(true);
    QPointer<CaseloadModel> self(this);
    whenFinished(this, QtConcurrent::run([r, conflicts, search, filter, day]() {
                     Loaded out;
                     auto read = r->caseload(day);
                     if (!read) {
                         out.error = read.error().message;
                         return out;
                     }
                     QList<CaseloadEntry> entries = std::move(read).value();
                     for (CaseloadEntry &e : entries)
                         e.conflicts = conflicts.value(e.personId);
                     out.firstPage = std::make_shared<const CaseloadIndex>(
                         CaseloadIndex::firstPage(entries, search, filter, day, CaseloadModel::PageSize));
                     out.entries = std::make_shared<const QList<CaseloadEntry>>(std::move(entries));
                     return out;
                 }),
                 [self, generation, search, filter = m_filter](const Loaded &result) {
                     if (!self || !self->isCurrent(generation))
                         return;
                     if (!result.error.isEmpty()) {
                         self->setError(result.error);
                         self->m_startupHold.reset();
                         self->finishJob(false);
                         return;
                     }
                     self->setError({});
                     // Only a list with nothing on it yet shows the first page early (a reload after an edit
                     // keeps the old rows until the new ones are complete). The first page of a view that
                     // changed meanwhile would be the wrong page: the index reruns the current view instead.
                     if (!self->m_index && search == self->m_search && filter == self->m_filter) {
                         self->m_partial = true;
                         self->show(result.firstPage, firstRows(*result.firstPage));
                     }
                     self->m_startupHold.reset();
                     self->buildIndex(generation, result.entries);
                 });
}

void CaseloadModel::buildIndex(quint64 generation, std::shared_ptr<const QList<CaseloadEntry>> entries)
{
    const QString search = m_search;
    const CaseloadIndex::Filter filter = coreFilter(m_filter);
    const QDate day = today();
    QPointer<CaseloadModel> self(this);
    whenFinished(this, QtConcurrent::run([entries, search, filter, day] {
                     Indexed out;
                     auto index = std::make_shared<CaseloadIndex>(*entries);
                     out.rows = index->select(search, filter, day);
                     static const std::pair<const char *, CaseloadIndex::Filter> names[] = {
                         {"all", CaseloadIndex::Filter::All},
                         {"open", CaseloadIndex::Filter::Open},
                         {"awaiting", CaseloadIndex::Filter::AwaitingFirstContact},
                         {"overdue", CaseloadIndex::Filter::OverdueActions},
                         {"reviews", CaseloadIndex::Filter::ReviewsDue},
                         {"closed", CaseloadIndex::Filter::Closed}};
                     int counts[6] = {};
                     for (const CaseloadEntry &e : index->entries())
                         for (int i = 0; i < 6; ++i)
                             counts[i] += CaseloadIndex::matches(e, names[i].second, day) ? 1 : 0;
                     for (int i = 0; i < 6; ++i)
                         out.counts.insert(QString::fromLatin1(names[i].first), counts[i]);
                     out.index = std::move(index);
                     return out;
                 }),
                 [self, generation, search, filter = m_filter](const Indexed &result) {
                     if (!self || !self->isCurrent(generation))
                         return;
                     self->m_filterCounts = result.counts;
                     const bool sameView = search == self->m_search && filter == self->m_filter;
                     if (self->m_partial && sameView) {
                         // The rows on display are the first rows of this result, in the same order: only the
                         // rows behind them are new, so the view keeps what it has.
                         self->m_index = result.index;
                         self->m_rows = result.rows;
                         self->m_partial = false;
                         Q_EMIT self->matchesChanged();
                     } else {
                         self->m_partial = false;
                         self->show(result.index, result.rows);
                     }
                     Q_EMIT self->loaded();
                     // A search or filter set while the load ran had no index to work on: run it now.
                     if (!sameView)
                         self->requery();
                     self->finishJob(true);
                 });
}

bool CaseloadModel::isCurrent(quint64 generation)
{
    if (generation == m_generation)
        return true;
    finishJob(false); // a newer request owns the rows now
    return false;
}

void CaseloadModel::finishJob(bool current)
{
    --m_running;
    setBusy(m_running > 0 || m_partial);
    if (current)
        Q_EMIT resultsShown();
}

void CaseloadModel::requery()
{
    // Until the whole caseload is indexed there is nothing to search; the index reruns the view.
    if (!m_index || m_partial)
        return;
    const quint64 generation = ++m_generation;
    std::shared_ptr<const CaseloadIndex> index = m_index;
    const QString search = m_search;
    const CaseloadIndex::Filter filter = coreFilter(m_filter);
    const QDate day = today();
    ++m_running;
    setBusy(true);
    QPointer<CaseloadModel> self(this);
    whenFinished(this, QtConcurrent::run([index, search, filter, day] { return index->select(search, filter, day); }),
                 [self, generation, index](const QList<int> &rows) {
                     if (!self)
                         return;
                     const bool current = generation == self->m_generation;
                     if (current)
                         self->show(index, rows);
                     self->finishJob(current);
                 });
}

void CaseloadModel::show(std::shared_ptr<const CaseloadIndex> index, QList<int> rows)
{
    m_changing = true;
    if (m_fetched > 0) {
        beginRemoveRows({}, 0, m_fetched - 1);
        m_fetched = 0;
        m_rows.clear();
        endRemoveRows();
    }
    m_index = std::move(index);
    m_rows = std::move(rows);
    const int page = qMin(PageSize, int(m_rows.size()));
    if (page > 0) {
        beginInsertRows({}, 0, page - 1);
        m_fetched = page;
        endInsertRows();
    }
    m_changing = false;
    Q_EMIT matchesChanged();
}

void CaseloadModel::clear()
{
    ++m_generation; // results of jobs still running are for a store that is now closed
    m_startupHold.reset();
    m_source = nullptr;
    m_partial = false;
    show(nullptr, {});
    m_filterCounts.clear();
    Q_EMIT loaded();
}

void CaseloadModel::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

void CaseloadModel::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    Q_EMIT errorChanged();
}

} // namespace hearth::app
