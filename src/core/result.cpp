#include "result.h"

namespace hearth {

QString Error::toString() const
{
    QString out = message;
    for (const FieldError &f : fields)
        out += QStringLiteral("\n  %1: %2").arg(f.field, f.message);
    return out;
}

} // namespace hearth
