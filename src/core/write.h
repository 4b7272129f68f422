#pragma once

#include "result.h"

#include <QJsonObject>
#include <QString>

namespace hearth {

// The pseudo-field whose value (true/false) says whether a record is deleted.
inline const QString DeletedField = QStringLiteral("_deleted");

// One change to one record, as appended to the revision log (DESIGN.md §2).
// Identity is (device, seq); `hlc` is unique too and is what `parents` refer to.
struct Write {
    QString device;
    qint64 seq = 0;
    QString hlc;
    QString recordId;
    QString type;
    QString personId;
    QJsonObject values;  // field -> new value
    QJsonObject parents; // field -> [hlc, ...] the author saw as that field's current value(s)
    // encodePayload() as it arrived in a push or pull body (or as a push reads it from the log), so
    // storing or sending the write does not encode it again; empty when not kept. Whoever changes
    // values or parents clears it.
    QByteArray encoded;

    // The encrypted part of a log entry (values and parents: everything that may describe a
    // person), as compact CBOR; decodePayload() also reads the JSON form older stores hold.
    [[nodiscard]] QByteArray encodePayload() const;
    Status decodePayload(const QByteArray &bytes);
    [[nodiscard]] QJsonObject toJson() const;
    static Result<Write> fromJson(const QJsonObject &o);
    // Structural checks on a write from outside (ids, clocks, parents): Corrupt when malformed.
    [[nodiscard]] Status check() const;
};

} // namespace hearth
