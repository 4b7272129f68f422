#pragma once

#include <QDate>
#include <QJsonObject>
#include <QString>

#include <optional>

// Reading typed fields out of a record's values, shared by the documents (internal to hearth_documents).
namespace hearth::documents::fields {

// The text of `field`, or an empty string when it is absent or not text.
inline QString text(const QJsonObject &v, const char *field)
{
    return v.value(QLatin1String(field)).toString();
}

// The date of `field` (YYYY-MM-DD), or an invalid date.
inline QDate date(const QJsonObject &v, const char *field)
{
    return QDate::fromString(text(v, field), Qt::ISODate);
}

// The whole number of `field`, or nullopt when it is absent (a score not given is not a zero).
inline std::optional<int> integer(const QJsonObject &v, const char *field)
{
    const QJsonValue x = v.value(QLatin1String(field));
    return x.isDouble() ? std::optional<int>(x.toInt()) : std::nullopt;
}

} // namespace hearth::documents::fields
