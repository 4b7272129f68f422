#include "reportcli.h"

#include "referencedata.h"
#include "reportbuilder.h"
#include "reportcache.h"
#include "reportsendpoint.h"
#include "reportformat.h"
#include "serverstore.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QTextStream>

namespace hearth::server::reports {

namespace {

int fail(const Error &e)
{
    QTextStream(stderr) << "hearth-server report: " << e.toString() << Qt::endl;
    return int(e.code);
}

int usage(const QString &m)
{
    return fail(
        makeError(ErrorCode::Usage,
                  m
                      + QStringLiteral("\nUsage: hearth-server report --data DIR [--db URL] [--from YYYY-MM-DD] "
                                       "[--to YYYY-MM-DD] [--team T] [--assets DIR] --format json|csv")));
}

} // namespace

int runReportCli(const QStringList &arguments)
{
    QCommandLineParser p;
    const QCommandLineOption dataOpt(QStringLiteral("data"), QStringLiteral("Data folder"), QStringLiteral("DIR"));
    const QCommandLineOption dbOpt(QStringLiteral("db"), QStringLiteral("postgresql://... (default: SQLite in DIR)"),
                                   QStringLiteral("URL"));
    const QCommandLineOption fromOpt(QStringLiteral("from"), QStringLiteral("First day (inclusive)"),
                                     QStringLiteral("DATE"));
    const QCommandLineOption toOpt(QStringLiteral("to"), QStringLiteral("Last day (inclusive)"),
                                   QStringLiteral("DATE"));
    const QCommandLineOption teamOpt(QStringLiteral("team"), QStringLiteral("One team (default: the whole service)"),
                                     QStringLiteral("T"));
    const QCommandLineOption formatOpt(QStringLiteral("format"), QStringLiteral("json or csv"), QStringLiteral("F"));
    const QCommandLineOption assetsOpt(QStringLiteral("assets"), QStringLiteral("Reference data folder"),
                                       QStringLiteral("DIR"));
    for (const auto &o : {dataOpt, dbOpt, fromOpt, toOpt, teamOpt, formatOpt, assetsOpt})
        p.addOption(o);
    if (!p.parse(arguments))
        return usage(p.errorText());
    if (p.positionalArguments() != QStringList{QStringLiteral("report")})
        return usage(QStringLiteral("report takes options only"));
    if (!p.isSet(dataOpt))
        return usage(QStringLiteral("--data DIR is required"));
    const QString format = p.value(formatOpt);
    if (format != QLatin1String("json") && format != QLatin1String("csv"))
        return usage(QStringLiteral("--format json or --format csv is required"));
    ReportScope scope;
    scope.from = p.isSet(fromOpt) ? QDate::fromString(p.value(fromOpt), Qt::ISODate) : QDate(1900, 1, 1);
    scope.to = p.isSet(toOpt) ? QDate::fromString(p.value(toOpt), Qt::ISODate) : QDate::currentDate();
    if (!scope.from.isValid())
        return usage(QStringLiteral("--from takes a date written YYYY-MM-DD"));
    if (!scope.to.isValid())
        return usage(QStringLiteral("--to takes a date written YYYY-MM-DD"));
    if (scope.from > scope.to)
        return usage(QStringLiteral("--from is after --to"));
    // Reading a report must not create an empty store where a mistyped folder was named.
    if (!p.isSet(dbOpt) && !QFile::exists(QDir(p.value(dataOpt)).filePath(QStringLiteral("server.db"))))
        return fail(makeError(ErrorCode::NotFound, QStringLiteral("No server store in %1").arg(p.value(dataOpt))));
    auto store = ServerStore::open(p.value(dbOpt), p.value(dataOpt));
    if (!store)
        return fail(store.error());
    scope.team = p.value(teamOpt);
    if (p.isSet(teamOpt)) {
        if (scope.team.isEmpty())
            return usage(QStringLiteral("--team needs a team name"));
        auto caseloads = teamCaseloads(*store.value(), scope.team);
        if (!caseloads)
            return caseloads.error().code == ErrorCode::NotFound ? usage(caseloads.error().message)
                                                                 : fail(caseloads.error());
        scope.caseloads = caseloads.value();
    }
    auto reference =
        ReferenceData::loadDefault(p.isSet(assetsOpt) ? p.value(assetsOpt) : QStringLiteral(HEARTH_SOURCE_ASSETS_DIR));
    if (!reference)
        return fail(reference.error());
    // Through the cache and its snapshot in the data folder: after the first report, one over a
    // large service costs the records changed since, not a read of every record.
    ReportCache cache(reference.value(), snapshotFileIn(p.value(dataOpt)));
    auto report = cache.report(*store.value(), scope);
    if (!report)
        return fail(report.error());
    QFile out;
    if (!out.open(stdout, QIODevice::WriteOnly))
        return fail(makeError(ErrorCode::Io, QStringLiteral("Cannot write to standard output")));
    out.write(format == QLatin1String("csv") ? toCsv(report.value()) : toJson(report.value(), true));
    out.flush();
    return 0;
}

} // namespace hearth::server::reports
