#pragma once

#include "result.h"

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <functional>
#include <optional>

namespace hearth {

class ReferenceData;

enum class FieldKind {
    Text,    // free text, bounded length
    Date,    // YYYY-MM-DD
    Integer, // whole number within [min, max]
    Money,   // amount in pounds, at most two decimals, within [min, max]
    Boolean,
    Enum,            // one of `values`
    Ref,             // id of a live record of `refType` belonging to the same person
    Chi,             // Scottish CHI number
    Nhs,             // NHS number
    Postcode,        // UK postcode
    Eq5dState,       // five digits, each a level of the instrument named by field `instrument`
    ChecklistDomain, // a domain id of the loaded HNA checklist
    ChecklistItem,   // an item id of the loaded HNA checklist (in the record's `domain`)
    Organisation,    // an organisation id from the directory
    Derived,         // computed by the write layer; never accepted from input
};

struct FieldSpec {
    QString name;
    FieldKind kind = FieldKind::Text;
    bool required = false;
    QStringList values;  // Enum
    double min = 0;      // Integer, Money
    double max = 0;      // Integer, Money
    int maxLength = 200; // Text
    QString refType;     // Ref
    bool past = false;   // Date: the date of something that happened, so not in the future
};

// A record another field refers to, as validation sees it.
struct RecordView {
    QString type;
    QString personId;
    QJsonObject values;
};

// What validation may consult beyond the record itself.
struct ValidationContext {
    std::function<std::optional<RecordView>(const QString &id)> lookup;
    const ReferenceData *reference = nullptr;
    QDate today = QDate::currentDate();
    // True when the record is being created: rules about how a record starts (the checklist in
    // use) apply then, not to every later edit of an old record.
    bool creating = false;
};

using CrossFieldRule =
    std::function<void(const ValidationContext &, const QJsonObject &values, QList<FieldError> &errors)>;

// One schema definition per record type (DOMAIN.md).
struct RecordSchema {
    QString type;
    bool appendOnly = false; // visit notes: never edited or deleted once written
    QList<FieldSpec> fields;
    CrossFieldRule rules;

    [[nodiscard]] const FieldSpec *field(const QString &name) const;
};

namespace schema {

[[nodiscard]] const RecordSchema *find(const QString &type);
[[nodiscard]] QStringList types();

// Checks a record's complete state (after the proposed change). `personId` is the record's owner;
// empty for a new person (whose id is their own). Returns every problem, not just the first.
[[nodiscard]] QList<FieldError> validate(const RecordSchema &s, const QJsonObject &values, const QString &personId,
                                         const ValidationContext &ctx);
// Puts what people type into stored form: trims text, "g42 7xy" -> "G42 7XY", spaces out of CHI numbers.
[[nodiscard]] QJsonObject normalise(const RecordSchema &s, const QJsonObject &input);
// Rejects derived and unknown fields in what a caller supplied.
[[nodiscard]] QList<FieldError> checkInputFields(const RecordSchema &s, const QJsonObject &input);
// Fills derived fields (deprivation from postcode, EQ-5D index) from reference data.
void derive(const RecordSchema &s, QJsonObject &values, const ReferenceData *reference);

} // namespace schema
} // namespace hearth
