#include "identifiers.h"

#include <QRegularExpression>
#include <QUuid>

namespace hearth::ids {

QString newUuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

bool isUuid(const QString &s)
{
    static const QRegularExpression re(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    return re.match(s).hasMatch();
}

QString normaliseNumber(const QString &s)
{
    QString out;
    for (QChar c : s)
        if (!c.isSpace() && c != QLatin1Char('-'))
            out += c;
    return out;
}

QString checkNhsNumber(const QString &digits)
{
    if (digits.size() != 10)
        return QStringLiteral("must be 10 digits");
    int sum = 0;
    for (int i = 0; i < 10; ++i) {
        if (!digits[i].isDigit() || digits[i].unicode() > '9')
            return QStringLiteral("must contain digits only");
        if (i < 9)
            sum += digits[i].digitValue() * (10 - i);
    }
    int check = 11 - (sum % 11);
    if (check == 11)
        check = 0;
    if (check == 10)
        return QStringLiteral("is not a valid number (no check digit is possible)");
    if (check != digits[9].digitValue())
        return QStringLiteral("check digit does not match (mistyped?)");
    return {};
}

QString checkChiNumber(const QString &digits)
{
    const QString base = checkNhsNumber(digits);
    if (!base.isEmpty())
        return base;
    const int d = digits.mid(0, 2).toInt(), m = digits.mid(2, 2).toInt(), y = digits.mid(4, 2).toInt();
    if (!QDate::isValid(2000 + y, m, d) && !QDate::isValid(1900 + y, m, d))
        return QStringLiteral("first six digits must be a date of birth (DDMMYY)");
    return {};
}

bool chiMatchesDateOfBirth(const QString &chi, const QDate &dob)
{
    return chi.size() >= 6 && dob.isValid() && chi.left(6) == dob.toString(QStringLiteral("ddMMyy"));
}

} // namespace hearth::ids
