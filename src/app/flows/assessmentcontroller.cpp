#include "assessmentcontroller.h"

#include "flowlabels.h"
#include "referencedata.h"

#include <algorithm>

namespace hearth {

namespace {
const QString kAssessment = QStringLiteral("assessment");
const QString kConcern = QStringLiteral("concern");
constexpr int kTopConcerns = 3; // DOMAIN.md: show the three highest; the person may change the order
} // namespace

AssessmentController::AssessmentController(QObject *parent)
    : FlowController(parent),
      m_domainsModel(new DomainsModel(this)),
      m_checklistModel(new ChecklistModel(this)),
      m_concernsModel(new ConcernScoresModel(this)),
      m_assessmentsModel(new AssessmentsModel(this))
{}

QString AssessmentController::kind() const
{
    return m_values.value(QStringLiteral("kind")).toString();
}

QString AssessmentController::kindLabel() const
{
    return kind().isEmpty() ? QString() : flowlabels::label(kind());
}

QString AssessmentController::date() const
{
    return m_values.value(QStringLiteral("date")).toString();
}

QString AssessmentController::status() const
{
    return m_values.value(QStringLiteral("status")).toString();
}

int AssessmentController::overallDistress() const
{
    const QJsonValue v = m_values.value(QStringLiteral("overall_distress"));
    return v.isDouble() ? v.toInt() : -1;
}

QString AssessmentController::initialAssessmentId() const
{
    return m_values.value(QStringLiteral("initial_assessment_id")).toString();
}

QString AssessmentController::checklistTitle() const
{
    return reference() ? reference()->checklist().title() : QString();
}

void AssessmentController::setCurrentDomain(const QString &domain)
{
    if (domain == m_currentDomain)
        return;
    m_currentDomain = domain;
    Q_EMIT currentDomainChanged();
    rebuildModels();
}

QString AssessmentController::currentDomainLabel() const
{
    if (!reference())
        return {};
    const ChecklistDomain *d = reference()->checklist().domain(m_currentDomain);
    return d ? d->label : QString();
}

bool AssessmentController::begin(const QString &kind)
{
    if (!reference()) {
        refuse(tr("Hearth is locked."));
        return false;
    }
    QJsonObject fields{{QStringLiteral("person_id"), personId()},
                       {QStringLiteral("kind"), kind},
                       {QStringLiteral("date"), isoDate(today())},
                       {QStringLiteral("checklist_version"), reference()->checklist().id()},
                       {QStringLiteral("status"), QStringLiteral("draft")}};
    if (!worker().isEmpty())
        fields.insert(QStringLiteral("assessor"), worker());
    if (kind != QLatin1String("initial")) {
        // A review measures change against the latest initial assessment.
        const QList<Record> all = records(kAssessment, QStringLiteral("date"));
        for (auto it = all.crbegin(); it != all.crend(); ++it)
            if (it->values.value(QStringLiteral("kind")).toString() == QLatin1String("initial")) {
                fields.insert(QStringLiteral("initial_assessment_id"), it->id);
                break;
            }
    }
    auto r = commit({Mutation::put(kAssessment, fields)}, tr("%1 assessment started").arg(flowlabels::label(kind)),
                    {QStringLiteral("kind"), QStringLiteral("date")});
    if (!r)
        return false;
    open(r.value().constFirst());
    return true;
}

void AssessmentController::open(const QString &assessmentId)
{
    m_assessmentId = assessmentId;
    if (m_currentDomain.isEmpty() && reference() && !reference()->checklist().domains().isEmpty()) {
        m_currentDomain = reference()->checklist().domains().constFirst().id;
        Q_EMIT currentDomainChanged();
    }
    reload();
}

void AssessmentController::close()
{
    m_assessmentId.clear();
    clearErrors();
    reload();
}

bool AssessmentController::setScore(const QString &item, int score)
{
    if (m_assessmentId.isEmpty())
        return false;
    const auto existing = m_concerns.constFind(item);
    const QString label = reference() ? reference()->checklist().itemLabel(item) : item;
    if (score < 0) {
        if (existing == m_concerns.cend())
            return true;
        return bool(commit({Mutation::remove(existing->id)}, tr("%1 removed").arg(label)));
    }
    if (existing != m_concerns.cend())
        return bool(commit({Mutation::edit(existing->id, {{QStringLiteral("score"), score}})},
                           tr("%1 scored %2").arg(label).arg(score), {QStringLiteral("score")}));
    const QString domain = reference() ? reference()->checklist().domainOf(item) : QString();
    return bool(commit({Mutation::put(kConcern,
                                      {{QStringLiteral("person_id"), personId()},
                                       {QStringLiteral("assessment_id"), m_assessmentId},
                                       {QStringLiteral("domain"), domain},
                                       {QStringLiteral("item"), item},
                                       {QStringLiteral("score"), score}})},
                       tr("%1 scored %2").arg(label).arg(score), {QStringLiteral("score")}));
}

bool AssessmentController::setOverallDistress(int score)
{
    if (m_assessmentId.isEmpty())
        return false;
    return bool(
        commit({Mutation::edit(m_assessmentId,
                               {{QStringLiteral("overall_distress"), score < 0 ? QJsonValue() : QJsonValue(score)}})},
               tr("Overall distress %1").arg(score), {QStringLiteral("overall_distress")}));
}

bool AssessmentController::setDate(const QString &date)
{
    if (m_assessmentId.isEmpty())
        return false;
    return bool(commit({Mutation::edit(m_assessmentId, toFields(kAssessment, {{QStringLiteral("date"), date}}))},
                       tr("Date saved"), {QStringLiteral("date")}));
}

QList<AssessmentController::Concern> AssessmentController::ordered() const
{
    QList<Concern> out = m_concerns.values();
    QHash<QString, int> position;
    if (reference()) {
        int i = 0;
        for (const ChecklistDomain &d : reference()->checklist().domains())
            for (const ChecklistItem &it : d.items)
                position.insert(it.id, i++);
    }
    std::sort(out.begin(), out.end(), [&](const Concern &a, const Concern &b) {
        const int ra = a.rank > 0 ? a.rank : 1000, rb = b.rank > 0 ? b.rank : 1000;
        if (ra != rb)
            return ra < rb;
        if (a.score != b.score)
            return a.score > b.score;
        return position.value(a.item) < position.value(b.item);
    });
    return out;
}

bool AssessmentController::writeRanks(const QList<Concern> &order, const QString &okMessage)
{
    QList<Mutation> ms;
    for (int i = 0; i < order.size(); ++i) {
        const int rank = i < kTopConcerns ? i + 1 : 0;
        if (rank == order[i].rank)
            continue;
        ms << Mutation::edit(order[i].id,
                             {{QStringLiteral("rank"), rank > 0 ? QJsonValue(rank) : QJsonValue(QJsonValue::Null)}});
    }
    if (ms.isEmpty())
        return true;
    return bool(commit(ms, okMessage));
}

bool AssessmentController::prepareRanking()
{
    for (const Concern &c : std::as_const(m_concerns))
        if (c.rank > 0)
            return true; // the person already set an order; keep it
    QList<Concern> byScore = ordered();
    return writeRanks(byScore, tr("Concerns ordered by score"));
}

bool AssessmentController::moveConcern(int from, int to)
{
    QList<Concern> order = ordered();
    if (from < 0 || from >= order.size() || to < 0 || to >= order.size() || from == to)
        return false;
    order.move(from, to);
    // Everything above the moved concern keeps its place, so a concern below the top three that
    // moves up takes a rank and pushes the third out.
    return writeRanks(order, tr("Order changed"));
}

bool AssessmentController::finish()
{
    if (m_assessmentId.isEmpty())
        return false;
    return bool(commit({Mutation::edit(m_assessmentId, {{QStringLiteral("status"), QStringLiteral("complete")}})},
                       tr("Assessment complete"), {QStringLiteral("overall_distress"), QStringLiteral("date")}));
}

void AssessmentController::reload()
{
    const QList<Record> all = records(kAssessment, QStringLiteral("date"));
    QList<QVariantMap> rows;
    QString latestDraft;
    for (auto it = all.crbegin(); it != all.crend(); ++it) {
        const QJsonObject &v = it->values;
        const QString kindCode = v.value(QStringLiteral("kind")).toString();
        const QString statusCode = v.value(QStringLiteral("status")).toString();
        rows << QVariantMap{{QStringLiteral("key"), it->id},
                            {QStringLiteral("kind"), kindCode},
                            {QStringLiteral("kindLabel"), flowlabels::label(kindCode)},
                            {QStringLiteral("date"), v.value(QStringLiteral("date")).toString()},
                            {QStringLiteral("status"), statusCode},
                            {QStringLiteral("statusLabel"), flowlabels::label(statusCode)},
                            {QStringLiteral("distress"), v.value(QStringLiteral("overall_distress")).toInt(-1)}};
        if (latestDraft.isEmpty() && statusCode == QLatin1String("draft"))
            latestDraft = it->id;
    }
    m_assessmentsModel->setRows(rows);

    std::optional<Record> current;
    for (const Record &r : all)
        if (r.id == m_assessmentId)
            current = r;
    if (!current && m_assessmentId.isEmpty() && !latestDraft.isEmpty()) {
        // A visit cut short carries on where it stopped.
        open(latestDraft);
        return;
    }
    if (!current)
        m_assessmentId.clear();
    m_values = current ? current->values : QJsonObject();

    m_concerns.clear();
    m_previousScores.clear();
    m_previousDistress = -1;
    const QString initialId = initialAssessmentId();
    for (const Record &r : records(kConcern)) {
        const QString owner = r.values.value(QStringLiteral("assessment_id")).toString();
        const QString item = r.values.value(QStringLiteral("item")).toString();
        if (!m_assessmentId.isEmpty() && owner == m_assessmentId)
            m_concerns.insert(item,
                              Concern{r.id, item, r.values.value(QStringLiteral("domain")).toString(),
                                      r.values.value(QStringLiteral("score")).toInt(),
                                      r.values.value(QStringLiteral("rank")).toInt(0)});
        else if (!initialId.isEmpty() && owner == initialId)
            m_previousScores.insert(item, r.values.value(QStringLiteral("score")).toInt());
    }
    if (!initialId.isEmpty())
        if (auto initial = record(initialId))
            m_previousDistress = initial->values.value(QStringLiteral("overall_distress")).toInt(-1);
    Q_EMIT assessmentChanged();
    rebuildModels();
}

void AssessmentController::rebuildModels()
{
    if (!reference()) {
        m_domainsModel->setRows({});
        m_checklistModel->setRows({});
        m_concernsModel->setRows({});
        return;
    }
    const Checklist &checklist = reference()->checklist();
    QList<QVariantMap> domains;
    QList<QVariantMap> items;
    for (const ChecklistDomain &d : checklist.domains()) {
        int chosen = 0;
        for (const ChecklistItem &it : d.items) {
            const auto c = m_concerns.constFind(it.id);
            chosen += c != m_concerns.cend();
            if (d.id != m_currentDomain)
                continue;
            items << QVariantMap{{QStringLiteral("key"), it.id},
                                 {QStringLiteral("label"), it.label},
                                 {QStringLiteral("domain"), d.id},
                                 {QStringLiteral("score"), c != m_concerns.cend() ? c->score : -1},
                                 {QStringLiteral("previousScore"), m_previousScores.value(it.id, -1)},
                                 {QStringLiteral("chosen"), c != m_concerns.cend()}};
        }
        domains << QVariantMap{
            {QStringLiteral("key"), d.id}, {QStringLiteral("label"), d.label}, {QStringLiteral("chosen"), chosen}};
    }
    m_domainsModel->setRows(domains);
    m_checklistModel->setRows(items);

    QList<QVariantMap> concerns;
    for (const Concern &c : ordered()) {
        const ChecklistDomain *d = checklist.domain(c.domain);
        concerns << QVariantMap{{QStringLiteral("key"), c.id},
                                {QStringLiteral("item"), c.item},
                                {QStringLiteral("label"), checklist.itemLabel(c.item)},
                                {QStringLiteral("domainLabel"), d ? d->label : c.domain},
                                {QStringLiteral("score"), c.score},
                                {QStringLiteral("previousScore"), m_previousScores.value(c.item, -1)},
                                {QStringLiteral("rank"), c.rank},
                                {QStringLiteral("discussFirst"), c.rank > 0 && c.rank <= kTopConcerns}};
    }
    m_concernsModel->setRows(concerns);
}

} // namespace hearth
