#include "schema.h"

#include "identifiers.h"
#include "referencedata.h"

#include <QHash>
#include <QRegularExpression>

#include <cmath>

namespace hearth {

const FieldSpec *RecordSchema::field(const QString &name) const
{
    for (const FieldSpec &f : fields)
        if (f.name == name)
            return &f;
    return nullptr;
}

namespace {

using K = FieldKind;

FieldSpec text(const QString &n, bool req = false, int maxLen = 200)
{
    FieldSpec f{n, K::Text, req};
    f.maxLength = maxLen;
    return f;
}
FieldSpec longText(const QString &n, bool req = false)
{
    return text(n, req, 20000);
}
FieldSpec date(const QString &n, bool req = false)
{
    return FieldSpec{n, K::Date, req};
}
FieldSpec integer(const QString &n, double lo, double hi, bool req = false)
{
    FieldSpec f{n, K::Integer, req};
    f.min = lo;
    f.max = hi;
    return f;
}
FieldSpec money(const QString &n, bool req = false)
{
    FieldSpec f{n, K::Money, req};
    f.min = 0;
    f.max = 10'000'000;
    return f;
}
FieldSpec boolean(const QString &n, bool req = false)
{
    return FieldSpec{n, K::Boolean, req};
}
FieldSpec oneOf(const QString &n, const QStringList &values, bool req = false)
{
    FieldSpec f{n, K::Enum, req};
    f.values = values;
    return f;
}
FieldSpec ref(const QString &n, const QString &type, bool req = false)
{
    FieldSpec f{n, K::Ref, req};
    f.refType = type;
    return f;
}
FieldSpec of(const QString &n, FieldKind k, bool req = false)
{
    return FieldSpec{n, k, req};
}
FieldSpec personRef()
{
    return ref(QStringLiteral("person_id"), QStringLiteral("person"), true);
}

QStringList words(const char *s)
{
    return QString::fromLatin1(s).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

QDate dateOf(const QJsonObject &v, const QString &field)
{
    return QDate::fromString(v.value(field).toString(), Qt::ISODate);
}

// "b must not be before a": reported against b, the field a person would correct.
void notBefore(const QJsonObject &v, const QString &a, const QString &b, const QString &msg, QList<FieldError> &e)
{
    const QDate da = dateOf(v, a), db = dateOf(v, b);
    if (da.isValid() && db.isValid() && db < da)
        e.append({b, msg});
}

void requiredWhen(bool condition, const QJsonObject &v, const QString &field, const QString &msg, QList<FieldError> &e)
{
    const QJsonValue x = v.value(field);
    if (condition && (x.isUndefined() || x.isNull()))
        e.append({field, msg});
}

const QStringList kCancerSites = words("lung breast prostate bowel haematological upper_gi head_and_neck "
                                       "gynaecological urological skin brain other");
const QStringList kOwners = words("person link_worker gp clinical_nurse_specialist housing_officer "
                                  "welfare_rights_officer social_worker family_member other");

QList<RecordSchema> buildSchemas()
{
    QList<RecordSchema> out;

    RecordSchema person{QStringLiteral("person")};
    person.fields = {
        text(QStringLiteral("given_name"), true, 100),
        text(QStringLiteral("family_name"), true, 100),
        text(QStringLiteral("preferred_name"), false, 100),
        date(QStringLiteral("date_of_birth"), true),
        of(QStringLiteral("chi_number"), K::Chi),
        of(QStringLiteral("nhs_number"), K::Nhs),
        oneOf(QStringLiteral("sex"), words("female male other not_stated")),
        longText(QStringLiteral("address")),
        of(QStringLiteral("postcode"), K::Postcode),
        text(QStringLiteral("phone"), false, 40),
        text(QStringLiteral("diagnosis"), false, 200),
        oneOf(QStringLiteral("cancer_site"), kCancerSites),
        date(QStringLiteral("diagnosis_date")),
        oneOf(QStringLiteral("stage_of_care"),
              words("newly_diagnosed in_treatment post_treatment living_with_cancer palliative end_of_life")),
        text(QStringLiteral("link_worker"), false, 64),
        text(QStringLiteral("caseload"), false, 64),
        boolean(QStringLiteral("consent_to_contact")),
        boolean(QStringLiteral("consent_share_gp")),
        boolean(QStringLiteral("consent_share_clinical_nurse_specialist")),
        boolean(QStringLiteral("consent_share_housing")),
        boolean(QStringLiteral("consent_share_social_work")),
        boolean(QStringLiteral("consent_share_welfare_rights")),
        boolean(QStringLiteral("consent_share_third_sector")),
        of(QStringLiteral("deprivation_index"), K::Derived),
        of(QStringLiteral("deprivation_version"), K::Derived),
        of(QStringLiteral("deprivation_rank"), K::Derived),
        of(QStringLiteral("deprivation_decile"), K::Derived),
        of(QStringLiteral("deprivation_quintile"), K::Derived),
    };
    person.rules = [](const ValidationContext &ctx, const QJsonObject &v, QList<FieldError> &e) {
        const QDate dob = dateOf(v, QStringLiteral("date_of_birth"));
        if (dob.isValid() && dob.year() < 1900)
            e.append({QStringLiteral("date_of_birth"), QStringLiteral("must be after 1900")});
        notBefore(v, QStringLiteral("date_of_birth"), QStringLiteral("diagnosis_date"),
                  QStringLiteral("must not be before the date of birth"), e);
        const QString chi = v.value(QStringLiteral("chi_number")).toString();
        if (!chi.isEmpty() && dob.isValid() && ids::checkChiNumber(chi).isEmpty()
            && !ids::chiMatchesDateOfBirth(chi, dob))
            e.append({QStringLiteral("chi_number"),
                      QStringLiteral("its first six digits (DDMMYY) do not match the date of birth")});
        if (dateOf(v, QStringLiteral("diagnosis_date")) > ctx.today)
            e.append({QStringLiteral("diagnosis_date"), QStringLiteral("must not be in the future")});
    };
    out << person;

    RecordSchema referral{QStringLiteral("referral")};
    referral.fields = {
        personRef(),
        oneOf(QStringLiteral("source"),
              words("self gp clinical_nurse_specialist oncology_outpatients hospital_ward "
                    "macmillan_information_centre social_work third_sector family_or_carer other"),
              true),
        text(QStringLiteral("referrer"), false, 200),
        date(QStringLiteral("date_received"), true),
        date(QStringLiteral("date_first_contact")),
        longText(QStringLiteral("notes")),
    };
    referral.rules = [](const ValidationContext &ctx, const QJsonObject &v, QList<FieldError> &e) {
        notBefore(v, QStringLiteral("date_received"), QStringLiteral("date_first_contact"),
                  QStringLiteral("must not be before the date the referral was received"), e);
        if (dateOf(v, QStringLiteral("date_received")) > ctx.today)
            e.append({QStringLiteral("date_received"), QStringLiteral("must not be in the future")});
    };
    out << referral;

    RecordSchema contact{QStringLiteral("contact")};
    contact.fields = {
        personRef(),
        date(QStringLiteral("date"), true),
        oneOf(QStringLiteral("method"), words("phone home_visit letter text email clinic other"), true),
        oneOf(QStringLiteral("outcome"), words("reached no_answer left_message wrong_number declined visit_arranged"),
              true),
        text(QStringLiteral("worker"), false, 64),
        longText(QStringLiteral("notes")),
    };
    out << contact;

    RecordSchema assessment{QStringLiteral("assessment")};
    assessment.fields = {
        personRef(),
        oneOf(QStringLiteral("kind"), words("initial review closing"), true),
        date(QStringLiteral("date"), true),
        text(QStringLiteral("assessor"), false, 64),
        text(QStringLiteral("checklist_version"), true, 64),
        integer(QStringLiteral("overall_distress"), 0, 10),
        oneOf(QStringLiteral("status"), words("draft complete"), true),
        ref(QStringLiteral("initial_assessment_id"), QStringLiteral("assessment")),
        longText(QStringLiteral("notes")),
    };
    assessment.rules = [](const ValidationContext &ctx, const QJsonObject &v, QList<FieldError> &e) {
        const QString kind = v.value(QStringLiteral("kind")).toString();
        requiredWhen(kind == QLatin1String("review") || kind == QLatin1String("closing"), v,
                     QStringLiteral("initial_assessment_id"),
                     QStringLiteral("a review or closing assessment must name the initial assessment it follows"), e);
        if (kind == QLatin1String("initial") && v.contains(QStringLiteral("initial_assessment_id"))
            && !v.value(QStringLiteral("initial_assessment_id")).isNull())
            e.append({QStringLiteral("initial_assessment_id"),
                      QStringLiteral("only a review or closing assessment follows an initial one")});
        const QString initialId = v.value(QStringLiteral("initial_assessment_id")).toString();
        if (!initialId.isEmpty() && ctx.lookup) {
            if (auto initial = ctx.lookup(initialId)) {
                if (initial->values.value(QStringLiteral("kind")).toString() != QLatin1String("initial"))
                    e.append({QStringLiteral("initial_assessment_id"),
                              QStringLiteral("must point at an initial assessment")});
                else
                    notBefore(QJsonObject{{QStringLiteral("a"), initial->values.value(QStringLiteral("date"))},
                                          {QStringLiteral("date"), v.value(QStringLiteral("date"))}},
                              QStringLiteral("a"), QStringLiteral("date"),
                              QStringLiteral("must not be before the initial assessment's date"), e);
            }
        }
        requiredWhen(v.value(QStringLiteral("status")).toString() == QLatin1String("complete"), v,
                     QStringLiteral("overall_distress"),
                     QStringLiteral("a complete assessment needs the overall distress score (0-10)"), e);
        if (ctx.creating && ctx.reference && !ctx.reference->checklist().id().isEmpty()
            && v.value(QStringLiteral("checklist_version")).toString() != ctx.reference->checklist().id())
            e.append({QStringLiteral("checklist_version"),
                      QStringLiteral("this device has checklist %1 loaded").arg(ctx.reference->checklist().id())});
        if (dateOf(v, QStringLiteral("date")) > ctx.today)
            e.append({QStringLiteral("date"), QStringLiteral("must not be in the future")});
    };
    out << assessment;

    RecordSchema concern{QStringLiteral("concern")};
    concern.fields = {
        personRef(),
        ref(QStringLiteral("assessment_id"), QStringLiteral("assessment"), true),
        of(QStringLiteral("domain"), K::ChecklistDomain, true),
        of(QStringLiteral("item"), K::ChecklistItem, true),
        integer(QStringLiteral("score"), 0, 10, true),
        integer(QStringLiteral("rank"), 1, 100),
        longText(QStringLiteral("discussed")),
    };
    out << concern;

    RecordSchema action{QStringLiteral("care_action")};
    action.fields = {
        personRef(),
        ref(QStringLiteral("assessment_id"), QStringLiteral("assessment")),
        ref(QStringLiteral("concern_id"), QStringLiteral("concern")),
        text(QStringLiteral("action"), true, 2000),
        oneOf(QStringLiteral("owner"), kOwners, true),
        text(QStringLiteral("owner_name"), false, 200),
        date(QStringLiteral("due_date")),
        oneOf(QStringLiteral("status"), words("planned in_progress done not_needed"), true),
        longText(QStringLiteral("outcome")),
        date(QStringLiteral("review_date")),
    };
    out << action;

    RecordSchema onward{QStringLiteral("onward_referral")};
    onward.fields = {
        personRef(),
        of(QStringLiteral("organisation_id"), K::Organisation, true),
        ref(QStringLiteral("concern_id"), QStringLiteral("concern")),
        text(QStringLiteral("reason"), false, 2000),
        date(QStringLiteral("date"), true),
        oneOf(QStringLiteral("status"), words("made accepted declined completed withdrawn"), true),
        longText(QStringLiteral("outcome")),
        date(QStringLiteral("follow_up_date")),
        boolean(QStringLiteral("carers_assessment")),
    };
    onward.rules = [](const ValidationContext &, const QJsonObject &v, QList<FieldError> &e) {
        notBefore(v, QStringLiteral("date"), QStringLiteral("follow_up_date"),
                  QStringLiteral("must not be before the referral date"), e);
    };
    out << onward;

    // The plan the person agreed at an assessment. Its actions are care_action records of that
    // assessment; once agreed, only their tracking (status, outcome, review date) changes.
    RecordSchema plan{QStringLiteral("care_plan")};
    plan.fields = {
        personRef(),
        ref(QStringLiteral("assessment_id"), QStringLiteral("assessment"), true),
        oneOf(QStringLiteral("status"), words("draft agreed"), true),
        date(QStringLiteral("agreed_date")),
        text(QStringLiteral("agreed_by"), false, 200),
    };
    plan.rules = [](const ValidationContext &, const QJsonObject &v, QList<FieldError> &e) {
        const bool agreed = v.value(QStringLiteral("status")).toString() == QLatin1String("agreed");
        requiredWhen(agreed, v, QStringLiteral("agreed_date"),
                     QStringLiteral("an agreed plan needs the date it was agreed"), e);
        if (!agreed && v.contains(QStringLiteral("agreed_date")) && !v.value(QStringLiteral("agreed_date")).isNull())
            e.append({QStringLiteral("agreed_date"), QStringLiteral("only an agreed plan has an agreed date")});
    };
    out << plan;

    // A copy of an agreed plan given to a professional, only with the person's consent to that share.
    RecordSchema share{QStringLiteral("plan_share")};
    share.fields = {
        personRef(),
        ref(QStringLiteral("care_plan_id"), QStringLiteral("care_plan"), true),
        oneOf(QStringLiteral("recipient_kind"),
              words("gp clinical_nurse_specialist housing social_work welfare_rights third_sector"), true),
        text(QStringLiteral("recipient_name"), false, 200),
        date(QStringLiteral("shared_date"), true),
    };
    share.rules = [](const ValidationContext &ctx, const QJsonObject &v, QList<FieldError> &e) {
        const QString kind = v.value(QStringLiteral("recipient_kind")).toString();
        if (!ctx.lookup)
            return;
        if (auto owner = ctx.lookup(v.value(QStringLiteral("person_id")).toString())) {
            if (!owner->values.value(QStringLiteral("consent_share_") + kind).toBool(false))
                e.append({QStringLiteral("recipient_kind"),
                          QStringLiteral("the person has not consented to sharing with this professional")});
        }
        if (auto p = ctx.lookup(v.value(QStringLiteral("care_plan_id")).toString())) {
            if (p->values.value(QStringLiteral("status")).toString() != QLatin1String("agreed"))
                e.append({QStringLiteral("care_plan_id"), QStringLiteral("only an agreed plan can be shared")});
            else
                notBefore(QJsonObject{{QStringLiteral("a"), p->values.value(QStringLiteral("agreed_date"))},
                                      {QStringLiteral("shared_date"), v.value(QStringLiteral("shared_date"))}},
                          QStringLiteral("a"), QStringLiteral("shared_date"),
                          QStringLiteral("must not be before the plan was agreed"), e);
        }
    };
    out << share;

    RecordSchema gain{QStringLiteral("financial_gain")};
    gain.fields = {
        personRef(),
        oneOf(QStringLiteral("kind"), words("benefit_award grant debt_written_off other"), true),
        text(QStringLiteral("description"), false, 200),
        money(QStringLiteral("amount"), true),
        oneOf(QStringLiteral("period"), words("one_off annual"), true),
        date(QStringLiteral("date_awarded"), true),
        of(QStringLiteral("organisation_id"), K::Organisation),
        ref(QStringLiteral("onward_referral_id"), QStringLiteral("onward_referral")),
    };
    gain.rules = [](const ValidationContext &, const QJsonObject &v, QList<FieldError> &e) {
        if (v.value(QStringLiteral("kind")).toString() == QLatin1String("debt_written_off")
            && v.value(QStringLiteral("period")).toString() == QLatin1String("annual"))
            e.append({QStringLiteral("period"), QStringLiteral("debt written off is a one-off amount")});
        if (v.value(QStringLiteral("amount")).toDouble() <= 0 && v.contains(QStringLiteral("amount")))
            e.append({QStringLiteral("amount"), QStringLiteral("must be more than zero")});
    };
    out << gain;

    RecordSchema outcome{QStringLiteral("outcome_measure")};
    outcome.fields = {
        personRef(),
        oneOf(QStringLiteral("instrument"), words("eq5d_5l eq5d_3l distress_thermometer"), true),
        date(QStringLiteral("date"), true),
        oneOf(QStringLiteral("timepoint"), words("initial review closing"), true),
        ref(QStringLiteral("assessment_id"), QStringLiteral("assessment")),
        of(QStringLiteral("eq5d_state"), K::Eq5dState),
        integer(QStringLiteral("eq5d_vas"), 0, 100),
        integer(QStringLiteral("distress"), 0, 10),
        of(QStringLiteral("eq5d_index"), K::Derived),
        of(QStringLiteral("eq5d_value_set"), K::Derived),
    };
    outcome.rules = [](const ValidationContext &, const QJsonObject &v, QList<FieldError> &e) {
        const QString inst = v.value(QStringLiteral("instrument")).toString();
        const bool eq5d = inst.startsWith(QLatin1String("eq5d"));
        requiredWhen(eq5d, v, QStringLiteral("eq5d_state"), QStringLiteral("an EQ-5D measure needs its state"), e);
        requiredWhen(eq5d, v, QStringLiteral("eq5d_vas"), QStringLiteral("an EQ-5D measure needs its VAS (0-100)"), e);
        requiredWhen(inst == QLatin1String("distress_thermometer"), v, QStringLiteral("distress"),
                     QStringLiteral("a distress thermometer needs its score (0-10)"), e);
        if (!eq5d && v.contains(QStringLiteral("eq5d_state")))
            e.append({QStringLiteral("eq5d_state"), QStringLiteral("only an EQ-5D measure has a state")});
    };
    out << outcome;

    RecordSchema summary{QStringLiteral("treatment_summary")};
    summary.fields = {
        personRef(),
        date(QStringLiteral("date_received"), true),
        text(QStringLiteral("diagnosis"), false, 500),
        date(QStringLiteral("diagnosis_date")),
        oneOf(QStringLiteral("cancer_site"), kCancerSites),
        text(QStringLiteral("staging"), false, 200),
        longText(QStringLiteral("treatment")),
        oneOf(QStringLiteral("treatment_aim"), words("curative palliative unknown")),
        date(QStringLiteral("treatment_start")),
        date(QStringLiteral("treatment_end")),
        longText(QStringLiteral("late_effects")),
        longText(QStringLiteral("red_flags")),
        longText(QStringLiteral("contacts_in_hours")),
        longText(QStringLiteral("contacts_out_of_hours")),
        longText(QStringLiteral("referrals_made")),
        longText(QStringLiteral("ongoing_plan")),
        longText(QStringLiteral("gp_actions")),
        boolean(QStringLiteral("copy_to_person")),
        boolean(QStringLiteral("copy_to_gp")),
    };
    summary.rules = [](const ValidationContext &, const QJsonObject &v, QList<FieldError> &e) {
        notBefore(v, QStringLiteral("treatment_start"), QStringLiteral("treatment_end"),
                  QStringLiteral("must not be before the treatment start"), e);
    };
    out << summary;

    RecordSchema ccr{QStringLiteral("cancer_care_review")};
    ccr.fields = {
        personRef(),
        date(QStringLiteral("date"), true),
        text(QStringLiteral("reviewer"), true, 200),
        text(QStringLiteral("practice"), false, 200),
        boolean(QStringLiteral("discussed_practical")),
        boolean(QStringLiteral("discussed_emotional")),
        boolean(QStringLiteral("discussed_financial")),
        longText(QStringLiteral("notes")),
    };
    out << ccr;

    RecordSchema event{QStringLiteral("wellbeing_event")};
    event.fields = {
        personRef(),
        date(QStringLiteral("date"), true),
        text(QStringLiteral("title"), false, 200),
        oneOf(QStringLiteral("format"), words("group one_to_one online"), true),
        oneOf(QStringLiteral("attended_by"), words("person carer both"), true),
        boolean(QStringLiteral("topic_nutrition")),
        boolean(QStringLiteral("topic_activity")),
        boolean(QStringLiteral("topic_late_effects")),
        boolean(QStringLiteral("topic_work")),
        boolean(QStringLiteral("topic_money")),
        boolean(QStringLiteral("topic_fear_of_recurrence")),
        boolean(QStringLiteral("topic_local_services")),
    };
    out << event;

    RecordSchema note{QStringLiteral("note")};
    note.appendOnly = true;
    note.fields = {
        personRef(),
        date(QStringLiteral("date"), true),
        text(QStringLiteral("author"), false, 64),
        longText(QStringLiteral("text"), true),
    };
    out << note;

    RecordSchema status{QStringLiteral("case_status")};
    status.fields = {
        personRef(),
        oneOf(QStringLiteral("status"), words("open closed"), true),
        date(QStringLiteral("date"), true),
        oneOf(QStringLiteral("reason"),
              words("needs_met declined_further_support moved_away died transferred no_contact other")),
        longText(QStringLiteral("notes")),
    };
    status.rules = [](const ValidationContext &, const QJsonObject &v, QList<FieldError> &e) {
        const bool closed = v.value(QStringLiteral("status")).toString() == QLatin1String("closed");
        requiredWhen(closed, v, QStringLiteral("reason"), QStringLiteral("closing a case needs a reason"), e);
        if (!closed && v.contains(QStringLiteral("reason")) && !v.value(QStringLiteral("reason")).isNull())
            e.append({QStringLiteral("reason"), QStringLiteral("only a closed case has a closure reason")});
    };
    out << status;

    // Dates of things that happened cannot be in the future; plans (due, review, follow-up dates,
    // a booked wellbeing event) can.
    static const QStringList happened = {QStringLiteral("date"),
                                         QStringLiteral("date_of_birth"),
                                         QStringLiteral("date_received"),
                                         QStringLiteral("date_first_contact"),
                                         QStringLiteral("date_awarded"),
                                         QStringLiteral("diagnosis_date"),
                                         QStringLiteral("treatment_start"),
                                         QStringLiteral("agreed_date"),
                                         QStringLiteral("shared_date")};
    for (RecordSchema &rs : out)
        for (FieldSpec &f : rs.fields)
            f.past = f.kind == K::Date && happened.contains(f.name) && rs.type != QLatin1String("wellbeing_event");
    return out;
}

const QList<RecordSchema> &all()
{
    static const QList<RecordSchema> schemas = buildSchemas();
    return schemas;
}

bool isWholeNumber(double d)
{
    return std::isfinite(d) && std::floor(d) == d;
}

void checkField(const FieldSpec &f, const QJsonValue &v, const QJsonObject &values, const QString &personId,
                const ValidationContext &ctx, QList<FieldError> &e)
{
    auto fail = [&](const QString &msg) { e.append({f.name, msg}); };
    switch (f.kind) {
    case K::Text:
        if (!v.isString())
            return fail(QStringLiteral("must be text"));
        if (f.required && v.toString().trimmed().isEmpty())
            return fail(QStringLiteral("must not be blank"));
        if (v.toString().size() > f.maxLength)
            return fail(QStringLiteral("must be at most %1 characters").arg(f.maxLength));
        for (QChar c : v.toString()) {
            // Line breaks in long text only; no other control, bidi-override or unpaired surrogate.
            const bool lineBreak = (c == QLatin1Char('\n') || c == QLatin1Char('\t')) && f.maxLength > 2000;
            if ((c.category() == QChar::Other_Control && !lineBreak) || c.isSurrogate()
                || (c.unicode() >= 0x202A && c.unicode() <= 0x202E) || (c.unicode() >= 0x2066 && c.unicode() <= 0x2069))
                return fail(QStringLiteral("contains a control or invisible formatting character"));
        }
        return;
    case K::Date: {
        static const QRegularExpression re(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
        const QString s = v.toString();
        if (!v.isString() || !re.match(s).hasMatch() || !QDate::fromString(s, Qt::ISODate).isValid())
            return fail(QStringLiteral("must be a date written YYYY-MM-DD"));
        const QDate d = QDate::fromString(s, Qt::ISODate);
        if (d.year() < 1900 || d > ctx.today.addYears(5))
            return fail(QStringLiteral("must be between 1900 and five years from now"));
        if (f.past && d > ctx.today)
            return fail(QStringLiteral("must not be in the future"));
        return;
    }
    case K::Integer:
        if (!v.isDouble() || !isWholeNumber(v.toDouble()))
            return fail(QStringLiteral("must be a whole number"));
        if (v.toDouble() < f.min || v.toDouble() > f.max)
            return fail(QStringLiteral("must be between %1 and %2").arg(f.min).arg(f.max));
        return;
    case K::Money: {
        if (!v.isDouble() || !std::isfinite(v.toDouble()))
            return fail(QStringLiteral("must be an amount in pounds"));
        const double pence = v.toDouble() * 100;
        if (std::abs(pence - std::round(pence)) > 1e-6)
            return fail(QStringLiteral("must have at most two decimal places"));
        if (v.toDouble() < f.min || v.toDouble() > f.max)
            return fail(QStringLiteral("must be between £%1 and £%2").arg(f.min).arg(f.max, 0, 'f', 0));
        return;
    }
    case K::Boolean:
        if (!v.isBool())
            return fail(QStringLiteral("must be true or false"));
        return;
    case K::Enum:
        if (!v.isString() || !f.values.contains(v.toString()))
            return fail(QStringLiteral("must be one of: %1").arg(f.values.join(QStringLiteral(", "))));
        return;
    case K::Ref: {
        const QString id = v.toString();
        if (!v.isString() || !ids::isUuid(id))
            return fail(QStringLiteral("must be a record id"));
        if (!ctx.lookup)
            return;
        const auto target = ctx.lookup(id);
        if (!target)
            return fail(QStringLiteral("refers to a %1 that does not exist").arg(f.refType));
        if (target->type != f.refType)
            return fail(QStringLiteral("refers to a %1, not a %2").arg(target->type, f.refType));
        if (f.refType != QLatin1String("person") && target->personId != personId)
            return fail(QStringLiteral("refers to a %1 of another person").arg(f.refType));
        return;
    }
    case K::Chi:
    case K::Nhs: {
        if (!v.isString())
            return fail(QStringLiteral("must be text"));
        const QString problem =
            f.kind == K::Chi ? ids::checkChiNumber(v.toString()) : ids::checkNhsNumber(v.toString());
        if (!problem.isEmpty())
            return fail(problem);
        return;
    }
    case K::Postcode: {
        static const QRegularExpression re(QStringLiteral("^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"));
        if (!v.isString() || !re.match(v.toString()).hasMatch())
            return fail(QStringLiteral("must be a UK postcode such as G42 7XY"));
        return;
    }
    case K::Eq5dState: {
        const QString inst = values.value(QStringLiteral("instrument")).toString();
        const QChar maxLevel = inst == QLatin1String("eq5d_3l") ? QLatin1Char('3') : QLatin1Char('5');
        const QString s = v.toString();
        bool good = v.isString() && s.size() == 5;
        for (QChar c : s)
            good = good && c >= QLatin1Char('1') && c <= maxLevel;
        if (!good)
            return fail(QStringLiteral("must be five digits, each a level from 1 to %1 (e.g. 11111)").arg(maxLevel));
        return;
    }
    case K::ChecklistDomain:
        if (!v.isString())
            return fail(QStringLiteral("must be a checklist domain"));
        if (ctx.reference) {
            QStringList domains;
            for (const ChecklistDomain &d : ctx.reference->checklist().domains())
                domains << d.id;
            if (!domains.contains(v.toString()))
                return fail(QStringLiteral("must be one of: %1").arg(domains.join(QStringLiteral(", "))));
        }
        return;
    case K::ChecklistItem:
        if (!v.isString())
            return fail(QStringLiteral("must be a checklist item"));
        if (ctx.reference
            && !ctx.reference->checklist().hasItem(values.value(QStringLiteral("domain")).toString(), v.toString()))
            return fail(QStringLiteral("is not an item of domain '%1' in checklist %2")
                            .arg(values.value(QStringLiteral("domain")).toString(), ctx.reference->checklist().id()));
        return;
    case K::Organisation:
        if (!v.isString())
            return fail(QStringLiteral("must be an organisation id"));
        if (ctx.reference && !ctx.reference->directory().find(v.toString()))
            return fail(QStringLiteral("is not in the organisation directory"));
        return;
    case K::Derived:
        return;
    }
}

} // namespace

namespace schema {

const RecordSchema *find(const QString &type)
{
    for (const RecordSchema &s : all())
        if (s.type == type)
            return &s;
    return nullptr;
}

QStringList types()
{
    QStringList out;
    for (const RecordSchema &s : all())
        out << s.type;
    return out;
}

QJsonObject normalise(const RecordSchema &s, const QJsonObject &input)
{
    QJsonObject out = input;
    for (auto it = out.begin(); it != out.end(); ++it) {
        const FieldSpec *f = s.field(it.key());
        if (f && f->kind == K::Money && it.value().isDouble()) {
            // Pounds as entered, held to the penny: 0.1 + 0.2 is stored as 0.3.
            const double pence = it.value().toDouble() * 100;
            if (std::abs(pence - std::round(pence)) < 1e-6)
                it.value() = std::round(pence) / 100;
            continue;
        }
        if (!f || !it.value().isString())
            continue;
        const QString v = it.value().toString();
        switch (f->kind) {
        case K::Text:
            it.value() = v.trimmed();
            break;
        case K::Postcode:
            if (const QString pc = DeprivationLookup::normalisePostcode(v); !pc.isEmpty())
                it.value() = pc;
            break;
        case K::Chi:
        case K::Nhs:
            it.value() = ids::normaliseNumber(v);
            break;
        default:
            break;
        }
    }
    return out;
}

QList<FieldError> checkInputFields(const RecordSchema &s, const QJsonObject &input)
{
    QList<FieldError> e;
    for (auto it = input.begin(); it != input.end(); ++it) {
        const FieldSpec *f = s.field(it.key());
        if (!f)
            e.append({it.key(), QStringLiteral("is not a field of %1").arg(s.type)});
        else if (f->kind == K::Derived)
            e.append({it.key(), QStringLiteral("is computed by Hearth and cannot be set")});
    }
    return e;
}

QList<FieldError> validate(const RecordSchema &s, const QJsonObject &values, const QString &personId,
                           const ValidationContext &ctx)
{
    QList<FieldError> e;
    for (const FieldSpec &f : s.fields) {
        const QJsonValue v = values.value(f.name);
        if (v.isUndefined() || v.isNull()) {
            if (f.required)
                e.append({f.name, QStringLiteral("is required")});
            continue;
        }
        checkField(f, v, values, personId, ctx, e);
    }
    for (auto it = values.begin(); it != values.end(); ++it)
        if (!s.field(it.key()))
            e.append({it.key(), QStringLiteral("is not a field of %1").arg(s.type)});
    if (e.isEmpty() && s.rules)
        s.rules(ctx, values, e);
    return e;
}

void derive(const RecordSchema &s, QJsonObject &values, const ReferenceData *reference)
{
    if (!reference)
        return;
    static const QStringList deprivationFields = {
        QStringLiteral("deprivation_index"), QStringLiteral("deprivation_version"), QStringLiteral("deprivation_rank"),
        QStringLiteral("deprivation_decile"), QStringLiteral("deprivation_quintile")};
    // Derived from nothing means not derived: never leave a value behind its source.
    if (s.type == QLatin1String("person") && values.value(QStringLiteral("postcode")).toString().isEmpty())
        for (const QString &f : deprivationFields)
            values.remove(f);
    if (s.type == QLatin1String("outcome_measure") && values.value(QStringLiteral("eq5d_state")).toString().isEmpty()) {
        values.remove(QStringLiteral("eq5d_index"));
        values.remove(QStringLiteral("eq5d_value_set"));
    }
    if (s.type == QLatin1String("person") && !values.value(QStringLiteral("postcode")).toString().isEmpty()) {
        const Deprivation d = reference->deprivation().lookup(values.value(QStringLiteral("postcode")).toString());
        values.insert(QStringLiteral("deprivation_index"), d.index);
        values.insert(QStringLiteral("deprivation_version"), d.version);
        // An unknown postcode stays unknown (null), never a guess.
        values.insert(QStringLiteral("deprivation_rank"), d.known ? QJsonValue(d.rank) : QJsonValue());
        values.insert(QStringLiteral("deprivation_decile"), d.known ? QJsonValue(d.decile) : QJsonValue());
        values.insert(QStringLiteral("deprivation_quintile"), d.known ? QJsonValue(d.quintile) : QJsonValue());
    }
    if (s.type == QLatin1String("outcome_measure")
        && !values.value(QStringLiteral("eq5d_state")).toString().isEmpty()) {
        const bool threeLevel = values.value(QStringLiteral("instrument")).toString() == QLatin1String("eq5d_3l");
        const ValueSet *set = threeLevel ? reference->valueSet3L() : &reference->valueSet();
        const QString state = values.value(QStringLiteral("eq5d_state")).toString();
        const auto index = set && set->levels() == (threeLevel ? 3 : 5) ? set->index(state) : Result<double>(Error{});
        values.insert(QStringLiteral("eq5d_index"), index.ok() ? QJsonValue(index.value()) : QJsonValue());
        values.insert(QStringLiteral("eq5d_value_set"), index.ok() ? QJsonValue(set->id()) : QJsonValue());
    }
}

} // namespace schema
} // namespace hearth
