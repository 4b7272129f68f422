#include "caseloadmodel.h"

#include "session.h"
#include "store.h"

#include <QLocale>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

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

struct Loaded {
    std::shared_ptr<const CaseloadIndex> index;
    QList<int> rows;
    QVariantMap counts;
    QString error;
};

} // namespace

CaseloadModel::CaseloadModel(QObject *parent) : QAbstractListModel(parent)
{
    Session *session = Session::instance();
    if (session) {
        connect(session, &Session::unlockedChanged, this, [this, session] {
            if (session->isUnlocked())
                reload();
            else
                clear();
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
    // Views may ask from inside the reset that just handed them the first page.
    if (parent.isValid() || m_resetting || m_inserting)
        return;
    const int more = qMin(PageSize, int(m_rows.size()) - m_fetched);
    if (more <= 0)
        return;
    // Views and testers may ask again from inside the insert notifications: one page at a time.
    m_inserting = true;
    beginInsertRows({}, m_fetched, m_fetched + more - 1);
    m_fetched += more;
    endInsertRows();
    m_inserting = false;
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
            {ReviewOverdueRole, "reviewOverdue"}};
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
    // The reader is a second connection with its own copy of the key: the job owns it, so a lock
    // while it runs closes the UI store without pulling the connection from under the job.
    auto reader = session->store()->reader();
    if (!reader) {
        setError(reader.error().message);
        return;
    }
    std::shared_ptr<Store::Reader> r = std::move(reader).value();
    const quint64 generation = ++m_generation;
    const QString search = m_search;
    const CaseloadIndex::Filter filter = coreFilter(m_filter);
    const QDate day = today();
    ++m_running;
    setBusy(true);
    QPointer<CaseloadModel> self(this);
    auto job = [r, search, filter, day]() {
        Loaded out;
        auto entries = r->caseload(day);
        if (!entries) {
            out.error = entries.error().message;
            return out;
        }
        auto index = std::make_shared<CaseloadIndex>(std::move(entries).value());
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
    };
    auto future = QtConcurrent::run(job);
    future.then(this, [self, generation, search, filter = m_filter](const Loaded &result) {
        if (!self)
            return;
        --self->m_running;
        if (generation != self->m_generation) {
            self->setBusy(self->m_running > 0);
            return;
        }
        if (!result.error.isEmpty()) {
            self->setError(result.error);
            self->setBusy(self->m_running > 0);
            return;
        }
        self->setError({});
        self->m_index = result.index;
        self->m_filterCounts = result.counts;
        Q_EMIT self->loaded();
        // A search or filter set while the load ran had no index to work on: run it now.
        // Rows always go with the index they point into, so show this result before any rerun.
        self->show(generation, result.rows);
        if (search != self->m_search || filter != self->m_filter)
            self->requery();
    });
}

void CaseloadModel::requery()
{
    if (!m_index)
        return;
    const quint64 generation = ++m_generation;
    std::shared_ptr<const CaseloadIndex> index = m_index;
    const QString search = m_search;
    const CaseloadIndex::Filter filter = coreFilter(m_filter);
    const QDate day = today();
    ++m_running;
    setBusy(true);
    QPointer<CaseloadModel> self(this);
    QtConcurrent::run([index, search, filter, day] {
        return index->select(search, filter, day);
    }).then(this, [self, generation](const QList<int> &rows) {
        if (!self)
            return;
        --self->m_running;
        if (generation == self->m_generation)
            self->show(generation, rows);
        else
            self->setBusy(self->m_running > 0);
    });
}

void CaseloadModel::show(quint64 generation, QList<int> rows)
{
    Q_UNUSED(generation)
    m_resetting = true;
    beginResetModel();
    m_rows = std::move(rows);
    m_fetched = qMin(PageSize, int(m_rows.size()));
    endResetModel();
    m_resetting = false;
    Q_EMIT matchesChanged();
    setBusy(m_running > 0);
    Q_EMIT resultsShown();
}

void CaseloadModel::clear()
{
    ++m_generation; // results of jobs still running are for a store that is now closed
    m_resetting = true;
    beginResetModel();
    m_rows.clear();
    m_fetched = 0;
    m_index.reset();
    m_filterCounts.clear();
    endResetModel();
    m_resetting = false;
    Q_EMIT matchesChanged();
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
