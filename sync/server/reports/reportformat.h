#pragma once

#include <QByteArray>
#include <QJsonObject>

// The report's two output forms (REPORTS.md, "CSV"): JSON as built, and CSV with one row per
// value, so a spreadsheet user gets exactly the figures of the JSON.
namespace hearth::server::reports {

// The report as JSON text; `indented` for people, compact for the wire.
[[nodiscard]] QByteArray toJson(const QJsonObject &report, bool indented);
// The report as CSV: header `section,figure,key,label,value`, one row per value, RFC 4180 quoting.
[[nodiscard]] QByteArray toCsv(const QJsonObject &report);

} // namespace hearth::server::reports
