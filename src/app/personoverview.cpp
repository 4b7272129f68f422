#include "personoverview.h"

#include "session.h"
#include "store.h"

#include <QDate>
#include <QLocale>
#include <QVariantMap>

namespace hearth::app {

namespace {

QVariantMap pair(const QString &label, const QString &value)
{
    return {{QStringLiteral("label"), label}, {QStringLiteral("value"), value}};
}

QString words(const QString &stored)
{
    QString s = stored;
    s.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}

QString date(const QJsonValue &v)
{
    const QDate d = QDate::fromString(v.toString(), Qt::ISODate);
    return d.isValid() ? QLocale().toString(d, QLocale::ShortFormat) : QString();
}

} // namespace

PersonOverview::PersonOverview(QObject *parent) : QObject(parent)
{
    if (Session *s = Session::instance()) {
        connect(s, &Session::unlockedChanged, this, &PersonOverview::reload);
        connect(s, &Session::recordsChanged, this, [this](const QStringList &people) {
            if (people.isEmpty() || people.contains(m_personId))
                reload();
        });
    }
}

void PersonOverview::setPersonId(const QString &personId)
{
    if (personId == m_personId)
        return;
    m_personId = personId;
    Q_EMIT personIdChanged();
    reload();
}

void PersonOverview::reload()
{
    m_name.clear();
    m_details.clear();
    m_activity.clear();
    m_conflicts = 0;
    m_closed = false;
    m_error.clear();
    Session *session = Session::instance();
    Store *store = session ? session->store() : nullptr;
    if (!store || m_personId.isEmpty()) {
        Q_EMIT loaded();
        return;
    }
    // One person's records: tens, not thousands, so reading them here is quick.
    auto records = store->listForPerson(m_personId);
    if (!records) {
        m_error = records.error().message;
        Q_EMIT loaded();
        return;
    }
    int assessments = 0, openActions = 0, referrals = 0, notes = 0, gains = 0, contacts = 0;
    double gained = 0;
    QDate closedOn;
    QString status;
    for (const Record &r : records.value()) {
        m_conflicts += int(r.conflicts.size());
        const QJsonObject &v = r.values;
        if (r.type == QLatin1String("person")) {
            m_name = QStringLiteral("%1 %2").arg(v.value(QStringLiteral("given_name")).toString(),
                                                 v.value(QStringLiteral("family_name")).toString());
            const QList<std::pair<QString, QString>> rows = {
                {tr("Preferred name"), v.value(QStringLiteral("preferred_name")).toString()},
                {tr("Date of birth"), date(v.value(QStringLiteral("date_of_birth")))},
                {tr("CHI number"), v.value(QStringLiteral("chi_number")).toString()},
                {tr("Phone"), v.value(QStringLiteral("phone")).toString()},
                {tr("Address"), v.value(QStringLiteral("address")).toString()},
                {tr("Postcode"), v.value(QStringLiteral("postcode")).toString()},
                {tr("Deprivation decile (1 = most deprived)"),
                 v.value(QStringLiteral("deprivation_decile")).toInt() > 0
                     ? tr("%1 (%2 %3)")
                           .arg(v.value(QStringLiteral("deprivation_decile")).toInt())
                           .arg(v.value(QStringLiteral("deprivation_index")).toString(),
                                v.value(QStringLiteral("deprivation_version")).toString())
                     : (v.contains(QStringLiteral("postcode")) ? tr("unknown for this postcode") : QString())},
                {tr("Diagnosis"), v.value(QStringLiteral("diagnosis")).toString()},
                {tr("Cancer site"), words(v.value(QStringLiteral("cancer_site")).toString())},
                {tr("Stage of care"), words(v.value(QStringLiteral("stage_of_care")).toString())},
                {tr("Link worker"), v.value(QStringLiteral("link_worker")).toString()},
            };
            for (const auto &[label, value] : rows)
                if (!value.isEmpty())
                    m_details.append(pair(label, value));
        } else if (r.type == QLatin1String("assessment")) {
            ++assessments;
        } else if (r.type == QLatin1String("care_action")) {
            const QString st = v.value(QStringLiteral("status")).toString();
            if (st == QLatin1String("planned") || st == QLatin1String("in_progress"))
                ++openActions;
        } else if (r.type == QLatin1String("onward_referral")) {
            ++referrals;
        } else if (r.type == QLatin1String("note")) {
            ++notes;
        } else if (r.type == QLatin1String("contact")) {
            ++contacts;
        } else if (r.type == QLatin1String("financial_gain")) {
            ++gains;
            gained += v.value(QStringLiteral("amount")).toDouble();
        } else if (r.type == QLatin1String("case_status")) {
            const QDate d = QDate::fromString(v.value(QStringLiteral("date")).toString(), Qt::ISODate);
            if (!closedOn.isValid() || d >= closedOn) {
                closedOn = d;
                status = v.value(QStringLiteral("status")).toString();
            }
        }
    }
    m_closed = status == QLatin1String("closed");
    m_activity = {
        pair(tr("Contacts"), QString::number(contacts)),
        pair(tr("Assessments"), QString::number(assessments)),
        pair(tr("Open care actions"), QString::number(openActions)),
        pair(tr("Onward referrals"), QString::number(referrals)),
        pair(tr("Money gained"),
             gains ? QLocale(QLocale::English, QLocale::UnitedKingdom).toCurrencyString(gained, QStringLiteral("£"))
                   : tr("none recorded")),
        pair(tr("Visit notes"), QString::number(notes))};
    if (m_name.isEmpty())
        m_error = tr("This person's details are not on this device.");
    Q_EMIT loaded();
}

} // namespace hearth::app
