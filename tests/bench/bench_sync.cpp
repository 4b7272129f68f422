// Sync benchmark: the anchors' home-visit workload (shared/anchors/workload) replayed through a real
// hearth-server process (loopback TLS, SQLite store) by encrypted device stores driven in-process by
// the client SyncEngine, in the anchor's phases, so the JSON can be read beside the PouchDB anchor's.
//   bench_sync [--workload FILE [--source TEXT] | --records N --edits E --conflicts C --seed S]
//              [--anchor-json FILE] [--baseline-records 1000] [--concerns scored|all] [--kdf-n 32768]
//              [--generator gen-workload.mjs] [--keep]
// Without --workload the file is generated with node and the anchors' generator. This program never runs
// the anchor (--no-anchor is accepted and changes nothing): tests/bench/bench_sync.sh runs it on the same
// file and passes its JSON in with --anchor-json.
// Prints one JSON object; exits 1 when a correctness check fails (never because of a timing), 77 when
// node or the generator is missing (the ctest smoke run is then skipped).
#include "referencedata.h"
#include "serverprocess.h"
#include "store.h"
#include "syncengine.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <unistd.h>

using namespace hearth;

namespace {

const QByteArray kPassword = "bench-sync-password";
const QByteArray kPasscode = "bench sync passcode";
const QString kCaseload = QStringLiteral("bench");
constexpr int kLoadChunkLines = 1000; // workload lines per local transaction while loading (the anchor's bulkDocs)

[[noreturn]] void die(const QString &what, const QString &why = {})
{
    fprintf(stderr, "bench_sync: %s%s%s\n", qPrintable(what), why.isEmpty() ? "" : ": ", qPrintable(why));
    exit(1);
}

[[noreturn]] void die(const QString &what, const Error &e)
{
    die(what, e.toString());
}

void progress(const QString &s)
{
    fprintf(stderr, "[bench_sync] %s\n", qPrintable(s));
}

double round3(double x)
{
    return std::round(x * 1000) / 1000;
}

double mb(qint64 kb)
{
    return std::round(double(kb) / 1024.0 * 10) / 10;
}

// VmHWM (peak resident set) of a process, in kB; 0 if unreadable. Not getrusage(): a child's ru_maxrss
// starts from its parent's resident set at fork, so a small device process would report this one's.
qint64 peakRssKbOf(const QString &pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &l : f.readAll().split('\n'))
        if (l.startsWith("VmHWM:"))
            return l.mid(6).trimmed().split(' ').first().toLongLong();
    return 0;
}

qint64 selfPeakRssKb()
{
    return peakRssKbOf(QStringLiteral("self"));
}

// Restarts this process's VmHWM from its current resident set (Linux 4.0+), so a later peak reading
// covers only what follows; false where the kernel does not allow it.
bool resetSelfPeakRss()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

// CPU seconds (user + system, every thread) a process has used: on a shared machine wall time
// includes waiting for other programs, CPU time does not.
double cpuSecondsOf(const QString &pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray s = f.readAll();
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const QList<QByteArray> rest = s.mid(s.lastIndexOf(')') + 2).split(' ');
    if (rest.size() < 13)
        return 0;
    return double(rest[11].toLongLong() + rest[12].toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

qint64 dirBytes(const QString &dir)
{
    qint64 n = 0;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        n += it.fileInfo().size();
    }
    return n;
}

// ---------------------------------------------------------------------------------------------
// The workload (format: shared/anchors/workload/README.md)

struct Line {
    QString id;
    QString type;
    QString conflict; // same_field | different_fields, conflict lines only
    QJsonObject fields;
};

struct WorkloadFile {
    QString path;
    QString sha256;
    qint64 bytes = 0;
    int puts = 0;
    QList<Line> edits, a, b; // the put lines are streamed from the file while loading, not held
};

Line lineOf(const QJsonObject &o)
{
    return Line{o.value(QStringLiteral("id")).toString(), o.value(QStringLiteral("type")).toString(),
                o.value(QStringLiteral("conflict")).toString(), o.value(QStringLiteral("fields")).toObject()};
}

WorkloadFile scanWorkload(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        die(QStringLiteral("cannot read the workload %1").arg(path));
    WorkloadFile w;
    w.path = path;
    QCryptographicHash h(QCryptographicHash::Sha256);
    int n = 0;
    while (!f.atEnd()) {
        const QByteArray raw = f.readLine();
        h.addData(raw);
        w.bytes += raw.size();
        ++n;
        if (raw.startsWith("{\"op\":\"put\"")) { // the generator writes "op" first; puts are parsed when loaded
            ++w.puts;
            continue;
        }
        QJsonParseError err;
        const QJsonObject o = QJsonDocument::fromJson(raw, &err).object();
        if (err.error != QJsonParseError::NoError)
            die(QStringLiteral("workload line %1").arg(n), err.errorString());
        const QString op = o.value(QStringLiteral("op")).toString(),
                      device = o.value(QStringLiteral("device")).toString();
        if (op == QLatin1String("put"))
            ++w.puts;
        else if (op == QLatin1String("edit") && device.isEmpty())
            w.edits << lineOf(o);
        else if (op == QLatin1String("edit") && device == QLatin1String("A"))
            w.a << lineOf(o);
        else if (op == QLatin1String("edit") && device == QLatin1String("B"))
            w.b << lineOf(o);
        else
            die(QStringLiteral("workload line %1: unknown op").arg(n));
    }
    w.sha256 = QString::fromLatin1(h.result().toHex());
    if (w.a.size() != w.b.size())
        die(QStringLiteral("the workload's conflict lines do not pair up"));
    return w;
}

// Calls fn(line) for each put line, in file order.
template<typename Fn>
void forEachPut(const QString &path, Fn fn)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        die(QStringLiteral("cannot read the workload %1").arg(path));
    while (!f.atEnd()) {
        const QByteArray raw = f.readLine();
        if (!raw.startsWith("{\"op\":\"put\""))
            continue;
        fn(lineOf(QJsonDocument::fromJson(raw).object()));
    }
}

// Runs the anchors' generator; false (with a reason) when node or the script is not there.
bool generate(const QString &generator, const QStringList &args, const QString &outPath, QString *why)
{
    if (!QFile::exists(generator)) {
        *why = QStringLiteral("workload generator not found at %1 (give --generator or --workload)").arg(generator);
        return false;
    }
    QProcess p;
    p.setStandardOutputFile(outPath);
    p.start(QStringLiteral("node"), QStringList{generator} + args);
    if (!p.waitForStarted(10000)) {
        *why = QStringLiteral("cannot run node (Node.js 18 or newer is needed to generate the workload)");
        return false;
    }
    p.waitForFinished(600000);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *why = QStringLiteral("the generator failed: %1").arg(QString::fromUtf8(p.readAllStandardError()));
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Mapping workload lines onto Hearth's schemas (src/core/schema.cpp), as the app would store them.
// Every adjustment is counted and described in the output's "mapping_notes".

// The generator's checklist slugs, in its order (gen-workload.mjs CHECKLIST).
const QList<std::pair<QString, QStringList>> &workloadChecklist()
{
    static const QList<std::pair<QString, QStringList>> c = {
        {QStringLiteral("physical"),
         QStringList{"breathing_difficulties",
                     "passing_urine",
                     "constipation",
                     "diarrhoea",
                     "eating_or_appetite",
                     "indigestion",
                     "sore_or_dry_mouth",
                     "nausea_or_vomiting",
                     "sleep_problems",
                     "fatigue",
                     "swelling",
                     "fever",
                     "getting_around",
                     "tingling_hands_feet",
                     "pain",
                     "hot_flushes_sweating",
                     "skin_dry_itchy_sore",
                     "wound_care",
                     "weight_changes",
                     "memory_or_concentration",
                     "taste_sight_hearing",
                     "speech",
                     "appearance",
                     "sexuality"}},
        {QStringLiteral("practical"),
         QStringList{"caring_responsibilities", "work_and_education", "money_or_housing", "insurance_and_travel",
                     "transport_or_parking", "contact_with_nhs_staff", "housework_or_shopping", "washing_and_dressing",
                     "preparing_meals"}},
        {QStringLiteral("family"), QStringList{"partner", "children", "other_relatives_friends"}},
        {QStringLiteral("emotional"),
         QStringList{"making_plans", "loss_of_interest", "expressing_feelings", "anger_or_frustration", "guilt",
                     "hopelessness", "loneliness_or_isolation", "sadness_or_depression", "worry_fear_anxiety"}},
        {QStringLiteral("spiritual"), QStringList{"loss_of_faith", "loss_of_meaning", "regret_about_past"}},
        {QStringLiteral("lifestyle"),
         QStringList{"diet_and_nutrition", "physical_activity", "smoking", "alcohol", "information_about_diagnosis"}},
    };
    return c;
}

// The generator's synthetic organisation directory (gen-workload.mjs ORGANISATIONS), in its order.
const QList<std::pair<QString, QString>> &workloadOrganisations()
{
    static const QList<std::pair<QString, QString>> o = {
        {"North Glasgow Welfare Rights", "welfare_rights"},
        {"South Side Benefits Advice", "welfare_rights"},
        {"City Money and Debt Advice", "debt"},
        {"Clyde Housing Support Team", "housing"},
        {"East End Carers Centre", "carers"},
        {"West End Carers Network", "carers"},
        {"Active Recovery Glasgow", "physical_activity"},
        {"Riverside Cancer Support Centre", "emotional_support"},
        {"Hospital Chaplaincy Service", "spiritual_care"},
        {"Community Food Share", "food"},
        {"Warm Homes Energy Advice", "energy"},
        {"Volunteer Transport Scheme", "transport"},
        {"Fatigue Management Group", "health"},
        {"Psychology Liaison Service", "emotional_support"},
        {"Social Work Access Team", "social_work"},
        {"Macmillan Grants", "grants"},
    };
    return o;
}

const QUuid kIdNamespace = QUuid(QStringLiteral("{6f1c2b4e-8d0a-4e57-9c43-2a7b5d9e1f30}"));

// A stable id for a record the workload has no line of its own for (a concern, an intake referral).
QString derivedId(const QString &parent, const QString &what)
{
    return QUuid::createUuidV5(kIdNamespace, parent + QLatin1Char('/') + what).toString(QUuid::WithoutBraces);
}

class Mapper
{
public:
    Mapper(const ReferenceData &ref, bool allConcerns) : m_ref(ref), m_allConcerns(allConcerns)
    {
        // Checklist: the same slug in the same domain if Hearth has it, otherwise the item at the same
        // position in that domain (the generator lists each domain in the published checklist's order).
        for (const auto &[domain, items] : workloadChecklist()) {
            const ChecklistDomain *d = ref.checklist().domain(domain);
            if (!d || d->items.isEmpty())
                die(QStringLiteral("the checklist has no domain %1").arg(domain));
            QSet<QString> used;
            for (int i = 0; i < items.size(); ++i) {
                QString target;
                for (const ChecklistItem &it : d->items)
                    if (it.id == items[i])
                        target = it.id;
                if (target.isEmpty())
                    target = d->items[i % d->items.size()].id;
                else
                    ++m_exactSlugs;
                if (used.contains(target))
                    ++m_slugCollisions;
                used.insert(target);
                m_item.insert(items[i], target);
            }
        }
        // Organisations: the k-th workload organisation of a category becomes the k-th directory entry of
        // that category (file order), wrapping round when the directory has fewer.
        QHash<QString, int> seen;
        for (const auto &[name, category] : workloadOrganisations()) {
            QStringList candidates;
            for (const Organisation &o : ref.directory().organisations())
                if (o.category == category)
                    candidates << o.id;
            if (candidates.isEmpty())
                die(QStringLiteral("the directory has no organisation of category %1").arg(category));
            const int k = seen[category]++;
            m_org.insert(name, candidates[k % candidates.size()]);
            m_orgTable.insert(name, QJsonValue(candidates[k % candidates.size()]));
        }
        m_today = QDate::currentDate();
    }

    // The mutations that store one put line (the line's own record first).
    QList<Mutation> mapPut(const Line &l)
    {
        QList<Mutation> out;
        const QJsonObject &f = l.fields;
        QJsonObject v;
        if (l.type == QLatin1String("person")) {
            const QString name = f.value(QStringLiteral("name")).toString();
            const int space = int(name.indexOf(QLatin1Char(' ')));
            v.insert(QStringLiteral("given_name"), space > 0 ? name.left(space) : name);
            v.insert(QStringLiteral("family_name"), space > 0 ? name.mid(space + 1) : name);
            copy(f, v,
                 {"date_of_birth", "sex", "postcode", "phone", "diagnosis_date", "link_worker", "consent_to_contact",
                  "consent_share_gp", "consent_share_housing", "consent_share_social_work"});
            v.insert(QStringLiteral("cancer_site"), f.value(QStringLiteral("diagnosis")));
            pastDate(v, QStringLiteral("date_of_birth"));
            pastDate(v, QStringLiteral("diagnosis_date"));
            if (m_ref.deprivation().lookup(f.value(QStringLiteral("postcode")).toString()).known)
                ++m_postcodesKnown;
            else
                ++m_postcodesUnknown;
            ++m_droppedDecile;
            out << Mutation::put(l.type, v, l.id);
            // How the person came to the service is Hearth's intake referral record.
            QJsonObject intake{{QStringLiteral("person_id"), l.id},
                               {QStringLiteral("source"), f.value(QStringLiteral("referral_source"))},
                               {QStringLiteral("date_received"), f.value(QStringLiteral("created_on"))}};
            pastDate(intake, QStringLiteral("date_received"));
            out << Mutation::put(QStringLiteral("referral"), intake, derivedId(l.id, QStringLiteral("intake")));
            ++m_intakeReferrals;
            checkKnown(l,
                       {"name", "date_of_birth", "sex", "postcode", "simd_decile", "phone", "diagnosis",
                        "diagnosis_date", "referral_source", "link_worker", "consent_to_contact", "consent_share_gp",
                        "consent_share_housing", "consent_share_social_work", "created_on"});
        } else if (l.type == QLatin1String("assessment")) {
            const QString person = f.value(QStringLiteral("person_id")).toString();
            copy(f, v, {"person_id", "kind", "date", "assessor", "checklist_version", "overall_distress", "status"});
            pastDate(v, QStringLiteral("date"));
            QDate date = QDate::fromString(v.value(QStringLiteral("date")).toString(), Qt::ISODate);
            if (v.value(QStringLiteral("kind")).toString() == QLatin1String("initial")) {
                m_initial.insert(person, {l.id, date});
            } else if (auto it = m_initial.constFind(person); it != m_initial.cend()) {
                v.insert(QStringLiteral("initial_assessment_id"), it->first);
                if (date < it->second) { // the generator jitters dates by up to 3 days
                    v.insert(QStringLiteral("date"), it->second.toString(Qt::ISODate));
                    ++m_followUpDatesRaised;
                }
            } else { // never happens with the generator: a person's first assessment is "initial"
                v.insert(QStringLiteral("kind"), QStringLiteral("initial"));
                m_initial.insert(person, {l.id, date});
                ++m_kindMadeInitial;
            }
            out << Mutation::put(l.type, v, l.id);
            QSet<QString> &stored = m_concerns[l.id];
            for (const QJsonValue &cv : f.value(QStringLiteral("concerns")).toArray()) {
                const QJsonObject c = cv.toObject();
                const int score = c.value(QStringLiteral("score")).toInt();
                ++m_concernEntries;
                if (score <= 0 && !m_allConcerns) {
                    ++m_concernsUnscored;
                    continue;
                }
                const QString item = mapItem(c.value(QStringLiteral("item")).toString());
                if (item.isEmpty() || stored.contains(item)) {
                    ++m_concernsUnmapped;
                    continue;
                }
                stored.insert(item);
                out << Mutation::put(QStringLiteral("concern"),
                                     QJsonObject{{QStringLiteral("person_id"), person},
                                                 {QStringLiteral("assessment_id"), l.id},
                                                 {QStringLiteral("domain"), m_ref.checklist().domainOf(item)},
                                                 {QStringLiteral("item"), item},
                                                 {QStringLiteral("score"), score}},
                                     derivedId(l.id, item));
                ++m_concernRecords;
            }
            checkKnown(l,
                       {"person_id", "kind", "date", "assessor", "checklist_version", "concerns", "overall_distress",
                        "status"});
        } else if (l.type == QLatin1String("care_action")) {
            copy(f, v, {"person_id", "assessment_id", "action", "owner", "due_date", "status"});
            const QString assessment = f.value(QStringLiteral("assessment_id")).toString();
            const QString item = mapItem(f.value(QStringLiteral("concern")).toString());
            if (!item.isEmpty() && m_concerns.value(assessment).contains(item)) {
                v.insert(QStringLiteral("concern_id"), derivedId(assessment, item));
                ++m_actionsLinked;
            } else {
                ++m_actionsUnlinked;
            }
            out << Mutation::put(l.type, v, l.id);
            checkKnown(l, {"person_id", "assessment_id", "domain", "concern", "action", "owner", "due_date", "status"});
        } else if (l.type == QLatin1String("referral")) {
            copy(f, v, {"person_id", "date", "status"});
            pastDate(v, QStringLiteral("date"));
            const QString org = f.value(QStringLiteral("organisation")).toString();
            QString orgId = m_org.value(org);
            if (orgId.isEmpty()) { // not in the generator's list: any directory entry of its category, by name
                QStringList candidates;
                for (const Organisation &o : m_ref.directory().organisations())
                    if (o.category == f.value(QStringLiteral("category")).toString())
                        candidates << o.id;
                if (candidates.isEmpty())
                    for (const Organisation &o : m_ref.directory().organisations())
                        candidates << o.id;
                orgId = candidates[int(qHash(org, 0) % uint(candidates.size()))];
                ++m_orgsUnknown;
            }
            v.insert(QStringLiteral("organisation_id"), orgId);
            const QString item = mapItem(f.value(QStringLiteral("reason")).toString());
            v.insert(QStringLiteral("reason"),
                     item.isEmpty() ? f.value(QStringLiteral("reason")).toString() : m_ref.checklist().itemLabel(item));
            out << Mutation::put(QStringLiteral("onward_referral"), v, l.id);
            checkKnown(l, {"person_id", "organisation", "category", "reason", "date", "status"});
        } else {
            die(QStringLiteral("unknown workload record type %1").arg(l.type));
        }
        return out;
    }

    // The Hearth fields an edit line sets (empty when none of its fields is stored by Hearth).
    QJsonObject mapEdit(const Line &l)
    {
        QJsonObject out;
        const QString hearthType = l.type == QLatin1String("referral") ? QStringLiteral("onward_referral") : l.type;
        const RecordSchema *s = schema::find(hearthType);
        for (auto it = l.fields.begin(); it != l.fields.end(); ++it) {
            if (l.type == QLatin1String("person") && it.key() == QLatin1String("simd_decile")) {
                ++m_editDecilesDropped;
                continue;
            }
            if (!s || !s->field(it.key()) || s->field(it.key())->kind == FieldKind::Derived)
                die(QStringLiteral("edit of %1.%2 has no Hearth field").arg(l.type, it.key()));
            out.insert(it.key(), it.value());
        }
        if (out.isEmpty())
            ++m_editsWithNothingStored;
        return out;
    }

    [[nodiscard]] int editsWithNothingStored() const { return m_editsWithNothingStored; }

    [[nodiscard]] QJsonObject counts() const
    {
        return QJsonObject{
            {QStringLiteral("intake_referrals_added"), m_intakeReferrals},
            {QStringLiteral("concern_entries_in_workload"), m_concernEntries},
            {QStringLiteral("concern_records_stored"), m_concernRecords},
            {QStringLiteral("concern_entries_unscored_not_stored"), m_concernsUnscored},
            {QStringLiteral("concern_entries_unmapped_or_duplicate"), m_concernsUnmapped},
            {QStringLiteral("checklist_slugs_exact"), m_exactSlugs},
            {QStringLiteral("checklist_slugs_by_position"), int(m_item.size()) - m_exactSlugs},
            {QStringLiteral("checklist_slug_collisions"), m_slugCollisions},
            {QStringLiteral("care_actions_linked_to_concern"), m_actionsLinked},
            {QStringLiteral("care_actions_without_stored_concern"), m_actionsUnlinked},
            {QStringLiteral("person_postcodes_in_deprivation_lookup"), m_postcodesKnown},
            {QStringLiteral("person_postcodes_not_in_lookup"), m_postcodesUnknown},
            {QStringLiteral("put_simd_deciles_dropped"), m_droppedDecile},
            {QStringLiteral("edit_simd_deciles_dropped"), m_editDecilesDropped},
            {QStringLiteral("edit_lines_with_nothing_stored"), m_editsWithNothingStored},
            {QStringLiteral("review_dates_raised_to_initial_date"), m_followUpDatesRaised},
            {QStringLiteral("assessments_made_initial"), m_kindMadeInitial},
            {QStringLiteral("past_dates_clamped_to_today"), m_datesClamped},
            {QStringLiteral("organisations_not_in_generator_list"), m_orgsUnknown},
            {QStringLiteral("unexpected_fields_dropped"), m_unexpected},
            {QStringLiteral("organisation_table"), m_orgTable},
        };
    }

    [[nodiscard]] QJsonArray notes() const
    {
        const auto n = [](const char *s) { return QJsonValue(QString::fromUtf8(s)); };
        QJsonArray out{
            n("Throughput counts workload LINES (the anchor's documents); a line may become several Hearth records "
              "(see hearth_records and writes)."),
            n("person: name -> given_name + family_name (split at the first space); diagnosis -> cancer_site; "
              "date_of_birth, sex, postcode, phone, diagnosis_date, link_worker, consent_to_contact, "
              "consent_share_gp/_housing/_social_work kept as they are. caseload is filled by Hearth from the "
              "device's enrolment (caseload 'bench')."),
            n("person: simd_decile is DROPPED (puts and edits): Hearth derives deprivation_* from the postcode with "
              "its lookup (assets/deprivation, a ~150-postcode sample), so most generated postcodes derive an "
              "unknown (null) decile. An edit line setting only simd_decile stores nothing (counted in "
              "edit_lines_with_nothing_stored; its conflict side, if any, is vacuously 'held')."),
            n("person: referral_source and created_on become Hearth's intake `referral` record (source, "
              "date_received), one per person, id derived with UUIDv5(namespace, person id + '/intake')."),
            n("assessment: person_id, kind, date, assessor, checklist_version (hna-2024.1, Hearth's checklist id), "
              "overall_distress, status kept. A review/closing assessment gets initial_assessment_id = the person's "
              "first (initial) assessment, and its date is raised to the initial assessment's date when the "
              "generator's 0-3 day jitter put it earlier (review_dates_raised_to_initial_date)."),
            n("assessment.concerns: one `concern` record (person_id, assessment_id, domain, item, score) per entry "
              "with score > 0, as the app records the concerns a person picks (--concerns all stores the 0-scored "
              "entries too); id = UUIDv5(namespace, assessment id + '/' + item)."),
            n("checklist slugs: the generator's slug when Hearth's checklist has it in that domain, otherwise "
              "Hearth's item at the same position of the same domain (both lists follow the published checklist "
              "order: sleep_problems -> sleep_problems_or_nightmares, fatigue -> tired_exhausted_or_fatigued, "
              "physical_activity -> exercise_and_activity, ...). The same map applies to care_action.concern and "
              "referral.reason."),
            n("care_action: person_id, assessment_id, action, owner, due_date, status kept; domain + concern -> "
              "concern_id of the concern record stored for that assessment and item, omitted when that concern was "
              "not stored (the generator picks a random checklist item when an assessment has no scored concern)."),
            n("referral -> onward_referral: person_id, date, status kept; organisation name -> organisation_id, the "
              "k-th generator organisation of a category -> the k-th directory organisation of that category in "
              "file order (organisation_table); category dropped (the directory entry has it); reason (a checklist "
              "slug) -> reason text = the mapped checklist item's label."),
            n("edits: person phone, link_worker, postcode, consent_share_housing, consent_share_social_work; "
              "assessment overall_distress, status, notes, assessor; care_action status, due_date, owner, outcome; "
              "referral status, outcome, follow_up_date map to the same Hearth field names (Store::edit, one "
              "transaction per line as the anchor's get+put)."),
            n("Dates of things that happened (date_of_birth, diagnosis_date, date, date_received) are clamped to "
              "today if later (past_dates_clamped_to_today; 0 with the generator, whose dates end in 2025). Plans "
              "(due_date, follow_up_date) may be in the future in Hearth too."),
            n("bytes_up/bytes_down are HTTP body bytes (CBOR) as the client counts them: no headers, no TLS framing, "
              "no compression. The anchor counts headers + bodies at the server's TCP sockets, gzip-compressed."),
            n("A Hearth sync is push then pull until caught up: a phase that pushes also pulls back its own writes "
              "(acknowledged as duplicates); push_part_s splits the wall time at the server's last push (from the "
              "server's log timestamps)."),
        };
        return out;
    }

private:
    void copy(const QJsonObject &from, QJsonObject &to, std::initializer_list<const char *> keys)
    {
        for (const char *k : keys) {
            const QString key = QString::fromLatin1(k);
            if (from.contains(key))
                to.insert(key, from.value(key));
        }
    }

    void checkKnown(const Line &l, std::initializer_list<const char *> keys)
    {
        QSet<QString> known;
        for (const char *k : keys)
            known.insert(QString::fromLatin1(k));
        for (auto it = l.fields.begin(); it != l.fields.end(); ++it)
            if (!known.contains(it.key()))
                ++m_unexpected;
    }

    void pastDate(QJsonObject &v, const QString &field)
    {
        const QDate d = QDate::fromString(v.value(field).toString(), Qt::ISODate);
        if (d.isValid() && d > m_today) {
            v.insert(field, m_today.toString(Qt::ISODate));
            ++m_datesClamped;
        }
    }

    QString mapItem(const QString &slug) const { return m_item.value(slug); }

    const ReferenceData &m_ref;
    bool m_allConcerns = false;
    QDate m_today;
    QHash<QString, QString> m_item; // generator slug -> Hearth checklist item
    QHash<QString, QString> m_org;  // generator organisation name -> directory id
    QJsonObject m_orgTable;
    QHash<QString, std::pair<QString, QDate>> m_initial; // person -> initial assessment (id, date)
    QHash<QString, QSet<QString>> m_concerns;            // assessment -> items stored as concern records
    int m_exactSlugs = 0, m_slugCollisions = 0, m_intakeReferrals = 0, m_concernEntries = 0, m_concernRecords = 0,
        m_concernsUnscored = 0, m_concernsUnmapped = 0, m_actionsLinked = 0, m_actionsUnlinked = 0,
        m_postcodesKnown = 0, m_postcodesUnknown = 0, m_droppedDecile = 0, m_editDecilesDropped = 0,
        m_editsWithNothingStored = 0, m_followUpDatesRaised = 0, m_kindMadeInitial = 0, m_datesClamped = 0,
        m_orgsUnknown = 0, m_unexpected = 0;
};

// ---------------------------------------------------------------------------------------------
// The server and the devices

// What the server logged for the requests of one phase (push and pull events, sync/server/syncservice.cpp).
struct ServerEvents {
    int push = 0, pull = 0;
    double pushMs = 0, pullMs = 0;
    qint64 lastPushAtMs = 0; // server clock, ms since the epoch
};

class Server
{
public:
    explicit Server(const QString &dir) : m_proc(dir) {}

    void start(const QStringList &users)
    {
        for (const QString &u : users)
            if (int rc = m_proc.admin({QStringLiteral("user"), QStringLiteral("add"), u, QStringLiteral("--role"),
                                       QStringLiteral("link_worker"), QStringLiteral("--caseloads"), kCaseload},
                                      kPassword);
                rc != 0)
                die(QStringLiteral("hearth-server user add %1 exited with %2").arg(u).arg(rc));
        if (!m_proc.start())
            die(QStringLiteral("hearth-server did not start"), QString::fromUtf8(m_proc.logs()));
        m_proc.process()->setReadChannel(QProcess::StandardError);
    }

    // The push/pull events logged since the last call.
    ServerEvents drain()
    {
        QProcess *p = m_proc.process();
        while (p->waitForReadyRead(20)) {}
        m_pending += p->readAllStandardError();
        ServerEvents e;
        const qsizetype end = m_pending.lastIndexOf('\n');
        if (end < 0)
            return e;
        for (const QByteArray &l : m_pending.left(end).split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(l).object();
            const QString ev = o.value(QStringLiteral("event")).toString();
            const double ms = o.value(QStringLiteral("ms")).toDouble();
            if (ev == QLatin1String("push")) {
                ++e.push;
                e.pushMs += ms;
                e.lastPushAtMs = QDateTime::fromString(o.value(QStringLiteral("t")).toString(), Qt::ISODateWithMs)
                                     .toMSecsSinceEpoch();
            } else if (ev == QLatin1String("pull")) {
                ++e.pull;
                e.pullMs += ms;
            } else if (o.value(QStringLiteral("level")).toString() != QLatin1String("info")) {
                progress(QStringLiteral("server: %1").arg(QString::fromUtf8(l)));
            }
        }
        m_pending = m_pending.mid(end + 1);
        return e;
    }

    [[nodiscard]] qint64 peakRssKb() const { return peakRssKbOf(QString::number(m_proc.process()->processId())); }
    [[nodiscard]] double cpuSeconds() const { return cpuSecondsOf(QString::number(m_proc.process()->processId())); }
    [[nodiscard]] QString url() const { return m_proc.url(); }
    [[nodiscard]] QString pin() const { return m_proc.pin(); }
    void stop() { m_proc.terminate(); }

private:
    test::ServerProcess m_proc;
    QByteArray m_pending;
};

StoreOptions storeOptions(const ReferenceData &ref, quint64 kdfN)
{
    StoreOptions o;
    o.reference = &ref;
    o.kdf.n = kdfN;
    return o;
}

struct Device {
    std::unique_ptr<Store> store;
    std::unique_ptr<sync::SyncEngine> engine;
    QString dir;
};

Device makeDevice(const QString &dir, const ReferenceData &ref, quint64 kdfN, const Server &server, const QString &user)
{
    Device d;
    d.dir = dir;
    auto s = Store::create(dir, kPasscode, storeOptions(ref, kdfN));
    if (!s)
        die(QStringLiteral("create a device store"), s.error());
    d.store = std::move(s).value();
    d.engine = std::make_unique<sync::SyncEngine>(*d.store);
    if (auto st = d.engine->enrol(QUrl(server.url()), user, kPassword, server.pin()); !st)
        die(QStringLiteral("enrol %1").arg(user), st.error());
    return d;
}

// One timed replication step, shaped like the anchor's phase objects.
struct Phase {
    double wallS = 0;
    int docs = 0; // workload lines this step carried
    sync::SyncSummary summary;
    ServerEvents events;
    qint64 startMs = 0;
    qint64 clientRssKb = 0, serverRssKb = 0;
    double clientCpuS = 0, serverCpuS = 0;

    [[nodiscard]] QJsonObject json() const
    {
        QJsonObject o{{QStringLiteral("wall_s"), round3(wallS)},
                      {QStringLiteral("docs"), docs},
                      {QStringLiteral("docs_per_s"), qRound(docs / wallS)},
                      {QStringLiteral("bytes_up"), double(summary.bytesUp)},
                      {QStringLiteral("bytes_down"), double(summary.bytesDown)},
                      {QStringLiteral("requests"), events.push + events.pull},
                      {QStringLiteral("client_peak_rss_mb"), mb(clientRssKb)},
                      {QStringLiteral("server_peak_rss_mb"), mb(serverRssKb)},
                      {QStringLiteral("writes_pushed"), summary.pushed},
                      {QStringLiteral("writes_pulled_new"), summary.pulled},
                      {QStringLiteral("push_requests"), events.push},
                      {QStringLiteral("pull_requests"), events.pull},
                      {QStringLiteral("server_push_ms"), round3(events.pushMs)},
                      {QStringLiteral("server_pull_ms"), round3(events.pullMs)},
                      {QStringLiteral("client_cpu_s"), round3(clientCpuS)},
                      {QStringLiteral("server_cpu_s"), round3(serverCpuS)}};
        if (events.push > 0) {
            const double pushPart = qBound(0.0, double(events.lastPushAtMs - startMs) / 1000.0, wallS);
            o.insert(QStringLiteral("push_part_s"), round3(pushPart));
            o.insert(QStringLiteral("pull_part_s"), round3(wallS - pushPart));
        }
        return o;
    }
};

Phase timedSync(Device &d, Server &server, int docs, const QString &what)
{
    server.drain(); // events of earlier, untimed steps belong to no phase
    Phase p;
    p.docs = docs;
    p.startMs = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer t;
    t.start();
    const double monoStart = double(t.msecsSinceReference()) / 1000.0;
    const double clientCpu = cpuSecondsOf(QStringLiteral("self")), serverCpu = server.cpuSeconds();
    p.summary = d.engine->syncAndWait();
    p.clientCpuS = cpuSecondsOf(QStringLiteral("self")) - clientCpu;
    p.serverCpuS = server.cpuSeconds() - serverCpu;
    p.wallS = double(t.nsecsElapsed()) / 1e9;
    if (!p.summary.ok)
        die(QStringLiteral("%1: sync failed").arg(what), p.summary.error);
    if (p.summary.rejected > 0)
        die(QStringLiteral("%1: the server refused %2 writes").arg(what).arg(p.summary.rejected));
    p.events = server.drain();
    p.clientRssKb = selfPeakRssKb();
    p.serverRssKb = server.peakRssKb();
    // CLOCK_MONOTONIC times, to cut a profile (perf record -k CLOCK_MONOTONIC; perf report --time A,B).
    progress(QStringLiteral("%1: %2 s (cpu: client %9 s, server %10 s), %3 lines, %4 writes pushed, %5 new writes "
                            "pulled, %6 requests [monotonic %7-%8]")
                 .arg(what)
                 .arg(p.wallS, 0, 'f', 3)
                 .arg(docs)
                 .arg(p.summary.pushed)
                 .arg(p.summary.pulled)
                 .arg(p.events.push + p.events.pull)
                 .arg(monoStart, 0, 'f', 3)
                 .arg(monoStart + p.wallS, 0, 'f', 3)
                 .arg(p.clientCpuS, 0, 'f', 3)
                 .arg(p.serverCpuS, 0, 'f', 3));
    return p;
}

void untimedSync(Device &d, Server &server, const QString &what)
{
    const sync::SyncSummary s = d.engine->syncAndWait();
    if (!s.ok)
        die(QStringLiteral("%1: sync failed").arg(what), s.error);
    server.drain();
}

// Loads every put line into the store, kLoadChunkLines lines per transaction. Returns seconds.
double loadPuts(Store &store, const QString &workload, Mapper &mapper)
{
    QElapsedTimer t;
    t.start();
    QList<Mutation> chunk;
    int lines = 0, total = 0;
    auto flush = [&] {
        if (chunk.isEmpty())
            return;
        if (auto r = store.commit(chunk); !r)
            die(QStringLiteral("load (lines %1-%2)").arg(total - lines + 1).arg(total), r.error());
        chunk.clear();
        lines = 0;
    };
    forEachPut(workload, [&](const Line &l) {
        chunk += mapper.mapPut(l);
        ++lines;
        ++total;
        if (lines == kLoadChunkLines)
            flush();
    });
    flush();
    return double(t.nsecsElapsed()) / 1e9;
}

// Applies edit lines one transaction each (the anchor's get + put). Returns seconds.
double applyEdits(Store &store, const QList<Line> &lines, Mapper &mapper, QList<QJsonObject> *mapped = nullptr)
{
    QElapsedTimer t;
    t.start();
    for (const Line &l : lines) {
        const QJsonObject fields = mapper.mapEdit(l);
        if (mapped)
            mapped->append(fields);
        if (fields.isEmpty())
            continue;
        if (auto st = store.edit(l.id, fields); !st)
            die(QStringLiteral("edit %1 %2").arg(l.type, l.id), st.error());
    }
    return double(t.nsecsElapsed()) / 1e9;
}

// ---------------------------------------------------------------------------------------------
// A third device in its own process: a fresh device pulling everything, whose peak RSS is the device's
// alone (this process also holds A, B and the workload).

int runChildDevice(const QStringList &args)
{
    auto arg = [&](const char *name) {
        const int i = int(args.indexOf(QLatin1String(name)));
        return i >= 0 && i + 1 < args.size() ? args[i + 1] : QString();
    };
    auto ref = ReferenceData::loadDefault(QStringLiteral(HEARTH_ASSETS_DIR));
    if (!ref)
        die(QStringLiteral("assets"), ref.error());
    const qint64 rssStartKb = selfPeakRssKb();
    QElapsedTimer t;
    t.start();
    auto s = Store::create(arg("--child-device"), kPasscode, storeOptions(ref.value(), arg("--kdf-n").toULongLong()));
    if (!s)
        die(QStringLiteral("child: create"), s.error());
    sync::SyncEngine engine(*s.value());
    if (auto st = engine.enrol(QUrl(arg("--server")), arg("--user"), kPassword, arg("--pin")); !st)
        die(QStringLiteral("child: enrol"), st.error());
    const double setupS = double(t.nsecsElapsed()) / 1e9;
    const qint64 rssBeforeSyncKb = selfPeakRssKb(); // the key derivation (scrypt, ~32 MiB at N=32768) peaks here
    const bool peakReset = resetSelfPeakRss();
    t.restart();
    const double cpuBefore = cpuSecondsOf(QStringLiteral("self"));
    const sync::SyncSummary sum = engine.syncAndWait();
    const double wallS = double(t.nsecsElapsed()) / 1e9;
    const double cpuS = cpuSecondsOf(QStringLiteral("self")) - cpuBefore;
    if (!sum.ok)
        die(QStringLiteral("child: sync"), sum.error);
    const qint64 rssAfterSyncKb = selfPeakRssKb();
    auto records = s.value()->count();
    const QJsonObject o{
        {QStringLiteral("wall_s"), round3(wallS)},
        {QStringLiteral("cpu_s"), round3(cpuS)},
        {QStringLiteral("writes_pulled"), sum.pulled},
        {QStringLiteral("records"), records ? records.value() : -1},
        {QStringLiteral("records_per_s"), records ? qRound(records.value() / wallS) : 0},
        {QStringLiteral("writes_per_s"), qRound(sum.pulled / wallS)},
        {QStringLiteral("bytes_down"), double(sum.bytesDown)},
        {QStringLiteral("setup_s"), round3(setupS)},
        {QStringLiteral("peak_rss_mb_at_start"), mb(rssStartKb)},
        {QStringLiteral("peak_rss_mb_before_sync"), mb(rssBeforeSyncKb)},
        {QStringLiteral("peak_rss_mb_during_sync"), peakReset ? QJsonValue(mb(rssAfterSyncKb)) : QJsonValue()},
        {QStringLiteral("peak_rss_mb"), mb(qMax(rssBeforeSyncKb, rssAfterSyncKb))}};
    fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).constData(), stdout);
    fputc('\n', stdout);
    return 0;
}

QJsonObject runChild(const QString &dir, const Server &server, quint64 kdfN, const QString &user)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(QCoreApplication::applicationFilePath(),
            {QStringLiteral("--child-device"), dir, QStringLiteral("--server"), server.url(), QStringLiteral("--pin"),
             server.pin(), QStringLiteral("--user"), user, QStringLiteral("--kdf-n"), QString::number(kdfN)});
    // Not waitForFinished(): the server's log pipe is read by this process's event loop meanwhile.
    QEventLoop loop;
    QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
    if (p.state() != QProcess::NotRunning)
        loop.exec();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        die(QStringLiteral("the third device's process failed (exit %1)").arg(p.exitCode()));
    return QJsonDocument::fromJson(p.readAllStandardOutput().trimmed()).object();
}

// ---------------------------------------------------------------------------------------------
// The incremental sync of E edits on a small store, for the "does incremental sync cost depend on the
// store's size" ratio: its own server, device, workload (records R, edits E, no conflicts).

QJsonObject incrementalBaseline(int records, int edits, int seed, const QString &generator, const ReferenceData &ref,
                                quint64 kdfN, bool allConcerns, bool keep)
{
    QTemporaryDir tmp;
    tmp.setAutoRemove(!keep);
    const QString file = tmp.filePath(QStringLiteral("workload.jsonl"));
    QString why;
    if (!generate(generator,
                  {QStringLiteral("--records"), QString::number(records), QStringLiteral("--seed"),
                   QString::number(seed), QStringLiteral("--edits"), QString::number(edits)},
                  file, &why))
        die(QStringLiteral("baseline workload"), why);
    const WorkloadFile w = scanWorkload(file);
    Server server(tmp.filePath(QStringLiteral("server")));
    server.start({QStringLiteral("lw-d")});
    Mapper mapper(ref, allConcerns);
    Device d = makeDevice(tmp.filePath(QStringLiteral("d")), ref, kdfN, server, QStringLiteral("lw-d"));
    loadPuts(*d.store, file, mapper);
    untimedSync(d, server, QStringLiteral("baseline push"));
    applyEdits(*d.store, w.edits, mapper);
    Phase p =
        timedSync(d, server, int(w.edits.size()), QStringLiteral("baseline incremental (%1 records)").arg(records));
    server.stop();
    QJsonObject o = p.json();
    o.insert(QStringLiteral("records"), records);
    o.insert(QStringLiteral("hearth_records"), d.store->count().value());
    o.insert(QStringLiteral("sha256"), w.sha256);
    return o;
}

// ---------------------------------------------------------------------------------------------

QJsonObject hostJson()
{
    QString cpu;
    QFile f(QStringLiteral("/proc/cpuinfo"));
    if (f.open(QIODevice::ReadOnly))
        for (const QByteArray &l : f.readAll().split('\n'))
            if (l.startsWith("model name") && cpu.isEmpty())
                cpu = QString::fromUtf8(l.mid(l.indexOf(':') + 1).trimmed());
    qint64 memKb = 0;
    QFile m(QStringLiteral("/proc/meminfo"));
    if (m.open(QIODevice::ReadOnly))
        memKb = m.readLine().simplified().split(' ').value(1).toLongLong();
    return QJsonObject{
        {QStringLiteral("cpu"), cpu},
        {QStringLiteral("cores"), QThread::idealThreadCount()},
        {QStringLiteral("mem_gb"), qRound(double(memKb) / 1024 / 1024)},
        {QStringLiteral("platform"), QSysInfo::kernelType() + QLatin1Char(' ') + QSysInfo::kernelVersion()}};
}

struct Target {
    QString name;
    double value;
    double limit;
    bool atLeast; // met when value >= limit; otherwise when value <= limit
    QString what;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.contains(QLatin1String("--child-device")))
        return runChildDevice(args);
    auto opt = [&](const char *name, const QString &def = {}) {
        const int i = int(args.indexOf(QLatin1String(name)));
        return i >= 0 && i + 1 < args.size() ? args[i + 1] : def;
    };
    const bool keep = args.contains(QLatin1String("--keep"));
    const bool allConcerns = opt("--concerns", QStringLiteral("scored")) == QLatin1String("all");
    const quint64 kdfN = opt("--kdf-n", QStringLiteral("32768")).toULongLong();
    const int seed = opt("--seed", QStringLiteral("42")).toInt();
    const int baselineRecords = opt("--baseline-records", QStringLiteral("1000")).toInt();
    const QString generator = opt("--generator", QStringLiteral(HEARTH_WORKLOAD_GENERATOR));

    auto ref = ReferenceData::loadDefault(QStringLiteral(HEARTH_ASSETS_DIR));
    if (!ref)
        die(QStringLiteral("assets"), ref.error());

    QTemporaryDir tmp;
    tmp.setAutoRemove(!keep);
    if (keep)
        progress(QStringLiteral("data kept in %1").arg(tmp.path()));

    // 1. The workload.
    QString workloadPath = opt("--workload");
    QString source = opt("--source", workloadPath.isEmpty() ? QString() : QFileInfo(workloadPath).absoluteFilePath());
    if (workloadPath.isEmpty()) {
        const QStringList genArgs{QStringLiteral("--records"),   opt("--records", QStringLiteral("10000")),
                                  QStringLiteral("--seed"),      QString::number(seed),
                                  QStringLiteral("--edits"),     opt("--edits", QStringLiteral("1000")),
                                  QStringLiteral("--conflicts"), opt("--conflicts", QStringLiteral("500"))};
        workloadPath = tmp.filePath(QStringLiteral("workload.jsonl"));
        QString why;
        if (!generate(generator, genArgs, workloadPath, &why)) {
            fprintf(stderr, "bench_sync: SKIPPED: %s\n", qPrintable(why));
            return 77;
        }
        source = QStringLiteral("gen-workload.mjs ") + genArgs.join(QLatin1Char(' '));
    }
    const WorkloadFile w = scanWorkload(workloadPath);
    const int N = w.puts, E = int(w.edits.size()), C = int(w.a.size());
    progress(QStringLiteral("workload: %1 puts, %2 edits, %3 conflict pairs, %4 bytes, sha256 %5")
                 .arg(N)
                 .arg(E)
                 .arg(C)
                 .arg(w.bytes)
                 .arg(w.sha256));

    QJsonObject anchor;
    if (const QString a = opt("--anchor-json"); !a.isEmpty()) {
        QFile f(a);
        if (f.open(QIODevice::ReadOnly))
            anchor = QJsonDocument::fromJson(f.readAll()).object();
        if (anchor.isEmpty())
            progress(QStringLiteral("no anchor JSON could be read from %1").arg(a));
    }

    // 2. Server and devices.
    Server server(tmp.filePath(QStringLiteral("server")));
    server.start({QStringLiteral("lw-a"), QStringLiteral("lw-b"), QStringLiteral("lw-c")});
    progress(QStringLiteral("hearth-server at %1").arg(server.url()));
    Mapper mapper(ref.value(), allConcerns);
    QJsonObject local;
    QJsonObject phases;
    QJsonObject checks;
    QElapsedTimer t;

    t.start();
    Device A = makeDevice(tmp.filePath(QStringLiteral("a")), ref.value(), kdfN, server, QStringLiteral("lw-a"));
    local.insert(QStringLiteral("device_create_enrol_s"), round3(double(t.nsecsElapsed()) / 1e9));
    const qint64 rssBaselineKb = selfPeakRssKb();

    progress(QStringLiteral("load"));
    local.insert(QStringLiteral("load_s"), round3(loadPuts(*A.store, w.path, mapper)));
    const int hearthRecords = A.store->count().value();
    const qint64 hearthWrites = A.store->writeCount().value();

    Phase push = timedSync(A, server, N, QStringLiteral("push"));
    phases.insert(QStringLiteral("push"), push.json());
    checks.insert(QStringLiteral("push_writes_acked"), push.summary.pushed);

    Device B = makeDevice(tmp.filePath(QStringLiteral("b")), ref.value(), kdfN, server, QStringLiteral("lw-b"));
    Phase pull = timedSync(B, server, N, QStringLiteral("pull"));
    const int bRecords = B.store->count().value();
    QJsonObject pullJson = pull.json();
    pullJson.insert(QStringLiteral("hearth_records"), bRecords);
    pullJson.insert(QStringLiteral("records_per_s_end_to_end"), qRound(bRecords / pull.wallS));
    pullJson.insert(QStringLiteral("writes_per_s_end_to_end"), qRound(pull.summary.pulled / pull.wallS));
    phases.insert(QStringLiteral("pull"), pullJson);
    checks.insert(QStringLiteral("b_record_count_after_pull"), bRecords);
    checks.insert(QStringLiteral("a_record_count"), hearthRecords);
    checks.insert(QStringLiteral("a_b_identical_after_pull"), A.store->hash().value() == B.store->hash().value());

    progress(QStringLiteral("incremental"));
    QList<QJsonObject> mappedEdits;
    local.insert(QStringLiteral("edits_apply_s"), round3(applyEdits(*A.store, w.edits, mapper, &mappedEdits)));
    const int editsStored = E - mapper.editsWithNothingStored();
    Phase incr = timedSync(A, server, E, QStringLiteral("incremental"));
    phases.insert(QStringLiteral("incremental"), incr.json());

    // The conflict phase starts from A and B in sync (B also receives the plain edits here).
    progress(QStringLiteral("conflicts"));
    t.restart();
    untimedSync(A, server, QStringLiteral("setup A"));
    untimedSync(B, server, QStringLiteral("setup B"));
    local.insert(QStringLiteral("sync_setup_s"), round3(double(t.nsecsElapsed()) / 1e9));
    checks.insert(QStringLiteral("a_b_in_sync_before_conflicts"), A.store->hash().value() == B.store->hash().value());
    {
        // Every edited field reads back, on B, from what the server passed on.
        QHash<QString, QJsonObject> expected;
        for (qsizetype i = 0; i < w.edits.size(); ++i) {
            QJsonObject &e = expected[w.edits[i].id];
            for (auto it = mappedEdits[i].begin(); it != mappedEdits[i].end(); ++it)
                e.insert(it.key(), it.value());
        }
        int mismatches = 0;
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            auto r = B.store->get(it.key());
            if (!r) {
                ++mismatches;
                continue;
            }
            for (auto f = it->begin(); f != it->end(); ++f)
                mismatches += r.value().values.value(f.key()) != f.value() ? 1 : 0;
        }
        checks.insert(QStringLiteral("incremental_mismatches"), mismatches);
    }
    QList<QJsonObject> mappedA, mappedB;
    t.restart();
    applyEdits(*A.store, w.a, mapper, &mappedA);
    applyEdits(*B.store, w.b, mapper, &mappedB);
    local.insert(QStringLiteral("conflict_edits_apply_s"), round3(double(t.nsecsElapsed()) / 1e9));
    QJsonObject conflicts;
    Phase aPush = timedSync(A, server, C, QStringLiteral("conflicts.a_push"));
    Phase bSync = timedSync(B, server, 2 * C, QStringLiteral("conflicts.b_sync"));
    Phase aPull = timedSync(A, server, C, QStringLiteral("conflicts.a_pull"));
    conflicts.insert(QStringLiteral("a_push"), aPush.json());
    conflicts.insert(QStringLiteral("b_sync"), bSync.json());
    conflicts.insert(QStringLiteral("a_pull"), aPull.json());
    conflicts.insert(QStringLiteral("wall_s"), round3(aPush.wallS + bSync.wallS + aPull.wallS));
    phases.insert(QStringLiteral("conflicts"), conflicts);
    const qint64 peakClientKb = selfPeakRssKb(), peakServerKb = server.peakRssKb();

    // 3. A third device, in its own process, pulls everything fresh.
    progress(QStringLiteral("third device (own process) pulls everything"));
    const QString cDir = tmp.filePath(QStringLiteral("c"));
    const QJsonObject third = runChild(cDir, server, kdfN, QStringLiteral("lw-c"));
    server.drain();
    auto cOpened = Store::open(cDir, kPasscode, storeOptions(ref.value(), kdfN));
    if (!cOpened)
        die(QStringLiteral("open the third device's store"), cOpened.error());
    Store &Cs = *cOpened.value();

    // 4. Convergence and the conflict outcome on A, B and C.
    progress(QStringLiteral("checking convergence"));
    const QString ha = A.store->hash().value(), hb = B.store->hash().value(), hc = Cs.hash().value();
    checks.insert(QStringLiteral("identical_state"),
                  QJsonObject{{QStringLiteral("a_b"), ha == hb}, {QStringLiteral("a_c"), ha == hc}});
    checks.insert(QStringLiteral("records_with_conflicts"),
                  QJsonObject{{QStringLiteral("a"), int(A.store->conflicted().value().size())},
                              {QStringLiteral("b"), int(B.store->conflicted().value().size())},
                              {QStringLiteral("c"), int(Cs.conflicted().value().size())}});
    QJsonObject outcome;
    int sameFieldSurfacedEverywhere = 0, sameWinnerEverywhere = 0, differentNoConflict = 0;
    const QList<Store *> replicas{A.store.get(), B.store.get(), &Cs};
    for (int i = 0; i < C; ++i) {
        const Line &la = w.a[i], &lb = w.b[i];
        if (la.id != lb.id || la.conflict != lb.conflict)
            die(QStringLiteral("conflict pair %1 does not pair up").arg(i));
        const bool same = la.conflict == QLatin1String("same_field");
        QList<Record> rs;
        for (Store *s : replicas) {
            auto r = s->get(la.id);
            if (!r)
                die(QStringLiteral("conflict record %1").arg(la.id), r.error());
            rs << r.value();
        }
        const Record &ra = rs[0];
        auto has = [&](const QJsonObject &fields) {
            for (auto it = fields.begin(); it != fields.end(); ++it)
                if (ra.values.value(it.key()) != it.value())
                    return false;
            return true;
        };
        QJsonObject o = outcome.value(la.conflict).toObject();
        o.insert(QStringLiteral("pairs"), o.value(QStringLiteral("pairs")).toInt() + 1);
        const bool hasA = has(mappedA[i]), hasB = has(mappedB[i]);
        o.insert(QStringLiteral("winner_has_a"), o.value(QStringLiteral("winner_has_a")).toInt() + (hasA ? 1 : 0));
        o.insert(QStringLiteral("winner_has_b"), o.value(QStringLiteral("winner_has_b")).toInt() + (hasB ? 1 : 0));
        o.insert(QStringLiteral("winner_has_both"),
                 o.value(QStringLiteral("winner_has_both")).toInt() + (hasA && hasB ? 1 : 0));
        if (mappedA[i].isEmpty() || mappedB[i].isEmpty()) // a side Hearth stores nothing for is held vacuously
            o.insert(QStringLiteral("pairs_with_a_side_not_stored"),
                     o.value(QStringLiteral("pairs_with_a_side_not_stored")).toInt() + 1);
        outcome.insert(la.conflict, o);
        bool sameWinner = true;
        for (const Record &r : rs)
            sameWinner &= r.values == ra.values;
        sameWinnerEverywhere += sameWinner ? 1 : 0;
        if (same) {
            const QString field = mappedA[i].begin().key();
            bool surfaced = true;
            for (const Record &r : rs)
                surfaced &= r.conflicts.size() == 1 && r.conflicts.first().field == field
                    && r.conflicts.first().heads.size() == 2;
            sameFieldSurfacedEverywhere += surfaced ? 1 : 0;
        } else {
            bool none = true;
            for (const Record &r : rs)
                none &= r.conflicts.isEmpty();
            differentNoConflict += none ? 1 : 0;
        }
    }
    checks.insert(QStringLiteral("conflict_outcome"), outcome);
    checks.insert(QStringLiteral("same_field_pairs_one_conflict_on_a_b_c"), sameFieldSurfacedEverywhere);
    checks.insert(QStringLiteral("different_fields_pairs_no_conflict_on_a_b_c"), differentNoConflict);
    checks.insert(QStringLiteral("pairs_same_values_on_a_b_c"), sameWinnerEverywhere);
    checks.insert(QStringLiteral("third_device_records"), third.value(QStringLiteral("records")));
    const int sameCount = outcome.value(QStringLiteral("same_field")).toObject().value(QStringLiteral("pairs")).toInt();
    const int diffCount =
        outcome.value(QStringLiteral("different_fields")).toObject().value(QStringLiteral("pairs")).toInt();
    const int diffBoth =
        outcome.value(QStringLiteral("different_fields")).toObject().value(QStringLiteral("winner_has_both")).toInt();
    const bool ok = push.summary.pushed == hearthWrites && bRecords == hearthRecords
        && checks.value(QStringLiteral("a_b_identical_after_pull")).toBool()
        && checks.value(QStringLiteral("incremental_mismatches")).toInt() == 0
        && checks.value(QStringLiteral("a_b_in_sync_before_conflicts")).toBool() && ha == hb && ha == hc
        && sameFieldSurfacedEverywhere == sameCount && differentNoConflict == diffCount && diffBoth == diffCount
        && sameWinnerEverywhere == C && A.store->conflicted().value().size() == sameCount;
    checks.insert(QStringLiteral("ok"), ok);
    const qint64 peakClientInclChecksKb = selfPeakRssKb();

    const QJsonObject disk{{QStringLiteral("server_bytes"), double(dirBytes(tmp.filePath(QStringLiteral("server"))))},
                           {QStringLiteral("a_bytes"), double(dirBytes(A.dir))},
                           {QStringLiteral("b_bytes"), double(dirBytes(B.dir))},
                           {QStringLiteral("c_bytes"), double(dirBytes(cDir))}};
    const qint64 serverEndKb = server.peakRssKb();
    server.stop();

    // 5. Incremental sync on a small store, for the size ratio.
    progress(QStringLiteral("baseline: incremental sync of %1 edits on a %2-record store").arg(E).arg(baselineRecords));
    const QJsonObject baseline =
        incrementalBaseline(baselineRecords, E, seed, generator, ref.value(), kdfN, allConcerns, keep);
    const double incrRatio = incr.wallS / baseline.value(QStringLiteral("wall_s")).toDouble();

    QJsonObject hearth{
        {QStringLiteral("system"), QStringLiteral("hearth")},
        {QStringLiteral("config"),
         QJsonObject{{QStringLiteral("server"),
                      QStringLiteral("hearth-server serve, child process, 127.0.0.1, TLS, "
                                     "SQLite store, 8 worker threads")},
                     {QStringLiteral("device"),
                      QStringLiteral("encrypted hearth::Store (SQLite WAL, AES-256-GCM), "
                                     "in-process SyncEngine; scrypt N=%1")
                          .arg(kdfN)},
                     {QStringLiteral("push_batch"), A.engine->pushBatch},
                     {QStringLiteral("pull_limit"), A.engine->pullLimit},
                     {QStringLiteral("concerns"), allConcerns ? QStringLiteral("all") : QStringLiteral("scored")},
                     {QStringLiteral("bytes"),
                      QStringLiteral("HTTP body bytes (CBOR) counted by the client; no "
                                     "headers, TLS framing or compression")}}},
        {QStringLiteral("versions"),
         QJsonObject{{QStringLiteral("qt"), QString::fromLatin1(qVersion())},
                     {QStringLiteral("sqlite"), QString::fromLatin1(sqlite3_libversion())},
                     {QStringLiteral("openssl"), QString::fromLatin1(OpenSSL_version(OPENSSL_VERSION))},
                     {QStringLiteral("compiler"), QString::fromLatin1(__VERSION__)}}},
        {QStringLiteral("host"), hostJson()},
        {QStringLiteral("hearth_records"), hearthRecords},
        {QStringLiteral("hearth_writes_after_load"), double(hearthWrites)},
        {QStringLiteral("edit_lines_stored"), editsStored},
        {QStringLiteral("local"), local},
        {QStringLiteral("phases"), phases},
        {QStringLiteral("third_device_pull"), third},
        {QStringLiteral("incremental_baseline"), baseline},
        {QStringLiteral("incremental_n_vs_baseline_ratio"), round3(incrRatio)},
        {QStringLiteral("checks"), checks},
        {QStringLiteral("peak_rss_mb"),
         QJsonObject{{QStringLiteral("client"), mb(peakClientKb)},
                     {QStringLiteral("server"), mb(peakServerKb)},
                     {QStringLiteral("client_after_device_setup"), mb(rssBaselineKb)},
                     {QStringLiteral("client_incl_checks"), mb(peakClientInclChecksKb)},
                     {QStringLiteral("server_incl_checks"), mb(serverEndKb)},
                     {QStringLiteral("device_process_full_pull"), third.value(QStringLiteral("peak_rss_mb"))},
                     {QStringLiteral("note"),
                      QStringLiteral("client = this process: devices A and B, their sync "
                                     "engines and the edit lines; the device figure is the "
                                     "third device's own process")}}},
        {QStringLiteral("disk"), disk},
    };

    // 6. Ratios against the anchor, and the targets.
    QJsonObject ratios;
    QList<Target> targets;
    const QJsonObject ap = anchor.value(QStringLiteral("phases")).toObject();
    auto rate = [](const QJsonObject &phase) { return phase.value(QStringLiteral("docs_per_s")).toDouble(); };
    auto ratioOf = [&](const QJsonObject &h, const QJsonObject &a) {
        return rate(a) > 0 ? QJsonValue(round3(rate(h) / rate(a))) : QJsonValue();
    };
    for (const char *p : {"push", "pull", "incremental"})
        ratios.insert(QLatin1String(p),
                      ratioOf(phases.value(QLatin1String(p)).toObject(), ap.value(QLatin1String(p)).toObject()));
    const QJsonObject ac = ap.value(QStringLiteral("conflicts")).toObject();
    for (const char *p : {"a_push", "b_sync", "a_pull"})
        ratios.insert(QStringLiteral("conflicts.") + QLatin1String(p),
                      ratioOf(conflicts.value(QLatin1String(p)).toObject(), ac.value(QLatin1String(p)).toObject()));
    if (ac.value(QStringLiteral("wall_s")).toDouble() > 0)
        ratios.insert(QStringLiteral("conflicts_wall_anchor_over_hearth"),
                      round3(ac.value(QStringLiteral("wall_s")).toDouble()
                             / conflicts.value(QStringLiteral("wall_s")).toDouble()));
    ratios.insert(QStringLiteral("note"),
                  QStringLiteral("hearth docs_per_s / anchor docs_per_s (both in workload lines)"));
    if (!anchor.isEmpty()) {
        targets.append({QStringLiteral("push_vs_anchor"), ratios.value(QStringLiteral("push")).toDouble(), 10, true,
                        QStringLiteral("push docs/s >= 10x the anchor's (at 10,000 records)")});
        targets.append({QStringLiteral("pull_vs_anchor"), ratios.value(QStringLiteral("pull")).toDouble(), 10, true,
                        QStringLiteral("pull docs/s >= 10x the anchor's (at 10,000 records)")});
    }
    targets.append({QStringLiteral("pull_records_per_s_end_to_end"), double(qRound(bRecords / pull.wallS)), 100000,
                    true, QStringLiteral("pull >= 100,000 records/s end to end (Hearth records on device B)")});
    targets.append({QStringLiteral("incremental_n_vs_1k"), incrRatio, 1.5, false,
                    QStringLiteral("incremental sync of E edits on the N store within 1.5x of the same on a "
                                   "%1-record store (meaningful at 100,000)")
                        .arg(baselineRecords)});
    targets.append({QStringLiteral("device_peak_rss_mb_full_pull"),
                    third.value(QStringLiteral("peak_rss_mb")).toDouble(), 200, false,
                    QStringLiteral("device peak RSS < 200 MB during the full pull (meaningful at 100,000)")});
    QJsonObject targetsJson;
    for (const Target &tg : targets)
        targetsJson.insert(
            tg.name,
            QJsonObject{{QStringLiteral("value"), tg.value},
                        {QStringLiteral("target"), tg.limit},
                        {QStringLiteral("met"), tg.atLeast ? tg.value >= tg.limit : tg.value <= tg.limit},
                        {QStringLiteral("what"), tg.what}});

    QJsonObject workloadJson{{QStringLiteral("records"), N},        {QStringLiteral("edits"), E},
                             {QStringLiteral("conflict_pairs"), C}, {QStringLiteral("bytes"), double(w.bytes)},
                             {QStringLiteral("sha256"), w.sha256},  {QStringLiteral("source"), source}};
    if (!anchor.isEmpty())
        workloadJson.insert(
            QStringLiteral("same_sha256_as_anchor"),
            anchor.value(QStringLiteral("workload")).toObject().value(QStringLiteral("sha256")).toString() == w.sha256);
    const QJsonObject out{{QStringLiteral("bench"), QStringLiteral("sync")},
                          {QStringLiteral("workload"), workloadJson},
                          {QStringLiteral("hearth"), hearth},
                          {QStringLiteral("anchor"), anchor.isEmpty() ? QJsonValue() : QJsonValue(anchor)},
                          {QStringLiteral("ratios"), ratios},
                          {QStringLiteral("targets"), targetsJson},
                          {QStringLiteral("mapping"), mapper.counts()},
                          {QStringLiteral("mapping_notes"), mapper.notes()}};
    fputs(QJsonDocument(out).toJson(QJsonDocument::Indented).constData(), stdout);
    if (!ok)
        progress(QStringLiteral("a correctness check failed: see hearth.checks"));
    return ok ? 0 : 1;
}
