#include "recoverycontroller.h"

#include "flowlabels.h"

#include <algorithm>

namespace hearth {

namespace {
const QStringList kTypes = {QStringLiteral("treatment_summary"), QStringLiteral("cancer_care_review"),
                            QStringLiteral("wellbeing_event")};
} // namespace

RecoveryController::RecoveryController(QObject *parent) : FlowController(parent), m_items(new RecoveryModel(this)) {}

bool RecoveryController::add(const QString &type, const QVariantMap &fields)
{
    if (!kTypes.contains(type)) {
        refuse(tr("\"%1\" is not part of the Recovery Package.").arg(type));
        return false;
    }
    QJsonObject values = toFields(type, fields);
    values.insert(QStringLiteral("person_id"), personId());
    // Unticked topics are simply not recorded, not recorded as "false".
    for (auto it = values.begin(); it != values.end();)
        it = it.value().isBool() && !it.value().toBool() ? values.erase(it) : it + 1;
    return bool(commit({Mutation::put(type, values)}, tr("%1 saved").arg(flowlabels::label(type)), fields.keys()));
}

void RecoveryController::reload()
{
    struct Item {
        QString date;
        QVariantMap row;
    };
    QList<Item> items;
    m_careReviewDone = false;
    for (const QString &type : kTypes) {
        for (const Record &r : records(type)) {
            const QJsonObject &v = r.values;
            QString date, title;
            QStringList detail;
            if (type == QLatin1String("treatment_summary")) {
                date = v.value(QStringLiteral("date_received")).toString();
                title = v.value(QStringLiteral("diagnosis")).toString();
                if (v.contains(QStringLiteral("treatment_aim")))
                    detail << flowlabels::label(v.value(QStringLiteral("treatment_aim")).toString());
                detail << v.value(QStringLiteral("treatment")).toString();
            } else if (type == QLatin1String("cancer_care_review")) {
                m_careReviewDone = true;
                date = v.value(QStringLiteral("date")).toString();
                title = v.value(QStringLiteral("reviewer")).toString();
                for (const char *topic : {"practical", "emotional", "financial"})
                    if (v.value(QStringLiteral("discussed_") + QLatin1String(topic)).toBool())
                        detail << flowlabels::label(QLatin1String(topic));
            } else {
                date = v.value(QStringLiteral("date")).toString();
                title = v.value(QStringLiteral("title")).toString();
                detail << flowlabels::label(v.value(QStringLiteral("format")).toString())
                       << flowlabels::label(v.value(QStringLiteral("attended_by")).toString());
            }
            detail.removeAll(QString());
            items << Item{date,
                          QVariantMap{{QStringLiteral("key"), r.id},
                                      {QStringLiteral("type"), type},
                                      {QStringLiteral("typeLabel"), flowlabels::label(type)},
                                      {QStringLiteral("date"), date},
                                      {QStringLiteral("title"), title},
                                      {QStringLiteral("detail"), detail.join(QStringLiteral(" · "))}}};
        }
    }
    std::stable_sort(items.begin(), items.end(), [](const Item &a, const Item &b) { return a.date > b.date; });
    QList<QVariantMap> rows;
    for (const Item &i : std::as_const(items))
        rows << i.row;
    m_items->setRows(rows);
    m_careReviewDue.clear();
    if (auto p = record(personId())) {
        const QDate diagnosed =
            QDate::fromString(p->values.value(QStringLiteral("diagnosis_date")).toString(), Qt::ISODate);
        if (diagnosed.isValid())
            m_careReviewDue = isoDate(diagnosed.addMonths(12));
    }
    Q_EMIT itemsChanged();
}

} // namespace hearth
