#pragma once

#include "result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

// Read-only reference data shipped in assets/: the HNA checklist, the organisation directory, EQ-5D value sets
// and postcode deprivation look-ups. Every file is versioned JSON (or a CSV named by a JSON manifest) with a
// "format" id and "format_version", so a deployment can swap files without code changes. Loading validates
// everything up front; a malformed file is ErrorCode::Corrupt naming the file and the entry, a missing one is
// ErrorCode::NotFound, a file from a newer format version is ErrorCode::Unsupported.

namespace hearth {

// One concern on the checklist; `id` is a stable lower_snake_case slug that assessments and care plans store.
struct ChecklistItem {
    QString id;
    QString label;
};

struct ChecklistDomain {
    QString id;
    QString label;
    bool configurable = false; // the service chooses these items (lifestyle/information)
    QList<ChecklistItem> items;
};

// A versioned HNA concerns checklist. Item ids are unique across all domains, so an item names its domain.
class Checklist
{
public:
    Checklist() = default;

    // Reads and validates a checklist file.
    static Result<Checklist> load(const QString &path);
    // Parses checklist JSON; `source` names the data in error messages.
    static Result<Checklist> fromJson(const QByteArray &json, const QString &source = {});

    // The checklist id (e.g. "hna-2024.1"), stored with every assessment so old ones stay readable.
    [[nodiscard]] QString id() const { return m_id; }
    // The publisher's version of the content (e.g. "2024.1").
    [[nodiscard]] QString version() const { return m_version; }
    // A heading for display; may be empty.
    [[nodiscard]] QString title() const { return m_title; }
    // True when the file says its content is sample or fictional.
    [[nodiscard]] bool isSample() const { return m_sample; }
    // Domains in display order.
    [[nodiscard]] QList<ChecklistDomain> domains() const { return m_domains; }
    // The domain with this id, or nullptr.
    [[nodiscard]] const ChecklistDomain *domain(const QString &id) const;
    // True if `item` is on the checklist and belongs to `domain`.
    [[nodiscard]] bool hasItem(const QString &domain, const QString &item) const;
    // The id of the domain holding `item`, or an empty string for an unknown item.
    [[nodiscard]] QString domainOf(const QString &item) const;
    // The label of `item`, or an empty string for an unknown item.
    [[nodiscard]] QString itemLabel(const QString &item) const;
    // Number of items over all domains.
    [[nodiscard]] int itemCount() const { return int(m_itemIndex.size()); }

private:
    QString m_id;
    QString m_version;
    QString m_title;
    bool m_sample = false;
    QList<ChecklistDomain> m_domains;
    QHash<QString, std::pair<int, int>> m_itemIndex; // item id -> (domain index, item index)
};

// One entry of the organisation directory, the target of onward referrals.
struct Organisation {
    QString id; // stable slug such as "org-0001"; referrals store it
    QString name;
    QString category;  // one of Directory::knownCategories()
    QStringList areas; // from Directory::knownAreas()
    QString address;
    QString postcode; // normalised, see DeprivationLookup::normalisePostcode()
    QString phone;
    QString email;
    QString website;
    QString description;
    QStringList needs; // checklist item ids the organisation helps with
    bool acceptsSelfReferral = false;
};

// The organisation directory: updated centrally, shipped as data.
class Directory
{
public:
    Directory() = default;

    // Reads and validates a directory file.
    static Result<Directory> load(const QString &path);
    // Parses directory JSON; `source` names the data in error messages.
    static Result<Directory> fromJson(const QByteArray &json, const QString &source = {});

    // The categories an organisation may have, in display order.
    static QStringList knownCategories();
    // The service areas an organisation may cover; "city_wide" covers all the others.
    static QStringList knownAreas();

    // The directory's id and version, shown where referrals are reported.
    [[nodiscard]] QString id() const { return m_id; }
    [[nodiscard]] QString version() const { return m_version; }
    // True for the shipped fictional directory: a deployment must replace it.
    [[nodiscard]] bool isSample() const { return m_sample; }
    // All organisations in file order.
    [[nodiscard]] QList<Organisation> organisations() const { return m_organisations; }
    // The organisation with this id, or nullptr; valid while this Directory lives.
    [[nodiscard]] const Organisation *find(const QString &id) const;
    // The categories that have at least one organisation, in knownCategories() order.
    [[nodiscard]] QStringList categories() const;
    // Organisations whose name contains `text` (case-insensitive) and that match every non-empty filter, in file
    // order. An organisation covering "city_wide" matches any area.
    [[nodiscard]] QList<Organisation> search(const QString &text, const QString &category = {},
                                             const QString &area = {}, const QString &need = {}) const;

private:
    QString m_id;
    QString m_version;
    bool m_sample = false;
    QList<Organisation> m_organisations;
    QHash<QString, qsizetype> m_byId;
};

// An EQ-5D value set: turns a health state such as "12345" into an index (utility).
//   index = full_health + sum of decrements[dimension][level - 1]
//           - constant (if any dimension is above level 1) - n3 (if any dimension is at level 3)
// Decrements are the published signed coefficients (level 1 = 0, others <= 0). constant and n3 are optional
// positive amounts (0 if absent) for sets built like the UK 3L set (Dolan 1997). Optional "checks" in the file
// (state and published index) are verified on load, which catches transcription errors in a dropped-in set.
class ValueSet
{
public:
    ValueSet() = default;

    // Reads and validates a value set file.
    static Result<ValueSet> load(const QString &path);
    // Parses value set JSON; `source` names the data in error messages.
    static Result<ValueSet> fromJson(const QByteArray &json, const QString &source = {});

    // The five dimensions' ids in EQ-5D order (mobility first).
    static QStringList dimensionIds();

    // Stored with every computed index so it can be recomputed or compared later.
    [[nodiscard]] QString id() const { return m_id; }
    [[nodiscard]] QString version() const { return m_version; }
    // "EQ-5D-5L" or "EQ-5D-3L".
    [[nodiscard]] QString instrument() const { return m_instrument; }
    // 3 or 5; 0 for a default-constructed set, whose index() always fails.
    [[nodiscard]] int levels() const { return m_levels; }
    // Provenance, shown beside reported indices.
    [[nodiscard]] QString country() const { return m_country; }
    [[nodiscard]] QString method() const { return m_method; }
    [[nodiscard]] QString citation() const { return m_citation; }
    // True for test fixtures that must never feed a report.
    [[nodiscard]] bool isSample() const { return m_sample; }
    // The index of a state of five digits, each 1..levels(); ErrorCode::Validation for anything else. Unrounded:
    // callers round for display.
    [[nodiscard]] Result<double> index(const QString &state) const;

private:
    QString m_id;
    QString m_version;
    QString m_instrument;
    int m_levels = 0;
    QString m_country;
    QString m_method;
    QString m_citation;
    bool m_sample = false;
    double m_fullHealth = 1.0;
    double m_constant = 0.0;
    double m_n3 = 0.0;
    QList<QList<double>> m_decrements; // [dimension][level - 1]
};

// A postcode's deprivation under one index. Whatever the source file's coding, rank 1, decile 1 and quintile 1
// are the most deprived. `index` and `version` are filled even when the postcode is unknown, so the caller can
// store "unknown under SIMD 2020v2".
struct Deprivation {
    QString index;
    QString version;
    int rank = 0;
    int decile = 0;
    int quintile = 0;
    QString dataZone;
    bool known = false;
};

// Postcode -> deprivation look-up, read from a published CSV described by a JSON manifest (which names the file,
// its columns and its coding). Holds about 16 bytes per postcode; indices of up to 65,535 areas are supported
// (SIMD has 6,976 data zones, IMD 2019 32,844 LSOAs).
class DeprivationLookup
{
public:
    DeprivationLookup() = default;

    // Reads the manifest and streams the CSV it names (path relative to the manifest). A bad row is
    // ErrorCode::Corrupt naming its line.
    static Result<DeprivationLookup> load(const QString &manifestPath);

    // The deprivation of `postcode` in any spacing or case; known = false if it is not in the file (never a guess).
    [[nodiscard]] Deprivation lookup(const QString &postcode) const;
    // Upper case with one space before the 3-character inward code ("g427xy" -> "G42 7XY"); empty if the text
    // cannot be a UK postcode.
    static QString normalisePostcode(const QString &postcode);

    // The index and its version (e.g. "SIMD", "2020v2"), stored with every derived value.
    [[nodiscard]] QString index() const { return m_index; }
    [[nodiscard]] QString version() const { return m_version; }
    // The number of areas ranked (the largest possible rank).
    [[nodiscard]] int dataZones() const { return m_dataZones; }
    // The licence and attribution text to show wherever derived values are displayed or exported.
    [[nodiscard]] QString licence() const { return m_licence; }
    // True for the shipped fictional sample: a deployment must replace it.
    [[nodiscard]] bool isSample() const { return m_sample; }
    // Number of postcodes held.
    [[nodiscard]] int size() const { return int(m_entries.size()); }

private:
    // Invariant: m_entries is sorted by key with no duplicate keys.
    struct Entry {
        quint64 key; // the postcode's characters without the space, packed one per byte
        quint16 rank;
        quint16 zone; // index into m_zones
        quint8 decile;
        quint8 quintile;
    };

    QString m_index;
    QString m_version;
    QString m_licence;
    int m_dataZones = 0;
    bool m_sample = false;
    QStringList m_zones;
    QList<Entry> m_entries;
};

// The reference data a running app uses, loaded from assets/manifest.json, which names the default file for each
// role (checklist, directory, value_set, value_set_3l, deprivation) relative to the assets directory.
class ReferenceData
{
public:
    // Loads every file the manifest names, then checks them against each other (every organisation's needs must
    // be checklist items; value_set_3l must have 3 levels).
    static Result<ReferenceData> loadDefault(const QString &assetsDir);

    // The HNA checklist in use.
    [[nodiscard]] const Checklist &checklist() const { return m_checklist; }
    // The organisation directory for onward referrals.
    [[nodiscard]] const Directory &directory() const { return m_directory; }
    // The value set used for reported EQ-5D indices.
    [[nodiscard]] const ValueSet &valueSet() const { return m_valueSet; }
    // The 3L set for mapping 5L responses, or nullptr if the manifest names none.
    [[nodiscard]] const ValueSet *valueSet3L() const { return m_valueSet3L ? &*m_valueSet3L : nullptr; }
    // The postcode deprivation look-up.
    [[nodiscard]] const DeprivationLookup &deprivation() const { return m_deprivation; }

private:
    ReferenceData() = default;

    Checklist m_checklist;
    Directory m_directory;
    ValueSet m_valueSet;
    std::optional<ValueSet> m_valueSet3L;
    DeprivationLookup m_deprivation;
};

} // namespace hearth
