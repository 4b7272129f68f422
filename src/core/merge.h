#pragma once

#include "write.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QStringList>

#include <functional>
#include <optional>

namespace hearth {

// One write that is a current value (a head) of a field.
struct Head {
    QString hlc;
    QJsonValue value;
    QJsonObject seen; // for `_deleted` heads only: the delete's parents (what the deleter had seen)
};

// Merge state of one field: its heads (greatest clock first) and the clocks that some write
// named as a parent before the write itself arrived, so a late ancestor never becomes a head.
struct FieldState {
    QList<Head> heads;
    QStringList pending;

    // Heads that all carry one value (two people made the same change) are not a conflict.
    [[nodiscard]] bool inConflict() const;
    [[nodiscard]] QStringList headClocks() const;
};

// A conflict a person must see: the field and its competing heads, winner first.
// For an edit-vs-delete conflict `field` is the edited field and `deleteClock` the delete.
struct Conflict {
    QString field;
    QList<Head> heads;
    QString deleteClock;
};

// The current state of a record, a pure function of the set of writes applied to it.
class RecordState
{
public:
    QString id;
    QString type;
    QString personId;
    QMap<QString, FieldState> fields;

    // Applies one write. `seen(hlc)` answers whether a write with that clock was applied to this
    // record before. Idempotence against re-delivery is the caller's job (it checks the write id).
    void apply(const Write &w, const std::function<bool(const QString &)> &seen);

    [[nodiscard]] bool isDeleted() const;
    // Winning value of each field (the head with the greatest clock); `_deleted` excluded.
    [[nodiscard]] QJsonObject values() const;
    [[nodiscard]] QJsonValue value(const QString &field) const;
    [[nodiscard]] QList<Conflict> conflicts() const;
    // !conflicts().isEmpty(), without building the list for a live record.
    [[nodiscard]] bool hasConflicts() const;

    // Parents a new local edit of `field` declares: the heads holding the winning value only, so
    // an ordinary edit never silently resolves a conflict.
    [[nodiscard]] QJsonArray editParents(const QString &field) const;
    // Parents a resolution of `field` declares: every head.
    [[nodiscard]] QJsonArray resolveParents(const QString &field) const;

    [[nodiscard]] QJsonObject toJson() const;
    static Result<RecordState> fromJson(const QJsonObject &o);
    // Compact CBOR form stored (encrypted) in the database; decode() also reads the JSON form of
    // stores written before CBOR was used.
    [[nodiscard]] QByteArray encode() const;
    static Result<RecordState> decode(const QByteArray &bytes);
    // Canonical export form: values, deletion, and every conflict with all its heads.
    [[nodiscard]] QJsonObject exportJson() const;

private:
    // values() is asked for repeatedly during validation; apply() clears this.
    mutable std::optional<QJsonObject> m_values;
};

} // namespace hearth
