#include "outcomecontroller.h"

#include "flowlabels.h"
#include "logging.h"
#include "schema.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace hearth {

namespace {

const QString kPlaceholder = QStringLiteral(":/hearth/instruments/instrument-wording-placeholder.json");
const QString kFormat = QStringLiteral("hearth.instrument_wording");

QString &wordingDir()
{
#ifdef HEARTH_APP_ASSETS_DIR
    static QString dir = QStringLiteral(HEARTH_APP_ASSETS_DIR "/instruments");
#else
    static QString dir;
#endif
    return dir;
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    return o.value(QStringLiteral("format")).toString() == kFormat ? o : QJsonObject();
}

// A well-formed EQ-5D wording has five dimensions, each with one text per level.
bool usable(const QString &instrument, const QJsonObject &w)
{
    if (instrument == QLatin1String("distress_thermometer"))
        return w.value(QStringLiteral("title")).isString();
    const int levels = instrument == QLatin1String("eq5d_3l") ? 3 : 5;
    const QJsonArray dims = w.value(QStringLiteral("dimensions")).toArray();
    if (dims.size() != 5)
        return false;
    for (const QJsonValue &d : dims)
        if (d.toObject().value(QStringLiteral("levels")).toArray().size() != levels)
            return false;
    return true;
}

} // namespace

OutcomeController::OutcomeController(QObject *parent)
    : FlowController(parent), m_history(new OutcomesModel(this)), m_comparison(new ComparisonModel(this))
{
    m_wording = loadWording(m_instrument);
    resetForm();
}

void OutcomeController::setWordingDirectory(const QString &dir)
{
    wordingDir() = dir;
}

QString OutcomeController::wordingDirectory()
{
    return wordingDir();
}

QVariantMap OutcomeController::loadWording(const QString &instrument)
{
    if (!wordingDir().isEmpty()) {
        QJsonObject deployed = readJson(wordingDir() + QLatin1Char('/') + instrument + QStringLiteral(".json"));
        if (!deployed.isEmpty() && usable(instrument, deployed)) {
            deployed.insert(QStringLiteral("placeholder"), false);
            return deployed.toVariantMap();
        }
        if (!deployed.isEmpty())
            qCWarning(lcApp) << "instrument wording file for" << instrument << "is malformed; using the placeholder";
    }
    QJsonObject w = readJson(kPlaceholder).value(QStringLiteral("instruments")).toObject().value(instrument).toObject();
    w.insert(QStringLiteral("placeholder"), true);
    return w.toVariantMap();
}

void OutcomeController::setInstrument(const QString &instrument)
{
    if (instrument == m_instrument)
        return;
    m_instrument = instrument;
    m_wording = loadWording(instrument);
    resetForm();
    Q_EMIT formChanged();
}

QVariantList OutcomeController::instrumentOptions() const
{
    return flowlabels::options(QStringLiteral("outcome_measure"), QStringLiteral("instrument"));
}

void OutcomeController::setTimepoint(const QString &timepoint)
{
    m_timepointChosen = true;
    if (timepoint == m_timepoint)
        return;
    m_timepoint = timepoint;
    Q_EMIT formChanged();
}

QVariantList OutcomeController::timepointOptions() const
{
    return flowlabels::options(QStringLiteral("outcome_measure"), QStringLiteral("timepoint"));
}

QVariantList OutcomeController::levels() const
{
    QVariantList out;
    for (int l : m_levels)
        out << l;
    return out;
}

void OutcomeController::setVas(int vas)
{
    if (vas == m_vas)
        return;
    m_vas = vas;
    Q_EMIT formChanged();
}

void OutcomeController::setDistress(int distress)
{
    if (distress == m_distress)
        return;
    m_distress = distress;
    Q_EMIT formChanged();
}

void OutcomeController::setLevel(int dimension, int level)
{
    if (dimension < 0 || dimension >= m_levels.size())
        return;
    m_levels[dimension] = level;
    Q_EMIT formChanged();
}

void OutcomeController::resetForm()
{
    m_levels = QList<int>(5, 0);
    m_vas = -1;
    m_distress = -1;
}

bool OutcomeController::save()
{
    QJsonObject values{{QStringLiteral("person_id"), personId()},
                       {QStringLiteral("instrument"), m_instrument},
                       {QStringLiteral("date"), isoDate(today())},
                       {QStringLiteral("timepoint"), m_timepoint}};
    QStringList shown{QStringLiteral("timepoint")};
    if (m_instrument.startsWith(QLatin1String("eq5d"))) {
        QString state;
        bool any = false;
        for (int l : std::as_const(m_levels)) {
            state += QString::number(l); // an unanswered dimension is 0, which the core refuses by name
            any |= l > 0;
        }
        if (any)
            values.insert(QStringLiteral("eq5d_state"), state);
        if (m_vas >= 0)
            values.insert(QStringLiteral("eq5d_vas"), m_vas);
        shown << QStringLiteral("eq5d_state") << QStringLiteral("eq5d_vas");
    } else {
        if (m_distress >= 0)
            values.insert(QStringLiteral("distress"), m_distress);
        shown << QStringLiteral("distress");
    }
    if (!commit({Mutation::put(QStringLiteral("outcome_measure"), values)}, tr("Measure saved"), shown))
        return false;
    resetForm();
    Q_EMIT formChanged();
    return true;
}

void OutcomeController::reload()
{
    QList<Record> measures = records(QStringLiteral("outcome_measure"), QStringLiteral("date"));
    // Same-day measures in the order of the service's timepoints, so "first" and "latest" hold
    // even when the initial and review measures share a date.
    const RecordSchema *s = schema::find(QStringLiteral("outcome_measure"));
    const QStringList order = s ? s->field(QStringLiteral("timepoint"))->values : QStringList();
    std::stable_sort(measures.begin(), measures.end(), [&](const Record &a, const Record &b) {
        const QString da = a.values.value(QStringLiteral("date")).toString();
        const QString db = b.values.value(QStringLiteral("date")).toString();
        if (da != db)
            return da < db;
        return order.indexOf(a.values.value(QStringLiteral("timepoint")).toString())
            < order.indexOf(b.values.value(QStringLiteral("timepoint")).toString());
    });
    QList<QVariantMap> rows;
    for (auto it = measures.crbegin(); it != measures.crend(); ++it) {
        const QJsonObject &v = it->values;
        const QJsonValue index = v.value(QStringLiteral("eq5d_index"));
        rows << QVariantMap{
            {QStringLiteral("key"), it->id},
            {QStringLiteral("date"), v.value(QStringLiteral("date")).toString()},
            {QStringLiteral("timepointLabel"), flowlabels::label(v.value(QStringLiteral("timepoint")).toString())},
            {QStringLiteral("instrumentLabel"), flowlabels::label(v.value(QStringLiteral("instrument")).toString())},
            {QStringLiteral("state"), v.value(QStringLiteral("eq5d_state")).toString()},
            {QStringLiteral("indexText"), index.isDouble() ? QString::number(index.toDouble(), 'f', 3) : QString()},
            {QStringLiteral("vas"), v.value(QStringLiteral("eq5d_vas")).toInt(-1)},
            {QStringLiteral("distress"), v.value(QStringLiteral("distress")).toInt(-1)}};
    }
    m_history->setRows(rows);

    // First and latest of each measure: what changed since the first visit, at a glance.
    struct Series {
        QString id;
        QString label;
        bool higherIsBetter;
        int decimals;
        QList<double> values;
    };
    QList<Series> series{{QStringLiteral("eq5d_index"), tr("EQ-5D index"), true, 3, {}},
                         {QStringLiteral("eq5d_vas"), tr("Health today (0-100)"), true, 0, {}},
                         {QStringLiteral("distress"), tr("Distress (0-10)"), false, 0, {}}};
    for (const Record &m : measures)
        for (Series &line : series)
            if (m.values.value(line.id).isDouble())
                line.values << m.values.value(line.id).toDouble();
    // Without distress measures, the HNA's overall distress scores tell the same story.
    if (series[2].values.isEmpty())
        for (const Record &a : records(QStringLiteral("assessment"), QStringLiteral("date")))
            if (a.values.value(QStringLiteral("overall_distress")).isDouble())
                series[2].values << a.values.value(QStringLiteral("overall_distress")).toDouble();
    QList<QVariantMap> compare;
    for (const Series &line : std::as_const(series)) {
        if (line.values.size() < 2)
            continue;
        const double before = line.values.constFirst(), after = line.values.constLast();
        const double change = after - before;
        const double epsilon = line.decimals ? 0.0005 : 0.5;
        const QString direction = std::abs(change) < epsilon ? QStringLiteral("same")
            : ((change > 0) == line.higherIsBetter)             ? QStringLiteral("better")
                                                             : QStringLiteral("worse");
        compare << QVariantMap{
            {QStringLiteral("key"), line.id},
            {QStringLiteral("label"), line.label},
            {QStringLiteral("before"), QString::number(before, 'f', line.decimals)},
            {QStringLiteral("after"), QString::number(after, 'f', line.decimals)},
            {QStringLiteral("change"),
             (change > 0 ? QStringLiteral("+") : QString()) + QString::number(change, 'f', line.decimals)},
            {QStringLiteral("direction"), direction},
            {QStringLiteral("directionLabel"),
             direction == QLatin1String("better")      ? tr("better")
                 : direction == QLatin1String("worse") ? tr("worse")
                                                       : tr("no change")}};
    }
    m_comparison->setRows(compare);
    if (!m_timepointChosen) {
        m_timepoint = measures.isEmpty() ? QStringLiteral("initial") : QStringLiteral("review");
        Q_EMIT formChanged();
    }
}

} // namespace hearth
