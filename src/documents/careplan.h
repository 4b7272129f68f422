#pragma once

#include "referencedata.h"
#include "result.h"

#include <QDate>
#include <QHashFunctions>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

namespace hearth {

class Store;

namespace documents {

// The kinds of professional the person's record holds a sharing consent for: one boolean field on the person
// (consent_share_gp, ...) per kind. The schema has no per-named-professional consent, so a consent covers every
// professional of its kind (see shareWith()); a plan_share record (one per kind) notes that a copy was given, and the
// core refuses one without that consent.
enum class ProfessionalKind { Gp, ClinicalNurseSpecialist, Housing, SocialWork, WelfareRights, ThirdSector };
// Qt 6.4 has no qHash for scoped enums; QSet<ProfessionalKind> needs one.
inline size_t qHash(ProfessionalKind kind, size_t seed = 0) noexcept
{
    return ::qHash(int(kind), seed);
}

// One concern of the plan's assessment, its checklist labels resolved.
struct PlanConcern {
    QString item;                    // checklist item id, never printed for the person
    QString label;                   // checklist label, e.g. "Money or housing"
    QString domainLabel;             // e.g. "Practical"
    int score = 0;                   // 0-10 at the plan's assessment
    std::optional<int> initialScore; // at the initial assessment, when the plan's assessment follows one
    int rank = 0;                    // 1 = talk about first; 0 = not ranked
    QString discussed;               // what was discussed, in the person's words
};

// One agreed action: who does what by when.
struct PlanAction {
    QString concernItem; // the checklist item it answers, or empty
    QString action;
    QString owner;     // the schema's owner value: person, link_worker, gp, clinical_nurse_specialist, ...
    QString ownerName; // e.g. "Dr Rao"; may be empty
    QDate due;
    QString status; // planned, in_progress or done (not_needed actions are left out of the plan)
    QString outcome;
};

// One onward referral still in play (made, accepted or completed).
struct PlanReferral {
    QString concernItem;
    Organisation organisation; // from the directory; name empty when the directory no longer lists it
    QDate date;
    QString status;
};

// A person's agreed care plan gathered from the store, so that rendering never touches the store.
struct CarePlan {
    QString personId;
    QString givenName;
    QString familyName;
    QString preferredName;
    QDate dateOfBirth;
    QString chiNumber;
    QString nhsNumber;
    QString linkWorkerId;               // a user id: never printed
    QSet<ProfessionalKind> consentedTo; // kinds whose consent field is explicitly true
    QString assessmentKind;             // initial, review or closing: the agreed plan's HNA
    QDate assessmentDate;
    QDate initialDate; // the initial HNA the plan's assessment follows (= assessmentDate for an initial)
    std::optional<int> overallDistress;
    QList<PlanConcern> concerns;   // ranked first (by rank), then by score, highest first
    QList<PlanAction> actions;     // by due date, undated last
    QList<PlanReferral> referrals; // by date

    // The name to address the person by: preferred name if recorded, else the given name, then the family name.
    [[nodiscard]] QString displayName() const;
    // The label of a concern item in this plan, or the item id made readable when the checklist lacks it.
    [[nodiscard]] QString concernLabel(const QString &item) const;
};

// Who a professional copy is for.
struct Recipient {
    ProfessionalKind kind = ProfessionalKind::Gp;
    QString name;           // a named professional (from an action's owner_name), printed as the addressee
    QString organisationId; // set when the copy is for one directory organisation
    QString organisationName;

    // "Dr Rao (GP)", "Glenhaven Housing Support" or "GP".
    [[nodiscard]] QString addressee() const;
};

// Reads personId's agreed care plan from the store: the person's care_plan record with status agreed (the latest by
// agreed date) and its assessment (HNA) with its concerns, plus their live care actions (not "not needed") and onward
// referrals still in play. A draft plan, or a completed assessment nobody agreed a plan for, is no agreed plan.
// Errors: NotFound for an unknown or deleted person, when there is no agreed care_plan record or it has no live
// action; Conflict when any record the plan is built from has unresolved conflicting edits (a consent or an action that
// two devices changed differently must be settled before anything is printed). Call on the store's thread.
[[nodiscard]] Result<CarePlan> loadCarePlan(const Store &store, const ReferenceData &reference,
                                            const QString &personId);

// The person field holding consent for `kind`, e.g. "consent_share_gp".
[[nodiscard]] QString consentField(ProfessionalKind kind);
// A short readable name for `kind`: "GP", "clinical nurse specialist", "housing", ...
[[nodiscard]] QString kindLabel(ProfessionalKind kind);
// The command-line / API id of `kind`: gp, clinical_nurse_specialist, housing, social_work, welfare_rights,
// third_sector.
[[nodiscard]] QString kindId(ProfessionalKind kind);
// The kind a care action's owner value belongs to; nullopt for the person, their family, the link worker, other.
[[nodiscard]] std::optional<ProfessionalKind> kindOfOwner(const QString &owner);
// The kind whose consent covers a directory category. Categories without a field of their own that the directory
// fills with voluntary organisations count as third sector; "health" (NHS clinics) has no consent field: nullopt.
[[nodiscard]] std::optional<ProfessionalKind> kindOfCategory(const QString &category);

// Works out who `nameOrKind` is: a kind id (or an owner value such as housing_officer, or "cns"), a directory
// organisation's id or exact name, or the owner_name of one of the plan's actions. Usage error when it is none of
// these, or names professionals of different kinds; Validation error for an organisation no consent field covers.
[[nodiscard]] Result<Recipient> resolveRecipient(const QString &nameOrKind, const CarePlan &plan,
                                                 const ReferenceData &reference);

// The part of `plan` that may go to `recipient`: the consent rules of Hearth's professional copy.
//  1. The person's consent field for the recipient's kind must be explicitly true; absent or false is a Validation
//     error naming that field, and nothing is made (even a "nothing is shared" page would tell the recipient that
//     the person is supported by a cancer service, which is itself what they did not agree to share).
//  2. GP and clinical nurse specialist (the clinical team) receive the whole plan. Other kinds receive only what
//     involves them (Caldicott: minimum necessary): actions their kind owns, referrals to organisations of their
//     kind (to that one organisation for an organisation's copy), and the concerns those answer. When nothing in
//     the plan involves them, NotFound: no copy is made.
//  3. Never in a professional copy: the person's own words about a concern, action outcomes (free text written for
//     the record, not agreed for sharing), contact details of the person, and anything outside the plan (notes,
//     money, outcome measures, deprivation).
[[nodiscard]] Result<CarePlan> shareWith(const CarePlan &plan, const Recipient &recipient);

} // namespace documents
} // namespace hearth
