#include "flowlabels.h"

#include "schema.h"

#include <QCoreApplication>
#include <QHash>
#include <QVariantMap>

namespace hearth::flowlabels {

namespace {

struct Entry {
    const char *code;
    const char *text;
};

// Marked for lupdate; translated at the moment of use so a language change applies at once.
const Entry kLabels[] = {
    {"female", QT_TRANSLATE_NOOP("FlowLabels", "Female")},
    {"male", QT_TRANSLATE_NOOP("FlowLabels", "Male")},
    {"other", QT_TRANSLATE_NOOP("FlowLabels", "Other")},
    {"not_stated", QT_TRANSLATE_NOOP("FlowLabels", "Not stated")},
    {"lung", QT_TRANSLATE_NOOP("FlowLabels", "Lung")},
    {"breast", QT_TRANSLATE_NOOP("FlowLabels", "Breast")},
    {"prostate", QT_TRANSLATE_NOOP("FlowLabels", "Prostate")},
    {"bowel", QT_TRANSLATE_NOOP("FlowLabels", "Bowel")},
    {"haematological", QT_TRANSLATE_NOOP("FlowLabels", "Haematological")},
    {"upper_gi", QT_TRANSLATE_NOOP("FlowLabels", "Upper GI")},
    {"head_and_neck", QT_TRANSLATE_NOOP("FlowLabels", "Head and neck")},
    {"gynaecological", QT_TRANSLATE_NOOP("FlowLabels", "Gynaecological")},
    {"urological", QT_TRANSLATE_NOOP("FlowLabels", "Urological")},
    {"skin", QT_TRANSLATE_NOOP("FlowLabels", "Skin")},
    {"brain", QT_TRANSLATE_NOOP("FlowLabels", "Brain")},
    {"newly_diagnosed", QT_TRANSLATE_NOOP("FlowLabels", "Newly diagnosed")},
    {"in_treatment", QT_TRANSLATE_NOOP("FlowLabels", "In treatment")},
    {"post_treatment", QT_TRANSLATE_NOOP("FlowLabels", "After treatment")},
    {"living_with_cancer", QT_TRANSLATE_NOOP("FlowLabels", "Living with cancer")},
    {"palliative", QT_TRANSLATE_NOOP("FlowLabels", "Palliative")},
    {"end_of_life", QT_TRANSLATE_NOOP("FlowLabels", "End of life")},
    {"self", QT_TRANSLATE_NOOP("FlowLabels", "Self-referral")},
    {"gp", QT_TRANSLATE_NOOP("FlowLabels", "GP")},
    {"clinical_nurse_specialist", QT_TRANSLATE_NOOP("FlowLabels", "Clinical nurse specialist")},
    {"oncology_outpatients", QT_TRANSLATE_NOOP("FlowLabels", "Oncology outpatients")},
    {"hospital_ward", QT_TRANSLATE_NOOP("FlowLabels", "Hospital ward")},
    {"macmillan_information_centre", QT_TRANSLATE_NOOP("FlowLabels", "Macmillan information centre")},
    {"social_work", QT_TRANSLATE_NOOP("FlowLabels", "Social work")},
    {"third_sector", QT_TRANSLATE_NOOP("FlowLabels", "Third sector organisation")},
    {"family_or_carer", QT_TRANSLATE_NOOP("FlowLabels", "Family or carer")},
    {"phone", QT_TRANSLATE_NOOP("FlowLabels", "Phone")},
    {"home_visit", QT_TRANSLATE_NOOP("FlowLabels", "Home visit")},
    {"letter", QT_TRANSLATE_NOOP("FlowLabels", "Letter")},
    {"text", QT_TRANSLATE_NOOP("FlowLabels", "Text message")},
    {"email", QT_TRANSLATE_NOOP("FlowLabels", "Email")},
    {"clinic", QT_TRANSLATE_NOOP("FlowLabels", "Clinic")},
    {"reached", QT_TRANSLATE_NOOP("FlowLabels", "Spoke to them")},
    {"no_answer", QT_TRANSLATE_NOOP("FlowLabels", "No answer")},
    {"left_message", QT_TRANSLATE_NOOP("FlowLabels", "Left a message")},
    {"wrong_number", QT_TRANSLATE_NOOP("FlowLabels", "Wrong number")},
    {"declined", QT_TRANSLATE_NOOP("FlowLabels", "Declined")},
    {"visit_arranged", QT_TRANSLATE_NOOP("FlowLabels", "Visit arranged")},
    {"initial", QT_TRANSLATE_NOOP("FlowLabels", "Initial")},
    {"review", QT_TRANSLATE_NOOP("FlowLabels", "Review")},
    {"closing", QT_TRANSLATE_NOOP("FlowLabels", "Closing")},
    {"draft", QT_TRANSLATE_NOOP("FlowLabels", "Draft")},
    {"complete", QT_TRANSLATE_NOOP("FlowLabels", "Complete")},
    {"person", QT_TRANSLATE_NOOP("FlowLabels", "The person")},
    {"link_worker", QT_TRANSLATE_NOOP("FlowLabels", "Link worker")},
    {"housing_officer", QT_TRANSLATE_NOOP("FlowLabels", "Housing officer")},
    {"welfare_rights_officer", QT_TRANSLATE_NOOP("FlowLabels", "Welfare rights officer")},
    {"social_worker", QT_TRANSLATE_NOOP("FlowLabels", "Social worker")},
    {"family_member", QT_TRANSLATE_NOOP("FlowLabels", "Family member")},
    {"planned", QT_TRANSLATE_NOOP("FlowLabels", "Planned")},
    {"in_progress", QT_TRANSLATE_NOOP("FlowLabels", "In progress")},
    {"done", QT_TRANSLATE_NOOP("FlowLabels", "Done")},
    {"not_needed", QT_TRANSLATE_NOOP("FlowLabels", "Not needed")},
    {"made", QT_TRANSLATE_NOOP("FlowLabels", "Referral made")},
    {"accepted", QT_TRANSLATE_NOOP("FlowLabels", "Accepted")},
    {"completed", QT_TRANSLATE_NOOP("FlowLabels", "Completed")},
    {"withdrawn", QT_TRANSLATE_NOOP("FlowLabels", "Withdrawn")},
    {"benefit_award", QT_TRANSLATE_NOOP("FlowLabels", "Benefit award")},
    {"grant", QT_TRANSLATE_NOOP("FlowLabels", "Grant")},
    {"debt_written_off", QT_TRANSLATE_NOOP("FlowLabels", "Debt written off")},
    {"one_off", QT_TRANSLATE_NOOP("FlowLabels", "One-off")},
    {"annual", QT_TRANSLATE_NOOP("FlowLabels", "Each year")},
    {"eq5d_5l", QT_TRANSLATE_NOOP("FlowLabels", "EQ-5D-5L")},
    {"eq5d_3l", QT_TRANSLATE_NOOP("FlowLabels", "EQ-5D-3L")},
    {"distress_thermometer", QT_TRANSLATE_NOOP("FlowLabels", "Distress score")},
    {"curative", QT_TRANSLATE_NOOP("FlowLabels", "Curative")},
    {"unknown", QT_TRANSLATE_NOOP("FlowLabels", "Unknown")},
    {"group", QT_TRANSLATE_NOOP("FlowLabels", "Group")},
    {"one_to_one", QT_TRANSLATE_NOOP("FlowLabels", "One-to-one")},
    {"online", QT_TRANSLATE_NOOP("FlowLabels", "Online")},
    {"carer", QT_TRANSLATE_NOOP("FlowLabels", "Carer")},
    {"both", QT_TRANSLATE_NOOP("FlowLabels", "The person and their carer")},
    {"open", QT_TRANSLATE_NOOP("FlowLabels", "Open")},
    {"closed", QT_TRANSLATE_NOOP("FlowLabels", "Closed")},
    {"needs_met", QT_TRANSLATE_NOOP("FlowLabels", "Needs met")},
    {"declined_further_support", QT_TRANSLATE_NOOP("FlowLabels", "Declined further support")},
    {"moved_away", QT_TRANSLATE_NOOP("FlowLabels", "Moved away")},
    {"died", QT_TRANSLATE_NOOP("FlowLabels", "Died")},
    {"transferred", QT_TRANSLATE_NOOP("FlowLabels", "Transferred to another service")},
    {"no_contact", QT_TRANSLATE_NOOP("FlowLabels", "Could not be contacted")},
    {"north_west", QT_TRANSLATE_NOOP("FlowLabels", "North West")},
    {"north_east", QT_TRANSLATE_NOOP("FlowLabels", "North East")},
    {"south", QT_TRANSLATE_NOOP("FlowLabels", "South")},
    {"city_wide", QT_TRANSLATE_NOOP("FlowLabels", "City-wide")},
    {"welfare_rights", QT_TRANSLATE_NOOP("FlowLabels", "Welfare rights")},
    {"debt", QT_TRANSLATE_NOOP("FlowLabels", "Debt")},
    {"housing", QT_TRANSLATE_NOOP("FlowLabels", "Housing")},
    {"carers", QT_TRANSLATE_NOOP("FlowLabels", "Carers")},
    {"physical_activity", QT_TRANSLATE_NOOP("FlowLabels", "Physical activity")},
    {"emotional_support", QT_TRANSLATE_NOOP("FlowLabels", "Emotional support")},
    {"spiritual_care", QT_TRANSLATE_NOOP("FlowLabels", "Spiritual care")},
    {"food", QT_TRANSLATE_NOOP("FlowLabels", "Food")},
    {"energy", QT_TRANSLATE_NOOP("FlowLabels", "Energy")},
    {"transport", QT_TRANSLATE_NOOP("FlowLabels", "Transport")},
    {"health", QT_TRANSLATE_NOOP("FlowLabels", "Health")},
    {"grants", QT_TRANSLATE_NOOP("FlowLabels", "Grants")},
    {"welfare_rights_service", QT_TRANSLATE_NOOP("FlowLabels", "Welfare rights service")},
    {"treatment_summary", QT_TRANSLATE_NOOP("FlowLabels", "Treatment Summary")},
    {"cancer_care_review", QT_TRANSLATE_NOOP("FlowLabels", "Cancer Care Review")},
    {"wellbeing_event", QT_TRANSLATE_NOOP("FlowLabels", "Health and Wellbeing event")},
};

const QHash<QString, const char *> &table()
{
    static const QHash<QString, const char *> t = [] {
        QHash<QString, const char *> h;
        for (const Entry &e : kLabels)
            h.insert(QString::fromLatin1(e.code), e.text);
        return h;
    }();
    return t;
}

} // namespace

QString label(const QString &code)
{
    if (const char *text = table().value(code))
        return QCoreApplication::translate("FlowLabels", text);
    // A code added to the schema after this table: readable rather than blank.
    QString s = code;
    s.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}

QVariantList optionsFor(const QStringList &codes)
{
    QVariantList out;
    for (const QString &c : codes)
        out << QVariantMap{{QStringLiteral("value"), c}, {QStringLiteral("label"), label(c)}};
    return out;
}

QVariantList options(const QString &type, const QString &field)
{
    const RecordSchema *s = schema::find(type);
    const FieldSpec *f = s ? s->field(field) : nullptr;
    return f ? optionsFor(f->values) : QVariantList();
}

} // namespace hearth::flowlabels
