#include "workersummarycontroller.h"

#include "logging.h"
#include "session.h"
#include "store.h"

#include <QFutureWatcher>
#include <QLocale>
#include <QtConcurrent/QtConcurrentRun>

namespace hearth::app {

namespace {

// Pence as pounds, the sign first whatever the locale's currency pattern (the C locale puts it after);
// sums stay exact in pence until this point.
QString money(qint64 pence)
{
    return QStringLiteral("\u00A3") + QLocale().toString(double(pence) / 100.0, 'f', 2);
}

QString quarter(const QDate &start, const QDate &end)
{
    const QLocale l;
    return WorkerSummaryController::tr("%1 \u2013 %2")
        .arg(l.toString(start, QStringLiteral("d MMM")), l.toString(end, QStringLiteral("d MMM yyyy")));
}

QString concernChange(const documents::WorkerSummary &s)
{
    if (s.closedCases == 0)
        return WorkerSummaryController::tr("No closed cases yet, so no change in concerns to show.");
    if (s.pairedConcerns == 0)
        return WorkerSummaryController::tr(
            "%n closed case(s), none with a follow-up assessment to compare concerns with.", "", s.closedCases);
    const QLocale l;
    return WorkerSummaryController::tr("Closed cases: %1 of %2 concerns improved, %3 unchanged, %4 worse "
                                       "(mean score %5 \u2192 %6 out of 10).")
        .arg(s.concernsImproved)
        .arg(s.pairedConcerns)
        .arg(s.concernsUnchanged)
        .arg(s.concernsWorse)
        .arg(l.toString(s.meanInitialScore, 'f', 1), l.toString(s.meanFollowUpScore, 'f', 1));
}

} // namespace

WorkerSummaryController::WorkerSummaryController(QObject *parent) : QObject(parent)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &WorkerSummaryController::refreshInBackground);
    m_message = tr("Hearth is locked.");
    Session *session = Session::instance();
    if (!session)
        return;
    connect(session, &Session::unlockedChanged, this, [this, session] {
        if (session->isUnlocked()) {
            // Until the debounced first computation, say so rather than "locked".
            m_message = m_accessibleSummary = tr("Working out your figures\u2026");
            Q_EMIT changed();
            schedule();
        } else
            clear(tr("Hearth is locked."));
    });
    connect(session, &Session::aboutToLock, this, [this] { m_debounce.stop(); });
    connect(session, &Session::recordsChanged, this, &WorkerSummaryController::schedule);
    if (session->isUnlocked()) {
        m_message = m_accessibleSummary = tr("Working out your figures\u2026");
        schedule();
    }
}

WorkerSummaryController::~WorkerSummaryController() = default;

void WorkerSummaryController::schedule()
{
    // Restarting the timer on every change is the debounce: one computation after the burst.
    m_debounce.start();
}

void WorkerSummaryController::clear(const QString &message)
{
    m_debounce.stop();
    ++m_generation; // a computation under way no longer counts
    m_summary = {};
    m_available = false;
    m_quarterText.clear();
    m_gainedText.clear();
    m_debtText.clear();
    m_concernText.clear();
    m_accessibleSummary = message;
    m_message = message;
    Q_EMIT changed();
}

std::unique_ptr<Store::Reader> WorkerSummaryController::prepare()
{
    m_debounce.stop();
    Session *session = Session::instance();
    if (!session || !session->store()) {
        clear(tr("Hearth is locked."));
        return nullptr;
    }
    if (session->user().isEmpty()) {
        clear(tr("Your own figures appear once this device is enrolled for a link worker."));
        return nullptr;
    }
    auto reader = session->store()->reader();
    if (!reader) {
        apply(reader.error());
        return nullptr;
    }
    return std::move(reader).value();
}

void WorkerSummaryController::refresh()
{
    if (auto reader = prepare())
        apply(documents::computeWorkerSummary(*reader, Session::instance()->user(), today()));
}

void WorkerSummaryController::refreshInBackground()
{
    std::shared_ptr<Store::Reader> reader = prepare();
    if (!reader)
        return;
    // The reader has its own connection and key, so the work does not depend on the store staying
    // open; a result that arrives after a lock or a newer computation is dropped.
    const quint64 generation = ++m_generation;
    auto *watcher = new QFutureWatcher<Result<documents::WorkerSummary>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation == m_generation)
            apply(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([reader, user = Session::instance()->user(), day = today()] {
        return documents::computeWorkerSummary(*reader, user, day);
    }));
}

void WorkerSummaryController::apply(const Result<documents::WorkerSummary> &computed)
{
    if (!computed) {
        qCWarning(lcApp) << "worker summary:" << computed.error().message;
        clear(tr("Your figures could not be worked out: %1").arg(computed.error().message));
        return;
    }
    m_summary = computed.value();
    m_available = true;
    m_message.clear();
    m_quarterText = quarter(m_summary.quarterStart, m_summary.quarterEnd);
    m_gainedText = money(m_summary.gainedPence);
    m_debtText = money(m_summary.debtWrittenOffPence);
    m_concernText = concernChange(m_summary);
    m_accessibleSummary = tr("Your figures: %n open case(s)", "", m_summary.openCases) + QStringLiteral(", ")
        + tr("%n review(s) due", "", m_summary.reviewsDue) + QStringLiteral(". ")
        + tr("Gained %1 from %2, with %3 of debt written off.").arg(m_gainedText, m_quarterText, m_debtText)
        + QLatin1Char(' ') + m_concernText;
    Q_EMIT changed();
}

} // namespace hearth::app
