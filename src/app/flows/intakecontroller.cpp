#include "intakecontroller.h"

#include "flowlabels.h"
#include "identifiers.h"
#include "schema.h"

namespace hearth {

namespace {

const QString kPerson = QStringLiteral("person");
const QString kReferral = QStringLiteral("referral");

QVariantMap toMap(const QJsonObject &o)
{
    return o.toVariantMap();
}

// The consent wording for each consent field; the fields themselves come from the schema.
QString consentLabel(const QString &field)
{
    if (field == QLatin1String("consent_to_contact"))
        return IntakeController::tr("Agrees to be contacted by the service");
    const QString who = field.mid(QStringLiteral("consent_share_").size());
    return IntakeController::tr("Agrees to share with: %1").arg(flowlabels::label(who));
}

} // namespace

IntakeController::IntakeController(QObject *parent) : FlowController(parent)
{
    // A new person's form needs its defaults (today's date, the consent list) before any person
    // is set, and setting personId to "" changes nothing, so nothing else would load them.
    connect(this, &FlowController::availableChanged, this, [this] {
        if (isNew())
            reload();
    });
    reload();
}

bool IntakeController::save(const QVariantMap &person, const QVariantMap &referral)
{
    QJsonObject personFields = toFields(kPerson, person);
    QJsonObject referralFields = toFields(kReferral, referral);
    const QStringList shown = person.keys() + referral.keys();
    if (isNew()) {
        const QString id = ids::newUuid();
        referralFields.insert(QStringLiteral("person_id"), id);
        auto r = commit({Mutation::put(kPerson, personFields, id), Mutation::put(kReferral, referralFields)},
                        tr("Saved"), shown, id);
        if (!r)
            return false;
        setPersonId(id);
        Q_EMIT created(id);
        return true;
    }
    QList<Mutation> ms{Mutation::edit(personId(), personFields)};
    if (m_referralId.isEmpty()) {
        referralFields.insert(QStringLiteral("person_id"), personId());
        ms << Mutation::put(kReferral, referralFields);
    } else {
        ms << Mutation::edit(m_referralId, referralFields);
    }
    return bool(commit(ms, tr("Saved"), shown));
}

void IntakeController::reload()
{
    m_person.clear();
    m_referral.clear();
    m_referralId.clear();
    m_deprivation.clear();
    if (auto p = record(personId())) {
        m_person = toMap(p->values);
        if (p->values.contains(QStringLiteral("deprivation_index"))) {
            const QJsonValue decile = p->values.value(QStringLiteral("deprivation_decile"));
            m_deprivation = decile.isDouble()
                ? tr("%1 %2: decile %3 (1 = most deprived)")
                      .arg(p->values.value(QStringLiteral("deprivation_index")).toString(),
                           p->values.value(QStringLiteral("deprivation_version")).toString())
                      .arg(decile.toInt())
                : tr("%1 %2: postcode not found (unknown)")
                      .arg(p->values.value(QStringLiteral("deprivation_index")).toString(),
                           p->values.value(QStringLiteral("deprivation_version")).toString());
        }
        const QList<Record> referrals = records(kReferral, QStringLiteral("date_received"));
        if (!referrals.isEmpty()) {
            m_referralId = referrals.constLast().id;
            m_referral = toMap(referrals.constLast().values);
        }
    } else {
        m_referral.insert(QStringLiteral("date_received"), isoDate(today()));
    }
    m_consents.clear();
    if (const RecordSchema *s = schema::find(kPerson))
        for (const FieldSpec &f : s->fields)
            if (f.name.startsWith(QLatin1String("consent_")))
                m_consents << QVariantMap{{QStringLiteral("field"), f.name},
                                          {QStringLiteral("label"), consentLabel(f.name)},
                                          {QStringLiteral("value"), m_person.value(f.name).toBool()}};
    Q_EMIT loaded();
}

ContactController::ContactController(QObject *parent) : FlowController(parent), m_contacts(new ContactsModel(this)) {}

int ContactController::daysWaiting() const
{
    const QDate received = QDate::fromString(m_received, Qt::ISODate);
    return awaitingFirstContact() && received.isValid() ? int(received.daysTo(today())) : 0;
}

bool ContactController::add(const QVariantMap &fields)
{
    QJsonObject values = toFields(QStringLiteral("contact"), fields);
    values.insert(QStringLiteral("person_id"), personId());
    if (values.value(QStringLiteral("date")).isNull() || !values.contains(QStringLiteral("date")))
        values.insert(QStringLiteral("date"), isoDate(today()));
    if (!worker().isEmpty())
        values.insert(QStringLiteral("worker"), worker());
    QList<Mutation> ms{Mutation::put(QStringLiteral("contact"), values)};
    const QString outcome = values.value(QStringLiteral("outcome")).toString();
    // Reaching the person (or arranging the visit) is the first contact the service measures.
    if (!m_referralId.isEmpty() && (outcome == QLatin1String("reached") || outcome == QLatin1String("visit_arranged")))
        ms << Mutation::edit(m_referralId,
                             {{QStringLiteral("date_first_contact"), values.value(QStringLiteral("date"))}});
    return bool(commit(ms, tr("Contact recorded"), fields.keys()));
}

void ContactController::reload()
{
    QList<QVariantMap> rows;
    const QList<Record> contacts = records(QStringLiteral("contact"), QStringLiteral("date"));
    for (auto it = contacts.crbegin(); it != contacts.crend(); ++it) {
        const QJsonObject &v = it->values;
        rows << QVariantMap{
            {QStringLiteral("key"), it->id},
            {QStringLiteral("date"), v.value(QStringLiteral("date")).toString()},
            {QStringLiteral("methodLabel"), flowlabels::label(v.value(QStringLiteral("method")).toString())},
            {QStringLiteral("outcome"), v.value(QStringLiteral("outcome")).toString()},
            {QStringLiteral("outcomeLabel"), flowlabels::label(v.value(QStringLiteral("outcome")).toString())},
            {QStringLiteral("notes"), v.value(QStringLiteral("notes")).toString()}};
    }
    m_contacts->setRows(rows);
    m_referralId.clear();
    m_received.clear();
    for (const Record &r : records(QStringLiteral("referral"), QStringLiteral("date_received")))
        if (!r.values.contains(QStringLiteral("date_first_contact"))) {
            m_referralId = r.id;
            m_received = r.values.value(QStringLiteral("date_received")).toString();
            break;
        }
    Q_EMIT stateChanged();
}

} // namespace hearth
