#include "testsupport.h"

#include <QJsonArray>
#include <QTemporaryDir>

using namespace hearth;

namespace {

struct Case {
    QString type;
    QJsonObject valid;
    // Each bad case: the fields to override (null removes) and the field the error must name.
    QList<std::pair<QJsonObject, QString>> bad;
};

QJsonObject with(QJsonObject base, const QJsonObject &changes)
{
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        if (it.value().isNull())
            base.remove(it.key());
        else
            base.insert(it.key(), it.value());
    }
    return base;
}

} // namespace

class TestSchema : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyTypeHasACase();
    void validAndInvalidPerType();
    void crossFieldRules();
    void derivedFieldsAreComputed();
    void unknownPostcodeIsUnknownNotGuessed();
    void editsAreValidatedAgainstTheWholeRecord();
    void appendOnlyNotes();

private:
    QList<Case> cases() const;
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    QString m_person, m_other, m_initial, m_concern, m_onward, m_plan;
};

void TestSchema::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto s = Store::create(m_dir.filePath(QStringLiteral("s")), "correct horse", test::fastOptions());
    QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().toString()));
    m_store = std::move(s).value();
    auto p = m_store->put(QStringLiteral("person"), test::person());
    QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error().toString()));
    m_person = p.value();
    m_other = m_store->put(QStringLiteral("person"), test::person(QStringLiteral("Iain"))).value();
    auto a = m_store->put(QStringLiteral("assessment"),
                          QJsonObject{{QStringLiteral("person_id"), m_person},
                                      {QStringLiteral("kind"), QStringLiteral("initial")},
                                      {QStringLiteral("date"), QStringLiteral("2025-01-10")},
                                      {QStringLiteral("checklist_version"), QStringLiteral("hna-2024.1")},
                                      {QStringLiteral("overall_distress"), 7},
                                      {QStringLiteral("status"), QStringLiteral("complete")}});
    QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().toString()));
    m_initial = a.value();
    m_concern = m_store
                    ->put(QStringLiteral("concern"),
                          QJsonObject{{QStringLiteral("person_id"), m_person},
                                      {QStringLiteral("assessment_id"), m_initial},
                                      {QStringLiteral("domain"), QStringLiteral("practical")},
                                      {QStringLiteral("item"), QStringLiteral("money_or_housing")},
                                      {QStringLiteral("score"), 8}})
                    .value();
    m_onward = m_store
                   ->put(QStringLiteral("onward_referral"),
                         QJsonObject{{QStringLiteral("person_id"), m_person},
                                     {QStringLiteral("organisation_id"), QStringLiteral("org-0001")},
                                     {QStringLiteral("date"), QStringLiteral("2025-01-12")},
                                     {QStringLiteral("status"), QStringLiteral("made")}})
                   .value();
    QVERIFY(!m_concern.isEmpty() && !m_onward.isEmpty());
    m_plan = m_store
                 ->put(QStringLiteral("care_plan"),
                       QJsonObject{{QStringLiteral("person_id"), m_person},
                                   {QStringLiteral("assessment_id"), m_initial},
                                   {QStringLiteral("status"), QStringLiteral("agreed")},
                                   {QStringLiteral("agreed_date"), QStringLiteral("2025-01-12")}})
                 .value();
    QVERIFY(!m_plan.isEmpty());
}

QList<Case> TestSchema::cases() const
{
    const QJsonValue P(m_person);
    auto o = [](std::initializer_list<std::pair<QString, QJsonValue>> l) {
        QJsonObject x;
        for (const auto &[k, v] : l)
            x.insert(k, v);
        return x;
    };
    const QJsonValue null;
    return {
        {QStringLiteral("person"),
         test::person(QStringLiteral("Valid")),
         {{o({{"given_name", null}}), "given_name"},
          {o({{"given_name", "   "}}), "given_name"},
          {o({{"date_of_birth", "14/03/1958"}}), "date_of_birth"},
          {o({{"date_of_birth", "2099-01-01"}}), "date_of_birth"},
          {o({{"chi_number", "1403581239"}}), "chi_number"},
          {o({{"nhs_number", "943476591"}}), "nhs_number"},
          {o({{"postcode", "NOT A POSTCODE"}}), "postcode"},
          {o({{"cancer_site", "liver-ish"}}), "cancer_site"},
          {o({{"consent_share_gp", "yes"}}), "consent_share_gp"},
          {o({{"deprivation_decile", 1}}), "deprivation_decile"},
          {o({{"favourite_colour", "blue"}}), "favourite_colour"},
          {o({{"diagnosis_date", "1950-01-01"}}), "diagnosis_date"}}},
        {QStringLiteral("referral"),
         o({{"person_id", P},
            {"source", "self"},
            {"date_received", "2025-01-02"},
            {"date_first_contact", "2025-01-05"}}),
         {{o({{"source", "pigeon"}}), "source"},
          {o({{"person_id", "not-an-id"}}), "person_id"},
          {o({{"person_id", QJsonValue(QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e"))}}), "person_id"},
          {o({{"date_first_contact", "2024-12-01"}}), "date_first_contact"},
          {o({{"date_received", null}}), "date_received"}}},
        {QStringLiteral("contact"),
         o({{"person_id", P}, {"date", "2025-01-03"}, {"method", "phone"}, {"outcome", "no_answer"}}),
         {{o({{"method", "telepathy"}}), "method"}, {o({{"outcome", null}}), "outcome"}}},
        {QStringLiteral("assessment"),
         o({{"person_id", P},
            {"kind", "review"},
            {"date", "2025-04-10"},
            {"checklist_version", "hna-2024.1"},
            {"initial_assessment_id", QJsonValue(m_initial)},
            {"overall_distress", 3},
            {"status", "complete"}}),
         {{o({{"overall_distress", 11}}), "overall_distress"},
          {o({{"overall_distress", 2.5}}), "overall_distress"},
          {o({{"overall_distress", null}}), "overall_distress"},
          {o({{"initial_assessment_id", null}}), "initial_assessment_id"},
          {o({{"date", "2024-12-01"}}), "date"},
          {o({{"checklist_version", "hna-1999"}}), "checklist_version"},
          {o({{"kind", "weekly"}}), "kind"}}},
        {QStringLiteral("concern"),
         o({{"person_id", P},
            {"assessment_id", QJsonValue(m_initial)},
            {"domain", "physical"},
            {"item", "pain"},
            {"score", 6},
            {"rank", 1}}),
         {{o({{"score", -1}}), "score"},
          {o({{"score", 10.5}}), "score"},
          {o({{"item", "money_or_housing"}}), "item"}, // wrong domain
          {o({{"domain", "astrology"}}), "domain"},
          {o({{"assessment_id", QJsonValue(m_person)}}), "assessment_id"}}},
        {QStringLiteral("care_action"),
         o({{"person_id", P},
            {"concern_id", QJsonValue(m_concern)},
            {"action", "Apply for Adult Disability Payment"},
            {"owner", "link_worker"},
            {"due_date", "2025-02-01"},
            {"status", "planned"}}),
         {{o({{"action", ""}}), "action"},
          {o({{"status", "finished"}}), "status"},
          {o({{"due_date", "2025-02-30"}}), "due_date"}}},
        {QStringLiteral("onward_referral"),
         o({{"person_id", P},
            {"organisation_id", "org-0002"},
            {"concern_id", QJsonValue(m_concern)},
            {"date", "2025-01-20"},
            {"status", "made"},
            {"carers_assessment", true}}),
         {{o({{"organisation_id", "org-9999"}}), "organisation_id"},
          {o({{"follow_up_date", "2025-01-01"}}), "follow_up_date"},
          {o({{"status", null}}), "status"}}},
        {QStringLiteral("care_plan"),
         o({{"person_id", P},
            {"assessment_id", QJsonValue(m_initial)},
            {"status", "agreed"},
            {"agreed_date", "2025-01-12"},
            {"agreed_by", "the person and their link worker"}}),
         {{o({{"assessment_id", null}}), "assessment_id"},
          {o({{"assessment_id", QJsonValue(m_concern)}}), "assessment_id"},
          {o({{"status", "signed"}}), "status"},
          {o({{"agreed_date", null}}), "agreed_date"},
          {o({{"status", "draft"}}), "agreed_date"},
          {o({{"agreed_date", "2099-01-01"}}), "agreed_date"}}},
        {QStringLiteral("plan_share"),
         o({{"person_id", P},
            {"care_plan_id", QJsonValue(m_plan)},
            {"recipient_kind", "gp"},
            {"recipient_name", "Dr Rao"},
            {"shared_date", "2025-01-20"}}),
         {{o({{"care_plan_id", null}}), "care_plan_id"},
          {o({{"recipient_kind", "postman"}}), "recipient_kind"},
          {o({{"recipient_kind", "housing"}}), "recipient_kind"}, // no consent to share with housing
          {o({{"shared_date", "2025-01-01"}}), "shared_date"}}},
        {QStringLiteral("financial_gain"),
         o({{"person_id", P},
            {"kind", "benefit_award"},
            {"description", "Attendance Allowance"},
            {"amount", 4742.2},
            {"period", "annual"},
            {"date_awarded", "2025-03-01"},
            {"onward_referral_id", QJsonValue(m_onward)}}),
         {{o({{"amount", -5}}), "amount"},
          {o({{"amount", 10.555}}), "amount"},
          {o({{"amount", "lots"}}), "amount"},
          {o({{"kind", "debt_written_off"}}), "period"},
          {o({{"organisation_id", "nowhere"}}), "organisation_id"}}},
        {QStringLiteral("outcome_measure"),
         o({{"person_id", P},
            {"instrument", "eq5d_5l"},
            {"date", "2025-01-10"},
            {"timepoint", "initial"},
            {"eq5d_state", "21111"},
            {"eq5d_vas", 60}}),
         {{o({{"eq5d_state", "61111"}}), "eq5d_state"},
          {o({{"eq5d_state", "1111"}}), "eq5d_state"},
          {o({{"eq5d_vas", 101}}), "eq5d_vas"},
          {o({{"eq5d_vas", null}}), "eq5d_vas"},
          {o({{"instrument", "eq5d_3l"}, {"eq5d_state", "14111"}}), "eq5d_state"},
          {o({{"eq5d_index", 0.5}}), "eq5d_index"}}},
        {QStringLiteral("treatment_summary"),
         o({{"person_id", P},
            {"date_received", "2025-02-01"},
            {"treatment_aim", "curative"},
            {"treatment_start", "2025-01-01"},
            {"treatment_end", "2025-01-31"}}),
         {{o({{"treatment_end", "2024-12-31"}}), "treatment_end"}, {o({{"treatment_aim", "maybe"}}), "treatment_aim"}}},
        {QStringLiteral("cancer_care_review"),
         o({{"person_id", P}, {"date", "2025-06-01"}, {"reviewer", "Dr Rao"}}),
         {{o({{"reviewer", null}}), "reviewer"}, {o({{"discussed_financial", 1}}), "discussed_financial"}}},
        {QStringLiteral("wellbeing_event"),
         o({{"person_id", P},
            {"date", "2025-05-01"},
            {"format", "group"},
            {"attended_by", "both"},
            {"topic_money", true}}),
         {{o({{"format", "carrier pigeon"}}), "format"}, {o({{"attended_by", null}}), "attended_by"}}},
        {QStringLiteral("note"),
         o({{"person_id", P}, {"date", "2025-01-10"}, {"text", "First visit went well."}}),
         {{o({{"text", ""}}), "text"}, {o({{"text", QJsonValue(QString(20001, QLatin1Char('x')))}}), "text"}}},
        {QStringLiteral("case_status"),
         o({{"person_id", P}, {"status", "closed"}, {"date", "2025-06-01"}, {"reason", "needs_met"}}),
         {{o({{"reason", null}}), "reason"}, {o({{"status", "open"}}), "reason"}}},
    };
}

void TestSchema::everyTypeHasACase()
{
    QStringList covered;
    for (const Case &c : cases())
        covered << c.type;
    for (const QString &t : schema::types())
        QVERIFY2(covered.contains(t), qPrintable(QStringLiteral("no validation case for type %1").arg(t)));
}

void TestSchema::validAndInvalidPerType()
{
    for (const Case &c : cases()) {
        for (const auto &[changes, field] : c.bad) {
            const QString before = m_store->hash().value();
            auto r = m_store->put(c.type, with(c.valid, changes));
            QVERIFY2(!r.ok(), qPrintable(QStringLiteral("%1 accepted bad %2").arg(c.type, field)));
            QCOMPARE(r.error().code, ErrorCode::Validation);
            bool named = false;
            for (const FieldError &e : r.error().fields)
                named |= e.field == field && !e.message.isEmpty();
            QVERIFY2(
                named,
                qPrintable(
                    QStringLiteral("%1: expected an error on %2, got: %3").arg(c.type, field, r.error().toString())));
            QCOMPARE(m_store->hash().value(), before);
        }
        auto ok = m_store->put(c.type, c.valid);
        QVERIFY2(ok.ok(),
                 qPrintable(QStringLiteral("%1 rejected a valid record: %2")
                                .arg(c.type, ok.ok() ? QString() : ok.error().toString())));
    }
}

void TestSchema::crossFieldRules()
{
    // A review must point at an initial assessment of the same person.
    const QString otherInitial =
        m_store
            ->put(QStringLiteral("assessment"),
                  QJsonObject{{QStringLiteral("person_id"), m_other},
                              {QStringLiteral("kind"), QStringLiteral("initial")},
                              {QStringLiteral("date"), QStringLiteral("2025-01-10")},
                              {QStringLiteral("checklist_version"), QStringLiteral("hna-2024.1")},
                              {QStringLiteral("status"), QStringLiteral("draft")}})
            .value();
    QVERIFY(!otherInitial.isEmpty());
    QJsonObject review{{QStringLiteral("person_id"), m_person},
                       {QStringLiteral("kind"), QStringLiteral("review")},
                       {QStringLiteral("date"), QStringLiteral("2025-04-10")},
                       {QStringLiteral("checklist_version"), QStringLiteral("hna-2024.1")},
                       {QStringLiteral("status"), QStringLiteral("draft")},
                       {QStringLiteral("initial_assessment_id"), otherInitial}};
    auto r = m_store->put(QStringLiteral("assessment"), review);
    QVERIFY(!r.ok());
    QVERIFY(r.error().toString().contains(QStringLiteral("another person")));
    // ... and at an initial one, not another review.
    review[QStringLiteral("initial_assessment_id")] = m_initial;
    const QString firstReview = m_store->put(QStringLiteral("assessment"), review).value();
    review[QStringLiteral("initial_assessment_id")] = firstReview;
    r = m_store->put(QStringLiteral("assessment"), review);
    QVERIFY(!r.ok());
    QVERIFY(r.error().toString().contains(QStringLiteral("initial assessment")));
    // A CHI number whose date part disagrees with the date of birth.
    QJsonObject p = test::person(QStringLiteral("Chi"), QStringLiteral("Mismatch"));
    p[QStringLiteral("date_of_birth")] = QStringLiteral("1958-03-15");
    r = m_store->put(QStringLiteral("person"), p);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().fields.first().field, QStringLiteral("chi_number"));
}

void TestSchema::derivedFieldsAreComputed()
{
    QJsonObject p = test::person(QStringLiteral("Derived"));
    p[QStringLiteral("postcode")] = QStringLiteral("g40 6dj"); // typed in lower case, no care for spacing
    const QString id = m_store->put(QStringLiteral("person"), p).value();
    const Record r = m_store->get(id).value();
    QCOMPARE(r.values.value(QStringLiteral("postcode")).toString(), QStringLiteral("G40 6DJ"));
    QCOMPARE(r.values.value(QStringLiteral("deprivation_index")).toString(), QStringLiteral("SIMD"));
    QCOMPARE(r.values.value(QStringLiteral("deprivation_version")).toString(), QStringLiteral("2020v2"));
    QCOMPARE(r.values.value(QStringLiteral("deprivation_decile")).toInt(), 1);
    QCOMPARE(r.values.value(QStringLiteral("deprivation_quintile")).toInt(), 1);

    const QString m = m_store
                          ->put(QStringLiteral("outcome_measure"),
                                QJsonObject{{QStringLiteral("person_id"), id},
                                            {QStringLiteral("instrument"), QStringLiteral("eq5d_5l")},
                                            {QStringLiteral("date"), QStringLiteral("2025-01-10")},
                                            {QStringLiteral("timepoint"), QStringLiteral("initial")},
                                            {QStringLiteral("eq5d_state"), QStringLiteral("12345")},
                                            {QStringLiteral("eq5d_vas"), 40}})
                          .value();
    const Record om = m_store->get(m).value();
    QVERIFY(qAbs(om.values.value(QStringLiteral("eq5d_index")).toDouble() - 0.322) < 1e-9);
    QCOMPARE(om.values.value(QStringLiteral("eq5d_value_set")).toString(), QStringLiteral("eq5d5l-en-devlin2018"));
}

void TestSchema::unknownPostcodeIsUnknownNotGuessed()
{
    QJsonObject p = test::person(QStringLiteral("Unknown"));
    p[QStringLiteral("postcode")] = QStringLiteral("ZE1 0AA");
    const Record r = m_store->get(m_store->put(QStringLiteral("person"), p).value()).value();
    QVERIFY(r.values.value(QStringLiteral("deprivation_decile")).isNull());
    QVERIFY(r.values.value(QStringLiteral("deprivation_quintile")).isNull());
    QCOMPARE(r.values.value(QStringLiteral("deprivation_index")).toString(), QStringLiteral("SIMD"));
}

void TestSchema::editsAreValidatedAgainstTheWholeRecord()
{
    const QString before = m_store->hash().value();
    auto st = m_store->edit(m_person, QJsonObject{{QStringLiteral("date_of_birth"), QStringLiteral("1958-03-15")}});
    QVERIFY(!st.ok()); // now disagrees with the CHI number already stored
    QCOMPARE(st.error().code, ErrorCode::Validation);
    st = m_store->edit(m_person, QJsonObject{{QStringLiteral("given_name"), QJsonValue()}});
    QVERIFY(!st.ok()); // clearing a required field
    st = m_store->edit(m_initial, QJsonObject{{QStringLiteral("person_id"), m_other}});
    QVERIFY(!st.ok());
    QCOMPARE(m_store->hash().value(), before);
    // Clearing an optional field is fine.
    QVERIFY(m_store->edit(m_person, QJsonObject{{QStringLiteral("cancer_site"), QJsonValue()}}).ok());
    QVERIFY(!m_store->get(m_person).value().values.contains(QStringLiteral("cancer_site"))
            || m_store->get(m_person).value().values.value(QStringLiteral("cancer_site")).isNull());
}

void TestSchema::appendOnlyNotes()
{
    const QString n = m_store
                          ->put(QStringLiteral("note"),
                                QJsonObject{{QStringLiteral("person_id"), m_person},
                                            {QStringLiteral("date"), QStringLiteral("2025-01-11")},
                                            {QStringLiteral("text"), QStringLiteral("Called back.")}})
                          .value();
    auto st = m_store->edit(n, QJsonObject{{QStringLiteral("text"), QStringLiteral("rewritten")}});
    QVERIFY(!st.ok());
    QCOMPARE(st.error().code, ErrorCode::Validation);
    QVERIFY(!m_store->remove(n).ok());
}

QTEST_GUILESS_MAIN(TestSchema)
#include "tst_schema.moc"
