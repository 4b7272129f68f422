// Store benchmark: write throughput encrypted vs the same schema unencrypted vs a raw SQLite insert
// loop of the same rows; unlock (KDF) time; unlock-to-first-caseload-page time; peak memory.
//   bench_store [--records 10000] [--edits 500] [--people 10000] [--repeat 3] [--kdf-n 32768]
// Prints one JSON object. Figures are medians of --repeat runs; compare ratios from one run.
#include "demodata.h"
#include "referencedata.h"
#include "store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

using namespace hearth;

namespace {

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

double peakRssMb()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_maxrss) / 1024.0;
}

[[noreturn]] void die(const QString &what, const Error &e)
{
    fprintf(stderr, "bench_store: %s: %s\n", qPrintable(what), qPrintable(e.toString()));
    exit(1);
}

// The first `n` puts of demo stories: the realistic mix of record types a caseload holds.
QList<Mutation> workload(int n, const ReferenceData &ref)
{
    QList<Mutation> out;
    demo::Options o;
    o.people = 1 << 30;
    for (int i = 0; out.size() < n; ++i)
        out += demo::personStory(i, o, ref);
    out.resize(n);
    return out;
}

struct WriteFigures {
    double batchS = 0;
    double editsS = 0;
};

WriteFigures runStore(bool encrypted, const QList<Mutation> &puts, int edits, const ReferenceData &ref, quint64 kdfN)
{
    QTemporaryDir tmp;
    StoreOptions o;
    o.encrypted = encrypted;
    o.reference = &ref;
    o.kdf.n = kdfN;
    auto s = Store::create(tmp.filePath(QStringLiteral("s")), "bench passcode", o);
    if (!s)
        die(QStringLiteral("create"), s.error());
    WriteFigures f;
    QElapsedTimer t;
    t.start();
    auto ids = s.value()->commit(puts);
    if (!ids)
        die(QStringLiteral("batch"), ids.error());
    f.batchS = double(t.nsecsElapsed()) / 1e9;
    // Single edits, each its own transaction, as a person editing on a tablet makes them.
    QStringList actions;
    for (int i = 0; i < puts.size(); ++i)
        if (puts[i].type == QLatin1String("care_action"))
            actions << ids.value()[i];
    t.restart();
    for (int i = 0; i < edits; ++i) {
        auto st = s.value()->edit(actions[i % actions.size()],
                                  QJsonObject{{QStringLiteral("outcome"), QStringLiteral("Edit %1").arg(i)}});
        if (!st)
            die(QStringLiteral("edit"), st.error());
    }
    f.editsS = double(t.nsecsElapsed()) / 1e9;
    return f;
}

// The same rows in a plain table: the floor any store on SQLite stands on.
WriteFigures runRawSqlite(const QList<Mutation> &puts, int edits)
{
    QTemporaryDir tmp;
    sqlite3 *db = nullptr;
    sqlite3_open(tmp.filePath(QStringLiteral("raw.db")).toUtf8().constData(), &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                 "CREATE TABLE records (id TEXT PRIMARY KEY, type TEXT NOT NULL, person_id TEXT, body BLOB NOT NULL)",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt *ins = nullptr, *upd = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO records VALUES (?1, ?2, ?3, ?4)", -1, &ins, nullptr);
    sqlite3_prepare_v2(db, "UPDATE records SET body = ?2 WHERE id = ?1", -1, &upd, nullptr);
    WriteFigures f;
    QList<QByteArray> ids;
    QElapsedTimer t;
    t.start();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (const Mutation &m : puts) {
        const QByteArray id = m.id.toUtf8(), type = m.type.toUtf8();
        const QByteArray person = m.fields.value(QStringLiteral("person_id")).toString().toUtf8();
        const QByteArray body = QJsonDocument(m.fields).toJson(QJsonDocument::Compact);
        sqlite3_bind_text(ins, 1, id.constData(), int(id.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, type.constData(), int(type.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, person.constData(), int(person.size()), SQLITE_TRANSIENT);
        sqlite3_bind_blob(ins, 4, body.constData(), int(body.size()), SQLITE_TRANSIENT);
        sqlite3_step(ins);
        sqlite3_reset(ins);
        if (m.type == QLatin1String("care_action"))
            ids << id;
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    f.batchS = double(t.nsecsElapsed()) / 1e9;
    t.restart();
    for (int i = 0; i < edits; ++i) {
        const QByteArray body = QStringLiteral("{\"outcome\":\"Edit %1\"}").arg(i).toUtf8();
        const QByteArray &id = ids[i % ids.size()];
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        sqlite3_bind_text(upd, 1, id.constData(), int(id.size()), SQLITE_TRANSIENT);
        sqlite3_bind_blob(upd, 2, body.constData(), int(body.size()), SQLITE_TRANSIENT);
        sqlite3_step(upd);
        sqlite3_reset(upd);
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    f.editsS = double(t.nsecsElapsed()) / 1e9;
    sqlite3_finalize(ins);
    sqlite3_finalize(upd);
    sqlite3_close(db);
    return f;
}

QJsonObject figures(const QList<WriteFigures> &runs, int records, int edits)
{
    QList<double> b, e;
    for (const WriteFigures &f : runs) {
        b << f.batchS;
        e << f.editsS;
    }
    return QJsonObject{{QStringLiteral("batch_s"), median(b)},
                       {QStringLiteral("batch_records_per_s"), qRound(records / median(b))},
                       {QStringLiteral("single_edits_s"), median(e)},
                       {QStringLiteral("single_edits_per_s"), qRound(edits / median(e))}};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    auto opt = [&](const char *name, int def) {
        const int i = int(args.indexOf(QLatin1String(name)));
        return i >= 0 && i + 1 < args.size() ? args[i + 1].toInt() : def;
    };
    const int records = opt("--records", 10000), edits = opt("--edits", 500), people = opt("--people", 10000);
    const int repeat = qMax(1, opt("--repeat", 3));
    const quint64 kdfN = quint64(opt("--kdf-n", 32768));
    auto ref = ReferenceData::loadDefault(QStringLiteral(HEARTH_ASSETS_DIR));
    if (!ref)
        die(QStringLiteral("assets"), ref.error());

    const QList<Mutation> puts = workload(records, ref.value());
    QList<WriteFigures> enc, plain, raw;
    for (int i = 0; i < repeat; ++i) { // interleaved, so a noisy moment hurts all three alike
        enc << runStore(true, puts, edits, ref.value(), kdfN);
        plain << runStore(false, puts, edits, ref.value(), kdfN);
        raw << runRawSqlite(puts, edits);
    }
    const QJsonObject fe = figures(enc, records, edits), fp = figures(plain, records, edits),
                      fr = figures(raw, records, edits);

    // A 10,000-person caseload (each with their referral, HNA, care plan...), then unlock and first page.
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("caseload"));
    StoreOptions o;
    o.reference = &ref.value();
    o.kdf.n = kdfN;
    qint64 caseloadRecords = 0;
    QElapsedTimer t;
    t.start();
    {
        auto s = Store::create(dir, "bench passcode", o);
        if (!s)
            die(QStringLiteral("create"), s.error());
        demo::Options d;
        d.people = people;
        d.today = QDate(2025, 11, 1);
        auto n = demo::populate(*s.value(), d, ref.value(), 500);
        if (!n)
            die(QStringLiteral("populate"), n.error());
        caseloadRecords = n.value();
    }
    const double populateS = double(t.nsecsElapsed()) / 1e9;
    QList<double> unlock, firstPage, fullIndex;
    int firstPageRows = 0;
    const double rssBeforeCaseload = peakRssMb();
    for (int i = 0; i < repeat; ++i) {
        t.restart();
        auto s = Store::open(dir, "bench passcode", o);
        if (!s)
            die(QStringLiteral("open"), s.error());
        unlock << double(t.nsecsElapsed()) / 1e6;
        t.restart();
        auto reader = s.value()->reader();
        auto entries = reader.value()->caseload(QDate(2025, 11, 1));
        if (!entries)
            die(QStringLiteral("caseload"), entries.error());
        CaseloadIndex index(std::move(entries).value());
        const QList<int> page = index.select(QString(), CaseloadIndex::Filter::Open, QDate(2025, 11, 1)).mid(0, 50);
        firstPageRows = int(page.size());
        firstPage << double(t.nsecsElapsed()) / 1e6;
        t.restart();
        (void)index.select(QStringLiteral("mac"), CaseloadIndex::Filter::All, QDate(2025, 11, 1));
        fullIndex << double(t.nsecsElapsed()) / 1e6;
    }

    const QJsonObject outJson{
        {QStringLiteral("bench"), QStringLiteral("store")},
        {QStringLiteral("records"), records},
        {QStringLiteral("edits"), edits},
        {QStringLiteral("repeat"), repeat},
        {QStringLiteral("kdf"), QStringLiteral("scrypt N=%1 r=8 p=1").arg(kdfN)},
        {QStringLiteral("encrypted"), fe},
        {QStringLiteral("unencrypted"), fp},
        {QStringLiteral("raw_sqlite"), fr},
        {QStringLiteral("ratio_encrypted_vs_unencrypted_batch"),
         fp.value(QStringLiteral("batch_s")).toDouble() / fe.value(QStringLiteral("batch_s")).toDouble()},
        {QStringLiteral("ratio_encrypted_vs_unencrypted_single_edits"),
         fp.value(QStringLiteral("single_edits_s")).toDouble() / fe.value(QStringLiteral("single_edits_s")).toDouble()},
        {QStringLiteral("ratio_encrypted_vs_raw_sqlite_batch"),
         fr.value(QStringLiteral("batch_s")).toDouble() / fe.value(QStringLiteral("batch_s")).toDouble()},
        {QStringLiteral("caseload"),
         QJsonObject{{QStringLiteral("people"), people},
                     {QStringLiteral("records"), double(caseloadRecords)},
                     {QStringLiteral("populate_s"), populateS},
                     {QStringLiteral("unlock_ms"), median(unlock)},
                     {QStringLiteral("unlock_to_first_page_ms"), median(firstPage)},
                     {QStringLiteral("first_page_rows"), firstPageRows},
                     {QStringLiteral("search_all_people_ms"), median(fullIndex)},
                     {QStringLiteral("peak_rss_mb_before_caseload"), rssBeforeCaseload}}},
        {QStringLiteral("peak_rss_mb"), peakRssMb()},
    };
    fputs(QJsonDocument(outJson).toJson(QJsonDocument::Indented).constData(), stdout);
    return 0;
}
