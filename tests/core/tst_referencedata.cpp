#include "referencedata.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace hearth;

// Shows the error's full text when a load that should succeed fails.
#define VERIFY_OK(result) QVERIFY2((result).ok(), qPrintable((result).ok() ? QString() : (result).error().toString()))

namespace {

const QString AssetsDir = QStringLiteral(HEARTH_ASSETS_DIR);

QByteArray readAsset(const QString &relative)
{
    QFile f(QDir(AssetsDir).filePath(relative));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read asset %s", qPrintable(relative));
    return f.readAll();
}

QJsonObject assetObject(const QString &relative)
{
    return QJsonDocument::fromJson(readAsset(relative)).object();
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

// Returns `root` with the value at `path` (object keys and array indices) replaced; an undefined value removes it.
QJsonValue setAt(const QJsonValue &root, QStringList path, const QJsonValue &value)
{
    if (path.isEmpty())
        return value;
    const QString head = path.takeFirst();
    bool isIndex = false;
    const int index = head.toInt(&isIndex);
    if (isIndex) {
        QJsonArray a = root.toArray();
        if (path.isEmpty() && value.isUndefined())
            a.removeAt(index);
        else
            a[index] = setAt(a.at(index), path, value);
        return a;
    }
    QJsonObject o = root.toObject();
    if (path.isEmpty() && value.isUndefined())
        o.remove(head);
    else
        o[head] = setAt(o.value(head), path, value);
    return o;
}

QByteArray edited(const QString &asset, const QString &path, const QJsonValue &value)
{
    const QJsonValue root = setAt(assetObject(asset), path.split(QLatin1Char('/')), value);
    return QJsonDocument(root.toObject()).toJson();
}

const QString ChecklistAsset = QStringLiteral("checklists/hna-2024.1.json");
const QString DirectoryAsset = QStringLiteral("directory/glasgow-sample.json");
const QString ValueSet5LAsset = QStringLiteral("valuesets/eq5d-5l-england-devlin-2018.json");
const QString ValueSet3LAsset = QStringLiteral("valuesets/eq5d-3l-test-fixture.json");
const QString DeprivationAsset = QStringLiteral("deprivation/simd2020v2-sample.json");

const QByteArray SimdHeader = "Postcode,DZ,SIMD2020v2_Rank,SIMD2020v2_Vigintile,SIMD2020v2_Decile,SIMD2020v2_Quintile,"
                              "SIMD2020v2_Income_Domain_Rank,SIMD2020_Employment_Domain_Rank,"
                              "SIMD2020_Health_Domain_Rank,SIMD2020_Education_Domain_Rank,"
                              "SIMD2020_Access_Domain_Rank,SIMD2020_Crime_Domain_Rank,SIMD2020_Housing_Domain_Rank,"
                              "IZcode,CAcode\n";

// Writes the shipped SIMD manifest (edited by `editManifest`) beside `csv` in `dir` and loads it.
Result<DeprivationLookup> loadDeprivation(const QTemporaryDir &dir, const QByteArray &csv,
                                          const std::function<void(QJsonObject &)> &editManifest = {})
{
    QJsonObject manifest = assetObject(DeprivationAsset);
    manifest[QStringLiteral("file")] = QStringLiteral("lookup.csv");
    if (editManifest)
        editManifest(manifest);
    writeFile(dir, QStringLiteral("lookup.csv"), csv);
    return DeprivationLookup::load(writeFile(dir, QStringLiteral("manifest.json"), QJsonDocument(manifest).toJson()));
}

} // namespace

class TestReferenceData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void loadsDefaults();
    void checklistShape();
    void directoryShape();
    void directorySearch();
    void eq5dKnownAnswers_data();
    void eq5dKnownAnswers();
    void eq5dLevelDecrements();
    void eq5dInvalidStates_data();
    void eq5dInvalidStates();
    void eq5d3LFixture();
    void deprivationSample();
    void postcodeNormalisation_data();
    void postcodeNormalisation();
    void deprivationUnknownPostcode();
    void deprivationCsvDialect();
    void deprivationReversedCoding();
    void deprivationOptionalColumns();
    void malformedJson_data();
    void malformedJson();
    void missingFiles();
    void malformedDeprivation_data();
    void malformedDeprivation();
    void manifestSwapsFiles();
    void crossChecks();
    void largeLookup();
};

void TestReferenceData::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QLocale::setDefault(QLocale::c());
    qputenv("TZ", "UTC");
    QVERIFY2(QFileInfo::exists(QDir(AssetsDir).filePath(QStringLiteral("manifest.json"))), qPrintable(AssetsDir));
}

void TestReferenceData::loadsDefaults()
{
    const Result<ReferenceData> data = ReferenceData::loadDefault(AssetsDir);
    VERIFY_OK(data);
    QCOMPARE(data.value().checklist().id(), QStringLiteral("hna-2024.1"));
    QCOMPARE(data.value().directory().id(), QStringLiteral("glasgow-sample"));
    QVERIFY(data.value().directory().isSample());
    QCOMPARE(data.value().valueSet().id(), QStringLiteral("eq5d5l-en-devlin2018"));
    QCOMPARE(data.value().valueSet().levels(), 5);
    QVERIFY(data.value().valueSet().citation().contains(QStringLiteral("doi:10.1002/hec.3564")));
    QVERIFY(data.value().valueSet3L());
    QCOMPARE(data.value().valueSet3L()->levels(), 3);
    QVERIFY(data.value().valueSet3L()->isSample());
    QCOMPARE(data.value().deprivation().index(), QStringLiteral("SIMD"));
    QCOMPARE(data.value().deprivation().version(), QStringLiteral("2020v2"));
    QCOMPARE(data.value().deprivation().dataZones(), 6976);
    QVERIFY(data.value().deprivation().isSample());
}

void TestReferenceData::checklistShape()
{
    const Result<Checklist> loaded = Checklist::load(QDir(AssetsDir).filePath(ChecklistAsset));
    VERIFY_OK(loaded);
    const Checklist &c = loaded.value();
    const QList<ChecklistDomain> domains = c.domains();
    QCOMPARE(domains.size(), 6);

    const QStringList ids = {QStringLiteral("physical"),  QStringLiteral("practical"), QStringLiteral("family"),
                             QStringLiteral("emotional"), QStringLiteral("spiritual"), QStringLiteral("lifestyle")};
    const QList<int> counts = {24, 9, 3, 9, 3};
    int transcribed = 0;
    for (int i = 0; i < domains.size(); ++i) {
        QCOMPARE(domains.at(i).id, ids.at(i));
        QVERIFY(!domains.at(i).label.isEmpty());
        if (i < counts.size()) {
            QCOMPARE(domains.at(i).items.size(), counts.at(i));
            QVERIFY(!domains.at(i).configurable);
            transcribed += int(domains.at(i).items.size());
        }
    }
    QCOMPARE(transcribed, 48);
    QVERIFY(domains.last().configurable);
    QVERIFY(domains.last().items.size() >= 4);
    QCOMPARE(c.itemCount(), 48 + int(domains.last().items.size()));

    QSet<QString> seen;
    for (const ChecklistDomain &d : domains) {
        for (const ChecklistItem &item : d.items) {
            QVERIFY2(!seen.contains(item.id), qPrintable(item.id));
            seen.insert(item.id);
            QVERIFY(!item.label.isEmpty());
            QCOMPARE(c.domainOf(item.id), d.id);
        }
    }

    QVERIFY(c.hasItem(QStringLiteral("practical"), QStringLiteral("money_or_housing")));
    QVERIFY(c.hasItem(QStringLiteral("physical"), QStringLiteral("tired_exhausted_or_fatigued")));
    QVERIFY(c.hasItem(QStringLiteral("physical"), QStringLiteral("pain")));
    QVERIFY(c.hasItem(QStringLiteral("physical"), QStringLiteral("getting_around")));
    QVERIFY(!c.hasItem(QStringLiteral("emotional"), QStringLiteral("pain")));
    QVERIFY(!c.hasItem(QStringLiteral("physical"), QStringLiteral("no_such_item")));
    QCOMPARE(c.domainOf(QStringLiteral("worry_fear_or_anxiety")), QStringLiteral("emotional"));
    QCOMPARE(c.domainOf(QStringLiteral("no_such_item")), QString());
    QCOMPARE(c.itemLabel(QStringLiteral("tired_exhausted_or_fatigued")),
             QStringLiteral("Tired, exhausted or fatigued"));
    QVERIFY(c.domain(QStringLiteral("family")));
    QCOMPARE(c.domain(QStringLiteral("family"))->items.size(), 3);
    QVERIFY(!c.domain(QStringLiteral("nope")));
}

void TestReferenceData::directoryShape()
{
    const Result<Directory> loaded = Directory::load(QDir(AssetsDir).filePath(DirectoryAsset));
    VERIFY_OK(loaded);
    const Directory &dir = loaded.value();
    const QList<Organisation> orgs = dir.organisations();
    QVERIFY(orgs.size() >= 60);
    QVERIFY(dir.isSample());

    const Result<Checklist> checklist = Checklist::load(QDir(AssetsDir).filePath(ChecklistAsset));
    VERIFY_OK(checklist);

    QHash<QString, int> perCategory;
    QSet<QString> ids;
    QSet<QString> areasSeen;
    for (const Organisation &org : orgs) {
        QVERIFY2(!ids.contains(org.id), qPrintable(org.id));
        ids.insert(org.id);
        ++perCategory[org.category];
        QVERIFY(!org.name.isEmpty());
        QVERIFY(!org.areas.isEmpty());
        for (const QString &area : org.areas) {
            QVERIFY(Directory::knownAreas().contains(area));
            areasSeen.insert(area);
        }
        // Fictional contact details only: Ofcom's drama range and reserved example domains.
        QVERIFY2(QRegularExpression(QStringLiteral("^0141 496 0\\d{3}$")).match(org.phone).hasMatch(),
                 qPrintable(org.phone));
        QVERIFY(org.email.endsWith(QStringLiteral("@example.org")));
        QVERIFY(org.website.startsWith(QStringLiteral("https://example.org/")));
        QVERIFY(org.postcode.startsWith(QLatin1Char('G')));
        QCOMPARE(DeprivationLookup::normalisePostcode(org.postcode), org.postcode);
        QVERIFY(!org.needs.isEmpty());
        for (const QString &need : org.needs)
            QVERIFY2(!checklist.value().domainOf(need).isEmpty(), qPrintable(org.id + QLatin1Char(' ') + need));
        QCOMPARE(dir.find(org.id)->name, org.name);
    }
    QCOMPARE(areasSeen.size(), Directory::knownAreas().size());
    const QStringList categories = Directory::knownCategories();
    QCOMPARE(categories.size(), 13);
    for (const QString &category : categories)
        QVERIFY2(perCategory.value(category) >= 3, qPrintable(category));
    QCOMPARE(perCategory.size(), categories.size());
    QCOMPARE(dir.categories(), categories);
    QCOMPARE(dir.find(QStringLiteral("org-0001"))->id, QStringLiteral("org-0001"));
    QVERIFY(!dir.find(QStringLiteral("org-9999")));
}

void TestReferenceData::directorySearch()
{
    const Result<Directory> loaded = Directory::load(QDir(AssetsDir).filePath(DirectoryAsset));
    VERIFY_OK(loaded);
    const Directory &dir = loaded.value();

    QCOMPARE(dir.search({}).size(), dir.organisations().size());
    const QList<Organisation> clyde = dir.search(QStringLiteral("cLyDe"));
    QVERIFY(!clyde.isEmpty());
    for (const Organisation &org : clyde)
        QVERIFY(org.name.contains(QStringLiteral("clyde"), Qt::CaseInsensitive));
    QCOMPARE(dir.search(QStringLiteral("  clyde ")).size(), clyde.size());
    QVERIFY(dir.search(QStringLiteral("no organisation is called this")).isEmpty());

    const QList<Organisation> debt = dir.search({}, QStringLiteral("debt"));
    QVERIFY(debt.size() >= 3);
    for (const Organisation &org : debt)
        QCOMPARE(org.category, QStringLiteral("debt"));

    // City-wide organisations serve every area.
    const QList<Organisation> south = dir.search({}, {}, QStringLiteral("south"));
    bool sawCityWide = false;
    for (const Organisation &org : south) {
        QVERIFY(org.areas.contains(QStringLiteral("south")) || org.areas.contains(QStringLiteral("city_wide")));
        sawCityWide = sawCityWide || org.areas.contains(QStringLiteral("city_wide"));
    }
    QVERIFY(sawCityWide);
    QVERIFY(south.size() < dir.organisations().size());

    const QList<Organisation> money = dir.search({}, {}, {}, QStringLiteral("money_or_housing"));
    QVERIFY(money.size() >= 10);
    for (const Organisation &org : money)
        QVERIFY(org.needs.contains(QStringLiteral("money_or_housing")));

    const QList<Organisation> combined = dir.search(QStringLiteral("e"), QStringLiteral("welfare_rights"),
                                                    QStringLiteral("north_east"), QStringLiteral("money_or_housing"));
    QVERIFY(!combined.isEmpty());
    for (const Organisation &org : combined)
        QCOMPARE(org.category, QStringLiteral("welfare_rights"));
    QVERIFY(dir.search({}, QStringLiteral("no_such_category")).isEmpty());
}

void TestReferenceData::eq5dKnownAnswers_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<double>("expected");
    QTest::newRow("11111") << QStringLiteral("11111") << 1.0;
    QTest::newRow("21111") << QStringLiteral("21111") << 0.942;
    QTest::newRow("12345") << QStringLiteral("12345") << 0.322;
    QTest::newRow("55555") << QStringLiteral("55555") << -0.285;
}

void TestReferenceData::eq5dKnownAnswers()
{
    QFETCH(QString, state);
    QFETCH(double, expected);
    const Result<ValueSet> vs = ValueSet::load(QDir(AssetsDir).filePath(ValueSet5LAsset));
    VERIFY_OK(vs);
    const Result<double> index = vs.value().index(state);
    VERIFY_OK(index);
    QVERIFY2(std::abs(index.value() - expected) < 1e-9,
             qPrintable(QStringLiteral("%1 gave %2").arg(state).arg(index.value(), 0, 'g', 17)));
}

void TestReferenceData::eq5dLevelDecrements()
{
    // Devlin et al. 2018, as transcribed in DOMAIN.md: levels 2..5 per dimension.
    const QList<QList<double>> published = {{-0.058, -0.076, -0.207, -0.274},
                                            {-0.050, -0.080, -0.164, -0.203},
                                            {-0.050, -0.063, -0.162, -0.184},
                                            {-0.063, -0.084, -0.276, -0.335},
                                            {-0.078, -0.104, -0.285, -0.289}};
    const Result<ValueSet> vs = ValueSet::load(QDir(AssetsDir).filePath(ValueSet5LAsset));
    VERIFY_OK(vs);
    QCOMPARE(ValueSet::dimensionIds().size(), 5);
    for (int dim = 0; dim < 5; ++dim) {
        for (int level = 2; level <= 5; ++level) {
            QString state = QStringLiteral("11111");
            state[dim] = QLatin1Char(char('0' + level));
            const Result<double> index = vs.value().index(state);
            VERIFY_OK(index);
            QVERIFY2(std::abs(index.value() - (1.0 + published.at(dim).at(level - 2))) < 1e-9, qPrintable(state));
        }
    }
}

void TestReferenceData::eq5dInvalidStates_data()
{
    QTest::addColumn<QString>("state");
    QTest::newRow("four digits") << QStringLiteral("1111");
    QTest::newRow("six digits") << QStringLiteral("111111");
    QTest::newRow("level 6") << QStringLiteral("61111");
    QTest::newRow("level 0") << QStringLiteral("10111");
    QTest::newRow("letter") << QStringLiteral("1a111");
    QTest::newRow("empty") << QString();
    QTest::newRow("space") << QStringLiteral("11 11");
    QTest::newRow("padded") << QStringLiteral(" 11111");
    QTest::newRow("arabic-indic digits") << QString::fromUtf8("\u0661\u0661\u0661\u0661\u0661");
}

void TestReferenceData::eq5dInvalidStates()
{
    QFETCH(QString, state);
    const Result<ValueSet> vs = ValueSet::load(QDir(AssetsDir).filePath(ValueSet5LAsset));
    VERIFY_OK(vs);
    const Result<double> index = vs.value().index(state);
    QVERIFY(!index.ok());
    QCOMPARE(index.error().code, ErrorCode::Validation);
    QVERIFY(!index.error().message.isEmpty());

    QVERIFY(!ValueSet().index(QStringLiteral("11111")).ok()); // nothing loaded
}

void TestReferenceData::eq5d3LFixture()
{
    const Result<ValueSet> loaded = ValueSet::load(QDir(AssetsDir).filePath(ValueSet3LAsset));
    VERIFY_OK(loaded);
    const ValueSet &vs = loaded.value();
    QCOMPARE(vs.levels(), 3);
    QCOMPARE(vs.instrument(), QStringLiteral("EQ-5D-3L"));
    QVERIFY(vs.isSample());
    QVERIFY(vs.citation().contains(QStringLiteral("NOT FOR ANALYSIS")));

    // Fixture: constant 0.1 when any dimension > 1, n3 0.2 when any dimension is at 3.
    const QList<std::pair<QString, double>> answers = {
        {QStringLiteral("11111"), 1.0},                         // no constant for full health
        {QStringLiteral("21111"), 1.0 - 0.1 - 0.05},            // constant, no N3
        {QStringLiteral("12111"), 1.0 - 0.1 - 0.1},             // constant, no N3
        {QStringLiteral("13111"), 1.0 - 0.1 - 0.2 - 0.2},       // constant and N3
        {QStringLiteral("31113"), 1.0 - 0.1 - 0.2 - 0.3 - 0.2}, // N3 once, however many dimensions are at 3
        {QStringLiteral("33333"), -0.49},
    };
    for (const auto &[state, expected] : answers) {
        const Result<double> index = vs.index(state);
        VERIFY_OK(index);
        QVERIFY2(std::abs(index.value() - expected) < 1e-9,
                 qPrintable(QStringLiteral("%1 gave %2, expected %3").arg(state).arg(index.value()).arg(expected)));
    }
    QCOMPARE(vs.index(QStringLiteral("41111")).error().code, ErrorCode::Validation);
    QVERIFY(!vs.index(QStringLiteral("11115")).ok());
}

void TestReferenceData::deprivationSample()
{
    const Result<DeprivationLookup> loaded = DeprivationLookup::load(QDir(AssetsDir).filePath(DeprivationAsset));
    VERIFY_OK(loaded);
    const DeprivationLookup &lookup = loaded.value();
    QVERIFY(lookup.size() >= 140);
    QCOMPARE(lookup.licence(), QStringLiteral("Open Government Licence v3.0; contains OS data"));

    // Every row of the shipped sample (which has no quoting) must read back as written.
    const QList<QByteArray> lines = readAsset(QStringLiteral("deprivation/simd2020v2-sample.csv")).split('\n');
    QCOMPARE(lines.first(), SimdHeader.trimmed());
    QSet<int> deciles;
    int rows = 0;
    int mostDeprivedTwo = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines.at(i).isEmpty())
            continue;
        const QList<QByteArray> f = lines.at(i).split(',');
        const Deprivation d = lookup.lookup(QString::fromLatin1(f.at(0)));
        QVERIFY2(d.known, f.at(0).constData());
        QCOMPARE(d.index, QStringLiteral("SIMD"));
        QCOMPARE(d.version, QStringLiteral("2020v2"));
        QCOMPARE(d.dataZone, QString::fromLatin1(f.at(1)));
        QCOMPARE(d.rank, f.at(2).toInt());
        QCOMPARE(d.decile, f.at(4).toInt());
        QCOMPARE(d.quintile, f.at(5).toInt());
        // Deciles and quintiles in the sample follow from the rank (rank 1 = most deprived of 6,976).
        QCOMPARE(d.decile, (d.rank - 1) * 10 / 6976 + 1);
        QCOMPARE(d.quintile, (d.decile + 1) / 2);
        deciles.insert(d.decile);
        mostDeprivedTwo += d.decile <= 2 ? 1 : 0;
        ++rows;
    }
    QCOMPARE(rows, lookup.size());
    QCOMPARE(deciles.size(), 10);
    QVERIFY(mostDeprivedTwo * 2 > rows); // skewed like the service's caseload

    const Deprivation d = lookup.lookup(QStringLiteral("G42 7XY"));
    QVERIFY(d.known);
    QCOMPARE(d.rank, 142);
    QCOMPARE(d.decile, 1);
    QCOMPARE(d.quintile, 1);
    QCOMPARE(d.dataZone, QStringLiteral("S01010392"));
}

void TestReferenceData::postcodeNormalisation_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("normalised");
    QTest::newRow("lower case") << QStringLiteral("g42 7xy") << QStringLiteral("G42 7XY");
    QTest::newRow("no space") << QStringLiteral("G427XY") << QStringLiteral("G42 7XY");
    QTest::newRow("lower, no space") << QStringLiteral("g427xy") << QStringLiteral("G42 7XY");
    QTest::newRow("extra spaces") << QStringLiteral(" G42  7XY ") << QStringLiteral("G42 7XY");
    QTest::newRow("tab") << QStringLiteral("G42\t7XY") << QStringLiteral("G42 7XY");
    QTest::newRow("A9 9AA") << QStringLiteral("g1 1ab") << QStringLiteral("G1 1AB");
    QTest::newRow("AA9A 9AA") << QStringLiteral("ec1a1bb") << QStringLiteral("EC1A 1BB");
    QTest::newRow("AA99 9AA") << QStringLiteral("EH129AB") << QStringLiteral("EH12 9AB");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("word") << QStringLiteral("hello") << QString();
    QTest::newRow("inward only") << QStringLiteral("7XY") << QString();
    QTest::newRow("too long") << QStringLiteral("G42 7XYZ") << QString();
    QTest::newRow("bad inward") << QStringLiteral("G42 XY7") << QString();
    QTest::newRow("punctuation") << QStringLiteral("G42-7XY") << QString();
    QTest::newRow("non-ascii") << QString::fromUtf8("G42 7X\u00dd") << QString();
}

void TestReferenceData::postcodeNormalisation()
{
    QFETCH(QString, input);
    QFETCH(QString, normalised);
    QCOMPARE(DeprivationLookup::normalisePostcode(input), normalised);

    if (normalised == QStringLiteral("G42 7XY")) {
        const Result<DeprivationLookup> loaded = DeprivationLookup::load(QDir(AssetsDir).filePath(DeprivationAsset));
        VERIFY_OK(loaded);
        const Deprivation d = loaded.value().lookup(input);
        QVERIFY(d.known);
        QCOMPARE(d.rank, 142);
    }
}

void TestReferenceData::deprivationUnknownPostcode()
{
    const Result<DeprivationLookup> loaded = DeprivationLookup::load(QDir(AssetsDir).filePath(DeprivationAsset));
    VERIFY_OK(loaded);
    for (const QString &postcode :
         {QStringLiteral("ZE1 0AA"), QStringLiteral("G42 7XZ"), QStringLiteral("nonsense"), QString()}) {
        const Deprivation d = loaded.value().lookup(postcode);
        QVERIFY(!d.known);
        QCOMPARE(d.rank, 0);
        QCOMPARE(d.decile, 0);
        QCOMPARE(d.quintile, 0);
        QVERIFY(d.dataZone.isEmpty());
        // "Unknown under SIMD 2020v2" is still worth recording.
        QCOMPARE(d.index, QStringLiteral("SIMD"));
        QCOMPARE(d.version, QStringLiteral("2020v2"));
    }
}

void TestReferenceData::deprivationCsvDialect()
{
    // A spreadsheet export: byte order mark, CRLF, quoted header and fields, "" escapes, a line break inside a
    // quoted field, a blank line, extra columns in another order and a trailing empty field.
    const QByteArray csv = "\xEF\xBB\xBF\"Note\",\"Postcode\",\"DZ\",\"SIMD2020v2_Rank\",\"SIMD2020v2_Decile\","
                           "\"SIMD2020v2_Quintile\",Other\r\n"
                           "plain,\"G1 1AB\",S01000001,10,1,1,x\r\n"
                           "\"with, comma and \"\"quotes\"\"\",g2 2ab,S01000002,700,2,1,x\r\n"
                           "\"two\r\nlines\",G3 3AD,\"S01000003\",6976,10,5,x\r\n"
                           "\r\n"
                           ",G4  4AE,S01000004,3500,6,3,\r\n";
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Result<DeprivationLookup> loaded = loadDeprivation(dir, csv);
    VERIFY_OK(loaded);
    QCOMPARE(loaded.value().size(), 4);
    const Deprivation a = loaded.value().lookup(QStringLiteral("G1 1AB"));
    QVERIFY(a.known);
    QCOMPARE(a.rank, 10);
    QCOMPARE(a.dataZone, QStringLiteral("S01000001"));
    QCOMPARE(loaded.value().lookup(QStringLiteral("G2 2AB")).rank, 700);
    QCOMPARE(loaded.value().lookup(QStringLiteral("G3 3AD")).decile, 10);
    QCOMPARE(loaded.value().lookup(QStringLiteral("G3 3AD")).dataZone, QStringLiteral("S01000003"));
    QCOMPARE(loaded.value().lookup(QStringLiteral("G4 4AE")).quintile, 3);

    // Line numbers count physical lines, so the quoted line break and the blank line are counted.
    QByteArray bad = csv;
    bad.replace(",3500,6,3,", ",3500,11,3,");
    const Result<DeprivationLookup> failed = loadDeprivation(dir, bad);
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, ErrorCode::Corrupt);
    QVERIFY2(failed.error().message.contains(QStringLiteral("line 7")), qPrintable(failed.error().message));
}

void TestReferenceData::deprivationReversedCoding()
{
    // Older SIMD files (2004/2006) code deciles the other way round; the manifest says so and the loader flips them.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray csv = "Postcode,DZ,SIMD2020v2_Rank,SIMD2020v2_Decile,SIMD2020v2_Quintile\n"
                           "G1 1AB,S01000001,6976,10,5\n"
                           "G2 2AB,S01000002,1,1,1\n";
    const Result<DeprivationLookup> loaded = loadDeprivation(dir, csv, [](QJsonObject &m) {
        m[QStringLiteral("rank_most_deprived")] = 6976;
        m[QStringLiteral("decile_most_deprived")] = 10;
    });
    VERIFY_OK(loaded);
    const Deprivation most = loaded.value().lookup(QStringLiteral("G1 1AB"));
    QCOMPARE(most.rank, 1);
    QCOMPARE(most.decile, 1);
    QCOMPARE(most.quintile, 1);
    const Deprivation least = loaded.value().lookup(QStringLiteral("G2 2AB"));
    QCOMPARE(least.rank, 6976);
    QCOMPARE(least.decile, 10);
    QCOMPARE(least.quintile, 5);
}

void TestReferenceData::deprivationOptionalColumns()
{
    // An English IMD-style file: no data zone or quintile column; the quintile follows from the decile.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray csv = "pcds,IMD19_rank,IMD19_decile\nLS1 1AA,100,1\nLS1 1AB,32844,10\nLS1 1AD,9000,3\n";
    const Result<DeprivationLookup> loaded = loadDeprivation(dir, csv, [](QJsonObject &m) {
        m[QStringLiteral("index")] = QStringLiteral("IMD");
        m[QStringLiteral("version")] = QStringLiteral("2019");
        m[QStringLiteral("data_zones")] = 32844;
        m[QStringLiteral("columns")] = QJsonObject{{QStringLiteral("postcode"), QStringLiteral("pcds")},
                                                   {QStringLiteral("rank"), QStringLiteral("IMD19_rank")},
                                                   {QStringLiteral("decile"), QStringLiteral("IMD19_decile")}};
    });
    VERIFY_OK(loaded);
    const Deprivation d = loaded.value().lookup(QStringLiteral("ls11ad"));
    QVERIFY(d.known);
    QCOMPARE(d.index, QStringLiteral("IMD"));
    QCOMPARE(d.rank, 9000);
    QCOMPARE(d.decile, 3);
    QCOMPARE(d.quintile, 2);
    QVERIFY(d.dataZone.isEmpty());
    QCOMPARE(loaded.value().lookup(QStringLiteral("LS1 1AB")).quintile, 5);
}

void TestReferenceData::malformedJson_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("fragment");

    const QString checklist = QStringLiteral("checklist");
    const QString directory = QStringLiteral("directory");
    const QString valueSet = QStringLiteral("value set");
    const QJsonValue remove = QJsonValue(QJsonValue::Undefined);

    QTest::newRow("checklist: broken JSON") << checklist << readAsset(ChecklistAsset).left(300)
                                            << int(ErrorCode::Corrupt) << QStringLiteral("not valid JSON at line");
    QTest::newRow("checklist: not an object")
        << checklist << QByteArray("[1, 2]") << int(ErrorCode::Corrupt) << QStringLiteral("must be a JSON object");
    QTest::newRow("checklist: wrong format") << checklist << readAsset(DirectoryAsset) << int(ErrorCode::Corrupt)
                                             << QStringLiteral("expected \"hearth.checklist\"");
    QTest::newRow("checklist: newer format") << checklist << edited(ChecklistAsset, QStringLiteral("format_version"), 2)
                                             << int(ErrorCode::Unsupported) << QStringLiteral("newer");
    QTest::newRow("checklist: missing id") << checklist << edited(ChecklistAsset, QStringLiteral("id"), remove)
                                           << int(ErrorCode::Corrupt) << QStringLiteral("id: missing");
    QTest::newRow("checklist: missing label")
        << checklist << edited(ChecklistAsset, QStringLiteral("domains/2/items/1/label"), remove)
        << int(ErrorCode::Corrupt) << QStringLiteral("domains[2] (family).items[1] (children).label: missing");
    QTest::newRow("checklist: label not a string")
        << checklist << edited(ChecklistAsset, QStringLiteral("domains/0/label"), 7) << int(ErrorCode::Corrupt)
        << QStringLiteral("must be a string, not a number");
    QTest::newRow("checklist: duplicate item id")
        << checklist << edited(ChecklistAsset, QStringLiteral("domains/3/items/0/id"), QStringLiteral("pain"))
        << int(ErrorCode::Corrupt) << QStringLiteral("duplicate item id \"pain\"");
    QTest::newRow("checklist: duplicate domain id")
        << checklist << edited(ChecklistAsset, QStringLiteral("domains/1/id"), QStringLiteral("physical"))
        << int(ErrorCode::Corrupt) << QStringLiteral("duplicate domain id");
    QTest::newRow("checklist: bad slug") << checklist
                                         << edited(ChecklistAsset, QStringLiteral("domains/0/items/0/id"),
                                                   QStringLiteral("Breathing"))
                                         << int(ErrorCode::Corrupt) << QStringLiteral("lower_snake_case");
    QTest::newRow("checklist: no items") << checklist
                                         << edited(ChecklistAsset, QStringLiteral("domains/2/items"), QJsonArray())
                                         << int(ErrorCode::Corrupt) << QStringLiteral("at least one item");

    QTest::newRow("directory: duplicate id")
        << directory << edited(DirectoryAsset, QStringLiteral("organisations/5/id"), QStringLiteral("org-0001"))
        << int(ErrorCode::Corrupt) << QStringLiteral("duplicate organisation id \"org-0001\" (also organisations[0])");
    QTest::newRow("directory: unknown category")
        << directory << edited(DirectoryAsset, QStringLiteral("organisations/2/category"), QStringLiteral("legal"))
        << int(ErrorCode::Corrupt)
        << QStringLiteral("organisations[2] (org-0003).category: unknown category \"legal\"");
    QTest::newRow("directory: unknown area")
        << directory << edited(DirectoryAsset, QStringLiteral("organisations/0/areas/0"), QStringLiteral("east"))
        << int(ErrorCode::Corrupt) << QStringLiteral("unknown area \"east\"");
    QTest::newRow("directory: missing self-referral")
        << directory << edited(DirectoryAsset, QStringLiteral("organisations/9/accepts_self_referral"), remove)
        << int(ErrorCode::Corrupt) << QStringLiteral("(org-0010).accepts_self_referral: missing");
    QTest::newRow("directory: bad postcode")
        << directory << edited(DirectoryAsset, QStringLiteral("organisations/0/postcode"), QStringLiteral("Glasgow"))
        << int(ErrorCode::Corrupt) << QStringLiteral("not a UK postcode");
    QTest::newRow("directory: bad email")
        << directory << edited(DirectoryAsset, QStringLiteral("organisations/0/email"), QStringLiteral("nobody"))
        << int(ErrorCode::Corrupt) << QStringLiteral("not an e-mail address");
    QTest::newRow("directory: bad need") << directory
                                         << edited(DirectoryAsset, QStringLiteral("organisations/0/needs/0"),
                                                   QStringLiteral("Money!"))
                                         << int(ErrorCode::Corrupt) << QStringLiteral("not a checklist item id");
    QTest::newRow("directory: organisations not a list")
        << directory << edited(DirectoryAsset, QStringLiteral("organisations"), QStringLiteral("none"))
        << int(ErrorCode::Corrupt) << QStringLiteral("organisations: must be a list");

    QTest::newRow("value set: levels 4") << valueSet << edited(ValueSet5LAsset, QStringLiteral("levels"), 4)
                                         << int(ErrorCode::Corrupt) << QStringLiteral("levels: must be 3");
    QTest::newRow("value set: levels and decrements disagree")
        << valueSet << edited(ValueSet5LAsset, QStringLiteral("dimensions/1/decrements/4"), remove)
        << int(ErrorCode::Corrupt) << QStringLiteral("dimensions[1] (self_care).decrements: has 4 values, expected 5");
    QTest::newRow("value set: positive decrement")
        << valueSet << edited(ValueSet5LAsset, QStringLiteral("dimensions/0/decrements/2"), 0.076)
        << int(ErrorCode::Corrupt) << QStringLiteral("is positive");
    QTest::newRow("value set: level 1 not zero")
        << valueSet << edited(ValueSet5LAsset, QStringLiteral("dimensions/0/decrements/0"), -0.01)
        << int(ErrorCode::Corrupt) << QStringLiteral("level 1 must be 0");
    QTest::newRow("value set: dimensions out of order")
        << valueSet << edited(ValueSet5LAsset, QStringLiteral("dimensions/0/id"), QStringLiteral("self_care"))
        << int(ErrorCode::Corrupt) << QStringLiteral("expected \"mobility\"");
    QTest::newRow("value set: typo caught by checks")
        << valueSet << edited(ValueSet5LAsset, QStringLiteral("dimensions/3/decrements/3"), -0.267)
        << int(ErrorCode::Corrupt) << QStringLiteral("state 12345 computes to");
    QTest::newRow("value set: missing citation")
        << valueSet << edited(ValueSet5LAsset, QStringLiteral("citation"), remove) << int(ErrorCode::Corrupt)
        << QStringLiteral("citation: missing");
    QTest::newRow("value set: instrument mismatch")
        << valueSet << edited(ValueSet3LAsset, QStringLiteral("instrument"), QStringLiteral("EQ-5D-5L"))
        << int(ErrorCode::Corrupt) << QStringLiteral("does not match levels 3");
    QTest::newRow("value set: negative constant")
        << valueSet << edited(ValueSet3LAsset, QStringLiteral("constant"), -0.081) << int(ErrorCode::Corrupt)
        << QStringLiteral("constant: is an amount to subtract");
}

void TestReferenceData::malformedJson()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, json);
    QFETCH(int, code);
    QFETCH(QString, fragment);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeFile(dir, QStringLiteral("bad.json"), json);
    std::optional<Error> error;
    if (kind == QLatin1String("checklist")) {
        const Result<Checklist> r = Checklist::load(path);
        if (!r.ok())
            error = r.error();
    } else if (kind == QLatin1String("directory")) {
        const Result<Directory> r = Directory::load(path);
        if (!r.ok())
            error = r.error();
    } else {
        const Result<ValueSet> r = ValueSet::load(path);
        if (!r.ok())
            error = r.error();
    }
    QVERIFY2(error, "a malformed file loaded");
    QCOMPARE(int(error->code), code);
    QVERIFY2(error->message.startsWith(path), qPrintable(error->message)); // names the file
    QVERIFY2(error->toString().contains(fragment), qPrintable(error->toString()));
}

void TestReferenceData::missingFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath(QStringLiteral("nope.json"));
    QCOMPARE(Checklist::load(missing).error().code, ErrorCode::NotFound);
    QCOMPARE(Directory::load(missing).error().code, ErrorCode::NotFound);
    QCOMPARE(ValueSet::load(missing).error().code, ErrorCode::NotFound);
    QCOMPARE(DeprivationLookup::load(missing).error().code, ErrorCode::NotFound);
    QCOMPARE(ReferenceData::loadDefault(dir.path()).error().code, ErrorCode::NotFound);
    QVERIFY(Checklist::load(missing).error().message.contains(missing));

    // A manifest whose CSV is missing.
    QJsonObject manifest = assetObject(DeprivationAsset);
    manifest[QStringLiteral("file")] = QStringLiteral("absent.csv");
    const Result<DeprivationLookup> r =
        DeprivationLookup::load(writeFile(dir, QStringLiteral("m.json"), QJsonDocument(manifest).toJson()));
    QCOMPARE(r.error().code, ErrorCode::NotFound);
    QVERIFY(r.error().message.contains(QStringLiteral("absent.csv")));
}

void TestReferenceData::malformedDeprivation_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QString>("manifestKey"); // a manifest key to change, or empty
    QTest::addColumn<QJsonValue>("manifestValue");
    QTest::addColumn<QString>("fragment");

    const QByteArray good = SimdHeader
        + "G42 7XY,S01010392,142,1,1,1,1,1,1,1,1,1,1,S02001926,S12000049\n"
          "G5 3ES,S01009936,60,1,1,1,1,1,1,1,1,1,1,S02001835,S12000049\n";
    QByteArray decile11 = good;
    decile11.replace("G5 3ES,S01009936,60,1,1,1", "G5 3ES,S01009936,60,1,11,1");
    QByteArray noDecileColumn = good;
    noDecileColumn.replace("SIMD2020v2_Decile", "SIMD2020v2_Decyle");
    QByteArray rank0 = good;
    rank0.replace("S01009936,60,", "S01009936,0,");
    QByteArray rankTooHigh = good;
    rankTooHigh.replace("S01009936,60,", "S01009936,6977,");
    QByteArray quintile6 = good;
    quintile6.replace("G5 3ES,S01009936,60,1,1,1", "G5 3ES,S01009936,60,1,1,6");
    QByteArray badPostcode = good;
    badPostcode.replace("G5 3ES", "G5 3E");
    QByteArray short_ = good + "G5 3EU,S01009936,60\n";
    QByteArray unterminated = good + "G5 3EU,\"S01009936,60,1,1,1\n";
    QByteArray conflicting = good + "g42 7xy,S01010392,143,1,1,1,1,1,1,1,1,1,1,S02001926,S12000049\n";
    QByteArray afterQuote = good + "\"G5 3EU\"x,S01009936,60,1,1,1\n";

    const QJsonValue none;
    QTest::newRow("decile 11") << decile11 << QString() << none << QStringLiteral("line 3: decile \"11\"");
    QTest::newRow("missing column") << noDecileColumn << QString() << none
                                    << QStringLiteral("no column \"SIMD2020v2_Decile\" (named by columns.decile");
    QTest::newRow("rank 0") << rank0 << QString() << none << QStringLiteral("line 3: rank \"0\"");
    QTest::newRow("rank above data zones")
        << rankTooHigh << QString() << none << QStringLiteral("rank \"6977\" is not a whole number from 1 to 6976");
    QTest::newRow("quintile 6") << quintile6 << QString() << none << QStringLiteral("line 3: quintile \"6\"");
    QTest::newRow("bad postcode") << badPostcode << QString() << none << QStringLiteral("line 3: postcode \"G5 3E\"");
    QTest::newRow("short row") << short_ << QString() << none << QStringLiteral("line 4: has 3 fields");
    QTest::newRow("unterminated quote") << unterminated << QString() << none << QStringLiteral("never closed");
    QTest::newRow("text after quote") << afterQuote << QString() << none << QStringLiteral("after the closing quote");
    QTest::newRow("conflicting duplicate")
        << conflicting << QString() << none << QStringLiteral("G42 7XY appears more than once");
    QTest::newRow("empty file") << QByteArray() << QString() << none << QStringLiteral("empty");
    QTest::newRow("header only") << SimdHeader << QString() << none << QStringLiteral("no postcodes");
    QTest::newRow("manifest: bad decile coding") << good << QStringLiteral("decile_most_deprived") << QJsonValue(5)
                                                 << QStringLiteral("decile_most_deprived: must be 1 or 10");
    QTest::newRow("manifest: no columns")
        << good << QStringLiteral("columns") << QJsonValue(QJsonValue::Undefined) << QStringLiteral("columns: missing");
    QTest::newRow("manifest: data zones not a number")
        << good << QStringLiteral("data_zones") << QJsonValue(QStringLiteral("many"))
        << QStringLiteral("data_zones: must be a number");
    QTest::newRow("manifest: wrong format") << good << QStringLiteral("format") << QJsonValue(QStringLiteral("x"))
                                            << QStringLiteral("expected \"hearth.deprivation\"");
}

void TestReferenceData::malformedDeprivation()
{
    QFETCH(QByteArray, csv);
    QFETCH(QString, manifestKey);
    QFETCH(QJsonValue, manifestValue);
    QFETCH(QString, fragment);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Result<DeprivationLookup> r = loadDeprivation(dir, csv, [&](QJsonObject &m) {
        if (manifestKey.isEmpty())
            return;
        if (manifestValue.isUndefined())
            m.remove(manifestKey);
        else
            m[manifestKey] = manifestValue;
    });
    QVERIFY2(!r.ok(), "a malformed look-up loaded");
    QCOMPARE(r.error().code, ErrorCode::Corrupt);
    QVERIFY2(r.error().message.startsWith(dir.path()), qPrintable(r.error().message)); // names the file
    QVERIFY2(r.error().toString().contains(fragment), qPrintable(r.error().toString()));
}

void TestReferenceData::manifestSwapsFiles()
{
    // A deployment points roles at other files; value_set_3l may be left out.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QDir assets(AssetsDir);
    QJsonObject defaults{{QStringLiteral("checklist"), assets.absoluteFilePath(ChecklistAsset)},
                         {QStringLiteral("directory"), assets.absoluteFilePath(DirectoryAsset)},
                         {QStringLiteral("value_set"), assets.absoluteFilePath(ValueSet3LAsset)},
                         {QStringLiteral("deprivation"), assets.absoluteFilePath(DeprivationAsset)}};
    QJsonObject manifest{{QStringLiteral("format"), QStringLiteral("hearth.assets")},
                         {QStringLiteral("format_version"), 1},
                         {QStringLiteral("defaults"), defaults}};
    writeFile(dir, QStringLiteral("manifest.json"), QJsonDocument(manifest).toJson());
    const Result<ReferenceData> data = ReferenceData::loadDefault(dir.path());
    VERIFY_OK(data);
    QCOMPARE(data.value().valueSet().levels(), 3);
    QVERIFY(!data.value().valueSet3L());

    // The 3L role must hold a 3L set.
    defaults[QStringLiteral("value_set_3l")] = assets.absoluteFilePath(ValueSet5LAsset);
    manifest[QStringLiteral("defaults")] = defaults;
    writeFile(dir, QStringLiteral("manifest.json"), QJsonDocument(manifest).toJson());
    const Result<ReferenceData> wrong = ReferenceData::loadDefault(dir.path());
    QVERIFY(!wrong.ok());
    QCOMPARE(wrong.error().code, ErrorCode::Corrupt);
    QVERIFY2(wrong.error().message.contains(QStringLiteral("expected an EQ-5D-3L set")),
             qPrintable(wrong.error().message));

    // A missing role is named.
    defaults.remove(QStringLiteral("directory"));
    manifest[QStringLiteral("defaults")] = defaults;
    writeFile(dir, QStringLiteral("manifest.json"), QJsonDocument(manifest).toJson());
    const Result<ReferenceData> incomplete = ReferenceData::loadDefault(dir.path());
    QVERIFY(!incomplete.ok());
    QVERIFY2(incomplete.error().message.contains(QStringLiteral("defaults.directory: missing")),
             qPrintable(incomplete.error().message));
}

void TestReferenceData::crossChecks()
{
    // Every need in the directory must be a checklist item, or referrals could never be matched to concerns.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QDir assets(AssetsDir);
    writeFile(dir, QStringLiteral("directory.json"),
              edited(DirectoryAsset, QStringLiteral("organisations/3/needs/0"), QStringLiteral("legal_advice")));
    const QJsonObject manifest{
        {QStringLiteral("format"), QStringLiteral("hearth.assets")},
        {QStringLiteral("format_version"), 1},
        {QStringLiteral("defaults"),
         QJsonObject{{QStringLiteral("checklist"), assets.absoluteFilePath(ChecklistAsset)},
                     {QStringLiteral("directory"), QStringLiteral("directory.json")},
                     {QStringLiteral("value_set"), assets.absoluteFilePath(ValueSet5LAsset)},
                     {QStringLiteral("deprivation"), assets.absoluteFilePath(DeprivationAsset)}}}};
    writeFile(dir, QStringLiteral("manifest.json"), QJsonDocument(manifest).toJson());
    const Result<ReferenceData> data = ReferenceData::loadDefault(dir.path());
    QVERIFY(!data.ok());
    QCOMPARE(data.error().code, ErrorCode::Corrupt);
    QVERIFY2(data.error().message.contains(QStringLiteral("organisations[3] (org-0004).needs: \"legal_advice\" is "
                                                          "not an item of checklist hna-2024.1")),
             qPrintable(data.error().message));
}

void TestReferenceData::largeLookup()
{
    // The published SIMD 2020v2 postcode look-up has about 230,000 rows; generate one that size in its layout.
    constexpr int Rows = 230000;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const char letters[] = "ABDEFGHJLNPQRSTUWXYZ"; // the inward code never uses C, I, K, M, O or V
    QByteArray csv = SimdHeader;
    csv.reserve(Rows * 96);
    QByteArrayList postcodes;
    int n = 0;
    for (int district = 1; district <= 99 && n < Rows; ++district) {
        for (int sector = 0; sector <= 9 && n < Rows; ++sector) {
            for (int a = 0; a < 20 && n < Rows; ++a) {
                for (int b = 0; b < 20 && n < Rows; ++b, ++n) {
                    const int rank = n % 6976 + 1;
                    const int decile = (rank - 1) * 10 / 6976 + 1;
                    const qsizetype start = csv.size();
                    csv.append('G').append(QByteArray::number(district)).append(' ');
                    csv.append(QByteArray::number(sector)).append(letters[a]).append(letters[b]);
                    if (n % 50000 == 0 || n == Rows - 1)
                        postcodes.append(csv.mid(start));
                    csv.append(",S0").append(QByteArray::number(1006505 + rank)).append(',');
                    csv.append(QByteArray::number(rank)).append(',');
                    csv.append(QByteArray::number((rank - 1) * 20 / 6976 + 1)).append(',');
                    csv.append(QByteArray::number(decile)).append(',').append(QByteArray::number((decile + 1) / 2));
                    csv.append(",1,2,3,4,5,6,7,S02001234,S12000049\r\n");
                }
            }
        }
    }
    QCOMPARE(n, Rows);

    QJsonObject manifest = assetObject(DeprivationAsset);
    manifest[QStringLiteral("file")] = QStringLiteral("lookup.csv");
    writeFile(dir, QStringLiteral("lookup.csv"), csv);
    const QString manifestPath = writeFile(dir, QStringLiteral("manifest.json"), QJsonDocument(manifest).toJson());

    QElapsedTimer timer;
    timer.start();
    const Result<DeprivationLookup> loaded = DeprivationLookup::load(manifestPath);
    const qint64 ms = timer.elapsed();
    VERIFY_OK(loaded);
    qInfo("Loaded a %d-row, %.1f MB look-up in %lld ms; held in about %.1f MB", Rows, csv.size() / 1e6, ms,
          loaded.value().size() * 16 / 1e6);
    QCOMPARE(loaded.value().size(), Rows);
    for (const QByteArray &postcode : std::as_const(postcodes))
        QVERIFY2(loaded.value().lookup(QString::fromLatin1(postcode)).known, postcode.constData());
    const Deprivation first = loaded.value().lookup(QStringLiteral("g10aa"));
    QVERIFY(first.known);
    QCOMPARE(first.rank, 1);
    QCOMPARE(first.dataZone, QStringLiteral("S01006506"));
    QVERIFY(!loaded.value().lookup(QStringLiteral("G99 9ZZ")).known);
}

QTEST_GUILESS_MAIN(TestReferenceData)
#include "tst_referencedata.moc"
