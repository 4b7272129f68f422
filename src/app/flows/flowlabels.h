#pragma once

#include <QString>
#include <QVariantList>

namespace hearth {

// Translated words for the stored codes of enumerations (owners, statuses, sources...). The codes
// and which ones a field allows come from the schema in hearth_core; only their wording is here.
namespace flowlabels {

// The label for one stored code, e.g. "clinical_nurse_specialist" -> "Clinical nurse specialist".
[[nodiscard]] QString label(const QString &code);
// The allowed values of an enumeration field as [{value, label}], in the schema's order.
[[nodiscard]] QVariantList options(const QString &type, const QString &field);
// [{value, label}] for a list of codes.
[[nodiscard]] QVariantList optionsFor(const QStringList &codes);

} // namespace flowlabels
} // namespace hearth
