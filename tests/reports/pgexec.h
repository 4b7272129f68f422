#pragma once

#include <QString>

#include <libpq-fe.h>

namespace hearth::test {

// Runs one statement on the PostgreSQL server of `url` (creating or dropping a database of a test
// or benchmark's own); returns the error, empty on success.
inline QString pgExec(const QString &url, const QByteArray &sql)
{
    PGconn *c = PQconnectdb(url.toUtf8().constData());
    QString err;
    if (PQstatus(c) != CONNECTION_OK) {
        err = QString::fromUtf8(PQerrorMessage(c));
    } else {
        PGresult *r = PQexec(c, sql.constData());
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            err = QString::fromUtf8(PQresultErrorMessage(r));
        PQclear(r);
    }
    PQfinish(c);
    return err;
}

} // namespace hearth::test
