#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QTest>

// Small helpers shared by the end-to-end sync suites.
namespace hearth::test {

// Stops the test function when a helper it called has failed.
#define CHECKED(expr)                                                                                                  \
    do {                                                                                                               \
        expr;                                                                                                          \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)

inline QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes.trimmed()).object();
}

inline QList<QJsonObject> linesOf(const QByteArray &bytes)
{
    QList<QJsonObject> out;
    for (const QByteArray &l : bytes.split('\n'))
        if (!l.trimmed().isEmpty())
            out << QJsonDocument::fromJson(l).object();
    return out;
}

inline QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace hearth::test
