#include "careplan.h"

#include "recordfields.h"
#include "store.h"

#include <QHash>

#include <algorithm>

namespace hearth::documents {

namespace {

using fields::date;
using fields::text;

// Later assessments supersede earlier ones; on the same day a closing one supersedes a review, a review an initial.
int kindOrder(const QString &kind)
{
    if (kind == QLatin1String("closing"))
        return 2;
    if (kind == QLatin1String("review"))
        return 1;
    return 0;
}

const ProfessionalKind kAllKinds[] = {
    ProfessionalKind::Gp,         ProfessionalKind::ClinicalNurseSpecialist, ProfessionalKind::Housing,
    ProfessionalKind::SocialWork, ProfessionalKind::WelfareRights,           ProfessionalKind::ThirdSector};

QString readable(const QString &id)
{
    QString s = id;
    s.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}

} // namespace

QString CarePlan::displayName() const
{
    const QString first = preferredName.isEmpty() ? givenName : preferredName;
    return familyName.isEmpty() ? first : first + QLatin1Char(' ') + familyName;
}

QString CarePlan::concernLabel(const QString &item) const
{
    for (const PlanConcern &c : concerns)
        if (c.item == item)
            return c.label;
    return readable(item);
}

QString Recipient::addressee() const
{
    if (!organisationName.isEmpty())
        return organisationName;
    if (!name.isEmpty())
        return QStringLiteral("%1 (%2)").arg(name, kindLabel(kind));
    return kindLabel(kind);
}

QString consentField(ProfessionalKind kind)
{
    return QStringLiteral("consent_share_") + kindId(kind);
}

QString kindId(ProfessionalKind kind)
{
    switch (kind) {
    case ProfessionalKind::Gp:
        return QStringLiteral("gp");
    case ProfessionalKind::ClinicalNurseSpecialist:
        return QStringLiteral("clinical_nurse_specialist");
    case ProfessionalKind::Housing:
        return QStringLiteral("housing");
    case ProfessionalKind::SocialWork:
        return QStringLiteral("social_work");
    case ProfessionalKind::WelfareRights:
        return QStringLiteral("welfare_rights");
    case ProfessionalKind::ThirdSector:
        return QStringLiteral("third_sector");
    }
    return {};
}

QString kindLabel(ProfessionalKind kind)
{
    switch (kind) {
    case ProfessionalKind::Gp:
        return QStringLiteral("GP");
    case ProfessionalKind::ClinicalNurseSpecialist:
        return QStringLiteral("clinical nurse specialist");
    case ProfessionalKind::Housing:
        return QStringLiteral("housing");
    case ProfessionalKind::SocialWork:
        return QStringLiteral("social work");
    case ProfessionalKind::WelfareRights:
        return QStringLiteral("welfare rights");
    case ProfessionalKind::ThirdSector:
        return QStringLiteral("third-sector organisations");
    }
    return {};
}

std::optional<ProfessionalKind> kindOfOwner(const QString &owner)
{
    if (owner == QLatin1String("gp"))
        return ProfessionalKind::Gp;
    if (owner == QLatin1String("clinical_nurse_specialist"))
        return ProfessionalKind::ClinicalNurseSpecialist;
    if (owner == QLatin1String("housing_officer"))
        return ProfessionalKind::Housing;
    if (owner == QLatin1String("welfare_rights_officer"))
        return ProfessionalKind::WelfareRights;
    if (owner == QLatin1String("social_worker"))
        return ProfessionalKind::SocialWork;
    return std::nullopt;
}

std::optional<ProfessionalKind> kindOfCategory(const QString &category)
{
    if (category == QLatin1String("housing"))
        return ProfessionalKind::Housing;
    if (category == QLatin1String("social_work"))
        return ProfessionalKind::SocialWork;
    if (category == QLatin1String("welfare_rights"))
        return ProfessionalKind::WelfareRights;
    if (category == QLatin1String("health") || category.isEmpty())
        return std::nullopt;
    return ProfessionalKind::ThirdSector;
}

Result<CarePlan> loadCarePlan(const Store &store, const ReferenceData &reference, const QString &personId)
{
    auto personRecord = store.get(personId);
    if (!personRecord) {
        if (personRecord.error().code == ErrorCode::NotFound)
            return makeError(ErrorCode::NotFound, QStringLiteral("There is no person %1 on this device").arg(personId));
        return personRecord.error();
    }
    const Record &person = personRecord.value();
    if (person.deleted || person.type != QLatin1String("person"))
        return makeError(ErrorCode::NotFound, QStringLiteral("There is no person %1 on this device").arg(personId));
    auto all = store.listForPerson(personId);
    if (!all)
        return all.error();

    QList<const Record *> used{&person};
    QHash<QString, const Record *> byId;
    QList<const Record *> plans, concerns, actions, referrals;
    for (const Record &r : all.value()) {
        byId.insert(r.id, &r);
        if (r.type == QLatin1String("care_plan"))
            plans << &r;
        else if (r.type == QLatin1String("concern"))
            concerns << &r;
        else if (r.type == QLatin1String("care_action"))
            actions << &r;
        else if (r.type == QLatin1String("onward_referral"))
            referrals << &r;
    }

    // The agreed plan: the person's care_plan record with status agreed, the latest by agreed date (on the same day,
    // the one whose assessment supersedes). A draft plan is still being written with the person.
    const Record *agreedPlan = nullptr;
    const Record *planAssessment = nullptr;
    for (const Record *p : std::as_const(plans)) {
        if (text(p->values, "status") != QLatin1String("agreed"))
            continue;
        const Record *a = byId.value(text(p->values, "assessment_id"));
        if (!a || a->type != QLatin1String("assessment"))
            continue;
        if (agreedPlan) {
            const QDate d = date(p->values, "agreed_date"), best = date(agreedPlan->values, "agreed_date");
            const QDate ad = date(a->values, "date"), bestAd = date(planAssessment->values, "date");
            const bool later = d != best ? d > best
                : ad != bestAd           ? ad > bestAd
                               : kindOrder(text(a->values, "kind")) > kindOrder(text(planAssessment->values, "kind"));
            if (!later)
                continue;
        }
        agreedPlan = p;
        planAssessment = a;
    }
    QList<const Record *> liveActions;
    for (const Record *a : std::as_const(actions))
        if (text(a->values, "status") != QLatin1String("not_needed"))
            liveActions << a;
    if (!agreedPlan || liveActions.isEmpty())
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("There is no agreed care plan for this person yet: a plan must be agreed with "
                                        "the person and have at least one agreed action"));

    CarePlan plan;
    const QJsonObject &pv = person.values;
    plan.personId = personId;
    plan.givenName = text(pv, "given_name");
    plan.familyName = text(pv, "family_name");
    plan.preferredName = text(pv, "preferred_name");
    plan.dateOfBirth = date(pv, "date_of_birth");
    plan.chiNumber = text(pv, "chi_number");
    plan.nhsNumber = text(pv, "nhs_number");
    plan.linkWorkerId = text(pv, "link_worker");
    for (ProfessionalKind k : kAllKinds)
        if (pv.value(consentField(k)).toBool(false))
            plan.consentedTo.insert(k);

    used << agreedPlan << planAssessment;
    plan.assessmentKind = text(planAssessment->values, "kind");
    plan.assessmentDate = date(planAssessment->values, "date");
    plan.initialDate = plan.assessmentDate;
    if (planAssessment->values.value(QStringLiteral("overall_distress")).isDouble())
        plan.overallDistress = planAssessment->values.value(QStringLiteral("overall_distress")).toInt();
    const Record *initial = byId.value(text(planAssessment->values, "initial_assessment_id"));
    if (initial && initial->type == QLatin1String("assessment")) {
        used << initial;
        plan.initialDate = date(initial->values, "date");
    }

    QHash<QString, int> initialScores;
    for (const Record *c : std::as_const(concerns)) {
        const QString assessment = text(c->values, "assessment_id");
        if (initial && assessment == initial->id)
            initialScores.insert(text(c->values, "item"), c->values.value(QStringLiteral("score")).toInt());
    }
    const Checklist &checklist = reference.checklist();
    for (const Record *c : std::as_const(concerns)) {
        if (text(c->values, "assessment_id") != planAssessment->id)
            continue;
        used << c;
        PlanConcern pc;
        pc.item = text(c->values, "item");
        pc.label = checklist.itemLabel(pc.item);
        if (pc.label.isEmpty())
            pc.label = readable(pc.item);
        const ChecklistDomain *domain = checklist.domain(text(c->values, "domain"));
        pc.domainLabel = domain ? domain->label : readable(text(c->values, "domain"));
        pc.score = c->values.value(QStringLiteral("score")).toInt();
        if (initial && initialScores.contains(pc.item))
            pc.initialScore = initialScores.value(pc.item);
        pc.rank = c->values.value(QStringLiteral("rank")).toInt(0);
        pc.discussed = text(c->values, "discussed");
        plan.concerns << pc;
    }
    std::sort(plan.concerns.begin(), plan.concerns.end(), [](const PlanConcern &a, const PlanConcern &b) {
        const int ra = a.rank > 0 ? a.rank : 1000, rb = b.rank > 0 ? b.rank : 1000;
        if (ra != rb)
            return ra < rb;
        if (a.score != b.score)
            return a.score > b.score;
        return a.label < b.label;
    });

    // Actions and referrals name the concern record they answer, which may belong to an earlier assessment: the
    // checklist item is what ties them to the concern as it stands now.
    auto itemOf = [&](const QJsonObject &v) {
        const Record *c = byId.value(text(v, "concern_id"));
        return c && c->type == QLatin1String("concern") ? text(c->values, "item") : QString();
    };
    for (const Record *a : std::as_const(liveActions)) {
        used << a;
        plan.actions << PlanAction{itemOf(a->values),           text(a->values, "action"),
                                   text(a->values, "owner"),    text(a->values, "owner_name"),
                                   date(a->values, "due_date"), text(a->values, "status"),
                                   text(a->values, "outcome")};
    }
    std::stable_sort(plan.actions.begin(), plan.actions.end(), [](const PlanAction &a, const PlanAction &b) {
        if (a.due.isValid() != b.due.isValid())
            return a.due.isValid();
        return a.due < b.due;
    });
    static const QStringList inPlay = {QStringLiteral("made"), QStringLiteral("accepted"), QStringLiteral("completed")};
    for (const Record *r : std::as_const(referrals)) {
        if (!inPlay.contains(text(r->values, "status")))
            continue;
        used << r;
        PlanReferral pr;
        pr.concernItem = itemOf(r->values);
        if (const Organisation *org = reference.directory().find(text(r->values, "organisation_id")))
            pr.organisation = *org;
        else
            pr.organisation.id = text(r->values, "organisation_id");
        pr.date = date(r->values, "date");
        pr.status = text(r->values, "status");
        plan.referrals << pr;
    }
    std::stable_sort(plan.referrals.begin(), plan.referrals.end(),
                     [](const PlanReferral &a, const PlanReferral &b) { return a.date < b.date; });

    int conflicted = 0;
    for (const Record *r : std::as_const(used))
        conflicted += r->conflicts.isEmpty() ? 0 : 1;
    if (conflicted > 0)
        return makeError(
            ErrorCode::Conflict,
            QStringLiteral("%1 record(s) of this care plan hold changes made on two devices that disagree; "
                           "resolve them before making the document")
                .arg(conflicted));
    return plan;
}

Result<Recipient> resolveRecipient(const QString &nameOrKind, const CarePlan &plan, const ReferenceData &reference)
{
    const QString wanted = nameOrKind.trimmed();
    if (wanted.isEmpty())
        return makeError(ErrorCode::Usage, QStringLiteral("Name the professional the copy is for"));
    static const QHash<QString, ProfessionalKind> aliases = {
        {QStringLiteral("cns"), ProfessionalKind::ClinicalNurseSpecialist},
        {QStringLiteral("housing_officer"), ProfessionalKind::Housing},
        {QStringLiteral("social_worker"), ProfessionalKind::SocialWork},
        {QStringLiteral("welfare_rights_officer"), ProfessionalKind::WelfareRights}};
    const QString key = wanted.toLower();
    for (ProfessionalKind k : kAllKinds)
        if (key == kindId(k))
            return Recipient{k, {}, {}, {}};
    if (aliases.contains(key))
        return Recipient{aliases.value(key), {}, {}, {}};

    const Organisation *org = reference.directory().find(wanted);
    if (!org)
        for (const Organisation &o : reference.directory().organisations())
            if (o.name.compare(wanted, Qt::CaseInsensitive) == 0)
                org = reference.directory().find(o.id);
    if (org) {
        const auto kind = kindOfCategory(org->category);
        if (!kind)
            return makeError(ErrorCode::Validation,
                             QStringLiteral("Hearth records no consent to share with organisations of the '%1' "
                                            "category, so no copy can be made for %2")
                                 .arg(org->category, org->name),
                             {{QStringLiteral("professional"), QStringLiteral("no consent field covers it")}});
        return Recipient{*kind, {}, org->id, org->name};
    }

    QSet<ProfessionalKind> kinds;
    QString name;
    for (const PlanAction &a : plan.actions) {
        if (a.ownerName.compare(wanted, Qt::CaseInsensitive) != 0)
            continue;
        name = a.ownerName;
        if (const auto kind = kindOfOwner(a.owner))
            kinds.insert(*kind);
        else
            return makeError(ErrorCode::Usage,
                             QStringLiteral("%1 is not a professional Hearth records consent for "
                                            "(their actions are owned as '%2')")
                                 .arg(a.ownerName, a.owner));
    }
    if (kinds.size() == 1)
        return Recipient{*kinds.begin(), name, {}, {}};
    if (kinds.size() > 1)
        return makeError(ErrorCode::Usage,
                         QStringLiteral("%1 owns actions as professionals of different kinds; name the kind instead "
                                        "(gp, clinical_nurse_specialist, housing, social_work, welfare_rights, "
                                        "third_sector)")
                             .arg(name));
    return makeError(ErrorCode::Usage,
                     QStringLiteral("'%1' is not a professional kind (gp, clinical_nurse_specialist, housing, "
                                    "social_work, welfare_rights, third_sector), an organisation in the directory, "
                                    "or the name of someone who owns an action in this plan")
                         .arg(wanted));
}

Result<CarePlan> shareWith(const CarePlan &plan, const Recipient &recipient)
{
    const ProfessionalKind kind = recipient.kind;
    if (!plan.consentedTo.contains(kind))
        return makeError(ErrorCode::Validation,
                         QStringLiteral("The person has not agreed to share their care plan with %1; no copy was made. "
                                        "Ask them, and record their answer, first")
                             .arg(kindLabel(kind)),
                         {{consentField(kind), QStringLiteral("not given")}});

    CarePlan out = plan;
    out.consentedTo.clear(); // what else the person agreed to is not this recipient's business
    out.linkWorkerId.clear();
    for (PlanConcern &c : out.concerns)
        c.discussed.clear();
    for (PlanAction &a : out.actions)
        a.outcome.clear();
    const bool clinical = kind == ProfessionalKind::Gp || kind == ProfessionalKind::ClinicalNurseSpecialist;
    if (clinical)
        return out;

    out.overallDistress.reset();
    QSet<QString> items;
    QList<PlanAction> actions;
    for (const PlanAction &a : std::as_const(out.actions))
        if (kindOfOwner(a.owner) == kind) {
            actions << a;
            items.insert(a.concernItem);
        }
    QList<PlanReferral> referrals;
    for (const PlanReferral &r : std::as_const(out.referrals)) {
        const bool forThem = recipient.organisationId.isEmpty() ? kindOfCategory(r.organisation.category) == kind
                                                                : r.organisation.id == recipient.organisationId;
        if (forThem) {
            referrals << r;
            items.insert(r.concernItem);
        }
    }
    QList<PlanConcern> concerns;
    for (const PlanConcern &c : std::as_const(out.concerns))
        if (items.contains(c.item))
            concerns << c;
    if (actions.isEmpty() && referrals.isEmpty())
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("Nothing in this care plan involves %1, so there is nothing to share; no copy "
                                        "was made")
                             .arg(recipient.addressee()));
    out.actions = actions;
    out.referrals = referrals;
    out.concerns = concerns;
    return out;
}

} // namespace hearth::documents
