#pragma once

// Shared by the flow controller tests: a temporary encrypted store attached the way the app's
// session attaches it, with the clock pinned so dates are stable.
#include "../../core/testsupport.h"
#include "desktop/desktopsecurescreen.h"
#include "flowsession.h"
#include "session.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <memory>

namespace hearth::test {

// 2025-11-23, the day fastOptions() pins the store's clock to.
inline QDate pinnedToday()
{
    return QDate(2025, 11, 23);
}

struct FlowFixture {
    std::unique_ptr<QTemporaryDir> dir; // a fresh one per test
    std::unique_ptr<Store> owned;
    Store *store = nullptr; // owned here, or by the app session after adoptIntoSession()
    DesktopSecureScreen screen;
    std::unique_ptr<app::Session> session;
    QString personId;

    // Creates the store and one person, and attaches them as an unlocked app would.
    void setUp()
    {
        QStandardPaths::setTestModeEnabled(true);
        dir = std::make_unique<QTemporaryDir>();
        QVERIFY(dir->isValid());
        auto s = Store::create(dir->path() + QStringLiteral("/store"), "correct horse battery", fastOptions());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().toString()));
        owned = std::move(s).value();
        store = owned.get();
        auto p = store->put(QStringLiteral("person"), person());
        QVERIFY(p.ok());
        personId = p.value();
        FlowSession::instance()->setClock([] { return pinnedToday(); });
        FlowSession::instance()->attach(store, &reference(), QStringLiteral("lw1"));
    }

    // Hands the store to a real app Session (sync off), as the unlock screen does, for tests of
    // pages whose shared components read the session.
    void adoptIntoSession()
    {
        session = std::make_unique<app::Session>(dir->path() + QStringLiteral("/store"),
                                                 app::Services{nullptr, nullptr, &screen}, fastOptions());
        session->setSyncEnabled(false);
        session->adopt(std::move(owned), "correct horse battery");
        FlowSession::instance()->attach(store, &reference(), QStringLiteral("lw1"));
    }

    void tearDown()
    {
        session.reset();
        FlowSession::instance()->detach();
        owned.reset();
        store = nullptr;
        dir.reset();
    }

    // The person's live records of one type.
    [[nodiscard]] QList<Record> all(const QString &type) const
    {
        QList<Record> out;
        for (const Record &r : store->listForPerson(personId).value())
            if (r.type == type && !r.deleted)
                out << r;
        return out;
    }

    [[nodiscard]] qint64 writes() const { return store->writeCount().value(); }

    // A complete initial assessment with concerns (item -> score); the first three are ranked.
    // Returns the assessment id and the concern ids in the order given.
    QStringList seedAssessment(const QList<std::pair<QString, int>> &concerns, int distress = 6)
    {
        QList<Mutation> ms{Mutation::put(QStringLiteral("assessment"),
                                         {{QStringLiteral("person_id"), personId},
                                          {QStringLiteral("kind"), QStringLiteral("initial")},
                                          {QStringLiteral("date"), QStringLiteral("2025-11-01")},
                                          {QStringLiteral("checklist_version"), reference().checklist().id()},
                                          {QStringLiteral("overall_distress"), distress},
                                          {QStringLiteral("status"), QStringLiteral("complete")}})};
        auto a = store->commit(ms);
        if (!a)
            qFatal("seed assessment: %s", qPrintable(a.error().toString()));
        QStringList out{a.value().constFirst()};
        int rank = 1;
        for (const auto &[item, score] : concerns) {
            QJsonObject c{{QStringLiteral("person_id"), personId},
                          {QStringLiteral("assessment_id"), out.constFirst()},
                          {QStringLiteral("domain"), reference().checklist().domainOf(item)},
                          {QStringLiteral("item"), item},
                          {QStringLiteral("score"), score}};
            if (rank <= 3)
                c.insert(QStringLiteral("rank"), rank++);
            auto r = store->commit({Mutation::put(QStringLiteral("concern"), c)});
            if (!r)
                qFatal("seed concern: %s", qPrintable(r.error().toString()));
            out << r.value().constFirst();
        }
        return out;
    }
};

} // namespace hearth::test
