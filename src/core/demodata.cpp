#include "demodata.h"

#include "referencedata.h"

#include <QRandomGenerator>
#include <QUuid>

namespace hearth::demo {

namespace {

const char *const kGiven[] = {"Morag",  "Iain",   "Catriona", "Fraser",   "Isla",  "Callum", "Eilidh", "Ross",
                              "Mhairi", "Angus",  "Kirsty",   "Euan",     "Shona", "Hamish", "Ailsa",  "Duncan",
                              "Fiona",  "Gregor", "Lorna",    "Alasdair", "Rhona", "Niall",  "Morven", "Struan"};
const char *const kFamily[] = {"MacAlister", "Drummond", "Fairlie", "Galbraith", "Haldane",   "Inglis", "Kerr",
                               "Lamont",     "Menzies",  "Nisbet",  "Ogilvie",   "Pettigrew", "Rennie", "Sinclair",
                               "Tennant",    "Urquhart", "Wishart", "Yuill",     "Baird",     "Cairns", "Dalziel"};
// Postcodes in the shipped SIMD sample across deciles, plus two it does not hold (shown as "unknown").
const char *const kPostcodes[] = {"G40 6DJ", "G40 6RS", "G42 7XY", "G31 3AN", "G33 8BL", "G45 8LP",
                                  "G52 0JD", "G22 1EA", "G15 4JA", "G20 3BR", "G42 2LN", "G51 5LB",
                                  "G53 8EL", "G21 4AL", "G11 8US", "G14 6JQ", "G44 2GB", "G41 2FN",
                                  "G3 4EB",  "G46 4AX", "G41 6AQ", "G81 9ZZ", "PA4 9QQ"};
const char *const kSites[] = {"lung",          "breast",         "prostate",   "bowel", "haematological", "upper_gi",
                              "head_and_neck", "gynaecological", "urological", "skin",  "other"};
const char *const kSources[] = {"self",
                                "gp",
                                "clinical_nurse_specialist",
                                "oncology_outpatients",
                                "hospital_ward",
                                "macmillan_information_centre",
                                "social_work",
                                "third_sector"};
const char *const kStages[] = {"newly_diagnosed", "in_treatment", "post_treatment", "living_with_cancer", "palliative"};
const char *const kActions[] = {"Apply for Adult Disability Payment",
                                "Refer to welfare rights for a benefits check",
                                "Ask the GP about a review of pain relief",
                                "Arrange a carer's assessment",
                                "Find a local walking group",
                                "Contact the energy company about arrears",
                                "Apply for a Macmillan grant",
                                "Speak to the housing officer about adaptations",
                                "Book a session with the counselling service",
                                "Ask the CNS about fatigue advice"};

template<size_t N>
QString pick(QRandomGenerator &r, const char *const (&xs)[N])
{
    return QString::fromLatin1(xs[r.bounded(quint32(N))]);
}

QString chiFor(const QDate &dob, QRandomGenerator &r)
{
    for (;;) {
        QString base =
            dob.toString(QStringLiteral("ddMMyy")) + QStringLiteral("%1").arg(r.bounded(1000), 3, 10, QLatin1Char('0'));
        int sum = 0;
        for (int i = 0; i < 9; ++i)
            sum += base[i].digitValue() * (10 - i);
        int check = 11 - sum % 11;
        if (check == 11)
            check = 0;
        if (check != 10)
            return base + QString::number(check);
    }
}

// Ids from the story's own generator, so the same seed gives the same caseload byte for byte.
QString uuid(QRandomGenerator &r)
{
    QByteArray b(16, Qt::Uninitialized);
    for (int i = 0; i < 16; i += 4) {
        const quint32 v = r.generate();
        memcpy(b.data() + i, &v, 4);
    }
    b[6] = char((b[6] & 0x0f) | 0x40);
    b[8] = char((b[8] & 0x3f) | 0x80);
    const QString h = QString::fromLatin1(b.toHex());
    return h.mid(0, 8) + QLatin1Char('-') + h.mid(8, 4) + QLatin1Char('-') + h.mid(12, 4) + QLatin1Char('-')
        + h.mid(16, 4) + QLatin1Char('-') + h.mid(20, 12);
}

QString iso(const QDate &d)
{
    return d.toString(Qt::ISODate);
}

} // namespace

QList<Mutation> personStory(int index, const Options &o, const ReferenceData &ref)
{
    QRandomGenerator r(o.seed * 1000003u + quint32(index));
    QList<Mutation> out;
    const QString personId = uuid(r);

    const QDate dob = QDate(1935, 1, 1).addDays(r.bounded(365 * 55));
    const QDate received = o.today.addDays(-int(r.bounded(700)));
    const QDate diagnosed = received.addDays(-int(r.bounded(60)));
    QJsonObject person{
        {QStringLiteral("given_name"), pick(r, kGiven)},
        {QStringLiteral("family_name"), pick(r, kFamily)},
        {QStringLiteral("date_of_birth"), iso(dob)},
        {QStringLiteral("chi_number"), chiFor(dob, r)},
        {QStringLiteral("sex"), r.bounded(2) ? QStringLiteral("female") : QStringLiteral("male")},
        {QStringLiteral("address"), QStringLiteral("%1 Example Street, Glasgow").arg(1 + r.bounded(200))},
        {QStringLiteral("postcode"), pick(r, kPostcodes)},
        {QStringLiteral("phone"), QStringLiteral("07700 900%1").arg(r.bounded(1000), 3, 10, QLatin1Char('0'))},
        {QStringLiteral("cancer_site"), pick(r, kSites)},
        {QStringLiteral("diagnosis_date"), iso(diagnosed)},
        {QStringLiteral("stage_of_care"), pick(r, kStages)},
        {QStringLiteral("link_worker"), o.linkWorker},
        {QStringLiteral("caseload"), o.caseload},
        {QStringLiteral("consent_to_contact"), true},
        {QStringLiteral("consent_share_gp"), r.bounded(10) < 9},
        {QStringLiteral("consent_share_housing"), r.bounded(10) < 5},
        {QStringLiteral("consent_share_social_work"), r.bounded(10) < 4},
        {QStringLiteral("consent_share_welfare_rights"), r.bounded(10) < 7}};
    out << Mutation::put(QStringLiteral("person"), person, personId);

    // A fifth are new referrals still waiting for a first contact.
    const bool awaiting = r.bounded(5) == 0;
    // Events happen no later than today; plans (due dates) may lie ahead.
    const QDate firstContact = qMin(o.today, received.addDays(1 + int(r.bounded(14))));
    QJsonObject referral{
        {QStringLiteral("person_id"), personId},
        {QStringLiteral("source"), pick(r, kSources)},
        {QStringLiteral("date_received"), iso(awaiting ? o.today.addDays(-int(r.bounded(20))) : received)}};
    if (!awaiting)
        referral.insert(QStringLiteral("date_first_contact"), iso(firstContact));
    out << Mutation::put(QStringLiteral("referral"), referral);
    if (awaiting) {
        out << Mutation::put(QStringLiteral("contact"),
                             QJsonObject{{QStringLiteral("person_id"), personId},
                                         {QStringLiteral("date"), iso(o.today.addDays(-1))},
                                         {QStringLiteral("method"), QStringLiteral("phone")},
                                         {QStringLiteral("outcome"), QStringLiteral("no_answer")}});
        return out;
    }
    out << Mutation::put(QStringLiteral("contact"),
                         QJsonObject{{QStringLiteral("person_id"), personId},
                                     {QStringLiteral("date"), iso(firstContact)},
                                     {QStringLiteral("method"), QStringLiteral("phone")},
                                     {QStringLiteral("outcome"), QStringLiteral("visit_arranged")}});

    // Initial HNA with about six concerns, the top three ranked.
    const QDate hnaDate = qMin(o.today, firstContact.addDays(int(r.bounded(10))));
    const QString initialId = uuid(r);
    const int distress = 3 + int(r.bounded(8));
    out << Mutation::put(QStringLiteral("assessment"),
                         QJsonObject{{QStringLiteral("person_id"), personId},
                                     {QStringLiteral("kind"), QStringLiteral("initial")},
                                     {QStringLiteral("date"), iso(hnaDate)},
                                     {QStringLiteral("assessor"), o.linkWorker},
                                     {QStringLiteral("checklist_version"), ref.checklist().id()},
                                     {QStringLiteral("overall_distress"), distress},
                                     {QStringLiteral("status"), QStringLiteral("complete")}},
                         initialId);
    struct Picked {
        QString domain, item, concernId;
        int score;
    };
    QList<Picked> picked;
    const auto domains = ref.checklist().domains();
    const int concernCount = 3 + int(r.bounded(6));
    while (picked.size() < concernCount) {
        const ChecklistDomain &d = domains[int(r.bounded(domains.size()))];
        const ChecklistItem &item = d.items[int(r.bounded(d.items.size()))];
        bool dup = false;
        for (const Picked &p : picked)
            dup |= p.item == item.id;
        if (!dup)
            picked.append(Picked{d.id, item.id, uuid(r), 1 + int(r.bounded(10))});
    }
    std::sort(picked.begin(), picked.end(), [](const Picked &a, const Picked &b) { return a.score > b.score; });
    for (int i = 0; i < picked.size(); ++i) {
        QJsonObject c{{QStringLiteral("person_id"), personId},
                      {QStringLiteral("assessment_id"), initialId},
                      {QStringLiteral("domain"), picked[i].domain},
                      {QStringLiteral("item"), picked[i].item},
                      {QStringLiteral("score"), picked[i].score}};
        if (i < 3) {
            c.insert(QStringLiteral("rank"), i + 1);
            c.insert(QStringLiteral("discussed"), QStringLiteral("Talked this through at the first visit."));
        }
        out << Mutation::put(QStringLiteral("concern"), c, picked[i].concernId);
    }
    for (int i = 0; i < qMin(3, int(picked.size())); ++i) {
        const QDate due = hnaDate.addDays(7 + int(r.bounded(60)));
        const bool overdue = due < o.today;
        const int roll = int(r.bounded(10));
        const QString status =
            overdue ? (roll < 6 ? QStringLiteral("done") : QStringLiteral("in_progress")) : QStringLiteral("planned");
        out << Mutation::put(QStringLiteral("care_action"),
                             QJsonObject{{QStringLiteral("person_id"), personId},
                                         {QStringLiteral("assessment_id"), initialId},
                                         {QStringLiteral("concern_id"), picked[i].concernId},
                                         {QStringLiteral("action"), pick(r, kActions)},
                                         {QStringLiteral("owner"),
                                          r.bounded(2) ? QStringLiteral("link_worker") : QStringLiteral("person")},
                                         {QStringLiteral("due_date"), iso(due)},
                                         {QStringLiteral("status"), status}});
    }

    // The plan of the initial HNA: most agreed at the visit and shared with the GP where the person
    // consented; the rest still drafts. Decided from values already drawn, so the demo's other
    // records stay as they were.
    const bool agreed = concernCount % 4 != 0;
    const QString planId =
        QUuid::createUuidV5(QUuid::fromString(initialId), QStringLiteral("care_plan")).toString(QUuid::WithoutBraces);
    QJsonObject plan{{QStringLiteral("person_id"), personId},
                     {QStringLiteral("assessment_id"), initialId},
                     {QStringLiteral("status"), agreed ? QStringLiteral("agreed") : QStringLiteral("draft")}};
    if (agreed) {
        plan.insert(QStringLiteral("agreed_date"), iso(hnaDate));
        plan.insert(QStringLiteral("agreed_by"), QStringLiteral("%1 and %2").arg(person.value(QStringLiteral("given_name")).toString(), o.linkWorker));
    }
    out << Mutation::put(QStringLiteral("care_plan"), plan, planId);
    if (agreed && person.value(QStringLiteral("consent_share_gp")).toBool())
        out << Mutation::put(QStringLiteral("plan_share"),
                             QJsonObject{{QStringLiteral("person_id"), personId},
                                         {QStringLiteral("care_plan_id"), planId},
                                         {QStringLiteral("recipient_kind"), QStringLiteral("gp")},
                                         {QStringLiteral("recipient_name"), QStringLiteral("Southside Medical Practice")},
                                         {QStringLiteral("shared_date"), iso(qMin(o.today, hnaDate.addDays(1)))}});

    // Onward referrals, to organisations that help with the top concern where the directory has one.
    QString onwardId;
    const auto orgs = ref.directory().search(QString(), QString(), QString(), picked.first().item);
    const auto all = ref.directory().organisations();
    const Organisation &org = orgs.isEmpty() ? all[int(r.bounded(all.size()))] : orgs[int(r.bounded(orgs.size()))];
    onwardId = uuid(r);
    out << Mutation::put(
        QStringLiteral("onward_referral"),
        QJsonObject{{QStringLiteral("person_id"), personId},
                    {QStringLiteral("organisation_id"), org.id},
                    {QStringLiteral("concern_id"), picked.first().concernId},
                    {QStringLiteral("reason"), QStringLiteral("Help with %1").arg(picked.first().item)},
                    {QStringLiteral("date"), iso(qMin(o.today, hnaDate.addDays(2)))},
                    {QStringLiteral("status"), r.bounded(3) ? QStringLiteral("accepted") : QStringLiteral("made")},
                    {QStringLiteral("carers_assessment"), org.category == QLatin1String("carers")}},
        onwardId);
    if (r.bounded(10) < 4) {
        const bool debt = r.bounded(4) == 0;
        out << Mutation::put(
            QStringLiteral("financial_gain"),
            QJsonObject{
                {QStringLiteral("person_id"), personId},
                {QStringLiteral("kind"), debt ? QStringLiteral("debt_written_off") : QStringLiteral("benefit_award")},
                {QStringLiteral("description"),
                 debt ? QStringLiteral("Energy arrears") : QStringLiteral("Attendance Allowance")},
                {QStringLiteral("amount"), debt ? double(200 + r.bounded(1800)) : 4742.2},
                {QStringLiteral("period"), debt ? QStringLiteral("one_off") : QStringLiteral("annual")},
                {QStringLiteral("date_awarded"), iso(qMin(o.today, hnaDate.addDays(40)))},
                {QStringLiteral("organisation_id"), org.id},
                {QStringLiteral("onward_referral_id"), onwardId}});
    }
    auto eq5d = [&](int worst) {
        QString s;
        for (int i = 0; i < 5; ++i)
            s += QString::number(1 + r.bounded(worst));
        return s;
    };
    out << Mutation::put(QStringLiteral("outcome_measure"),
                         QJsonObject{{QStringLiteral("person_id"), personId},
                                     {QStringLiteral("instrument"), QStringLiteral("eq5d_5l")},
                                     {QStringLiteral("date"), iso(hnaDate)},
                                     {QStringLiteral("timepoint"), QStringLiteral("initial")},
                                     {QStringLiteral("assessment_id"), initialId},
                                     {QStringLiteral("eq5d_state"), eq5d(5)},
                                     {QStringLiteral("eq5d_vas"), 30 + int(r.bounded(50))}});
    out << Mutation::put(QStringLiteral("note"),
                         QJsonObject{{QStringLiteral("person_id"), personId},
                                     {QStringLiteral("date"), iso(hnaDate)},
                                     {QStringLiteral("author"), o.linkWorker},
                                     {QStringLiteral("text"), QStringLiteral("Home visit; HNA completed together.")}});

    // About half have had their review, roughly 84 days later, with scores that mostly fell.
    const QDate reviewDate = hnaDate.addDays(70 + int(r.bounded(30)));
    if (reviewDate < o.today && r.bounded(2)) {
        const QString reviewId = uuid(r);
        out << Mutation::put(QStringLiteral("assessment"),
                             QJsonObject{{QStringLiteral("person_id"), personId},
                                         {QStringLiteral("kind"), QStringLiteral("review")},
                                         {QStringLiteral("date"), iso(reviewDate)},
                                         {QStringLiteral("assessor"), o.linkWorker},
                                         {QStringLiteral("checklist_version"), ref.checklist().id()},
                                         {QStringLiteral("initial_assessment_id"), initialId},
                                         {QStringLiteral("overall_distress"), qMax(0, distress - int(r.bounded(6)))},
                                         {QStringLiteral("status"), QStringLiteral("complete")}},
                             reviewId);
        for (const Picked &p : picked)
            out << Mutation::put(QStringLiteral("concern"),
                                 QJsonObject{{QStringLiteral("person_id"), personId},
                                             {QStringLiteral("assessment_id"), reviewId},
                                             {QStringLiteral("domain"), p.domain},
                                             {QStringLiteral("item"), p.item},
                                             {QStringLiteral("score"), qMax(0, p.score - int(r.bounded(7)))}});
        out << Mutation::put(QStringLiteral("outcome_measure"),
                             QJsonObject{{QStringLiteral("person_id"), personId},
                                         {QStringLiteral("instrument"), QStringLiteral("eq5d_5l")},
                                         {QStringLiteral("date"), iso(reviewDate)},
                                         {QStringLiteral("timepoint"), QStringLiteral("review")},
                                         {QStringLiteral("assessment_id"), reviewId},
                                         {QStringLiteral("eq5d_state"), eq5d(3)},
                                         {QStringLiteral("eq5d_vas"), 50 + int(r.bounded(45))}});
        if (r.bounded(3) == 0 && reviewDate.addDays(14) < o.today)
            out << Mutation::put(QStringLiteral("case_status"),
                                 QJsonObject{{QStringLiteral("person_id"), personId},
                                             {QStringLiteral("status"), QStringLiteral("closed")},
                                             {QStringLiteral("date"), iso(reviewDate.addDays(14))},
                                             {QStringLiteral("reason"), QStringLiteral("needs_met")}});
    }
    return out;
}

Result<int> populate(Store &store, const Options &options, const ReferenceData &reference, int perBatch)
{
    int written = 0;
    QList<Mutation> batch;
    for (int i = 0; i < options.people; ++i) {
        batch += personStory(i, options, reference);
        if ((i + 1) % perBatch == 0 || i + 1 == options.people) {
            auto r = store.commit(batch);
            if (!r)
                return r.error();
            written += int(r.value().size());
            batch.clear();
        }
    }
    return written;
}

} // namespace hearth::demo
