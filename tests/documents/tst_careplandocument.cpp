// The care plan PDF: the person's plain-language copy, the professional copy that holds only what the person agreed
// to share, and the errors that make nothing. Text is read back out of the PDF with pdftotext (poppler-utils), so
// these tests check what a reader of the file would see, not what the code meant to draw.
#include "careplandocument.h"

#include "../core/testsupport.h"

#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace hearth;
using namespace hearth::documents;

namespace {

const QString kChi = test::chiFor(QDate(1958, 3, 14), 123);

// pdftotext in content-stream order, whitespace collapsed: a table cell or a paragraph wrapped over lines reads
// as one run of words.
QString pdfText(const QByteArray &pdf)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("doc.pdf"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(pdf) != pdf.size())
        return {};
    f.close();
    QProcess p;
    p.start(QStringLiteral("pdftotext"),
            {QStringLiteral("-raw"), QStringLiteral("-enc"), QStringLiteral("UTF-8"), path, QStringLiteral("-")});
    if (!p.waitForFinished(30000) || p.exitCode() != 0)
        return {};
    return QString::fromUtf8(p.readAllStandardOutput()).simplified();
}

int pdfPages(const QByteArray &pdf)
{
    return int(pdf.count("/Type /Page\n") + pdf.count("/Type /Page\r") + pdf.count("/Type /Page ")
               + pdf.count("/Type /Page/"));
}

} // namespace

class TestCarePlanDocument : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_storeDir;
    std::unique_ptr<Store> m_store;
    QString m_person;    // a full plan; consent for GP, welfare rights, social work; refused for housing
    QString m_draftOnly; // an assessment still in draft, with an action
    QString m_noActions; // a complete assessment, nothing agreed
    QString m_noConsent; // a full plan, no consent asked at all
    QString m_notAgreed; // a complete assessment with actions, but no agreed care_plan record
    RenderOptions m_options;

    QString put(const QString &type, QJsonObject fields)
    {
        auto id = m_store->put(type, fields);
        if (!id)
            qFatal("fixture: %s", qPrintable(id.error().toString()));
        return id.value();
    }

    QString addPerson(const QJsonObject &extra)
    {
        QJsonObject p = test::person();
        p.insert(QStringLiteral("address"), QStringLiteral("12 Example Street, Glasgow"));
        p.insert(QStringLiteral("phone"), QStringLiteral("07700 900123"));
        p.insert(QStringLiteral("link_worker"), QStringLiteral("lw-07"));
        p.remove(QStringLiteral("consent_share_gp"));
        for (auto it = extra.begin(); it != extra.end(); ++it)
            p.insert(it.key(), it.value());
        return put(QStringLiteral("person"), p);
    }

    QString assessment(const QString &person, const QString &kind, const QString &date, int distress,
                       const QString &status = QStringLiteral("complete"), const QString &initial = {})
    {
        QJsonObject a{{QStringLiteral("person_id"), person},
                      {QStringLiteral("kind"), kind},
                      {QStringLiteral("date"), date},
                      {QStringLiteral("checklist_version"), test::reference().checklist().id()},
                      {QStringLiteral("overall_distress"), distress},
                      {QStringLiteral("status"), status}};
        if (!initial.isEmpty())
            a.insert(QStringLiteral("initial_assessment_id"), initial);
        return put(QStringLiteral("assessment"), a);
    }

    QString concern(const QString &person, const QString &assessmentId, const QString &domain, const QString &item,
                    int score, int rank = 0, const QString &discussed = {})
    {
        QJsonObject c{{QStringLiteral("person_id"), person},
                      {QStringLiteral("assessment_id"), assessmentId},
                      {QStringLiteral("domain"), domain},
                      {QStringLiteral("item"), item},
                      {QStringLiteral("score"), score}};
        if (rank > 0)
            c.insert(QStringLiteral("rank"), rank);
        if (!discussed.isEmpty())
            c.insert(QStringLiteral("discussed"), discussed);
        return put(QStringLiteral("concern"), c);
    }

    void action(const QString &person, const QString &concernId, const QString &text, const QString &owner,
                const QString &ownerName, const QString &due, const QString &status, const QString &outcome = {})
    {
        QJsonObject a{{QStringLiteral("person_id"), person},
                      {QStringLiteral("action"), text},
                      {QStringLiteral("owner"), owner},
                      {QStringLiteral("status"), status}};
        if (!concernId.isEmpty())
            a.insert(QStringLiteral("concern_id"), concernId);
        if (!ownerName.isEmpty())
            a.insert(QStringLiteral("owner_name"), ownerName);
        if (!due.isEmpty())
            a.insert(QStringLiteral("due_date"), due);
        if (!outcome.isEmpty())
            a.insert(QStringLiteral("outcome"), outcome);
        put(QStringLiteral("care_action"), a);
    }

    QString carePlan(const QString &person, const QString &assessmentId, const QString &status,
                     const QString &agreedDate = {})
    {
        QJsonObject p{{QStringLiteral("person_id"), person},
                      {QStringLiteral("assessment_id"), assessmentId},
                      {QStringLiteral("status"), status}};
        if (!agreedDate.isEmpty()) {
            p.insert(QStringLiteral("agreed_date"), agreedDate);
            p.insert(QStringLiteral("agreed_by"), QStringLiteral("the person and their link worker"));
        }
        return put(QStringLiteral("care_plan"), p);
    }

    void referral(const QString &person, const QString &org, const QString &concernId, const QString &status,
                  const QString &date)
    {
        put(QStringLiteral("onward_referral"),
            QJsonObject{{QStringLiteral("person_id"), person},
                        {QStringLiteral("organisation_id"), org},
                        {QStringLiteral("concern_id"), concernId},
                        {QStringLiteral("reason"), QStringLiteral("Internal reason")},
                        {QStringLiteral("date"), date},
                        {QStringLiteral("status"), status}});
    }

    // The whole story of one person's plan: two HNAs, four concerns, actions for several owners, referrals to a
    // welfare rights, a housing and an emotional support organisation, and records outside the plan.
    void fillPlan(const QString &p)
    {
        const QString initial = assessment(p, QStringLiteral("initial"), QStringLiteral("2025-06-02"), 7);
        const QString money0 = concern(p, initial, QStringLiteral("practical"), QStringLiteral("money_or_housing"), 9,
                                       1, QStringLiteral("I can't keep up with the rent since I stopped work."));
        const QString tired0 =
            concern(p, initial, QStringLiteral("physical"), QStringLiteral("tired_exhausted_or_fatigued"), 8, 2);
        const QString worry0 =
            concern(p, initial, QStringLiteral("emotional"), QStringLiteral("worry_fear_or_anxiety"), 6, 3);
        concern(p, initial, QStringLiteral("physical"), QStringLiteral("getting_around"), 5);
        const QString review = assessment(p, QStringLiteral("review"), QStringLiteral("2025-09-01"), 4,
                                          QStringLiteral("complete"), initial);
        concern(p, review, QStringLiteral("practical"), QStringLiteral("money_or_housing"), 5, 1,
                QStringLiteral("The rent arrears letter frightens me."));
        concern(p, review, QStringLiteral("physical"), QStringLiteral("tired_exhausted_or_fatigued"), 6, 2);
        concern(p, review, QStringLiteral("emotional"), QStringLiteral("worry_fear_or_anxiety"), 3, 3);
        concern(p, review, QStringLiteral("physical"), QStringLiteral("getting_around"), 4);
        // The plan agreed at the initial HNA is superseded by the one agreed at the review.
        carePlan(p, initial, QStringLiteral("agreed"), QStringLiteral("2025-06-02"));
        carePlan(p, review, QStringLiteral("agreed"), QStringLiteral("2025-09-01"));

        action(p, money0, QStringLiteral("Apply for Attendance Allowance together"),
               QStringLiteral("welfare_rights_officer"), QStringLiteral("Sam Reid"), QStringLiteral("2025-12-01"),
               QStringLiteral("planned"));
        action(p, tired0, QStringLiteral("Review fatigue and sleep medication"), QStringLiteral("gp"),
               QStringLiteral("Dr Rao"), QStringLiteral("2025-11-28"), QStringLiteral("in_progress"));
        action(p, money0, QStringLiteral("Ask about a ground-floor flat"), QStringLiteral("housing_officer"), {},
               QStringLiteral("2026-01-15"), QStringLiteral("planned"));
        action(p, worry0, QStringLiteral("Try the listening service"), QStringLiteral("person"), {},
               QStringLiteral("2025-12-10"), QStringLiteral("planned"), QStringLiteral("Went once and felt awkward"));
        action(p, {}, QStringLiteral("Arrange a commode"), QStringLiteral("link_worker"), {}, {},
               QStringLiteral("not_needed"));
        action(p, {}, QStringLiteral("Phone every fortnight to see how things are"), QStringLiteral("link_worker"), {},
               {}, QStringLiteral("done"));

        referral(p, QStringLiteral("org-0001"), money0, QStringLiteral("accepted"), QStringLiteral("2025-06-04"));
        referral(p, QStringLiteral("org-0011"), money0, QStringLiteral("made"), QStringLiteral("2025-06-05"));
        referral(p, QStringLiteral("org-0026"), worry0, QStringLiteral("accepted"), QStringLiteral("2025-06-06"));
        referral(p, QStringLiteral("org-0021"), tired0, QStringLiteral("withdrawn"), QStringLiteral("2025-06-07"));

        put(QStringLiteral("note"),
            QJsonObject{{QStringLiteral("person_id"), p},
                        {QStringLiteral("date"), QStringLiteral("2025-06-02")},
                        {QStringLiteral("text"), QStringLiteral("Private note about family")}});
        put(QStringLiteral("financial_gain"),
            QJsonObject{{QStringLiteral("person_id"), p},
                        {QStringLiteral("kind"), QStringLiteral("benefit_award")},
                        {QStringLiteral("description"), QStringLiteral("PIP award")},
                        {QStringLiteral("amount"), 4742.2},
                        {QStringLiteral("period"), QStringLiteral("annual")},
                        {QStringLiteral("date_awarded"), QStringLiteral("2025-08-01")}});
    }

    QByteArray render(const QString &person, Audience audience, const QString &professional = {})
    {
        auto pdf = CarePlanDocument::render(*m_store, test::reference(), person, audience, professional, m_options);
        if (!pdf)
            qWarning("render failed: %s", qPrintable(pdf.error().toString()));
        return pdf ? pdf.value() : QByteArray();
    }

    // renderToFile must fail with `code` and leave no file behind.
    void expectNothingMade(const QString &person, Audience audience, const QString &professional, ErrorCode code,
                           const QString &inMessage)
    {
        const QString path = m_tmp.filePath(QStringLiteral("refused.pdf"));
        QFile::remove(path);
        const Status st = CarePlanDocument::renderToFile(*m_store, test::reference(), person, audience, professional,
                                                         m_options, path);
        QVERIFY(!st);
        QCOMPARE(int(st.error().code), int(code));
        QVERIFY2(st.error().message.contains(inMessage), qPrintable(st.error().message));
        QVERIFY(!QFileInfo::exists(path));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(qobject_cast<QGuiApplication *>(QCoreApplication::instance()));
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty(),
                 "pdftotext (poppler-utils) is needed to read the PDFs back");
        QVERIFY(m_tmp.isValid());
        m_storeDir = m_tmp.filePath(QStringLiteral("store"));
        auto s = Store::create(m_storeDir, "correct horse", test::fastOptions());
        QVERIFY2(s.ok(), s ? "" : qPrintable(s.error().toString()));
        m_store = std::move(s).value();

        m_person = addPerson({{QStringLiteral("consent_share_gp"), true},
                              {QStringLiteral("consent_share_welfare_rights"), true},
                              {QStringLiteral("consent_share_social_work"), true},
                              {QStringLiteral("consent_share_housing"), false}});
        fillPlan(m_person);
        m_noConsent = addPerson({{QStringLiteral("given_name"), QStringLiteral("Iain")}});
        fillPlan(m_noConsent);

        m_draftOnly = addPerson({{QStringLiteral("consent_share_gp"), true}});
        const QString draft = assessment(m_draftOnly, QStringLiteral("initial"), QStringLiteral("2025-10-01"), 5,
                                         QStringLiteral("draft"));
        const QString c =
            concern(m_draftOnly, draft, QStringLiteral("practical"), QStringLiteral("money_or_housing"), 7);
        action(m_draftOnly, c, QStringLiteral("Benefit check"), QStringLiteral("link_worker"), {},
               QStringLiteral("2025-12-01"), QStringLiteral("planned"));
        carePlan(m_draftOnly, draft, QStringLiteral("draft"));
        m_notAgreed = addPerson({{QStringLiteral("consent_share_gp"), true}});
        const QString complete = assessment(m_notAgreed, QStringLiteral("initial"), QStringLiteral("2025-10-01"), 5);
        const QString c2 =
            concern(m_notAgreed, complete, QStringLiteral("practical"), QStringLiteral("money_or_housing"), 7, 1);
        action(m_notAgreed, c2, QStringLiteral("Benefit check"), QStringLiteral("link_worker"), {},
               QStringLiteral("2025-12-01"), QStringLiteral("planned"));
        m_noActions = addPerson({{QStringLiteral("consent_share_gp"), true}});
        const QString done = assessment(m_noActions, QStringLiteral("initial"), QStringLiteral("2025-10-01"), 5);
        concern(m_noActions, done, QStringLiteral("practical"), QStringLiteral("money_or_housing"), 7);

        m_options.today = QDate(2025, 11, 23);
        m_options.linkWorkerName = QStringLiteral("Jo Brennan");
        m_options.linkWorkerPhone = QStringLiteral("0141 496 0999");
        m_options.serviceName = QStringLiteral("Improving the Cancer Journey");
    }

    void loadedPlanIsTheAgreedOne()
    {
        auto plan = loadCarePlan(*m_store, test::reference(), m_person);
        QVERIFY2(plan.ok(), plan ? "" : qPrintable(plan.error().toString()));
        const CarePlan &p = plan.value();
        QCOMPARE(p.assessmentKind, QStringLiteral("review"));
        QCOMPARE(p.assessmentDate, QDate(2025, 9, 1));
        QCOMPARE(p.initialDate, QDate(2025, 6, 2));
        QCOMPARE(p.overallDistress, std::optional<int>(4));
        QCOMPARE(p.concerns.size(), 4);
        QCOMPARE(p.concerns.first().label, QStringLiteral("Money or housing")); // ranked first
        QCOMPARE(p.concerns.first().score, 5);
        QCOMPARE(p.concerns.first().initialScore, std::optional<int>(9));
        QCOMPARE(p.concerns.last().label, QStringLiteral("Getting around (walking)")); // unranked last
        QCOMPARE(p.actions.size(), 5);                                                 // the not-needed one is left out
        QCOMPARE(p.actions.first().due, QDate(2025, 11, 28));
        QVERIFY(!p.actions.last().due.isValid()); // undated last
        QCOMPARE(p.referrals.size(), 3);          // the withdrawn one is left out
        QCOMPARE(p.consentedTo,
                 (QSet<ProfessionalKind>{ProfessionalKind::Gp, ProfessionalKind::WelfareRights,
                                         ProfessionalKind::SocialWork}));
    }

    void personCopyIsPlainAndComplete()
    {
        const QByteArray pdf = render(m_person, Audience::Person);
        QVERIFY(pdf.startsWith("%PDF"));
        const QString text = pdfText(pdf);
        QVERIFY2(!text.isEmpty(), "pdftotext read nothing");
        for (const QString &s :
             {QStringLiteral("My care plan"), QStringLiteral("This plan belongs to Morag MacAlister."),
              QStringLiteral("We wrote it together on 2 June 2025. We looked at it again on 1 September 2025."),
              QStringLiteral("How upset or worried you felt overall: 4 out of 10."),
              QStringLiteral("Money or housing How much it bothers you: 5 out of 10. The first time we asked, it was 9 "
                             "out of 10."),
              QStringLiteral("You said: “The rent arrears letter frightens me.”"),
              QStringLiteral("Tired, exhausted or fatigued"), QStringLiteral("Worry, fear or anxiety"),
              QStringLiteral("Review fatigue and sleep medication Who will do it: Your GP (Dr Rao) By when: 28 "
                             "November 2025 This helps with: Tired, exhausted or fatigued Now: Started"),
              QStringLiteral("Who will do it: A money and benefits adviser (Sam Reid)"),
              QStringLiteral("Try the listening service Who will do it: You"),
              QStringLiteral("Phone every fortnight to see how things are Who will do it: Your link worker (Jo "
                             "Brennan)"),
              QStringLiteral("Now: Done"), QStringLiteral("Your link worker: Jo Brennan Phone: 0141 496 0999"),
              QStringLiteral("Clydeview Welfare Rights Service They have agreed to help you."),
              QStringLiteral("Phone: 0141 496 0107"), QStringLiteral("Glenhaven Housing Support"),
              QStringLiteral("Lamplight Cancer Listening Service"), QStringLiteral("Made on 23 November 2025.")})
            QVERIFY2(text.contains(s), qPrintable(QStringLiteral("missing: ") + s + QStringLiteral("\nin: ") + text));
        // No codes, jargon or things outside the plan.
        for (const QString &s :
             {QStringLiteral("Arrange a commode"), QStringLiteral("Kelvinmuir"), QStringLiteral("org-0"),
              QStringLiteral("lw-07"), QStringLiteral("HNA"), QStringLiteral("in_progress"),
              QStringLiteral("welfare_rights_officer"), QStringLiteral("money_or_housing"), QStringLiteral("CHI"), kChi,
              QStringLiteral("Private note"), QStringLiteral("PIP award"), QStringLiteral("4742"),
              QStringLiteral("Internal reason"), QStringLiteral("Went once")})
            QVERIFY2(!text.contains(s), qPrintable(QStringLiteral("should not be there: ") + s));
    }

    void gpCopyHoldsTheWholePlanButNotThePersonsOwnWords()
    {
        const QByteArray pdf = render(m_person, Audience::Professional, QStringLiteral("gp"));
        QVERIFY(pdf.startsWith("%PDF"));
        const QString text = pdfText(pdf);
        for (const QString &s :
             {QStringLiteral("Care plan: copy for GP"), QStringLiteral("Morag MacAlister"), kChi,
              QStringLiteral("14 Mar 1958"), QStringLiteral("Holistic Needs Assessment (review) on 1 Sept 2025"),
              QStringLiteral("Overall distress: 4/10"), QStringLiteral("Practical Money or housing 5 9"),
              QStringLiteral("Review fatigue and sleep medication"), QStringLiteral("GP: Dr Rao"),
              QStringLiteral("Apply for Attendance Allowance together"), QStringLiteral("Ask about a ground"),
              QStringLiteral("Clydeview Welfare Rights Service"), QStringLiteral("Lamplight Cancer Listening Service"),
              QStringLiteral("Jo Brennan")})
            QVERIFY2(text.contains(s), qPrintable(QStringLiteral("missing: ") + s + QStringLiteral("\nin: ") + text));
        for (const QString &s :
             {QStringLiteral("The rent arrears letter"), QStringLiteral("keep up with the rent"),
              QStringLiteral("12 Example Street"), QStringLiteral("07700 900123"), QStringLiteral("Arrange a commode"),
              QStringLiteral("Went once"), QStringLiteral("Private note"), QStringLiteral("PIP award"),
              QStringLiteral("4742"), QStringLiteral("Kelvinmuir"), QStringLiteral("Internal reason"),
              QStringLiteral("lw-07")})
            QVERIFY2(!text.contains(s), qPrintable(QStringLiteral("should not be there: ") + s));
    }

    void welfareRightsCopyHoldsOnlyWhatInvolvesThem()
    {
        const QString text = pdfText(render(m_person, Audience::Professional, QStringLiteral("welfare_rights")));
        for (const QString &s :
             {QStringLiteral("Care plan: copy for welfare rights"),
              QStringLiteral("only the parts of the plan that involve you"), QStringLiteral("Money or housing"),
              QStringLiteral("Apply for Attendance Allowance together"),
              QStringLiteral("Welfare rights officer: Sam Reid"), QStringLiteral("Clydeview Welfare Rights Service")})
            QVERIFY2(text.contains(s), qPrintable(QStringLiteral("missing: ") + s + QStringLiteral("\nin: ") + text));
        for (const QString &s :
             {QStringLiteral("Review fatigue"), QStringLiteral("Dr Rao"), QStringLiteral("Tired, exhausted"),
              QStringLiteral("Worry, fear"), QStringLiteral("Getting around"), QStringLiteral("ground-floor flat"),
              QStringLiteral("Glenhaven"), QStringLiteral("Lamplight"), QStringLiteral("listening service"),
              QStringLiteral("Overall distress"), QStringLiteral("The rent arrears letter"),
              QStringLiteral("12 Example Street"), QStringLiteral("Phone every fortnight")})
            QVERIFY2(!text.contains(s), qPrintable(QStringLiteral("should not be there: ") + s));
    }

    void namedProfessionalsAndOrganisations()
    {
        // A named owner of an action is covered by their kind's consent.
        QString text = pdfText(render(m_person, Audience::Professional, QStringLiteral("dr rao")));
        QVERIFY2(text.contains(QStringLiteral("Care plan: copy for Dr Rao (GP)")), qPrintable(text));
        text = pdfText(render(m_person, Audience::Professional, QStringLiteral("Sam Reid")));
        QVERIFY2(text.contains(QStringLiteral("copy for Sam Reid (welfare rights)")), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("Dr Rao")));
        // An organisation's copy holds its own referral, not other organisations of its kind.
        text = pdfText(render(m_person, Audience::Professional, QStringLiteral("Clydeview Welfare Rights Service")));
        QVERIFY2(text.contains(QStringLiteral("copy for Clydeview Welfare Rights Service")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Money or housing")));
        QVERIFY(!text.contains(QStringLiteral("Glenhaven")));
        QVERIFY(!text.contains(QStringLiteral("Lamplight")));
        // By directory id too.
        QVERIFY(!render(m_person, Audience::Professional, QStringLiteral("org-0001")).isEmpty());
    }

    void withheldConsentMakesNothing()
    {
        // Refused outright.
        expectNothingMade(m_person, Audience::Professional, QStringLiteral("housing"), ErrorCode::Validation,
                          QStringLiteral("has not agreed to share their care plan with housing"));
        expectNothingMade(m_person, Audience::Professional, QStringLiteral("Glenhaven Housing Support"),
                          ErrorCode::Validation, QStringLiteral("has not agreed"));
        // Never asked counts as not given.
        expectNothingMade(m_person, Audience::Professional, QStringLiteral("cns"), ErrorCode::Validation,
                          QStringLiteral("clinical nurse specialist"));
        expectNothingMade(m_person, Audience::Professional, QStringLiteral("Lamplight Cancer Listening Service"),
                          ErrorCode::Validation, QStringLiteral("third-sector"));
        expectNothingMade(m_noConsent, Audience::Professional, QStringLiteral("gp"), ErrorCode::Validation,
                          QStringLiteral("has not agreed"));
        // An NHS clinic in the directory: no consent field covers it.
        expectNothingMade(m_person, Audience::Professional, QStringLiteral("Northfield Lymphoedema Clinic"),
                          ErrorCode::Validation, QStringLiteral("no copy can be made"));
        // Consent given, but nothing in the plan involves them: no page carrying the person's name.
        expectNothingMade(m_person, Audience::Professional, QStringLiteral("social_work"), ErrorCode::NotFound,
                          QStringLiteral("Nothing in this care plan involves social work"));

        auto plan = loadCarePlan(*m_store, test::reference(), m_person);
        QVERIFY(plan.ok());
        auto shared = shareWith(plan.value(), Recipient{ProfessionalKind::Housing, {}, {}, {}});
        QVERIFY(!shared);
        QCOMPARE(shared.error().fields.size(), 1);
        QCOMPARE(shared.error().fields.first().field, QStringLiteral("consent_share_housing"));
        // The HTML preview follows the same rule.
        QVERIFY(CarePlanDocument::html(plan.value(), Audience::Professional,
                                       Recipient{ProfessionalKind::Housing, {}, {}, {}}, m_options)
                    .isEmpty());
        // And so does drawing a loaded plan directly: the filter cannot be skipped.
        auto direct = CarePlanDocument::render(plan.value(), Audience::Professional,
                                               Recipient{ProfessionalKind::Housing, {}, {}, {}}, m_options);
        QVERIFY(!direct);
        QCOMPARE(direct.error().code, ErrorCode::Validation);
    }

    void badInputMakesNothing()
    {
        expectNothingMade(ids::newUuid(), Audience::Person, {}, ErrorCode::NotFound, QStringLiteral("no person"));
        expectNothingMade(QStringLiteral("not-an-id"), Audience::Person, {}, ErrorCode::NotFound,
                          QStringLiteral("no person"));
        expectNothingMade(m_draftOnly, Audience::Person, {}, ErrorCode::NotFound,
                          QStringLiteral("no agreed care plan"));
        expectNothingMade(m_noActions, Audience::Person, {}, ErrorCode::NotFound,
                          QStringLiteral("no agreed care plan"));
        expectNothingMade(m_draftOnly, Audience::Professional, QStringLiteral("gp"), ErrorCode::NotFound,
                          QStringLiteral("no agreed care plan"));
        // A completed assessment with actions is not an agreed plan until the care_plan record says so.
        expectNothingMade(m_notAgreed, Audience::Person, {}, ErrorCode::NotFound,
                          QStringLiteral("no agreed care plan"));
        expectNothingMade(m_notAgreed, Audience::Professional, QStringLiteral("gp"), ErrorCode::NotFound,
                          QStringLiteral("no agreed care plan"));
        expectNothingMade(m_person, Audience::Professional, {}, ErrorCode::Usage,
                          QStringLiteral("needs the professional"));
        expectNothingMade(m_person, Audience::Professional, QStringLiteral("the plumber"), ErrorCode::Usage,
                          QStringLiteral("is not a professional kind"));
        expectNothingMade(m_person, Audience::Person, QStringLiteral("gp"), ErrorCode::Usage,
                          QStringLiteral("not addressed to a professional"));
        // A failed render never replaces a file that is already there.
        const QString path = m_tmp.filePath(QStringLiteral("kept.pdf"));
        QVERIFY(CarePlanDocument::writeFile("%PDF-old", path));
        QVERIFY(!CarePlanDocument::renderToFile(*m_store, test::reference(), m_draftOnly, Audience::Person, {},
                                                m_options, path));
        QFile kept(path);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("%PDF-old"));
    }

    void deletedPersonMakesNothing()
    {
        const QString gone = addPerson({{QStringLiteral("consent_share_gp"), true}});
        fillPlan(gone);
        QVERIFY(!render(gone, Audience::Person).isEmpty());
        auto plan = loadCarePlan(*m_store, test::reference(), gone);
        QVERIFY(plan.ok());
        QVERIFY(m_store->remove(gone));
        expectNothingMade(gone, Audience::Person, {}, ErrorCode::NotFound, QStringLiteral("no person"));
    }

    void longPlanFlowsOverPages()
    {
        const QString many = addPerson({{QStringLiteral("consent_share_gp"), true}});
        fillPlan(many);
        for (int i = 0; i < 40; ++i)
            action(many, {}, QStringLiteral("Extra step number %1 agreed at the visit").arg(i),
                   QStringLiteral("link_worker"), {},
                   QStringLiteral("2026-01-%1").arg(i % 28 + 1, 2, 10, QLatin1Char('0')), QStringLiteral("planned"));
        const QByteArray pdf = render(many, Audience::Person);
        if (qEnvironmentVariableIsSet("HEARTH_DOCUMENT_PNG_DIR"))
            QVERIFY(CarePlanDocument::writeFile(
                pdf, QDir(qEnvironmentVariable("HEARTH_DOCUMENT_PNG_DIR")).filePath(QStringLiteral("long.pdf"))));
        QVERIFY(pdfPages(pdf) >= 3);
        const QString text = pdfText(pdf);
        // Every action survives the page breaks, each once.
        for (int i = 0; i < 40; ++i)
            QCOMPARE(text.count(QStringLiteral("Extra step number %1 agreed").arg(i)), 1);
        QVERIFY(text.contains(QStringLiteral("Page 1 of %1").arg(pdfPages(pdf))));
        // The professional copy's tables flow over pages the same way.
        const QByteArray gp = render(many, Audience::Professional, QStringLiteral("gp"));
        QVERIFY(pdfPages(gp) >= 2);
        const QString gpText = pdfText(gp);
        for (int i = 0; i < 40; ++i)
            QCOMPARE(gpText.count(QStringLiteral("Extra step number %1 agreed").arg(i)), 1);
    }

    void hearthctlMakesTheFiles()
    {
        // The test's store connection stays open; hearthctl opens the same store as a second process.
        const QString personPdf = m_tmp.filePath(QStringLiteral("ctl-person.pdf"));
        auto r = test::ctl(m_storeDir,
                           {QStringLiteral("careplan"), m_person, QStringLiteral("--audience"),
                            QStringLiteral("person"), QStringLiteral("--out"), personPdf});
        QVERIFY2(r.code == 0, r.err.constData());
        QFile f(personPdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(pdfText(f.readAll()).contains(QStringLiteral("This plan belongs to Morag MacAlister.")));

        const QString gpPdf = m_tmp.filePath(QStringLiteral("ctl-gp.pdf"));
        r = test::ctl(m_storeDir,
                      {QStringLiteral("careplan"), m_person, QStringLiteral("--audience"),
                       QStringLiteral("professional"), QStringLiteral("--professional"), QStringLiteral("Dr Rao"),
                       QStringLiteral("--out"), gpPdf});
        QVERIFY2(r.code == 0, r.err.constData());
        QFile g(gpPdf);
        QVERIFY(g.open(QIODevice::ReadOnly));
        QVERIFY(pdfText(g.readAll()).contains(QStringLiteral("copy for Dr Rao (GP)")));

        const QString refused = m_tmp.filePath(QStringLiteral("ctl-housing.pdf"));
        r = test::ctl(m_storeDir,
                      {QStringLiteral("careplan"), m_person, QStringLiteral("--audience"),
                       QStringLiteral("professional"), QStringLiteral("--professional"), QStringLiteral("housing"),
                       QStringLiteral("--out"), refused});
        QCOMPARE(r.code, int(ErrorCode::Validation));
        QVERIFY(r.err.contains("has not agreed"));
        QVERIFY(!QFileInfo::exists(refused));
        // Nothing about the person on the terminal.
        QVERIFY(!r.err.contains("Morag"));

        r = test::ctl(m_storeDir,
                      {QStringLiteral("careplan"), m_person, QStringLiteral("--audience"),
                       QStringLiteral("professional"), QStringLiteral("--out"), refused});
        QCOMPARE(r.code, int(ErrorCode::Usage));
        r = test::ctl(m_storeDir,
                      {QStringLiteral("careplan"), ids::newUuid(), QStringLiteral("--audience"),
                       QStringLiteral("person"), QStringLiteral("--out"), refused});
        QCOMPARE(r.code, int(ErrorCode::NotFound));
        QVERIFY(!QFileInfo::exists(refused));
    }

    // Rasterises the copies with pdftoppm (as a viewer would) and checks each page is an A4 page with ink where the
    // title and the footer belong. With HEARTH_DOCUMENT_PNG_DIR set the PNGs are kept there for a person to look at.
    void pagesRasterise()
    {
        QTemporaryDir tmp;
        const QString dir = qEnvironmentVariableIsSet("HEARTH_DOCUMENT_PNG_DIR")
            ? qEnvironmentVariable("HEARTH_DOCUMENT_PNG_DIR")
            : tmp.path();
        const QList<std::pair<QString, QByteArray>> docs = {
            {QStringLiteral("person"), render(m_person, Audience::Person)},
            {QStringLiteral("gp"), render(m_person, Audience::Professional, QStringLiteral("gp"))},
            {QStringLiteral("welfare"), render(m_person, Audience::Professional, QStringLiteral("welfare_rights"))}};
        for (const auto &[name, pdf] : docs) {
            QVERIFY(!pdf.isEmpty());
            const QString path = QDir(dir).filePath(name + QStringLiteral(".pdf"));
            QVERIFY(CarePlanDocument::writeFile(pdf, path));
            QCOMPARE(QProcess::execute(QStringLiteral("pdftoppm"),
                                       {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("60"),
                                        QStringLiteral("-f"), QStringLiteral("1"), QStringLiteral("-l"),
                                        QStringLiteral("1"), path, QDir(dir).filePath(name)}),
                     0);
            QDir d(dir);
            const QStringList pngs = d.entryList({name + QStringLiteral("-*1.png")});
            QCOMPARE(pngs.size(), 1);
            const QImage page(d.filePath(pngs.first()));
            QCOMPARE(page.size(), QSize(496, 702)); // A4 at 60 dpi
            auto inked = [&](int top, int bottom) {
                int dark = 0;
                for (int y = top; y < bottom; ++y)
                    for (int x = 0; x < page.width(); ++x)
                        dark += qGray(page.pixel(x, y)) < 128;
                return dark;
            };
            QVERIFY2(inked(30, 70) > 200, qPrintable(name + QStringLiteral(": no title")));
            QVERIFY2(inked(655, 680) > 50, qPrintable(name + QStringLiteral(": no footer")));
            QCOMPARE(inked(0, 25), 0); // the top margin stays clear
        }
    }
};

QTEST_MAIN(TestCarePlanDocument)
#include "tst_careplandocument.moc"
