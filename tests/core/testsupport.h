#pragma once

#include "identifiers.h"
#include "referencedata.h"
#include "store.h"

#include <QDir>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <sqlite3.h>

namespace hearth::test {

inline const ReferenceData &reference()
{
    static const ReferenceData ref = [] {
        auto r = ReferenceData::loadDefault(QStringLiteral(HEARTH_ASSETS_DIR));
        if (!r)
            qFatal("reference data failed to load: %s", qPrintable(r.error().toString()));
        return r.value();
    }();
    return ref;
}

// A cheap KDF so tests that open many stores stay fast; production uses the default cost.
inline StoreOptions fastOptions()
{
    StoreOptions o;
    o.kdf.n = 1024;
    o.reference = &reference();
    o.now = [] { return qint64(1763900000000); }; // 2025-11-23, so "not in the future" is stable
    return o;
}

inline QString chiFor(const QDate &dob, int serial)
{
    QString base =
        dob.toString(QStringLiteral("ddMMyy")) + QStringLiteral("%1").arg(serial % 1000, 3, 10, QLatin1Char('0'));
    for (int bump = 0; bump < 10; ++bump) {
        int sum = 0;
        for (int i = 0; i < 9; ++i)
            sum += base[i].digitValue() * (10 - i);
        int check = 11 - sum % 11;
        if (check == 11)
            check = 0;
        if (check != 10)
            return base + QString::number(check);
        base[8] = QChar(u'0' + (base[8].digitValue() + 1) % 10);
    }
    return {};
}

inline QJsonObject person(const QString &given = QStringLiteral("Morag"),
                          const QString &family = QStringLiteral("MacAlister"))
{
    return QJsonObject{{QStringLiteral("given_name"), given},
                       {QStringLiteral("family_name"), family},
                       {QStringLiteral("date_of_birth"), QStringLiteral("1958-03-14")},
                       {QStringLiteral("chi_number"), chiFor(QDate(1958, 3, 14), 123)},
                       {QStringLiteral("postcode"), QStringLiteral("G3 3RX")},
                       {QStringLiteral("cancer_site"), QStringLiteral("lung")},
                       {QStringLiteral("consent_share_gp"), true}};
}

// Executes raw SQL against a store's database file, as an attacker with the files would.
inline void rawSql(const QString &dir, const QByteArray &sql)
{
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open((dir + QStringLiteral("/hearth.db")).toUtf8().constData(), &db), SQLITE_OK);
    char *err = nullptr;
    const int rc = sqlite3_exec(db, sql.constData(), nullptr, nullptr, &err);
    sqlite3_close(db);
    QVERIFY2(rc == SQLITE_OK, err ? err : "sqlite error");
}

inline QString hearthctl()
{
    return QStringLiteral(HEARTHCTL_PATH);
}

struct CtlResult {
    int code = -1;
    QByteArray out;
    QByteArray err;
};

// Runs hearthctl as a real child process, as administrators and other tests do.
inline CtlResult ctl(const QString &store, const QStringList &args, const QByteArray &passcode = "correct horse",
                     const QProcessEnvironment &extra = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HEARTH_PASSCODE"), QString::fromUtf8(passcode));
    for (const QString &k : extra.keys())
        env.insert(k, extra.value(k));
    p.setProcessEnvironment(env);
    p.start(hearthctl(), QStringList{QStringLiteral("--store"), store} + args);
    p.waitForFinished(120000);
    return CtlResult{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                     p.readAllStandardError()};
}

} // namespace hearth::test
