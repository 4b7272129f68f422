// Evaluation report benchmark: the whole-service report over a large service held in a server
// store (SQLite always; PostgreSQL too when HEARTH_TEST_PG_URL is set, in a database of its own).
//   bench_reports [--people 100000] [--repeat 3] [--keep DIR]
// Each person gets a typical story written straight into the store (person, referral, two
// contacts, initial and review HNA with concerns, two EQ-5D measures, a financial gain, an onward
// referral, a case status: 17 records). Prints one JSON object; report times are medians of
// --repeat runs of buildReport() (reading every record through forEachRecord), then the server's
// cache (kept up to date through the log) and its snapshot file (a restarted server, or the
// `report` command). The target is < 2 s for 100,000 people. --repeat 0 skips the reads of every
// record; --keep DIR keeps the stores there and reuses them in later runs.
#include "hlc.h"
#include "referencedata.h"
#include "reportbuilder.h"
#include "reportcache.h"
#include "serverstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>

#include "pgexec.h"
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

using namespace hearth;
using namespace hearth::server;

using hearth::test::pgExec;

namespace {

[[noreturn]] void die(const QString &what, const Error &e)
{
    fprintf(stderr, "bench_reports: %s: %s\n", qPrintable(what), qPrintable(e.toString()));
    std::exit(1);
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

// CPU seconds of this process: the machine is shared, so wall time alone over-states the work.
double cpuSeconds()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double peakRssMb()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_maxrss) / 1024.0;
}

// Writes of `people` stories, in batches handed to `sink`.
class Generator
{
public:
    Generator(QString device, const std::function<void(const QList<Write> &)> &sink)
        : m_device(std::move(device)), m_sink(sink)
    {}

    void people(int n)
    {
        QRandomGenerator rng(20261123);
        static const char *const sources[] = {"gp", "self", "clinical_nurse_specialist", "oncology_outpatients"};
        static const char *const items[][2] = {{"practical", "money_or_housing"},
                                               {"physical", "tired_exhausted_or_fatigued"},
                                               {"emotional", "worry_fear_or_anxiety"},
                                               {"physical", "breathing_difficulties"},
                                               {"practical", "caring_responsibilities"}};
        static const char *const postcodes[] = {"G13 1FA", "G11 8US", "G14 2PW", "G3 3RX", "G99 9ZZ"};
        const QDate base(2025, 1, 1);
        for (int i = 0; i < n; ++i) {
            const QDate referred = base.addDays(rng.bounded(500));
            const auto day = [&](int d) { return referred.addDays(d).toString(Qt::ISODate); };
            const QString p = add(QStringLiteral("person"), {},
                                  {{QStringLiteral("given_name"), QStringLiteral("Bench")},
                                   {QStringLiteral("family_name"), QStringLiteral("Person")},
                                   {QStringLiteral("date_of_birth"), QStringLiteral("1950-01-01")},
                                   {QStringLiteral("postcode"), QLatin1String(postcodes[rng.bounded(5)])},
                                   {QStringLiteral("diagnosis_date"), day(-30)},
                                   {QStringLiteral("caseload"), QStringLiteral("c%1").arg(i % 20)}});
            add(QStringLiteral("referral"), p,
                {{QStringLiteral("source"), QLatin1String(sources[rng.bounded(4)])},
                 {QStringLiteral("date_received"), day(0)}});
            add(QStringLiteral("contact"), p,
                {{QStringLiteral("date"), day(1)},
                 {QStringLiteral("method"), QStringLiteral("phone")},
                 {QStringLiteral("outcome"), QStringLiteral("no_answer")}});
            add(QStringLiteral("contact"), p,
                {{QStringLiteral("date"), day(2 + rng.bounded(20))},
                 {QStringLiteral("method"), QStringLiteral("phone")},
                 {QStringLiteral("outcome"), QStringLiteral("reached")}});
            const QString a = assessment(p, QStringLiteral("initial"), day(25), rng.bounded(11), {});
            const QString r = assessment(p, QStringLiteral("review"), day(110), rng.bounded(11), a);
            for (int c = 0; c < 3; ++c) {
                concern(p, a, items[c][0], items[c][1], rng.bounded(11));
                if (c < 2)
                    concern(p, r, items[c][0], items[c][1], rng.bounded(11));
            }
            for (const auto &[tp, d] : {std::pair{"initial", 25}, std::pair{"review", 110}})
                add(QStringLiteral("outcome_measure"), p,
                    {{QStringLiteral("instrument"), QStringLiteral("eq5d_5l")},
                     {QStringLiteral("timepoint"), QLatin1String(tp)},
                     {QStringLiteral("date"), day(d)},
                     {QStringLiteral("eq5d_state"),
                      QStringLiteral("%1%2%3%4%5")
                          .arg(1 + rng.bounded(5))
                          .arg(1 + rng.bounded(5))
                          .arg(1 + rng.bounded(5))
                          .arg(1 + rng.bounded(5))
                          .arg(1 + rng.bounded(5))},
                     {QStringLiteral("eq5d_vas"), int(rng.bounded(101))}});
            add(QStringLiteral("financial_gain"), p,
                {{QStringLiteral("kind"), QStringLiteral("benefit_award")},
                 {QStringLiteral("amount"), double(rng.bounded(500000)) / 100.0},
                 {QStringLiteral("period"), QStringLiteral("annual")},
                 {QStringLiteral("date_awarded"), day(60)}});
            add(QStringLiteral("onward_referral"), p,
                {{QStringLiteral("organisation_id"), QStringLiteral("org-000%1").arg(1 + rng.bounded(4))},
                 {QStringLiteral("date"), day(30)},
                 {QStringLiteral("status"), QStringLiteral("made")}});
            add(QStringLiteral("case_status"), p,
                {{QStringLiteral("status"), QStringLiteral("closed")},
                 {QStringLiteral("date"), day(150)},
                 {QStringLiteral("reason"), QStringLiteral("needs_met")}});
            if (m_batch.size() >= 5000)
                flush();
        }
        flush();
    }
    [[nodiscard]] qint64 records() const { return m_seq; }

private:
    QString add(const QString &type, const QString &person, QJsonObject values)
    {
        Write w;
        w.device = m_device;
        w.seq = ++m_seq;
        w.hlc = Hlc{1'700'000'000'000 + m_seq, 0, w.device}.toString();
        w.recordId = QStringLiteral("%1-0000-4000-8000-%2")
                         .arg(quint32(QRandomGenerator::global()->generate()), 8, 16, QLatin1Char('0'))
                         .arg(m_seq, 12, 10, QLatin1Char('0'));
        w.type = type;
        w.personId = person.isEmpty() ? w.recordId : person;
        if (!person.isEmpty())
            values.insert(QStringLiteral("person_id"), person);
        w.values = values;
        m_batch << w;
        return w.recordId;
    }
    QString assessment(const QString &p, const QString &kind, const QString &date, int distress, const QString &initial)
    {
        QJsonObject v{{QStringLiteral("kind"), kind},
                      {QStringLiteral("date"), date},
                      {QStringLiteral("checklist_version"), QStringLiteral("hna-2024.1")},
                      {QStringLiteral("status"), QStringLiteral("complete")},
                      {QStringLiteral("overall_distress"), distress}};
        if (!initial.isEmpty())
            v.insert(QStringLiteral("initial_assessment_id"), initial);
        return add(QStringLiteral("assessment"), p, v);
    }
    void concern(const QString &p, const QString &a, const char *domain, const char *item, int score)
    {
        add(QStringLiteral("concern"), p,
            {{QStringLiteral("assessment_id"), a},
             {QStringLiteral("domain"), QLatin1String(domain)},
             {QStringLiteral("item"), QLatin1String(item)},
             {QStringLiteral("score"), score}});
    }
    void flush()
    {
        if (!m_batch.isEmpty())
            m_sink(m_batch);
        m_batch.clear();
    }

    QString m_device;
    std::function<void(const QList<Write> &)> m_sink;
    QList<Write> m_batch;
    qint64 m_seq = 0;
};

QJsonObject run(const QString &url, const QString &dataDir, int people, int repeat, const ReferenceData &reference)
{
    QDir().mkpath(dataDir); // PostgreSQL's too: the report snapshot is kept there
    auto store = ServerStore::open(url, dataDir);
    if (!store)
        die(QStringLiteral("open"), store.error());
    QElapsedTimer t;
    t.start();
    const auto sink = [&](const QList<Write> &batch) {
        if (auto n = store.value()->append(batch); !n)
            die(QStringLiteral("append"), n.error());
    };
    Generator g(QStringLiteral("benchdevice"), sink);
    const auto seqBefore = store.value()->lastSeq();
    const bool reused = QFileInfo::exists(QDir(dataDir).filePath(QStringLiteral("server.db"))) && seqBefore
        && seqBefore.value() > 0;
    if (!reused) // a kept folder (--keep) is reports' input as it stands, from an earlier run
        g.people(people);
    const double loadS = double(t.elapsed()) / 1000.0;
    QList<double> times, cpu, scans;
    QJsonObject last;
    for (int i = 0; i < repeat; ++i) {
        // Reading and decoding every record alone (the store's share of the report's time).
        t.restart();
        qint64 seen = 0;
        if (auto st = store.value()->forEachRecord([&](const RecordState &) { ++seen; }); !st)
            die(QStringLiteral("scan"), st.error());
        scans << double(t.nsecsElapsed()) / 1e6;
        const double cpu0 = cpuSeconds();
        t.restart();
        auto report = reports::buildReport(
            *store.value(), reports::ReportScope{QDate(2025, 1, 1), QDate(2026, 12, 31), {}, {}}, reference);
        if (!report)
            die(QStringLiteral("report"), report.error());
        times << double(t.nsecsElapsed()) / 1e6;
        cpu << (cpuSeconds() - cpu0) * 1000.0;
        last = report.value();
    }
    QJsonArray all;
    for (double ms : times)
        all.append(ms);
    // The server's way: a cache kept up to date through the log, saving its snapshot in the data
    // folder. Cold, then after 100 more people were added (1,700 records changed), then with nothing
    // changed; then as after a restart or from `hearth-server report`: a new cache from the
    // snapshot, with nothing changed and after 100 more people.
    const reports::ReportScope scope{QDate(2025, 1, 1), QDate(2026, 12, 31), {}, {}};
    const QString snapshot = QDir(dataDir).filePath(QStringLiteral("report-snapshot"));
    if (!reused)
        QFile::remove(snapshot); // a kept folder's snapshot stays: its first report is then from it
    auto cache = std::make_unique<reports::ReportCache>(reference, snapshot);
    QJsonObject cached;
    for (int step = 0; step < 5; ++step) {
        if (step == 1 || step == 4)
            Generator(QStringLiteral("benchdevice%1p%2").arg(step + 1).arg(QCoreApplication::applicationPid()), sink)
                .people(100);
        if (step >= 3)
            cache = std::make_unique<reports::ReportCache>(reference, snapshot);
        t.restart();
        const double cpu0 = cpuSeconds();
        auto r = cache->report(*store.value(), scope);
        if (!r)
            die(QStringLiteral("cached report"), r.error());
        const QString name = cache->lastMode() + (step == 4 ? QStringLiteral("_after_100_more") : QString());
        cached.insert(name + QStringLiteral("_ms"), double(t.nsecsElapsed()) / 1e6);
        cached.insert(name + QStringLiteral("_cpu_ms"), (cpuSeconds() - cpu0) * 1000.0);
        if (step == 0)
            cached.insert(QStringLiteral("snapshot_mb"), double(QFileInfo(snapshot).size()) / 1e6);
    }
    return QJsonObject{
        {QStringLiteral("store"), store.value()->kind()},
        {QStringLiteral("records"), reused ? QJsonValue(QStringLiteral("reused")) : QJsonValue(double(g.records()))},
        {QStringLiteral("load_s"), loadS},
        {QStringLiteral("report_ms"), all},
        {QStringLiteral("report_median_ms"), median(times)},
        {QStringLiteral("report_cpu_median_ms"), median(cpu)},
        {QStringLiteral("scan_only_median_ms"), median(scans)},
        // What a manager waits for: a report from every record (no cache), from the server's
        // cache, and from the snapshot after a restart or from the report command.
        {QStringLiteral("under_2s"),
         QJsonObject{
             {QStringLiteral("every_record"), times.isEmpty() ? QJsonValue() : QJsonValue(median(times) < 2000)},
             {QStringLiteral("server_cache"), cached.value(QStringLiteral("cached_ms")).toDouble(1e9) < 2000},
             {QStringLiteral("snapshot"),
              cached.value(QStringLiteral("snapshot_after_100_more_ms")).toDouble(1e9) < 2000}}},
        {QStringLiteral("server_cache"), cached},
        {QStringLiteral("people_supported"),
         last.value(QStringLiteral("activity")).toObject().value(QStringLiteral("people_supported"))},
    };
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int people = 100000;
    int repeat = 3;
    QString keep;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--people"))
            people = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--repeat"))
            repeat = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--keep"))
            keep = args[i + 1];
    }
    if (people < 1 || repeat < 0) {
        fprintf(stderr, "usage: bench_reports [--people N] [--repeat N (0: no reads of every record)] [--keep DIR]\n");
        return 2;
    }
    auto reference = ReferenceData::loadDefault(QStringLiteral(HEARTH_ASSETS_DIR));
    if (!reference)
        die(QStringLiteral("reference data"), reference.error());
    QTemporaryDir tmpDir;
    // With --keep, the stores stay in DIR and a later run reuses them instead of writing the
    // service again (minutes at 100,000 people).
    const QDir tmp(keep.isEmpty() ? tmpDir.path() : keep);
    QJsonObject out{{QStringLiteral("bench"), QStringLiteral("reports")},
                    {QStringLiteral("people"), people},
                    {QStringLiteral("repeat"), repeat},
                    {QStringLiteral("threads"), QThread::idealThreadCount()}};
    out.insert(QStringLiteral("sqlite"),
               run({}, tmp.filePath(QStringLiteral("sqlite")), people, repeat, reference.value()));
    const QString pg = qEnvironmentVariable("HEARTH_TEST_PG_URL");
    if (!pg.isEmpty()) {
        const QString db = QStringLiteral("hearth_bench_reports_%1").arg(QCoreApplication::applicationPid());
        if (const QString err = pgExec(pg, "CREATE DATABASE " + db.toLatin1()); !err.isEmpty())
            die(QStringLiteral("create database"), makeError(ErrorCode::Io, err));
        QUrl u(pg);
        u.setPath(QLatin1Char('/') + db);
        out.insert(
            QStringLiteral("postgresql"),
            run(u.toString(QUrl::FullyEncoded), tmp.filePath(QStringLiteral("pg")), people, repeat, reference.value()));
        (void)pgExec(pg, "DROP DATABASE IF EXISTS " + db.toLatin1() + " WITH (FORCE)");
    }
    out.insert(QStringLiteral("peak_rss_mb"), peakRssMb());
    printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    return 0;
}
