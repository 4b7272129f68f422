#include "onwardreferralcontroller.h"

#include "flowlabels.h"
#include "referencedata.h"

namespace hearth {

OnwardReferralController::OnwardReferralController(QObject *parent)
    : FlowController(parent), m_directory(new DirectoryModel(this)), m_referrals(new ReferralsModel(this))
{}

void OnwardReferralController::setFilter(QString &filter, const QString &value)
{
    if (value == filter)
        return;
    filter = value;
    Q_EMIT filterChanged();
    refilter();
}

void OnwardReferralController::setSearch(const QString &text)
{
    setFilter(m_search, text);
}

void OnwardReferralController::setNeed(const QString &need)
{
    setFilter(m_need, need);
}

void OnwardReferralController::setArea(const QString &area)
{
    setFilter(m_area, area);
}

void OnwardReferralController::setCategory(const QString &category)
{
    setFilter(m_category, category);
}

QVariantList OnwardReferralController::areaOptions() const
{
    QVariantList out{QVariantMap{{QStringLiteral("value"), QString()}, {QStringLiteral("label"), tr("Any area")}}};
    return out + flowlabels::optionsFor(Directory::knownAreas());
}

QVariantList OnwardReferralController::categoryOptions() const
{
    QVariantList out{QVariantMap{{QStringLiteral("value"), QString()}, {QStringLiteral("label"), tr("Any kind")}}};
    return out + flowlabels::optionsFor(reference() ? reference()->directory().categories() : QStringList());
}

bool OnwardReferralController::sampleDirectory() const
{
    return reference() && reference()->directory().isSample();
}

bool OnwardReferralController::refer(const QString &organisationId, const QString &concernId, const QString &reason,
                                     bool carersAssessment)
{
    QJsonObject values = toFields(QStringLiteral("onward_referral"),
                                  {{QStringLiteral("organisation_id"), organisationId},
                                   {QStringLiteral("concern_id"), concernId},
                                   {QStringLiteral("reason"), reason}});
    values.insert(QStringLiteral("person_id"), personId());
    values.insert(QStringLiteral("date"), isoDate(today()));
    values.insert(QStringLiteral("status"), QStringLiteral("made"));
    values.insert(QStringLiteral("carers_assessment"), carersAssessment);
    const Organisation *org = reference() ? reference()->directory().find(organisationId) : nullptr;
    return bool(commit({Mutation::put(QStringLiteral("onward_referral"), values)},
                       tr("Referred to %1").arg(org ? org->name : organisationId),
                       {QStringLiteral("organisation_id"), QStringLiteral("concern_id"), QStringLiteral("reason")}));
}

bool OnwardReferralController::update(const QString &referralId, const QVariantMap &fields)
{
    return bool(commit({Mutation::edit(referralId, toFields(QStringLiteral("onward_referral"), fields))},
                       tr("Referral updated"), fields.keys()));
}

void OnwardReferralController::reload()
{
    const Checklist *checklist = reference() ? &reference()->checklist() : nullptr;
    // Concerns from the latest assessment that has any; their items are the needs to search by.
    QList<Record> assessments = records(QStringLiteral("assessment"), QStringLiteral("date"));
    const QList<Record> concerns = records(QStringLiteral("concern"));
    QString latest;
    for (auto it = assessments.crbegin(); it != assessments.crend() && latest.isEmpty(); ++it)
        for (const Record &c : concerns)
            if (c.values.value(QStringLiteral("assessment_id")).toString() == it->id) {
                latest = it->id;
                break;
            }
    m_needOptions = {QVariantMap{{QStringLiteral("value"), QString()}, {QStringLiteral("label"), tr("Any need")}}};
    m_concernOptions = {
        QVariantMap{{QStringLiteral("value"), QString()}, {QStringLiteral("label"), tr("Not linked to a concern")}}};
    QHash<QString, QString> concernLabels;
    for (const Record &c : concerns) {
        const QString item = c.values.value(QStringLiteral("item")).toString();
        const QString label = checklist ? checklist->itemLabel(item) : item;
        concernLabels.insert(c.id, label);
        if (c.values.value(QStringLiteral("assessment_id")).toString() != latest)
            continue;
        m_needOptions << QVariantMap{{QStringLiteral("value"), item}, {QStringLiteral("label"), label}};
        m_concernOptions << QVariantMap{
            {QStringLiteral("value"), c.id},
            {QStringLiteral("label"),
             tr("%1 (scored %2)").arg(label).arg(c.values.value(QStringLiteral("score")).toInt())}};
    }
    Q_EMIT optionsChanged();

    QList<QVariantMap> rows;
    const QList<Record> referrals = records(QStringLiteral("onward_referral"), QStringLiteral("date"));
    for (auto it = referrals.crbegin(); it != referrals.crend(); ++it) {
        const QJsonObject &v = it->values;
        const QString orgId = v.value(QStringLiteral("organisation_id")).toString();
        const Organisation *org = reference() ? reference()->directory().find(orgId) : nullptr;
        const QString status = v.value(QStringLiteral("status")).toString();
        rows << QVariantMap{
            {QStringLiteral("key"), it->id},
            {QStringLiteral("organisation"), org ? org->name : orgId},
            {QStringLiteral("reason"), v.value(QStringLiteral("reason")).toString()},
            {QStringLiteral("concernLabel"), concernLabels.value(v.value(QStringLiteral("concern_id")).toString())},
            {QStringLiteral("date"), v.value(QStringLiteral("date")).toString()},
            {QStringLiteral("status"), status},
            {QStringLiteral("statusLabel"), flowlabels::label(status)},
            {QStringLiteral("outcome"), v.value(QStringLiteral("outcome")).toString()},
            {QStringLiteral("followUpDate"), v.value(QStringLiteral("follow_up_date")).toString()},
            {QStringLiteral("carersAssessment"), v.value(QStringLiteral("carers_assessment")).toBool()}};
    }
    m_referrals->setRows(rows);
    refilter();
}

void OnwardReferralController::refilter()
{
    QList<QVariantMap> rows;
    if (reference()) {
        for (const Organisation &o : reference()->directory().search(m_search, m_category, m_area, m_need)) {
            QStringList areas;
            for (const QString &a : o.areas)
                areas << flowlabels::label(a);
            rows << QVariantMap{{QStringLiteral("key"), o.id},
                                {QStringLiteral("name"), o.name},
                                {QStringLiteral("category"), o.category},
                                {QStringLiteral("categoryLabel"), flowlabels::label(o.category)},
                                {QStringLiteral("areas"), areas.join(QStringLiteral(", "))},
                                {QStringLiteral("phone"), o.phone},
                                {QStringLiteral("description"), o.description},
                                {QStringLiteral("selfReferral"), o.acceptsSelfReferral}};
        }
    }
    m_directory->setRows(rows);
}

} // namespace hearth
