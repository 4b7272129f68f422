#include "careplancontroller.h"

#include "flowlabels.h"
#include "referencedata.h"
#include "schema.h"

#include <QSet>

#include <algorithm>

#if HEARTH_HAVE_DOCUMENTS
#include "careplandocument.h"

#include <QDir>
#include <QStandardPaths>
#endif

namespace hearth {

namespace {

const QString kConsentPrefix = QStringLiteral("consent_share_");

// The plan's agreement is a care_plan record of the assessment and each share a plan_share record
// of that plan; the core refuses a share the person has not consented to.

// After agreement only these change: tracking the plan, not rewriting it.
const QStringList kTrackingFields = {QStringLiteral("status"), QStringLiteral("outcome"),
                                     QStringLiteral("review_date")};

} // namespace

CarePlanController::CarePlanController(QObject *parent)
    : FlowController(parent), m_concernsModel(new CarePlanConcernsModel(this)), m_sharesModel(new PlanSharesModel(this))
{}

void CarePlanController::setAssessmentId(const QString &id)
{
    m_assessmentChosen = !id.isEmpty();
    if (id == m_assessmentId)
        return;
    m_assessmentId = id;
    reload();
}

bool CarePlanController::documentAvailable() const
{
#if HEARTH_HAVE_DOCUMENTS
    return true;
#else
    return false;
#endif
}

QString CarePlanController::chooseAssessment() const
{
    QList<Record> assessments = records(QStringLiteral("assessment"), QStringLiteral("date"));
    QSet<QString> withChosen;
    for (const Record &c : records(QStringLiteral("concern")))
        if (c.values.value(QStringLiteral("rank")).toInt(0) > 0)
            withChosen.insert(c.values.value(QStringLiteral("assessment_id")).toString());
    for (auto it = assessments.crbegin(); it != assessments.crend(); ++it)
        if (withChosen.contains(it->id))
            return it->id;
    return assessments.isEmpty() ? QString() : assessments.constLast().id;
}

bool CarePlanController::saveDiscussed(const QString &concernId, const QString &text)
{
    if (agreed()) {
        refuse(tr("The plan is agreed and locked. Record changes in a visit note or a review."));
        return false;
    }
    return bool(
        commit({Mutation::edit(concernId, toFields(QStringLiteral("concern"), {{QStringLiteral("discussed"), text}}))},
               tr("Saved"), {QStringLiteral("discussed")}));
}

bool CarePlanController::saveAction(const QString &actionId, const QString &concernId, const QVariantMap &fields)
{
    if (agreed()) {
        if (actionId.isEmpty()) {
            refuse(tr("The plan is agreed and locked: new actions belong in a review's plan."));
            return false;
        }
        auto current = record(actionId);
        for (auto it = fields.begin(); it != fields.end(); ++it) {
            if (kTrackingFields.contains(it.key()))
                continue;
            const QJsonObject asked = toFields(QStringLiteral("care_action"), {{it.key(), it.value()}});
            const QJsonValue before = current ? current->values.value(it.key()) : QJsonValue();
            const QJsonValue now = asked.value(it.key());
            if ((before.isUndefined() || before.isNull()) && now.isNull())
                continue;
            if (before != now) {
                refuse(tr("The plan is agreed and locked: only status, outcome and review date can change."),
                       {{it.key(), tr("locked since the plan was agreed")}});
                return false;
            }
        }
    }
    QJsonObject values = toFields(QStringLiteral("care_action"), fields);
    if (actionId.isEmpty()) {
        values.insert(QStringLiteral("person_id"), personId());
        values.insert(QStringLiteral("assessment_id"), m_assessmentId);
        values.insert(QStringLiteral("concern_id"), concernId);
        if (!values.contains(QStringLiteral("status")) || values.value(QStringLiteral("status")).isNull())
            values.insert(QStringLiteral("status"), QStringLiteral("planned"));
        return bool(commit({Mutation::put(QStringLiteral("care_action"), values)}, tr("Action added"), fields.keys()));
    }
    return bool(commit({Mutation::edit(actionId, values)}, tr("Action saved"), fields.keys()));
}

bool CarePlanController::agree()
{
    if (m_assessmentId.isEmpty()) {
        refuse(tr("There is no assessment to plan from yet."));
        return false;
    }
    if (agreed())
        return true;
    if (m_actionCount == 0) {
        refuse(tr("Add at least one action before the plan is agreed."));
        return false;
    }
    QJsonObject values{
        {QStringLiteral("status"), QStringLiteral("agreed")},
        {QStringLiteral("agreed_date"), isoDate(today())},
        {QStringLiteral("agreed_by"), worker().isEmpty() ? personName() : tr("%1 and %2").arg(personName(), worker())}};
    if (!m_planId.isEmpty()) // a draft plan of this assessment becomes the agreed one
        return bool(commit({Mutation::edit(m_planId, values)}, tr("Plan agreed and locked")));
    values.insert(QStringLiteral("person_id"), personId());
    values.insert(QStringLiteral("assessment_id"), m_assessmentId);
    return bool(commit({Mutation::put(QStringLiteral("care_plan"), values)}, tr("Plan agreed and locked")));
}

bool CarePlanController::shareWith(const QString &recipient)
{
    if (!agreed()) {
        refuse(tr("Agree the plan with the person before sharing it."));
        return false;
    }
    bool known = false, consented = false;
    for (const QVariant &v : std::as_const(m_shareOptions)) {
        const QVariantMap o = v.toMap();
        if (o.value(QStringLiteral("value")).toString() == recipient) {
            known = true;
            consented = o.value(QStringLiteral("consented")).toBool();
        }
    }
    if (!known) {
        refuse(tr("Hearth does not know who \"%1\" is.").arg(recipient));
        return false;
    }
    if (!consented) {
        refuse(tr("Not shared: %1 has not consented to sharing with the %2. Record their consent in their "
                  "details first.")
                   .arg(personName(), flowlabels::label(recipient)),
               {{QStringLiteral("recipient"), tr("no consent recorded")}});
        return false;
    }
    // The core checks the consent again: a share is never recorded without it.
    const QJsonObject share{{QStringLiteral("person_id"), personId()},
                            {QStringLiteral("care_plan_id"), m_planId},
                            {QStringLiteral("recipient_kind"), recipient},
                            {QStringLiteral("shared_date"), isoDate(today())}};
    return bool(commit({Mutation::put(QStringLiteral("plan_share"), share)},
                       tr("Shared with the %1").arg(flowlabels::label(recipient))));
}

bool CarePlanController::exportDocument(const QString &recipient, const QString &directory)
{
#if HEARTH_HAVE_DOCUMENTS
    if (!store() || !reference()) {
        refuse(tr("Hearth is locked."));
        return false;
    }
    const QString dir =
        directory.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) : directory;
    if (!QDir().mkpath(dir)) {
        refuse(tr("The care plan PDF was not made: the folder cannot be written."));
        return false;
    }
    documents::RenderOptions options;
    options.today = today();
    // No name in the file name: a file list must not identify the person.
    const QString path =
        QDir(dir).filePath(QStringLiteral("care-plan-%1-%2.pdf")
                               .arg(isoDate(today()), recipient.isEmpty() ? QStringLiteral("person") : recipient));
    const Status st = documents::CarePlanDocument::renderToFile(*store(), *reference(), personId(),
                                                                recipient.isEmpty() ? documents::Audience::Person
                                                                                    : documents::Audience::Professional,
                                                                recipient, options, path);
    if (!st) {
        QVariantMap errors;
        for (const FieldError &f : st.error().fields)
            errors.insert(f.field, f.message);
        refuse(tr("The care plan PDF was not made: %1").arg(st.error().message), errors);
        return false;
    }
    m_documentPath = path;
    Q_EMIT documentPathChanged();
    setErrors({});
    setMessage(tr("Care plan PDF saved"));
    return true;
#else
    Q_UNUSED(recipient)
    Q_UNUSED(directory)
    refuse(tr("The care plan PDF is not available in this version of Hearth."));
    return false;
#endif
}

void CarePlanController::reload()
{
    if (!m_assessmentChosen)
        m_assessmentId = chooseAssessment();
    m_assessmentLabel.clear();
    m_planId.clear();
    m_agreedDate.clear();
    m_actionCount = 0;
    m_shareOptions.clear();

    if (auto a = record(m_assessmentId))
        m_assessmentLabel = tr("%1 assessment, %2")
                                .arg(flowlabels::label(a->values.value(QStringLiteral("kind")).toString()),
                                     a->values.value(QStringLiteral("date")).toString());

    // The plan of this assessment: the agreed one if there is one (latest agreed), else a draft.
    for (const Record &p : records(QStringLiteral("care_plan"), QStringLiteral("agreed_date"))) {
        if (p.values.value(QStringLiteral("assessment_id")).toString() != m_assessmentId)
            continue;
        const bool isAgreed = p.values.value(QStringLiteral("status")).toString() == QLatin1String("agreed");
        if (isAgreed) {
            m_planId = p.id;
            m_agreedDate = p.values.value(QStringLiteral("agreed_date")).toString();
        } else if (m_agreedDate.isEmpty()) {
            m_planId = p.id;
        }
    }
    QList<QVariantMap> shares;
    if (!m_planId.isEmpty())
        for (const Record &n : records(QStringLiteral("plan_share"), QStringLiteral("shared_date"))) {
            if (n.values.value(QStringLiteral("care_plan_id")).toString() != m_planId)
                continue;
            const QString kind = n.values.value(QStringLiteral("recipient_kind")).toString();
            shares << QVariantMap{{QStringLiteral("key"), n.id},
                                  {QStringLiteral("recipient"), kind},
                                  {QStringLiteral("recipientLabel"), flowlabels::label(kind)},
                                  {QStringLiteral("date"), n.values.value(QStringLiteral("shared_date")).toString()}};
        }
    m_sharesModel->setRows(shares);

    // Consent to share comes from the person's record; the schema names the professionals.
    const QJsonObject person = record(personId()) ? record(personId())->values : QJsonObject();
    if (const RecordSchema *ps = schema::find(QStringLiteral("person")))
        for (const FieldSpec &f : ps->fields)
            if (f.name.startsWith(kConsentPrefix)) {
                const QString who = f.name.mid(kConsentPrefix.size());
                m_shareOptions << QVariantMap{{QStringLiteral("value"), who},
                                              {QStringLiteral("label"), flowlabels::label(who)},
                                              {QStringLiteral("consented"), person.value(f.name).toBool()}};
            }

    // Concerns: those ranked at the assessment, plus any other that already has an action.
    QHash<QString, QList<QVariantMap>> actionsByConcern;
    for (const Record &a : records(QStringLiteral("care_action"), QStringLiteral("due_date"))) {
        const QJsonObject &v = a.values;
        const QString concernId = v.value(QStringLiteral("concern_id")).toString();
        const QString status = v.value(QStringLiteral("status")).toString();
        const QString due = v.value(QStringLiteral("due_date")).toString();
        const bool open = status == QLatin1String("planned") || status == QLatin1String("in_progress");
        actionsByConcern[concernId] << QVariantMap{
            {QStringLiteral("key"), a.id},
            {QStringLiteral("concernId"), concernId},
            {QStringLiteral("action"), v.value(QStringLiteral("action")).toString()},
            {QStringLiteral("owner"), v.value(QStringLiteral("owner")).toString()},
            {QStringLiteral("ownerLabel"), flowlabels::label(v.value(QStringLiteral("owner")).toString())},
            {QStringLiteral("ownerName"), v.value(QStringLiteral("owner_name")).toString()},
            {QStringLiteral("dueDate"), due},
            {QStringLiteral("status"), status},
            {QStringLiteral("statusLabel"), flowlabels::label(status)},
            {QStringLiteral("outcome"), v.value(QStringLiteral("outcome")).toString()},
            {QStringLiteral("reviewDate"), v.value(QStringLiteral("review_date")).toString()},
            {QStringLiteral("overdue"), open && !due.isEmpty() && due < isoDate(today())}};
    }
    struct Row {
        Record concern;
        int rank;
        int score;
    };
    QList<Row> chosen;
    for (const Record &c : records(QStringLiteral("concern"))) {
        if (c.values.value(QStringLiteral("assessment_id")).toString() != m_assessmentId)
            continue;
        const int rank = c.values.value(QStringLiteral("rank")).toInt(0);
        if (rank > 0 || actionsByConcern.contains(c.id))
            chosen << Row{c, rank, c.values.value(QStringLiteral("score")).toInt()};
    }
    std::sort(chosen.begin(), chosen.end(), [](const Row &a, const Row &b) {
        const int ra = a.rank > 0 ? a.rank : 1000, rb = b.rank > 0 ? b.rank : 1000;
        return ra != rb ? ra < rb : a.score > b.score;
    });
    QList<QVariantMap> rows;
    QSet<QString> live;
    for (const Row &r : std::as_const(chosen)) {
        const QJsonObject &v = r.concern.values;
        CareActionsModel *&model = m_actions[r.concern.id];
        if (!model)
            model = new CareActionsModel(this);
        model->setRows(actionsByConcern.value(r.concern.id));
        m_actionCount += model->count();
        live.insert(r.concern.id);
        const QString item = v.value(QStringLiteral("item")).toString();
        const ChecklistDomain *d =
            reference() ? reference()->checklist().domain(v.value(QStringLiteral("domain")).toString()) : nullptr;
        rows << QVariantMap{{QStringLiteral("key"), r.concern.id},
                            {QStringLiteral("label"), reference() ? reference()->checklist().itemLabel(item) : item},
                            {QStringLiteral("domainLabel"), d ? d->label : QString()},
                            {QStringLiteral("score"), r.score},
                            {QStringLiteral("rank"), r.rank},
                            {QStringLiteral("discussed"), v.value(QStringLiteral("discussed")).toString()},
                            {QStringLiteral("actions"), QVariant::fromValue<QObject *>(model)}};
    }
    m_concernsModel->setRows(rows);
    // Models of concerns no longer in the plan go once no delegate can hold them.
    for (auto it = m_actions.begin(); it != m_actions.end();) {
        if (live.contains(it.key())) {
            ++it;
            continue;
        }
        it.value()->deleteLater();
        it = m_actions.erase(it);
    }
    Q_EMIT planChanged();
}

} // namespace hearth
