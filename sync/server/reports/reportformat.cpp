#include "reportformat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

namespace hearth::server::reports {

namespace {

QByteArray field(const QString &s)
{
    QByteArray b = s.toUtf8();
    if (b.contains(',') || b.contains('"') || b.contains('\n') || b.contains('\r')) {
        b.replace('"', "\"\"");
        b = '"' + b + '"';
    }
    return b;
}

QString scalar(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Double:
        // Shortest text that reads back as the same double: the CSV loses nothing.
        return QString::number(v.toDouble(), 'g', QLocale::FloatingPointShortest);
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::String:
        return v.toString();
    default:
        return {};
    }
}

struct Csv {
    QByteArray out;
    void row(const QString &section, const QString &figure, const QString &key, const QString &label,
             const QString &value)
    {
        out +=
            field(section) + ',' + field(figure) + ',' + field(key) + ',' + field(label) + ',' + field(value) + "\r\n";
    }
    // Every leaf of `o` under `section`; rows of a breakdown carry their key and label in columns.
    void object(const QString &section, const QJsonObject &o, const QString &key = {}, const QString &label = {})
    {
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!key.isEmpty() && (it.key() == QLatin1String("key") || it.key() == QLatin1String("label")))
                continue;
            const QString path = section.isEmpty() ? it.key() : section + QLatin1Char('.') + it.key();
            const QJsonValue v = it.value();
            if (v.isObject()) {
                object(path, v.toObject(), key, label);
            } else if (v.isArray()) {
                const QJsonArray a = v.toArray();
                int i = 0;
                for (const QJsonValue &e : a) {
                    if (e.isObject() && e.toObject().contains(QLatin1String("key"))) {
                        const QJsonObject r = e.toObject();
                        object(path, r, r.value(QLatin1String("key")).toString(),
                               r.value(QLatin1String("label")).toString());
                    } else {
                        // A plain list (ci95, caseloads): its position names the value.
                        row(section, it.key() + QLatin1Char('.') + QString::number(i), key, label, scalar(e));
                    }
                    ++i;
                }
            } else {
                row(section, it.key(), key, label, scalar(v));
            }
        }
    }
};

} // namespace

QByteArray toJson(const QJsonObject &report, bool indented)
{
    return QJsonDocument(report).toJson(indented ? QJsonDocument::Indented : QJsonDocument::Compact);
}

QByteArray toCsv(const QJsonObject &report)
{
    Csv csv;
    csv.row(QStringLiteral("section"), QStringLiteral("figure"), QStringLiteral("key"), QStringLiteral("label"),
            QStringLiteral("value"));
    csv.object({}, report);
    return csv.out;
}

} // namespace hearth::server::reports
