#pragma once

#include <QByteArray>
#include <QString>
#include <QtEndian>

#include <cstring>

// Appending CBOR items to a QByteArray directly, in the shortest form QCborStreamWriter and
// QCborValue::toCbor() use, so the bytes are the same as theirs. Messages and record states with
// thousands of items are written this way: QCborStreamWriter goes through a QIODevice per item.
namespace hearth::cbor {

// A head (major type and argument), e.g. a map's size or an integer.
inline void head(QByteArray &out, quint8 major, quint64 n)
{
    const auto type = char(major << 5);
    if (n < 24) {
        out += char(type | char(n));
        return;
    }
    int bytes = 8;
    char info = 27;
    if (n <= 0xff) {
        bytes = 1;
        info = 24;
    } else if (n <= 0xffff) {
        bytes = 2;
        info = 25;
    } else if (n <= 0xffffffffu) {
        bytes = 4;
        info = 26;
    }
    out += char(type | info);
    for (int i = bytes - 1; i >= 0; --i)
        out += char((n >> (8 * i)) & 0xff);
}

inline void text(QByteArray &out, const QString &s)
{
    const QByteArray u = s.toUtf8();
    head(out, 3, quint64(u.size()));
    out += u;
}

inline void integer(QByteArray &out, qint64 n)
{
    if (n >= 0)
        head(out, 0, quint64(n));
    else
        head(out, 1, quint64(-1 - n));
}

// A double-precision float, as QCborStreamWriter::append(double) writes it.
inline void float64(QByteArray &out, double d)
{
    quint64 bits = 0;
    std::memcpy(&bits, &d, sizeof bits);
    out += char(0xfb);
    const quint64 be = qToBigEndian(bits);
    out.append(reinterpret_cast<const char *>(&be), sizeof be);
}

inline void boolean(QByteArray &out, bool b)
{
    out += char(b ? 0xf5 : 0xf4);
}

inline void null(QByteArray &out)
{
    out += char(0xf6);
}

} // namespace hearth::cbor
