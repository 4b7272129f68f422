#pragma once

#include <QDate>
#include <QString>

namespace hearth::ids {

// A new random (v4) UUID in lower case without braces: the form every record id takes.
[[nodiscard]] QString newUuid();
[[nodiscard]] bool isUuid(const QString &s);

// NHS (England/Wales) and CHI (Scotland) numbers share the modulus-11 check digit.
// Returns an empty string when valid, otherwise what is wrong.
[[nodiscard]] QString checkNhsNumber(const QString &digits);
// CHI adds a DDMMYY date of birth in the first six digits.
[[nodiscard]] QString checkChiNumber(const QString &digits);
// Strips the spaces people type ("010 190 1234" -> "0101901234").
[[nodiscard]] QString normaliseNumber(const QString &s);
// The date a CHI number encodes, given the century-resolving date of birth if known.
[[nodiscard]] bool chiMatchesDateOfBirth(const QString &chi, const QDate &dob);

} // namespace hearth::ids
