#include "referencedata.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <utility>

namespace hearth {

namespace {

constexpr int SupportedFormatVersion = 1;
constexpr int MaxListedProblems = 20;
// Published value sets give indices to 3 decimal places.
constexpr double CheckTolerance = 0.0005;
// Entry::rank and Entry::zone are 16-bit; every published index fits (SIMD 6,976, IMD 32,844, IoD2025 33,755).
constexpr int MaxAreas = 65535;

// Collects every problem in a file, so one load reports them all rather than one per edit-and-retry.
class Problems
{
public:
    explicit Problems(QString source) : m_source(std::move(source)) {}

    void add(const QString &where, const QString &what)
    {
        ++m_count;
        if (m_list.size() < MaxListedProblems)
            m_list.append(FieldError{where, what});
    }
    [[nodiscard]] bool isEmpty() const { return m_count == 0; }

    // The first problem in the message (with its place), all of them (up to a limit) in `fields`.
    [[nodiscard]] Error toError(ErrorCode code = ErrorCode::Corrupt) const
    {
        const FieldError &first = m_list.constFirst();
        QString message = first.field.isEmpty()
            ? QStringLiteral("%1: %2").arg(m_source, first.message)
            : QStringLiteral("%1: %2: %3").arg(m_source, first.field, first.message);
        if (m_count == 2)
            message += QStringLiteral(" (and 1 more problem)");
        else if (m_count > 2)
            message += QStringLiteral(" (and %1 more problems)").arg(m_count - 1);
        return makeError(code, message, m_list);
    }

private:
    QString m_source;
    QList<FieldError> m_list;
    int m_count = 0;
};

QString join(const QString &path, const char *key)
{
    return path.isEmpty() ? QString::fromLatin1(key) : path + QLatin1Char('.') + QLatin1String(key);
}

// "entries[3]", or "entries[3] (id)" once the entry's id is known, so a message names the entry a person edits.
QString entryPath(const char *array, qsizetype i, const QString &id = {})
{
    QString path = QStringLiteral("%1[%2]").arg(QLatin1String(array)).arg(i);
    if (!id.isEmpty())
        path += QStringLiteral(" (%1)").arg(id);
    return path;
}

QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("true/false");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("missing");
}

// The field readers below report a problem and return an empty value when a key is missing or of the wrong type.

QString requireString(const QJsonObject &o, const char *key, const QString &path, Problems &p, bool allowEmpty = false)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        p.add(join(path, key), QStringLiteral("missing"));
        return {};
    }
    if (!v.isString()) {
        p.add(join(path, key), QStringLiteral("must be a string, not %1").arg(typeName(v)));
        return {};
    }
    const QString s = v.toString();
    if (!allowEmpty && s.trimmed().isEmpty())
        p.add(join(path, key), QStringLiteral("must not be empty"));
    return s;
}

QString optionalString(const QJsonObject &o, const char *key, const QString &path, Problems &p)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return {};
    if (!v.isString()) {
        p.add(join(path, key), QStringLiteral("must be a string, not %1").arg(typeName(v)));
        return {};
    }
    return v.toString();
}

std::optional<bool> readBool(const QJsonObject &o, const char *key, const QString &path, Problems &p, bool required)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        if (required)
            p.add(join(path, key), QStringLiteral("missing"));
        return std::nullopt;
    }
    if (!v.isBool()) {
        p.add(join(path, key), QStringLiteral("must be true or false, not %1").arg(typeName(v)));
        return std::nullopt;
    }
    return v.toBool();
}

std::optional<double> readNumber(const QJsonObject &o, const char *key, const QString &path, Problems &p, bool required)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        if (required)
            p.add(join(path, key), QStringLiteral("missing"));
        return std::nullopt;
    }
    if (!v.isDouble()) {
        p.add(join(path, key), QStringLiteral("must be a number, not %1").arg(typeName(v)));
        return std::nullopt;
    }
    return v.toDouble();
}

std::optional<int> readInt(const QJsonObject &o, const char *key, const QString &path, Problems &p)
{
    const std::optional<double> d = readNumber(o, key, path, p, true);
    if (!d)
        return std::nullopt;
    if (std::floor(*d) != *d || std::abs(*d) > 1e9) {
        p.add(join(path, key), QStringLiteral("must be a whole number, not %1").arg(*d));
        return std::nullopt;
    }
    return int(*d);
}

std::optional<QJsonArray> requireArray(const QJsonObject &o, const char *key, const QString &path, Problems &p)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        p.add(join(path, key), QStringLiteral("missing"));
        return std::nullopt;
    }
    if (!v.isArray()) {
        p.add(join(path, key), QStringLiteral("must be a list, not %1").arg(typeName(v)));
        return std::nullopt;
    }
    return v.toArray();
}

std::optional<QJsonObject> requireObject(const QJsonObject &o, const char *key, const QString &path, Problems &p)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        p.add(join(path, key), QStringLiteral("missing"));
        return std::nullopt;
    }
    if (!v.isObject()) {
        p.add(join(path, key), QStringLiteral("must be an object, not %1").arg(typeName(v)));
        return std::nullopt;
    }
    return v.toObject();
}

// Ids that records store: a file's id may carry dots and dashes ("hna-2024.1"); slugs are lower_snake_case.
bool isFileId(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9][a-z0-9._-]*$"));
    return re.match(s).hasMatch();
}

bool isSlug(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[a-z][a-z0-9]*(_[a-z0-9]+)*$"));
    return re.match(s).hasMatch();
}

bool isOrganisationId(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]+([-_][a-z0-9]+)*$"));
    return re.match(s).hasMatch();
}

// Reads a file's id, checking its shape (the message says what shape when it is wrong).
QString readId(const QJsonObject &o, const QString &path, Problems &p, bool (*valid)(const QString &),
               const char *shape)
{
    const QString id = requireString(o, "id", path, p);
    if (!id.isEmpty() && !valid(id))
        p.add(join(path, "id"), QStringLiteral("\"%1\" is not %2").arg(id, QLatin1String(shape)));
    return id;
}

Result<QByteArray> readFile(const QString &path, const QString &what)
{
    const QFileInfo info(path);
    if (!info.exists())
        return makeError(ErrorCode::NotFound, QStringLiteral("%1 not found: %2").arg(what, path));
    QFile file(path);
    if (info.isDir() || !file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, QStringLiteral("Cannot read %1 %2: %3").arg(what, path, file.errorString()));
    return file.readAll();
}

// Parses a JSON object and checks its "format" and "format_version": a file of another kind or from a newer
// Hearth is rejected before its body is read, because its other problems would only be noise.
Result<QJsonObject> parseDocument(const QByteArray &json, const QString &source, const char *format)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const qsizetype offset = std::clamp<qsizetype>(parseError.offset, 0, json.size());
        const QByteArray before = json.left(offset);
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = offset - (before.lastIndexOf('\n') + 1) + 1;
        return makeError(ErrorCode::Corrupt,
                         QStringLiteral("%1: not valid JSON at line %2, column %3: %4")
                             .arg(source)
                             .arg(line)
                             .arg(column)
                             .arg(parseError.errorString()));
    }
    if (!doc.isObject())
        return makeError(ErrorCode::Corrupt, QStringLiteral("%1: the top level must be a JSON object").arg(source));
    const QJsonObject o = doc.object();

    const QJsonValue f = o.value(QLatin1String("format"));
    if (f.toString() != QLatin1String(format)) {
        const QString found = f.isString() ? QStringLiteral("\"%1\"").arg(f.toString()) : typeName(f);
        return makeError(ErrorCode::Corrupt,
                         QStringLiteral("%1: format is %2, expected \"%3\" (is this the right file?)")
                             .arg(source, found, QLatin1String(format)));
    }
    const QJsonValue v = o.value(QLatin1String("format_version"));
    const double version = v.toDouble(-1);
    if (!v.isDouble() || std::floor(version) != version || version < 1)
        return makeError(ErrorCode::Corrupt,
                         QStringLiteral("%1: format_version must be a whole number from 1, not %2")
                             .arg(source, v.isDouble() ? QString::number(version) : typeName(v)));
    if (version > SupportedFormatVersion)
        return makeError(ErrorCode::Unsupported,
                         QStringLiteral("%1: format_version %2 is newer than this version of Hearth reads (%3); "
                                        "update Hearth or use an older file")
                             .arg(source)
                             .arg(version)
                             .arg(SupportedFormatVersion));
    return o;
}

// Keys every file carries: where its content comes from and on what terms it may be used.
void checkProvenance(const QJsonObject &o, Problems &p, const char *sourceKey = "source")
{
    requireString(o, sourceKey, {}, p);
    requireString(o, "licence", {}, p);
}

template<typename T>
Result<T> loadJsonFile(const QString &path, const QString &what)
{
    Result<QByteArray> bytes = readFile(path, what);
    if (!bytes)
        return bytes.error();
    return T::fromJson(bytes.value(), path);
}

// --- Postcodes ---

bool isAsciiLetter(char c)
{
    return c >= 'A' && c <= 'Z';
}
bool isAsciiDigit(char c)
{
    return c >= '0' && c <= '9';
}

// The postcode's characters without spaces, upper-cased, if it has the shape of a UK postcode: an outward code
// (A9, A99, A9A, AA9, AA99, AA9A) and an inward code (9AA). Ignores spaces anywhere, as people type them anywhere.
bool compactPostcode(QByteArrayView in, char out[7], int *length)
{
    int n = 0;
    for (char c : in) {
        if (c == ' ' || c == '\t')
            continue;
        if (c >= 'a' && c <= 'z')
            c = char(c - 'a' + 'A');
        if (!isAsciiLetter(c) && !isAsciiDigit(c))
            return false;
        if (n == 7)
            return false;
        out[n++] = c;
    }
    if (n < 5)
        return false;
    if (!isAsciiDigit(out[n - 3]) || !isAsciiLetter(out[n - 2]) || !isAsciiLetter(out[n - 1]))
        return false;
    const int outward = n - 3;
    int i = 0;
    if (!isAsciiLetter(out[i++]))
        return false;
    if (isAsciiLetter(out[i]))
        ++i;
    if (i >= outward || !isAsciiDigit(out[i++]))
        return false;
    if (i < outward)
        ++i; // an optional digit or letter: both are letters-or-digits, checked above
    if (i != outward)
        return false;
    *length = n;
    return true;
}

// Packs up to 7 characters one per byte; letters and digits are never 0, so the packing is unambiguous.
quint64 packKey(const char *compact, int length)
{
    quint64 key = 0;
    for (int i = 0; i < length; ++i)
        key = (key << 8) | quint8(compact[i]);
    return key;
}

std::optional<quint64> postcodeKey(QByteArrayView in)
{
    char compact[7];
    int length = 0;
    if (!compactPostcode(in, compact, &length))
        return std::nullopt;
    return packKey(compact, length);
}

QString keyToPostcode(quint64 key)
{
    QByteArray compact;
    for (; key; key >>= 8)
        compact.prepend(char(key & 0xff));
    compact.insert(compact.size() - 3, ' ');
    return QString::fromLatin1(compact);
}

// --- CSV ---

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

std::optional<int> parseCount(QByteArrayView v)
{
    v = trimmed(v);
    if (v.isEmpty() || v.size() > 9)
        return std::nullopt;
    int n = 0;
    for (char c : v) {
        if (!isAsciiDigit(c))
            return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n;
}

// A whole number from 1 to `max`, or 0.
int parseInRange(QByteArrayView v, int max)
{
    const std::optional<int> n = parseCount(v);
    return n && *n >= 1 && *n <= max ? *n : 0;
}

QString shown(QByteArrayView v)
{
    return QStringLiteral("\"%1\"").arg(QString::fromUtf8(v.first(std::min<qsizetype>(v.size(), 40))));
}

// Streams RFC 4180 CSV one record at a time: quoted fields (with "" escapes, commas and line breaks inside),
// LF or CRLF line ends, and the UTF-8 byte order mark that spreadsheet exports put before the header.
class CsvReader
{
public:
    explicit CsvReader(QIODevice *device) : m_device(device) {}

    // Reads the next record; the views stay valid until the next call. False at the end of input or on an error.
    bool next(QList<QByteArrayView> &fields)
    {
        fields.clear();
        m_unescaped.clear();
        m_record.resize(0);
        bool inQuotes = false;
        for (;;) {
            const qsizetype begin = m_record.size();
            if (!appendLine()) {
                if (begin == 0)
                    return false;
                m_error = QStringLiteral("line %1: a quoted field is never closed").arg(m_line);
                return false;
            }
            if (begin == 0)
                m_line = m_nextLine;
            ++m_nextLine;
            for (qsizetype i = begin; i < m_record.size(); ++i) {
                if (m_record.at(i) == '"')
                    inQuotes = !inQuotes;
            }
            if (!inQuotes)
                break;
        }
        if (m_record.endsWith('\n'))
            m_record.chop(1);
        if (m_record.endsWith('\r'))
            m_record.chop(1);
        if (m_line == 1 && m_record.startsWith("\xEF\xBB\xBF"))
            m_record.remove(0, 3);
        return split(fields);
    }

    // The physical line (from 1) where the last record started.
    [[nodiscard]] int line() const { return m_line; }
    // Why next() returned false, or empty at the normal end of input.
    [[nodiscard]] QString error() const { return m_error; }

private:
    // Appends one physical line, with its line end, to m_record; false at the end of input. Reuses m_record's
    // allocation, as a fresh QByteArray per line would dominate the time to read a large file.
    bool appendLine()
    {
        constexpr qsizetype Chunk = 4096;
        const qsizetype begin = m_record.size();
        qsizetype used = begin;
        for (;;) {
            m_record.resize(used + Chunk + 1); // readLine() writes a terminating '\0'
            const qint64 got = m_device->readLine(m_record.data() + used, Chunk + 1);
            if (got <= 0)
                break;
            used += got;
            if (m_record.at(used - 1) == '\n')
                break;
        }
        m_record.resize(used);
        return used > begin;
    }

    bool split(QList<QByteArrayView> &fields)
    {
        const char *s = m_record.constData();
        const qsizetype n = m_record.size();
        qsizetype i = 0;
        for (;;) {
            if (i < n && s[i] == '"') {
                const qsizetype start = ++i;
                bool escaped = false;
                QByteArray unescaped;
                for (;;) {
                    const qsizetype q = m_record.indexOf('"', i);
                    if (q < 0) { // cannot happen: next() only splits records with balanced quotes
                        m_error = QStringLiteral("line %1: a quoted field is never closed").arg(m_line);
                        return false;
                    }
                    if (q + 1 < n && s[q + 1] == '"') {
                        unescaped.append(s + i, q + 1 - i); // up to and including one quote of the pair
                        escaped = true;
                        i = q + 2;
                        continue;
                    }
                    if (escaped) {
                        unescaped.append(s + i, q - i);
                        m_unescaped.append(unescaped);
                        fields.append(QByteArrayView(m_unescaped.constLast()));
                    } else {
                        fields.append(QByteArrayView(s + start, q - start));
                    }
                    i = q + 1;
                    break;
                }
                if (i < n && s[i] != ',') {
                    m_error = QStringLiteral("line %1: text after the closing quote of field %2")
                                  .arg(m_line)
                                  .arg(fields.size() + 1);
                    return false;
                }
            } else {
                qsizetype comma = m_record.indexOf(',', i);
                if (comma < 0)
                    comma = n;
                fields.append(QByteArrayView(s + i, comma - i));
                i = comma;
            }
            if (i >= n)
                return true;
            ++i; // the comma; a comma at the very end leaves one more, empty, field
        }
    }

    QIODevice *m_device;
    QByteArray m_record;
    // Owns the text of quoted fields that contained "" (a QByteArray's data stays put when the list grows).
    QList<QByteArray> m_unescaped;
    int m_line = 0;
    int m_nextLine = 1;
    QString m_error;
};

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// Checklist

Result<Checklist> Checklist::load(const QString &path)
{
    return loadJsonFile<Checklist>(path, QStringLiteral("Checklist"));
}

Result<Checklist> Checklist::fromJson(const QByteArray &json, const QString &source)
{
    const QString name = source.isEmpty() ? QStringLiteral("checklist") : source;
    Result<QJsonObject> doc = parseDocument(json, name, "hearth.checklist");
    if (!doc)
        return doc.error();
    const QJsonObject &o = doc.value();

    Problems p(name);
    Checklist c;
    c.m_id = readId(o, {}, p, isFileId, "a file id (lower case letters, digits, '.', '-', '_')");
    c.m_version = requireString(o, "version", {}, p);
    c.m_title = optionalString(o, "title", {}, p);
    c.m_sample = readBool(o, "sample", {}, p, false).value_or(false);
    checkProvenance(o, p);

    const std::optional<QJsonArray> domains = requireArray(o, "domains", {}, p);
    if (domains && domains->isEmpty())
        p.add(QStringLiteral("domains"), QStringLiteral("must list at least one domain"));
    QHash<QString, QString> domainPaths;
    QHash<QString, QString> itemPaths;
    for (qsizetype i = 0; domains && i < domains->size(); ++i) {
        QString path = entryPath("domains", i);
        if (!domains->at(i).isObject()) {
            p.add(path, QStringLiteral("must be an object, not %1").arg(typeName(domains->at(i))));
            continue;
        }
        const QJsonObject d = domains->at(i).toObject();
        ChecklistDomain domain;
        domain.id = readId(d, path, p, isSlug, "a lower_snake_case slug");
        if (!domain.id.isEmpty()) {
            if (domainPaths.contains(domain.id))
                p.add(join(path, "id"),
                      QStringLiteral("duplicate domain id \"%1\" (also %2)")
                          .arg(domain.id, domainPaths.value(domain.id)));
            domainPaths.insert(domain.id, path);
            path = entryPath("domains", i, domain.id);
        }
        domain.label = requireString(d, "label", path, p);
        domain.configurable = readBool(d, "configurable", path, p, false).value_or(false);
        const std::optional<QJsonArray> items = requireArray(d, "items", path, p);
        if (items && items->isEmpty() && !domain.configurable)
            p.add(join(path, "items"), QStringLiteral("must list at least one item (or mark the domain configurable)"));
        for (qsizetype j = 0; items && j < items->size(); ++j) {
            QString itemPath = path + QLatin1Char('.') + entryPath("items", j);
            if (!items->at(j).isObject()) {
                p.add(itemPath, QStringLiteral("must be an object, not %1").arg(typeName(items->at(j))));
                continue;
            }
            const QJsonObject it = items->at(j).toObject();
            ChecklistItem item;
            item.id = readId(it, itemPath, p, isSlug, "a lower_snake_case slug");
            if (!item.id.isEmpty()) {
                if (itemPaths.contains(item.id))
                    p.add(join(itemPath, "id"),
                          QStringLiteral("duplicate item id \"%1\" (also %2); item ids are "
                                         "unique across all domains")
                              .arg(item.id, itemPaths.value(item.id)));
                else
                    c.m_itemIndex.insert(item.id, {int(c.m_domains.size()), int(domain.items.size())});
                itemPath = path + QLatin1Char('.') + entryPath("items", j, item.id);
                itemPaths.insert(item.id, itemPath);
            }
            item.label = requireString(it, "label", itemPath, p);
            domain.items.append(item);
        }
        c.m_domains.append(domain);
    }
    if (!p.isEmpty())
        return p.toError();
    return c;
}

const ChecklistDomain *Checklist::domain(const QString &id) const
{
    for (const ChecklistDomain &d : m_domains) {
        if (d.id == id)
            return &d;
    }
    return nullptr;
}

bool Checklist::hasItem(const QString &domain, const QString &item) const
{
    const auto it = m_itemIndex.constFind(item);
    return it != m_itemIndex.constEnd() && m_domains.at(it->first).id == domain;
}

QString Checklist::domainOf(const QString &item) const
{
    const auto it = m_itemIndex.constFind(item);
    return it == m_itemIndex.constEnd() ? QString() : m_domains.at(it->first).id;
}

QString Checklist::itemLabel(const QString &item) const
{
    const auto it = m_itemIndex.constFind(item);
    return it == m_itemIndex.constEnd() ? QString() : m_domains.at(it->first).items.at(it->second).label;
}

// ---------------------------------------------------------------------------------------------------------------
// Directory

QStringList Directory::knownCategories()
{
    return {QStringLiteral("welfare_rights"),
            QStringLiteral("debt"),
            QStringLiteral("housing"),
            QStringLiteral("carers"),
            QStringLiteral("physical_activity"),
            QStringLiteral("emotional_support"),
            QStringLiteral("spiritual_care"),
            QStringLiteral("food"),
            QStringLiteral("energy"),
            QStringLiteral("transport"),
            QStringLiteral("health"),
            QStringLiteral("social_work"),
            QStringLiteral("grants")};
}

QStringList Directory::knownAreas()
{
    return {QStringLiteral("north_west"), QStringLiteral("north_east"), QStringLiteral("south"),
            QStringLiteral("city_wide")};
}

Result<Directory> Directory::load(const QString &path)
{
    return loadJsonFile<Directory>(path, QStringLiteral("Directory"));
}

Result<Directory> Directory::fromJson(const QByteArray &json, const QString &source)
{
    const QString name = source.isEmpty() ? QStringLiteral("directory") : source;
    Result<QJsonObject> doc = parseDocument(json, name, "hearth.directory");
    if (!doc)
        return doc.error();
    const QJsonObject &o = doc.value();

    static const QRegularExpression phoneRe(QStringLiteral("^\\+?[0-9 ()-]*[0-9][0-9 ()-]*$"));
    static const QRegularExpression emailRe(QStringLiteral("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"));
    const QStringList categories = knownCategories();
    const QStringList areas = knownAreas();

    Problems p(name);
    Directory dir;
    dir.m_id = readId(o, {}, p, isFileId, "a file id (lower case letters, digits, '.', '-', '_')");
    dir.m_version = requireString(o, "version", {}, p);
    dir.m_sample = readBool(o, "sample", {}, p, false).value_or(false);
    checkProvenance(o, p);

    const std::optional<QJsonArray> orgs = requireArray(o, "organisations", {}, p);
    if (orgs && orgs->isEmpty())
        p.add(QStringLiteral("organisations"), QStringLiteral("must list at least one organisation"));
    QHash<QString, QString> idPaths;
    for (qsizetype i = 0; orgs && i < orgs->size(); ++i) {
        QString path = entryPath("organisations", i);
        if (!orgs->at(i).isObject()) {
            p.add(path, QStringLiteral("must be an object, not %1").arg(typeName(orgs->at(i))));
            continue;
        }
        const QJsonObject e = orgs->at(i).toObject();
        Organisation org;
        org.id = readId(e, path, p, isOrganisationId, "an id of lower case letters and digits such as \"org-0001\"");
        if (!org.id.isEmpty()) {
            if (idPaths.contains(org.id))
                p.add(join(path, "id"),
                      QStringLiteral("duplicate organisation id \"%1\" (also %2)").arg(org.id, idPaths.value(org.id)));
            else
                dir.m_byId.insert(org.id, dir.m_organisations.size());
            idPaths.insert(org.id, path);
            path = entryPath("organisations", i, org.id);
        }
        org.name = requireString(e, "name", path, p);
        org.category = requireString(e, "category", path, p);
        if (!org.category.isEmpty() && !categories.contains(org.category))
            p.add(join(path, "category"),
                  QStringLiteral("unknown category \"%1\" (known: %2)")
                      .arg(org.category, categories.join(QLatin1String(", "))));

        if (const std::optional<QJsonArray> list = requireArray(e, "areas", path, p)) {
            if (list->isEmpty())
                p.add(join(path, "areas"), QStringLiteral("must list at least one area"));
            for (const QJsonValue &v : *list) {
                const QString area = v.toString();
                if (!areas.contains(area))
                    p.add(join(path, "areas"),
                          QStringLiteral("unknown area %1 (known: %2)")
                              .arg(v.isString() ? QStringLiteral("\"%1\"").arg(area) : typeName(v),
                                   areas.join(QLatin1String(", "))));
                else if (org.areas.contains(area))
                    p.add(join(path, "areas"), QStringLiteral("\"%1\" is listed twice").arg(area));
                else
                    org.areas.append(area);
            }
        }

        org.address = requireString(e, "address", path, p);
        const QString postcode = requireString(e, "postcode", path, p);
        if (!postcode.isEmpty()) {
            org.postcode = DeprivationLookup::normalisePostcode(postcode);
            if (org.postcode.isEmpty())
                p.add(join(path, "postcode"), QStringLiteral("\"%1\" is not a UK postcode").arg(postcode));
        }
        org.phone = requireString(e, "phone", path, p, true).trimmed();
        if (!org.phone.isEmpty() && !phoneRe.match(org.phone).hasMatch())
            p.add(join(path, "phone"), QStringLiteral("\"%1\" is not a phone number").arg(org.phone));
        org.email = requireString(e, "email", path, p, true).trimmed();
        if (!org.email.isEmpty() && !emailRe.match(org.email).hasMatch())
            p.add(join(path, "email"), QStringLiteral("\"%1\" is not an e-mail address").arg(org.email));
        org.website = requireString(e, "website", path, p, true).trimmed();
        if (!org.website.isEmpty()) {
            const QUrl url(org.website, QUrl::StrictMode);
            if (!url.isValid() || url.host().isEmpty()
                || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
                p.add(join(path, "website"), QStringLiteral("\"%1\" is not an http(s) address").arg(org.website));
        }
        if (org.phone.isEmpty() && org.email.isEmpty() && org.website.isEmpty())
            p.add(path, QStringLiteral("needs at least one way to get in touch (phone, email or website)"));
        org.description = optionalString(e, "description", path, p);

        if (const std::optional<QJsonArray> list = requireArray(e, "needs", path, p)) {
            for (const QJsonValue &v : *list) {
                const QString need = v.toString();
                if (!v.isString() || !isSlug(need))
                    p.add(join(path, "needs"),
                          QStringLiteral("%1 is not a checklist item id")
                              .arg(v.isString() ? QStringLiteral("\"%1\"").arg(need) : typeName(v)));
                else if (org.needs.contains(need))
                    p.add(join(path, "needs"), QStringLiteral("\"%1\" is listed twice").arg(need));
                else
                    org.needs.append(need);
            }
        }
        org.acceptsSelfReferral = readBool(e, "accepts_self_referral", path, p, true).value_or(false);
        dir.m_organisations.append(org);
    }
    if (!p.isEmpty())
        return p.toError();
    return dir;
}

const Organisation *Directory::find(const QString &id) const
{
    const auto it = m_byId.constFind(id);
    return it == m_byId.constEnd() ? nullptr : &m_organisations.at(*it);
}

QStringList Directory::categories() const
{
    QSet<QString> present;
    for (const Organisation &org : m_organisations)
        present.insert(org.category);
    QStringList out;
    for (const QString &c : knownCategories()) {
        if (present.contains(c))
            out.append(c);
    }
    return out;
}

QList<Organisation> Directory::search(const QString &text, const QString &category, const QString &area,
                                      const QString &need) const
{
    const QString wanted = text.trimmed();
    const QString cityWide = QStringLiteral("city_wide");
    QList<Organisation> out;
    for (const Organisation &org : m_organisations) {
        if (!wanted.isEmpty() && !org.name.contains(wanted, Qt::CaseInsensitive))
            continue;
        if (!category.isEmpty() && org.category != category)
            continue;
        if (!area.isEmpty() && !org.areas.contains(area) && !org.areas.contains(cityWide))
            continue;
        if (!need.isEmpty() && !org.needs.contains(need))
            continue;
        out.append(org);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// ValueSet

QStringList ValueSet::dimensionIds()
{
    return {QStringLiteral("mobility"), QStringLiteral("self_care"), QStringLiteral("usual_activities"),
            QStringLiteral("pain_discomfort"), QStringLiteral("anxiety_depression")};
}

Result<ValueSet> ValueSet::load(const QString &path)
{
    return loadJsonFile<ValueSet>(path, QStringLiteral("Value set"));
}

Result<ValueSet> ValueSet::fromJson(const QByteArray &json, const QString &source)
{
    const QString name = source.isEmpty() ? QStringLiteral("value set") : source;
    Result<QJsonObject> doc = parseDocument(json, name, "hearth.valueset");
    if (!doc)
        return doc.error();
    const QJsonObject &o = doc.value();

    Problems p(name);
    ValueSet vs;
    vs.m_id = readId(o, {}, p, isFileId, "a file id (lower case letters, digits, '.', '-', '_')");
    vs.m_version = requireString(o, "version", {}, p);
    vs.m_instrument = requireString(o, "instrument", {}, p);
    vs.m_country = requireString(o, "country", {}, p);
    vs.m_method = requireString(o, "method", {}, p);
    vs.m_citation = requireString(o, "citation", {}, p);
    vs.m_sample = readBool(o, "sample", {}, p, false).value_or(false);
    checkProvenance(o, p, "citation");

    const std::optional<int> levels = readInt(o, "levels", {}, p);
    if (levels && *levels != 3 && *levels != 5)
        p.add(QStringLiteral("levels"), QStringLiteral("must be 3 (EQ-5D-3L) or 5 (EQ-5D-5L), not %1").arg(*levels));
    else if (levels)
        vs.m_levels = *levels;
    if (vs.m_levels && !vs.m_instrument.isEmpty()
        && !vs.m_instrument.endsWith(QStringLiteral("-%1L").arg(vs.m_levels), Qt::CaseInsensitive))
        p.add(QStringLiteral("instrument"),
              QStringLiteral("\"%1\" does not match levels %2").arg(vs.m_instrument).arg(vs.m_levels));

    vs.m_fullHealth = readNumber(o, "full_health", {}, p, false).value_or(1.0);
    vs.m_constant = readNumber(o, "constant", {}, p, false).value_or(0.0);
    vs.m_n3 = readNumber(o, "n3", {}, p, false).value_or(0.0);
    if (vs.m_constant < 0)
        p.add(QStringLiteral("constant"), QStringLiteral("is an amount to subtract, so must not be negative"));
    if (vs.m_n3 < 0)
        p.add(QStringLiteral("n3"), QStringLiteral("is an amount to subtract, so must not be negative"));

    const QStringList dimensions = dimensionIds();
    const std::optional<QJsonArray> dims = requireArray(o, "dimensions", {}, p);
    if (dims && dims->size() != dimensions.size())
        p.add(QStringLiteral("dimensions"),
              QStringLiteral("has %1 entries; EQ-5D has %2 dimensions").arg(dims->size()).arg(dimensions.size()));
    for (qsizetype i = 0; dims && i < std::min(dims->size(), dimensions.size()); ++i) {
        QString path = entryPath("dimensions", i);
        if (!dims->at(i).isObject()) {
            p.add(path, QStringLiteral("must be an object, not %1").arg(typeName(dims->at(i))));
            continue;
        }
        const QJsonObject d = dims->at(i).toObject();
        const QString id = requireString(d, "id", path, p);
        if (!id.isEmpty() && id != dimensions.at(i))
            p.add(join(path, "id"),
                  QStringLiteral("is \"%1\", expected \"%2\" (dimensions are in EQ-5D order: %3)")
                      .arg(id, dimensions.at(i), dimensions.join(QLatin1String(", "))));
        path = entryPath("dimensions", i, dimensions.at(i));
        QList<double> decrements;
        if (const std::optional<QJsonArray> values = requireArray(d, "decrements", path, p)) {
            if (vs.m_levels && values->size() != vs.m_levels)
                p.add(
                    join(path, "decrements"),
                    QStringLiteral("has %1 values, expected %2 (one per level)").arg(values->size()).arg(vs.m_levels));
            for (qsizetype level = 0; level < values->size(); ++level) {
                const QJsonValue v = values->at(level);
                const QString where = join(path, "decrements") + QStringLiteral("[%1]").arg(level);
                if (!v.isDouble())
                    p.add(where, QStringLiteral("must be a number, not %1").arg(typeName(v)));
                else if (level == 0 && v.toDouble() != 0.0)
                    p.add(where, QStringLiteral("level 1 must be 0 (no problems), not %1").arg(v.toDouble()));
                else if (v.toDouble() > 0.0)
                    p.add(where,
                          QStringLiteral("%1 is positive; decrements are the published signed "
                                         "coefficients, 0 or negative")
                              .arg(v.toDouble()));
                decrements.append(v.toDouble());
            }
        }
        vs.m_decrements.append(decrements);
    }
    if (!p.isEmpty())
        return p.toError();

    // Published known answers, when the file gives them, prove the coefficients were entered correctly.
    const QJsonValue checksValue = o.value(QLatin1String("checks"));
    if (!checksValue.isUndefined() && !checksValue.isArray())
        p.add(QStringLiteral("checks"), QStringLiteral("must be a list, not %1").arg(typeName(checksValue)));
    const QJsonArray checks = checksValue.toArray();
    for (qsizetype i = 0; i < checks.size(); ++i) {
        const QString path = entryPath("checks", i);
        if (!checks.at(i).isObject()) {
            p.add(path, QStringLiteral("must be an object, not %1").arg(typeName(checks.at(i))));
            continue;
        }
        const QJsonObject c = checks.at(i).toObject();
        const QString state = requireString(c, "state", path, p);
        const std::optional<double> expected = readNumber(c, "index", path, p, true);
        if (state.isEmpty() || !expected)
            continue;
        const Result<double> computed = vs.index(state);
        if (!computed)
            p.add(join(path, "state"), computed.error().message);
        else if (std::abs(computed.value() - *expected) > CheckTolerance)
            p.add(path,
                  QStringLiteral("state %1 computes to %2 but the file says %3: check the coefficients")
                      .arg(state)
                      .arg(computed.value(), 0, 'f', 4)
                      .arg(*expected));
    }
    if (!p.isEmpty())
        return p.toError();
    return vs;
}

Result<double> ValueSet::index(const QString &state) const
{
    if (m_levels == 0)
        return makeError(ErrorCode::Validation, QStringLiteral("No EQ-5D value set is loaded"));
    const QStringList dimensions = dimensionIds();
    if (state.size() != dimensions.size())
        return makeError(ErrorCode::Validation,
                         QStringLiteral("An EQ-5D state is %1 digits, one per dimension; \"%2\" has %3 characters")
                             .arg(dimensions.size())
                             .arg(state)
                             .arg(state.size()));
    double index = m_fullHealth;
    bool anyProblem = false;
    bool anyAtLevel3 = false;
    for (qsizetype i = 0; i < state.size(); ++i) {
        const QChar c = state.at(i);
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return makeError(ErrorCode::Validation,
                             QStringLiteral("EQ-5D state \"%1\": character %2 is not a digit").arg(state).arg(i + 1));
        const int level = c.unicode() - '0';
        if (level < 1 || level > m_levels)
            return makeError(ErrorCode::Validation,
                             QStringLiteral("EQ-5D state \"%1\": %2 level %3 is outside 1 to %4 (%5)")
                                 .arg(state, dimensions.at(i))
                                 .arg(level)
                                 .arg(m_levels)
                                 .arg(m_instrument));
        index += m_decrements.at(i).at(level - 1);
        anyProblem = anyProblem || level > 1;
        anyAtLevel3 = anyAtLevel3 || level == 3;
    }
    if (anyProblem)
        index -= m_constant;
    if (anyAtLevel3)
        index -= m_n3;
    return index;
}

// ---------------------------------------------------------------------------------------------------------------
// DeprivationLookup

QString DeprivationLookup::normalisePostcode(const QString &postcode)
{
    char compact[7];
    int length = 0;
    const QByteArray latin1 = postcode.toLatin1(); // anything outside Latin-1 becomes '?', which fails below
    if (!compactPostcode(QByteArrayView(latin1), compact, &length))
        return {};
    return QString::fromLatin1(compact, length - 3) + QLatin1Char(' ') + QString::fromLatin1(compact + length - 3, 3);
}

Deprivation DeprivationLookup::lookup(const QString &postcode) const
{
    Deprivation d;
    d.index = m_index;
    d.version = m_version;
    const std::optional<quint64> key = postcodeKey(QByteArrayView(postcode.toLatin1()));
    if (!key)
        return d;
    const auto it = std::lower_bound(m_entries.cbegin(), m_entries.cend(), *key,
                                     [](const Entry &e, quint64 k) { return e.key < k; });
    if (it == m_entries.cend() || it->key != *key)
        return d;
    d.rank = it->rank;
    d.decile = it->decile;
    d.quintile = it->quintile;
    d.dataZone = m_zones.value(it->zone);
    d.known = true;
    return d;
}

Result<DeprivationLookup> DeprivationLookup::load(const QString &manifestPath)
{
    Result<QByteArray> bytes = readFile(manifestPath, QStringLiteral("Deprivation manifest"));
    if (!bytes)
        return bytes.error();
    Result<QJsonObject> doc = parseDocument(bytes.value(), manifestPath, "hearth.deprivation");
    if (!doc)
        return doc.error();
    const QJsonObject &o = doc.value();

    Problems p(manifestPath);
    DeprivationLookup lookup;
    requireString(o, "id", {}, p);
    lookup.m_index = requireString(o, "index", {}, p);
    lookup.m_version = requireString(o, "version", {}, p);
    lookup.m_licence = requireString(o, "licence", {}, p);
    lookup.m_sample = readBool(o, "sample", {}, p, false).value_or(false);
    requireString(o, "source", {}, p);

    const std::optional<int> areas = readInt(o, "data_zones", {}, p);
    if (areas && (*areas < 1 || *areas > MaxAreas))
        p.add(QStringLiteral("data_zones"), QStringLiteral("must be from 1 to %1, not %2").arg(MaxAreas).arg(*areas));
    else if (areas)
        lookup.m_dataZones = *areas;
    const std::optional<int> rankMost = readInt(o, "rank_most_deprived", {}, p);
    if (rankMost && lookup.m_dataZones && *rankMost != 1 && *rankMost != lookup.m_dataZones)
        p.add(QStringLiteral("rank_most_deprived"),
              QStringLiteral("must be 1 or data_zones (%1), not %2").arg(lookup.m_dataZones).arg(*rankMost));
    const std::optional<int> decileMost = readInt(o, "decile_most_deprived", {}, p);
    if (decileMost && *decileMost != 1 && *decileMost != 10)
        p.add(QStringLiteral("decile_most_deprived"), QStringLiteral("must be 1 or 10, not %1").arg(*decileMost));
    const bool flipRank = rankMost.value_or(1) != 1;
    const bool flipDecile = decileMost.value_or(1) != 1;

    const QString file = requireString(o, "file", {}, p);
    QString postcodeColumn, zoneColumn, rankColumn, decileColumn, quintileColumn;
    if (const std::optional<QJsonObject> columns = requireObject(o, "columns", {}, p)) {
        const QString path = QStringLiteral("columns");
        postcodeColumn = requireString(*columns, "postcode", path, p);
        rankColumn = requireString(*columns, "rank", path, p);
        decileColumn = requireString(*columns, "decile", path, p);
        zoneColumn = optionalString(*columns, "data_zone", path, p);
        quintileColumn = optionalString(*columns, "quintile", path, p);
    }
    if (!p.isEmpty())
        return p.toError();

    const QString csvPath = QDir(QFileInfo(manifestPath).absolutePath()).filePath(file);
    if (!QFileInfo::exists(csvPath))
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("%1: the look-up file it names was not found: %2").arg(manifestPath, csvPath));
    QFile csv(csvPath);
    if (!csv.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, QStringLiteral("Cannot read %1: %2").arg(csvPath, csv.errorString()));

    Problems rows(csvPath);
    CsvReader reader(&csv);
    QList<QByteArrayView> fields;
    if (!reader.next(fields))
        return makeError(ErrorCode::Corrupt,
                         reader.error().isEmpty()
                             ? QStringLiteral("%1: the file is empty; expected a header row").arg(csvPath)
                             : QStringLiteral("%1: %2").arg(csvPath, reader.error()));
    QHash<QString, int> header;
    for (qsizetype i = fields.size() - 1; i >= 0; --i) // backwards, so the first of two same-named columns wins
        header.insert(QString::fromUtf8(trimmed(fields.at(i))).toLower(), int(i));
    const auto column = [&](const QString &name, const char *role) {
        if (name.isEmpty())
            return -1;
        const int i = header.value(name.trimmed().toLower(), -1);
        if (i < 0)
            rows.add(QStringLiteral("line 1"),
                     QStringLiteral("the header has no column \"%1\" (named by columns.%2 in %3)")
                         .arg(name, QLatin1String(role), manifestPath));
        return i;
    };
    const int postcodeAt = column(postcodeColumn, "postcode");
    const int rankAt = column(rankColumn, "rank");
    const int decileAt = column(decileColumn, "decile");
    const int zoneAt = column(zoneColumn, "data_zone");
    const int quintileAt = column(quintileColumn, "quintile");
    if (!rows.isEmpty())
        return rows.toError();
    const int needed = std::max({postcodeAt, rankAt, decileAt, zoneAt, quintileAt}) + 1;

    QHash<QByteArray, quint16> zoneIndex;
    const int dataZones = lookup.m_dataZones;
    while (reader.next(fields)) {
        if (fields.size() == 1 && trimmed(fields.constFirst()).isEmpty())
            continue; // a blank line, typically at the end
        const auto problem = [&](const QString &what) { rows.add(QStringLiteral("line %1").arg(reader.line()), what); };
        if (fields.size() < needed) {
            problem(QStringLiteral("has %1 fields; the columns used need at least %2").arg(fields.size()).arg(needed));
            continue;
        }
        const std::optional<quint64> key = postcodeKey(fields.at(postcodeAt));
        if (!key)
            problem(QStringLiteral("postcode %1 is not a UK postcode").arg(shown(fields.at(postcodeAt))));
        const int rank = parseInRange(fields.at(rankAt), dataZones);
        if (!rank)
            problem(QStringLiteral("rank %1 is not a whole number from 1 to %2")
                        .arg(shown(fields.at(rankAt)))
                        .arg(dataZones));
        const int decile = parseInRange(fields.at(decileAt), 10);
        if (!decile)
            problem(QStringLiteral("decile %1 is not a whole number from 1 to 10").arg(shown(fields.at(decileAt))));
        const int quintile = quintileAt >= 0 ? parseInRange(fields.at(quintileAt), 5) : -1;
        if (!quintile)
            problem(QStringLiteral("quintile %1 is not a whole number from 1 to 5").arg(shown(fields.at(quintileAt))));
        quint16 zone = 0;
        if (zoneAt >= 0) {
            const QByteArrayView code = trimmed(fields.at(zoneAt));
            if (code.isEmpty()) {
                problem(QStringLiteral("the data zone is empty"));
            } else {
                // Looked up without copying; only a new zone's code is copied.
                auto it = zoneIndex.constFind(QByteArray::fromRawData(code.data(), code.size()));
                if (it == zoneIndex.constEnd()) {
                    if (lookup.m_zones.size() >= MaxAreas) {
                        problem(QStringLiteral("more than %1 different data zones").arg(MaxAreas));
                        continue;
                    }
                    it = zoneIndex.insert(code.toByteArray(), quint16(lookup.m_zones.size()));
                    lookup.m_zones.append(QString::fromUtf8(code));
                }
                zone = *it;
            }
        }
        if (!rows.isEmpty() || !key || !rank || !decile || !quintile)
            continue; // once the file is known to be bad, only its problems are collected

        // Stored with 1 = most deprived whatever the file's coding (SIMD 2004/2006 deciles run the other way).
        const int r = flipRank ? dataZones + 1 - rank : rank;
        const int d = flipDecile ? 11 - decile : decile;
        const int q = quintile < 0 ? (d + 1) / 2 : (flipDecile ? 6 - quintile : quintile);
        lookup.m_entries.append(Entry{*key, quint16(r), zone, quint8(d), quint8(q)});
    }
    if (!reader.error().isEmpty())
        rows.add({}, reader.error());
    if (!rows.isEmpty())
        return rows.toError();
    if (lookup.m_entries.isEmpty())
        return makeError(ErrorCode::Corrupt, QStringLiteral("%1: no postcodes after the header").arg(csvPath));

    std::sort(lookup.m_entries.begin(), lookup.m_entries.end(),
              [](const Entry &a, const Entry &b) { return a.key < b.key; });
    // The published look-ups list each postcode once; an exact repeat is harmless, a conflicting one is not.
    qsizetype kept = 0;
    for (qsizetype i = 0; i < lookup.m_entries.size(); ++i) {
        const Entry &e = lookup.m_entries.at(i);
        if (kept > 0) {
            const Entry &last = lookup.m_entries.at(kept - 1);
            if (last.key == e.key) {
                if (last.rank != e.rank || last.zone != e.zone || last.decile != e.decile
                    || last.quintile != e.quintile)
                    rows.add({},
                             QStringLiteral("postcode %1 appears more than once with different values")
                                 .arg(keyToPostcode(e.key)));
                continue;
            }
        }
        lookup.m_entries[kept++] = e;
    }
    if (!rows.isEmpty())
        return rows.toError();
    lookup.m_entries.resize(kept);
    lookup.m_entries.squeeze();
    return lookup;
}

// ---------------------------------------------------------------------------------------------------------------
// ReferenceData

Result<ReferenceData> ReferenceData::loadDefault(const QString &assetsDir)
{
    const QDir dir(assetsDir);
    const QString manifestPath = dir.filePath(QStringLiteral("manifest.json"));
    Result<QByteArray> bytes = readFile(manifestPath, QStringLiteral("Assets manifest"));
    if (!bytes)
        return bytes.error();
    Result<QJsonObject> doc = parseDocument(bytes.value(), manifestPath, "hearth.assets");
    if (!doc)
        return doc.error();

    Problems p(manifestPath);
    QString checklistFile, directoryFile, valueSetFile, valueSet3LFile, deprivationFile;
    if (const std::optional<QJsonObject> defaults = requireObject(doc.value(), "defaults", {}, p)) {
        const QString path = QStringLiteral("defaults");
        checklistFile = requireString(*defaults, "checklist", path, p);
        directoryFile = requireString(*defaults, "directory", path, p);
        valueSetFile = requireString(*defaults, "value_set", path, p);
        valueSet3LFile = optionalString(*defaults, "value_set_3l", path, p);
        deprivationFile = requireString(*defaults, "deprivation", path, p);
    }
    if (!p.isEmpty())
        return p.toError();

    ReferenceData data;
    Result<Checklist> checklist = Checklist::load(dir.filePath(checklistFile));
    if (!checklist)
        return checklist.error();
    data.m_checklist = std::move(checklist).value();

    Result<Directory> directory = Directory::load(dir.filePath(directoryFile));
    if (!directory)
        return directory.error();
    data.m_directory = std::move(directory).value();

    Result<ValueSet> valueSet = ValueSet::load(dir.filePath(valueSetFile));
    if (!valueSet)
        return valueSet.error();
    data.m_valueSet = std::move(valueSet).value();

    if (!valueSet3LFile.isEmpty()) {
        Result<ValueSet> valueSet3L = ValueSet::load(dir.filePath(valueSet3LFile));
        if (!valueSet3L)
            return valueSet3L.error();
        if (valueSet3L.value().levels() != 3)
            p.add(QStringLiteral("defaults.value_set_3l"),
                  QStringLiteral("%1 has %2 levels; expected an EQ-5D-3L set")
                      .arg(valueSet3LFile)
                      .arg(valueSet3L.value().levels()));
        data.m_valueSet3L = std::move(valueSet3L).value();
    }
    if (!p.isEmpty())
        return p.toError();

    Result<DeprivationLookup> deprivation = DeprivationLookup::load(dir.filePath(deprivationFile));
    if (!deprivation)
        return deprivation.error();
    data.m_deprivation = std::move(deprivation).value();

    // A need the checklist lacks could never be matched to a concern, so the pair is rejected together.
    Problems cross(dir.filePath(directoryFile));
    const QList<Organisation> organisations = data.m_directory.organisations();
    for (qsizetype i = 0; i < organisations.size(); ++i) {
        const Organisation &org = organisations.at(i);
        for (const QString &need : org.needs) {
            if (data.m_checklist.domainOf(need).isEmpty())
                cross.add(join(entryPath("organisations", i, org.id), "needs"),
                          QStringLiteral("\"%1\" is not an item of checklist %2 (%3)")
                              .arg(need, data.m_checklist.id(), dir.filePath(checklistFile)));
        }
    }
    if (!cross.isEmpty())
        return cross.toError();
    return data;
}

} // namespace hearth
