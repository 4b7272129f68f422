#include "store.h"

#include "caseload.h"
#include "database.h"
#include "hlc.h"
#include "identifiers.h"
#include "keyprotector.h"
#include "referencedata.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

Q_LOGGING_CATEGORY(lcStore, "hearth.store", QtInfoMsg)

namespace hearth {

namespace {

const QString kDbFile = QStringLiteral("hearth.db");

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// The additional data binding a ciphertext to its row, "hearth:<kind>:v1|part|part...", built as
// bytes (it is made for every record and write of a page): the same bytes as the QString::arg()
// form stores were written with, since ids, types and clocks never hold '%'.
QByteArray aad(const char *prefix, std::initializer_list<QByteArrayView> parts)
{
    QByteArray out(prefix);
    for (QByteArrayView p : parts)
        out.append('|').append(p);
    return out;
}

QByteArray recordAad(const QString &id, const QString &type, const QString &person, qint64 version)
{
    return aad("hearth:record:v1", {id.toUtf8(), type.toUtf8(), person.toUtf8(), QByteArray::number(version)});
}

QByteArray writeAad(const Write &w)
{
    return aad("hearth:write:v1", {w.device.toUtf8(), QByteArray::number(w.seq), w.hlc.toUtf8(), w.recordId.toUtf8(),
                                   w.type.toUtf8(), w.personId.toUtf8()});
}

QByteArray keyAad(const QString &storeId)
{
    return QStringLiteral("hearth:data-key:v1|%1").arg(storeId).toUtf8();
}

// Schema history. Each step moves a store from version i to i + 1; never edit a released step.
const char *const kSchemaV1 = R"SQL(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    person_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    conflicted INTEGER NOT NULL,
    state BLOB NOT NULL
);
CREATE INDEX records_type ON records(type);
CREATE INDEX records_person ON records(person_id);
CREATE INDEX records_conflicted ON records(conflicted) WHERE conflicted = 1;
CREATE TABLE writes (
    device TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hlc TEXT NOT NULL UNIQUE,
    record_id TEXT NOT NULL,
    type TEXT NOT NULL,
    person_id TEXT NOT NULL,
    payload BLOB NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (device, seq)
);
CREATE INDEX writes_record ON writes(record_id);
CREATE INDEX writes_unsent ON writes(sent) WHERE sent = 0;
)SQL";

// Schema 2: a per-person caseload summary (see caseload.h), so the caseload opens fast.
const char *const kSchemaV2 = R"SQL(
CREATE TABLE person_summary (
    person_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    blob BLOB NOT NULL
);
)SQL";

// Schema 3: the "could not sync" list (writes with sent = 2 and why the server refused them).
const char *const kSchemaV3 = R"SQL(
CREATE TABLE rejected (
    device TEXT NOT NULL,
    seq INTEGER NOT NULL,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    PRIMARY KEY (device, seq)
);
)SQL";

// Schema 4: the pending writes in push order, so finding the next batch to push reads only pending
// rows (the plain `sent` index made every batch scan, or sort, the whole log of this device).
const char *const kSchemaV4 = R"SQL(
DROP INDEX writes_unsent;
CREATE INDEX writes_pending ON writes(device, seq) WHERE sent = 0;
)SQL";

QByteArray summaryAad(const QString &person, qint64 version)
{
    return QStringLiteral("hearth:summary:v1|%1|%2").arg(person).arg(version).toUtf8();
}

} // namespace

Mutation Mutation::put(const QString &type, const QJsonObject &fields, const QString &id)
{
    Mutation m;
    m.kind = Kind::Put;
    m.type = type;
    m.fields = fields;
    m.id = id;
    return m;
}

Mutation Mutation::edit(const QString &id, const QJsonObject &fields)
{
    Mutation m;
    m.kind = Kind::Edit;
    m.id = id;
    m.fields = fields;
    return m;
}

Mutation Mutation::remove(const QString &id)
{
    Mutation m;
    m.kind = Kind::Delete;
    m.id = id;
    return m;
}

Mutation Mutation::resolve(const QString &id, const QString &field, const QJsonValue &value)
{
    Mutation m;
    m.kind = Kind::Resolve;
    m.id = id;
    m.field = field;
    m.value = value;
    return m;
}

struct Store::Impl {
    QString dir;
    std::unique_ptr<Database> db;
    QByteArray key;
    bool encrypted = true;
    QString storeId;
    QString deviceId;
    qint64 lastSeq = 0;
    HlcClock clock{QString()};
    StoreOptions options;

    struct Loaded {
        RecordState state;
        qint64 version = 0;
    };

    qint64 now() const { return options.now ? options.now() : QDateTime::currentMSecsSinceEpoch(); }

    // The data key set up once per connection (made on first use: the key is known only after
    // unlocking). Mutable: reading decrypts.
    mutable std::unique_ptr<crypto::Cipher> cipher;

    crypto::Cipher &dataCipher() const
    {
        if (!cipher)
            cipher = std::make_unique<crypto::Cipher>(key);
        return *cipher;
    }

    Result<QByteArray> seal(const QByteArray &plain, const QByteArray &aad) const
    {
        if (!encrypted)
            return plain;
        return dataCipher().seal(plain, aad);
    }

    Result<QByteArray> unseal(const QByteArray &blob, const QByteArray &aad) const
    {
        if (!encrypted)
            return blob;
        return dataCipher().open(blob, aad);
    }

    QString meta(const QString &k) const
    {
        auto st = db->prepare("SELECT value FROM meta WHERE key = ?1");
        st.bind(1, k);
        return st.step() ? st.text(0) : QString();
    }

    Status setMeta(const QString &k, const QString &v)
    {
        auto st = db->prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)");
        st.bind(1, k).bind(2, v);
        st.step();
        if (!st.ok())
            return makeError(ErrorCode::Io, QStringLiteral("Cannot update the store: %1").arg(st.error()));
        return {};
    }

    Status pragmas()
    {
        // FULL: an acknowledged write survives power loss, not only a crash of the app.
        // secure_delete=FAST zeroes freed content wherever that costs no extra I/O (the content is
        // ciphertext anyway); ON rewrote whole pages on every replaced record. A 32 MiB page cache
        // keeps the indexes of a large store in memory while a first sync inserts into them (the
        // 2 MiB default made each insert into a 100,000-record store read pages back).
        return db->exec(QStringLiteral("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                       "PRAGMA secure_delete=FAST; PRAGMA temp_store=MEMORY; "
                                       "PRAGMA cache_size=-32768;"));
    }

    Result<std::optional<Loaded>> load(const QString &id) const
    {
        auto st = db->prepare("SELECT type, person_id, version, state FROM records WHERE id = ?1");
        st.bind(1, id);
        if (!st.step()) {
            if (!st.ok())
                return makeError(ErrorCode::Io, QStringLiteral("Cannot read the store: %1").arg(st.error()));
            return std::optional<Loaded>();
        }
        return decode(id, st.text(0), st.text(1), st.integer(2), st.blob(3));
    }

    Result<std::optional<Loaded>> decode(const QString &id, const QString &type, const QString &person, qint64 version,
                                         const QByteArray &blob) const
    {
        auto plain = unseal(blob, recordAad(id, type, person, version));
        if (!plain)
            return makeError(ErrorCode::Corrupt,
                             QStringLiteral("Record %1 cannot be decrypted: %2").arg(id, plain.error().message));
        auto state = RecordState::decode(plain.value());
        if (!state)
            return makeError(ErrorCode::Corrupt, QStringLiteral("Record %1 is unreadable").arg(id));
        if (state.value().id != id || state.value().type != type || state.value().personId != person)
            return makeError(ErrorCode::Corrupt, QStringLiteral("Record %1 does not match its row").arg(id));
        return std::optional<Loaded>(Loaded{std::move(state).value(), version});
    }

    Status save(const RecordState &s, qint64 version)
    {
        auto blob = seal(s.encode(), recordAad(s.id, s.type, s.personId, version));
        if (!blob)
            return blob.error();
        auto st = db->prepare("INSERT OR REPLACE INTO records(id, type, person_id, version, deleted, "
                              "conflicted, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        st.bind(1, s.id).bind(2, s.type).bind(3, s.personId).bind(4, version);
        st.bind(5, qint64(s.isDeleted())).bind(6, qint64(s.hasConflicts())).bind(7, blob.value());
        st.step();
        if (!st.ok())
            return makeError(ErrorCode::Io, QStringLiteral("Cannot save a record: %1").arg(st.error()));
        return {};
    }

    Status append(const Write &w, bool sent)
    {
        auto blob = seal(w.encodePayload(), writeAad(w));
        if (!blob)
            return blob.error();
        auto st = db->prepare("INSERT INTO writes(device, seq, hlc, record_id, type, person_id, payload, sent) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        st.bind(1, w.device).bind(2, w.seq).bind(3, w.hlc).bind(4, w.recordId).bind(5, w.type);
        st.bind(6, w.personId).bind(7, blob.value()).bind(8, qint64(sent));
        st.step();
        if (!st.ok())
            return makeError(ErrorCode::Io, QStringLiteral("Cannot append to the revision log: %1").arg(st.error()));
        return {};
    }

    bool hasWrite(const QString &hlc) const
    {
        auto st = db->prepare("SELECT 1 FROM writes WHERE hlc = ?1");
        st.bind(1, hlc);
        return st.step();
    }

    // Without `values`, only Write::encoded carries the values and parents (what a push sends).
    Result<Write> decodeWrite(Query &st, bool values = true) const
    {
        Write w;
        w.device = st.text(0);
        w.seq = st.integer(1);
        w.hlc = st.text(2);
        w.recordId = st.text(3);
        w.type = st.text(4);
        w.personId = st.text(5);
        auto plain = unseal(st.blob(6), writeAad(w));
        if (!plain)
            return makeError(ErrorCode::Corrupt,
                             QStringLiteral("Log entry %1/%2 cannot be decrypted: %3")
                                 .arg(w.device)
                                 .arg(w.seq)
                                 .arg(plain.error().message));
        if (!values && !plain.value().startsWith('{')) { // the JSON form of older stores is decoded
            w.encoded = plain.value();
            return w;
        }
        if (auto decoded = w.decodePayload(plain.value()); !decoded)
            return decoded.error();
        return w;
    }

    // Every record of `type` (every type when empty), decrypted and checked (Store::list).
    Result<QList<Record>> list(const QString &type, bool includeDeleted) const;
    Record toRecord(const Loaded &l) const
    {
        return Record{l.state.id,       l.state.type,        l.state.personId, l.state.isDeleted(),
                      l.state.values(), l.state.conflicts(), l.version};
    }

    struct Summary {
        QJsonObject data;
        qint64 version = 0;
    };

    Result<Summary> loadSummary(const QString &person) const
    {
        auto st = db->prepare("SELECT version, blob FROM person_summary WHERE person_id = ?1");
        st.bind(1, person);
        if (!st.step())
            return st.ok() ? Summary{} : Result<Summary>(makeError(ErrorCode::Io, st.error()));
        const qint64 version = st.integer(0);
        auto plain = unseal(st.blob(1), summaryAad(person, version));
        if (!plain)
            return makeError(ErrorCode::Corrupt,
                             QStringLiteral("The caseload summary of %1 cannot be decrypted: %2")
                                 .arg(person, plain.error().message));
        return Summary{QJsonDocument::fromJson(plain.value()).object(), version};
    }

    Status saveSummary(const QString &person, const Summary &sum)
    {
        auto blob = seal(compact(sum.data), summaryAad(person, sum.version + 1));
        if (!blob)
            return blob.error();
        auto st = db->prepare("INSERT OR REPLACE INTO person_summary(person_id, version, blob) VALUES (?1, ?2, ?3)");
        st.bind(1, person).bind(2, sum.version + 1).bind(3, blob.value());
        st.step();
        if (!st.ok())
            return makeError(ErrorCode::Io, QStringLiteral("Cannot save a caseload summary: %1").arg(st.error()));
        return {};
    }

    // Folds changed records into their people's summaries; called inside the write transaction.
    Status foldSummaries(const QList<const RecordState *> &changed)
    {
        struct Folding {
            Summary sum;
            bool changed = false;
        };
        QHash<QString, Folding> sums;
        sums.reserve(changed.size());
        for (const RecordState *r : changed) {
            if (r->personId.isEmpty())
                continue;
            auto it = sums.find(r->personId);
            if (it == sums.end()) {
                auto loaded = loadSummary(r->personId);
                if (!loaded)
                    return loaded.error();
                it = sums.insert(r->personId, Folding{loaded.value()});
            }
            it->changed |= summary::fold(it->sum.data, *r);
        }
        // A summary the records did not change is not sealed and written again; a person's row
        // is still created with their first record.
        for (auto it = sums.cbegin(); it != sums.cend(); ++it)
            if (it->changed || it->sum.version == 0)
                if (auto st = saveSummary(it.key(), it->sum); !st)
                    return st;
        return {};
    }

    // Another connection (the app and hearthctl, two windows) may have written since we last
    // looked: take the sequence and clock from the database, inside the write transaction.
    void refreshCounters()
    {
        auto seq = db->prepare("SELECT coalesce(max(seq), 0) FROM writes WHERE device = ?1");
        seq.bind(1, deviceId);
        lastSeq = seq.step() ? seq.integer(0) : 0;
        auto last = db->prepare("SELECT max(hlc) FROM writes");
        Hlc lastHlc;
        if (last.step() && !last.isNull(0) && Hlc::parse(last.text(0), &lastHlc))
            clock.observe(lastHlc);
    }

    // Live records of `personId` whose reference fields point at `id` (batch states win over stored ones).
    Result<int> incomingReferences(const QString &id, const QString &personId, const QHash<QString, Loaded> &batch,
                                   const QString &onlyField = {})
    {
        auto rows = db->prepare("SELECT id, type, person_id, version, state FROM records WHERE person_id = ?1 AND "
                                "deleted = 0");
        rows.bind(1, personId);
        QHash<QString, RecordState> states;
        while (rows.step()) {
            auto l = decode(rows.text(0), rows.text(1), rows.text(2), rows.integer(3), rows.blob(4));
            if (!l)
                return l.error();
            states.insert(rows.text(0), l.value()->state);
        }
        for (auto it = batch.cbegin(); it != batch.cend(); ++it)
            if (it->state.personId == personId)
                states.insert(it.key(), it->state);
        int n = 0;
        for (const RecordState &r : std::as_const(states)) {
            if (r.id == id || r.isDeleted())
                continue;
            const RecordSchema *rs = schema::find(r.type);
            const QJsonObject v = r.values();
            for (const FieldSpec &f : rs ? rs->fields : QList<FieldSpec>{})
                if (f.kind == FieldKind::Ref && f.name != QLatin1String("person_id")
                    && (onlyField.isEmpty() || f.name == onlyField) && v.value(f.name).toString() == id) {
                    ++n;
                    break;
                }
        }
        return n;
    }

    Status migrateTo(int version);
    Status unlock(const QByteArray &passcode);
    Status migrate();
    Result<QString> applyMutation(const Mutation &m, QHash<QString, Loaded> &batch);
};

// ---- creation and unlocking ----

Store::Store() : d(std::make_unique<Impl>()) {}
Store::~Store()
{
    crypto::wipe(d->key);
}

bool Store::exists(const QString &dir)
{
    return QFileInfo::exists(QDir(dir).filePath(kDbFile));
}

QString Store::checkPasscodeStrength(const QByteArray &passcode)
{
    if (passcode.size() < 6)
        return QStringLiteral("A passcode needs at least 6 characters");
    if (passcode.size() > 1024)
        return QStringLiteral("A passcode may have at most 1024 characters");
    return {};
}

Result<std::unique_ptr<Store>> Store::create(const QString &dir, const QByteArray &passcode, StoreOptions options)
{
    const bool existed = exists(dir);
    auto made = createIn(dir, passcode, std::move(options));
    if (!made && !existed) { // never leave a half-made store that neither opens nor re-inits
        for (const char *suffix : {"", "-wal", "-shm", "-journal"})
            QFile::remove(QDir(dir).filePath(kDbFile + QLatin1String(suffix)));
    }
    return made;
}

Result<std::unique_ptr<Store>> Store::createIn(const QString &dir, const QByteArray &passcode, StoreOptions options)
{
    if (exists(dir))
        return makeError(ErrorCode::Usage, QStringLiteral("%1 already holds a Hearth store").arg(dir));
    if (options.encrypted) {
        const QString weak = checkPasscodeStrength(passcode);
        if (!weak.isEmpty())
            return makeError(ErrorCode::Usage, weak);
    }
    if (options.maxAttempts < 1)
        return makeError(ErrorCode::Usage, QStringLiteral("The wrong-passcode limit must be at least 1"));
    if (!QDir().mkpath(dir))
        return makeError(ErrorCode::Io, QStringLiteral("Cannot create the folder %1").arg(dir));

    std::unique_ptr<Store> s(new Store);
    Impl &d = *s->d;
    d.dir = dir;
    d.options = options;
    d.encrypted = options.encrypted;
    auto db = Database::open(QDir(dir).filePath(kDbFile), true);
    if (!db)
        return db.error();
    d.db = std::move(db).value();
    if (auto st = d.pragmas(); !st)
        return st.error();

    d.storeId = ids::newUuid();
    d.deviceId = QString::fromLatin1(crypto::randomBytes(8).toHex());
    QByteArray wrapped;
    if (d.encrypted) {
        d.key = crypto::randomBytes(crypto::KeySize);
        auto kek = crypto::deriveKey(passcode, options.kdf);
        if (!kek)
            return kek.error();
        auto sealed = crypto::seal(kek.value(), d.key, keyAad(d.storeId));
        crypto::wipe(kek.value());
        if (!sealed)
            return sealed.error();
        wrapped = sealed.value();
        if (options.keyProtector) {
            auto protectedKey = options.keyProtector->wrap(d.storeId, wrapped);
            if (!protectedKey)
                return protectedKey.error();
            wrapped = protectedKey.value();
        }
    }

    Transaction tx(*d.db);
    if (auto st = d.db->exec(QString::fromLatin1(kSchemaV1)); !st)
        return st.error();
    const QList<std::pair<QString, QString>> meta = {
        {QStringLiteral("schema_version"), QString::number(1)},
        {QStringLiteral("store_id"), d.storeId},
        {QStringLiteral("device_id"), d.deviceId},
        {QStringLiteral("encrypted"), d.encrypted ? QStringLiteral("1") : QStringLiteral("0")},
        {QStringLiteral("kdf"), QString::fromUtf8(compact(options.kdf.toJson()))},
        {QStringLiteral("wrapped_key"), QString::fromLatin1(wrapped.toBase64())},
        {QStringLiteral("key_protector"), options.keyProtector ? options.keyProtector->name() : QString()},
        {QStringLiteral("failed_attempts"), QStringLiteral("0")},
        {QStringLiteral("max_attempts"), QString::number(options.maxAttempts)},
        {QStringLiteral("locked_out"), QStringLiteral("0")},
        {QStringLiteral("created_ms"), QString::number(d.now())},
    };
    for (const auto &[k, v] : meta)
        if (auto st = d.setMeta(k, v); !st)
            return st.error();
    if (auto st = tx.commit(); !st)
        return st.error();
    if (auto st = d.migrate(); !st)
        return st.error();
    d.clock = HlcClock(d.deviceId);
    qCDebug(lcStore) << "created store" << d.storeId << "schema" << SchemaVersion;
    return s;
}

Status Store::Impl::unlock(const QByteArray &passcode)
{
    const QString lockedMessage = QStringLiteral("This store is locked after too many wrong passcodes. Ask your "
                                                 "administrator to reset this device; the data on the server is safe.");
    if (meta(QStringLiteral("locked_out")) == QLatin1String("1"))
        return makeError(ErrorCode::LockedOut, lockedMessage);
    const int maxAttempts = qMax(1, meta(QStringLiteral("max_attempts")).toInt());

    // The platform layer and the KDF parameters first: failures there are not passcode guesses.
    auto kdf = crypto::KdfParams::fromJson(QJsonDocument::fromJson(meta(QStringLiteral("kdf")).toUtf8()).object());
    if (!kdf)
        return kdf.error();
    QByteArray wrapped = QByteArray::fromBase64(meta(QStringLiteral("wrapped_key")).toLatin1());
    const QString protector = meta(QStringLiteral("key_protector"));
    if (!protector.isEmpty()) {
        if (!options.keyProtector || options.keyProtector->name() != protector)
            return makeError(ErrorCode::Unsupported,
                             QStringLiteral("This store is bound to the platform key store '%1', which is not "
                                            "available here")
                                 .arg(protector));
        auto inner = options.keyProtector->unwrap(storeId, wrapped);
        if (!inner)
            return inner.error();
        wrapped = inner.value();
    }

    // Count the attempt durably before trying it, in one write transaction so concurrent guesses
    // are each counted, and killing the app mid-check gives no free guess.
    int attempts = 0;
    {
        Transaction tx(*db);
        if (!tx.began())
            return makeError(ErrorCode::Io, QStringLiteral("The store is in use by another program; try again"));
        attempts = meta(QStringLiteral("failed_attempts")).toInt() + 1;
        if (meta(QStringLiteral("locked_out")) == QLatin1String("1") || attempts > maxAttempts) {
            (void)setMeta(QStringLiteral("locked_out"), QStringLiteral("1"));
            (void)tx.commit();
            return makeError(ErrorCode::LockedOut, lockedMessage);
        }
        if (auto st = setMeta(QStringLiteral("failed_attempts"), QString::number(attempts)); !st)
            return st;
        if (auto st = tx.commit(); !st)
            return st;
    }
    auto kek = crypto::deriveKey(passcode, kdf.value());
    if (!kek) {
        (void)setMeta(QStringLiteral("failed_attempts"), QString::number(attempts - 1));
        return kek.error();
    }
    auto dataKey = crypto::open(kek.value(), wrapped, keyAad(storeId));
    crypto::wipe(kek.value());
    if (!dataKey) {
        const int left = maxAttempts - attempts;
        if (left <= 0) {
            (void)setMeta(QStringLiteral("locked_out"), QStringLiteral("1"));
            return makeError(ErrorCode::LockedOut,
                             QStringLiteral("Wrong passcode. That was the last attempt: this store is now locked."));
        }
        return makeError(ErrorCode::WrongPasscode,
                         QStringLiteral("Wrong passcode (%1 attempt%2 left before this store locks)")
                             .arg(left)
                             .arg(left == 1 ? QString() : QStringLiteral("s")));
    }
    key = dataKey.value();
    cipher.reset();
    crypto::wipe(dataKey.value());
    return setMeta(QStringLiteral("failed_attempts"), QStringLiteral("0"));
}

Status Store::Impl::migrateTo(int version)
{
    if (version == 2) {
        if (auto st = db->exec(QString::fromLatin1(kSchemaV2)); !st)
            return st;
        auto rows = db->prepare("SELECT id, type, person_id, version, state FROM records");
        QList<RecordState> states;
        while (rows.step()) {
            auto l = decode(rows.text(0), rows.text(1), rows.text(2), rows.integer(3), rows.blob(4));
            if (!l)
                return l.error();
            states.append(l.value()->state);
        }
        if (!rows.ok())
            return makeError(ErrorCode::Io, rows.error());
        QList<const RecordState *> ptrs;
        for (const RecordState &r : std::as_const(states))
            ptrs << &r;
        return foldSummaries(ptrs);
    }
    if (version == 3)
        return db->exec(QString::fromLatin1(kSchemaV3));
    if (version == 4)
        return db->exec(QString::fromLatin1(kSchemaV4));
    return makeError(ErrorCode::Unsupported, QStringLiteral("No migration to schema %1").arg(version));
}

// Brings the store to SchemaVersion one step at a time, each step in its own transaction, so a
// crash mid-upgrade leaves the store at a whole earlier version. Runs after unlock: steps may
// need to decrypt.
Status Store::Impl::migrate()
{
    int version = meta(QStringLiteral("schema_version")).toInt();
    if (version > SchemaVersion)
        return makeError(ErrorCode::Unsupported,
                         QStringLiteral("This store was written by a newer version of Hearth (schema %1; this "
                                        "version reads up to %2). Update the app.")
                             .arg(version)
                             .arg(SchemaVersion));
    if (version < 1)
        return makeError(ErrorCode::Corrupt, QStringLiteral("This store has no readable schema version"));
    while (version < SchemaVersion) {
        Transaction tx(*db);
        if (!tx.began())
            return makeError(ErrorCode::Io, QStringLiteral("Cannot start the upgrade: %1").arg(db->lastError()));
        if (auto st = migrateTo(version + 1); !st)
            return makeError(
                st.error().code,
                QStringLiteral("Upgrading the store to schema %1 failed: %2").arg(version + 1).arg(st.error().message));
        if (auto st = setMeta(QStringLiteral("schema_version"), QString::number(version + 1)); !st)
            return st;
        if (auto st = tx.commit(); !st)
            return st;
        qCDebug(lcStore) << "upgraded store to schema" << version + 1;
        ++version;
    }
    return {};
}

Result<std::unique_ptr<Store>> Store::open(const QString &dir, const QByteArray &passcode, StoreOptions options)
{
    if (!exists(dir))
        return makeError(ErrorCode::NotFound, QStringLiteral("No Hearth store in %1 (run init first)").arg(dir));
    std::unique_ptr<Store> s(new Store);
    Impl &d = *s->d;
    d.dir = dir;
    d.options = options;
    auto db = Database::open(QDir(dir).filePath(kDbFile), false);
    if (!db)
        return db.error();
    d.db = std::move(db).value();
    Status readable = d.pragmas();
    if (readable)
        readable = d.db->exec(QStringLiteral("SELECT count(*) FROM meta"));
    if (!readable)
        return makeError(ErrorCode::Corrupt,
                         QStringLiteral("%1 is not a readable Hearth store: %2").arg(dir, readable.error().message));
    d.storeId = d.meta(QStringLiteral("store_id"));
    d.deviceId = d.meta(QStringLiteral("device_id"));
    d.encrypted = d.meta(QStringLiteral("encrypted")) != QLatin1String("0");
    if (d.storeId.isEmpty() || d.deviceId.isEmpty())
        return makeError(ErrorCode::Corrupt, QStringLiteral("%1 is not a readable Hearth store").arg(dir));
    // The caller says whether it expects encryption: a plaintext flag in the file must never be
    // able to switch it off.
    if (d.encrypted != options.encrypted)
        return makeError(ErrorCode::Corrupt,
                         QStringLiteral("%1's encryption setting is not what this app expects; "
                                        "the store may have been tampered with")
                             .arg(dir));
    if (d.encrypted)
        if (auto st = d.unlock(passcode); !st)
            return st.error();
    if (auto st = d.migrate(); !st)
        return st.error();

    d.clock = HlcClock(d.deviceId);
    d.refreshCounters();
    return s;
}

QString Store::deviceId() const
{
    return d->deviceId;
}
QString Store::storeId() const
{
    return d->storeId;
}
QString Store::directory() const
{
    return d->dir;
}

Status Store::changePasscode(const QByteArray &oldPasscode, const QByteArray &newPasscode)
{
    if (!d->encrypted)
        return makeError(ErrorCode::Unsupported, QStringLiteral("This store is not encrypted"));
    const QString weak = checkPasscodeStrength(newPasscode);
    if (!weak.isEmpty())
        return makeError(ErrorCode::Usage, weak);
    if (auto st = d->unlock(oldPasscode); !st)
        return st;
    crypto::KdfParams kdf = crypto::KdfParams::fresh();
    const auto oldKdf =
        crypto::KdfParams::fromJson(QJsonDocument::fromJson(d->meta(QStringLiteral("kdf")).toUtf8()).object());
    if (oldKdf) { // keep the cost the store was set up with
        kdf.n = oldKdf.value().n;
        kdf.r = oldKdf.value().r;
        kdf.p = oldKdf.value().p;
    }
    auto kek = crypto::deriveKey(newPasscode, kdf);
    if (!kek)
        return kek.error();
    auto wrapped = crypto::seal(kek.value(), d->key, keyAad(d->storeId));
    crypto::wipe(kek.value());
    if (!wrapped)
        return wrapped.error();
    QByteArray stored = wrapped.value();
    if (!d->meta(QStringLiteral("key_protector")).isEmpty()) {
        auto p = d->options.keyProtector->wrap(d->storeId, stored);
        if (!p)
            return p.error();
        stored = p.value();
    }
    Transaction tx(*d->db);
    if (auto st = d->setMeta(QStringLiteral("kdf"), QString::fromUtf8(compact(kdf.toJson()))); !st)
        return st;
    if (auto st = d->setMeta(QStringLiteral("wrapped_key"), QString::fromLatin1(stored.toBase64())); !st)
        return st;
    return tx.commit();
}

// ---- the write path ----

Result<QString> Store::Impl::applyMutation(const Mutation &m, QHash<QString, Loaded> &batch)
{
    auto fetch = [&](const QString &id) -> Result<std::optional<Loaded>> {
        if (auto it = batch.constFind(id); it != batch.cend())
            return std::optional<Loaded>(*it);
        return load(id);
    };
    ValidationContext ctx;
    ctx.reference = options.reference;
    if (options.now)
        ctx.today = QDateTime::fromMSecsSinceEpoch(now()).date();
    ctx.lookup = [&](const QString &id) -> std::optional<RecordView> {
        if (auto it = batch.constFind(id); it != batch.cend()) // by reference: keeps its values() cache
            return it->state.isDeleted()
                ? std::nullopt
                : std::optional<RecordView>(RecordView{it->state.type, it->state.personId, it->state.values()});
        auto r = fetch(id);
        if (!r || !r.value() || r.value()->state.isDeleted())
            return std::nullopt;
        const RecordState &s = r.value()->state;
        return RecordView{s.type, s.personId, s.values()};
    };

    Loaded current;
    const RecordSchema *schema = nullptr;
    Write w;
    if (m.kind == Mutation::Kind::Put) {
        schema = schema::find(m.type);
        if (!schema)
            return makeError(ErrorCode::Validation,
                             QStringLiteral("Unknown record type '%1' (known: %2)")
                                 .arg(m.type, schema::types().join(QStringLiteral(", "))));
        if (!m.id.isEmpty()) {
            if (!ids::isUuid(m.id))
                return makeError(ErrorCode::Validation, QStringLiteral("'%1' is not a record id").arg(m.id));
            auto existing = fetch(m.id);
            if (!existing)
                return existing.error();
            if (existing.value())
                return makeError(ErrorCode::Validation, QStringLiteral("Record %1 already exists").arg(m.id));
        }
        QJsonObject values = schema::normalise(*schema, m.fields);
        if (auto e = schema::checkInputFields(*schema, values); !e.isEmpty())
            return makeError(ErrorCode::Validation, QStringLiteral("The %1 was not saved").arg(m.type), e);
        for (auto it = values.begin(); it != values.end();)
            it = it.value().isNull() ? values.erase(it) : it + 1;
        // A new person joins the caseload this device was enrolled for, unless one is given.
        if (m.type == QLatin1String("person") && !values.contains(QStringLiteral("caseload"))) {
            const QString stored = meta(QStringLiteral("sync.caseload"));
            if (!stored.isEmpty())
                if (auto c = unseal(QByteArray::fromBase64(stored.toLatin1()), "hearth:sync:v1|caseload"); c)
                    values.insert(QStringLiteral("caseload"), QString::fromUtf8(c.value()));
        }
        const QString id = m.id.isEmpty() ? ids::newUuid() : m.id;
        const QString personId =
            m.type == QLatin1String("person") ? id : values.value(QStringLiteral("person_id")).toString();
        schema::derive(*schema, values, options.reference);
        ctx.creating = true;
        if (auto e = schema::validate(*schema, values, personId, ctx); !e.isEmpty())
            return makeError(ErrorCode::Validation, QStringLiteral("The %1 was not saved").arg(m.type), e);
        w.recordId = id;
        w.type = m.type;
        w.personId = personId;
        w.values = values;
    } else {
        if (!ids::isUuid(m.id))
            return makeError(ErrorCode::Usage, QStringLiteral("'%1' is not a record id").arg(m.id));
        auto loaded = fetch(m.id);
        if (!loaded)
            return loaded.error();
        if (!loaded.value())
            return makeError(ErrorCode::NotFound, QStringLiteral("No record %1").arg(m.id));
        current = *loaded.value();
        schema = schema::find(current.state.type);
        if (!schema)
            return makeError(ErrorCode::Corrupt, QStringLiteral("Record %1 has an unknown type").arg(m.id));
        w.recordId = current.state.id;
        w.type = current.state.type;
        w.personId = current.state.personId;
        const bool deleted = current.state.isDeleted();

        if (m.kind == Mutation::Kind::Edit) {
            if (schema->appendOnly)
                return makeError(ErrorCode::Validation,
                                 QStringLiteral("A %1 cannot be changed once written; add another").arg(w.type));
            if (deleted)
                return makeError(ErrorCode::NotFound, QStringLiteral("Record %1 has been deleted").arg(m.id));
            QJsonObject changes = schema::normalise(*schema, m.fields);
            if (auto e = schema::checkInputFields(*schema, changes); !e.isEmpty())
                return makeError(ErrorCode::Validation, QStringLiteral("The %1 was not changed").arg(w.type), e);
            if (changes.contains(QStringLiteral("person_id"))
                && changes.value(QStringLiteral("person_id")).toString() != w.personId)
                return makeError(
                    ErrorCode::Validation, QStringLiteral("The %1 was not changed").arg(w.type),
                    {{QStringLiteral("person_id"), QStringLiteral("cannot move a record to another person")}});
            const QJsonObject before = current.state.values();
            QJsonObject after = before;
            for (auto it = changes.begin(); it != changes.end(); ++it) {
                if (it.value().isNull())
                    after.remove(it.key());
                else
                    after.insert(it.key(), it.value());
            }
            schema::derive(*schema, after, options.reference);
            if (auto e = schema::validate(*schema, after, w.personId, ctx); !e.isEmpty())
                return makeError(ErrorCode::Validation, QStringLiteral("The %1 was not changed").arg(w.type), e);
            if (w.type == QLatin1String("assessment")
                && before.value(QStringLiteral("kind")) == QLatin1String("initial")
                && after.value(QStringLiteral("kind")) != QLatin1String("initial")) {
                auto refs = incomingReferences(w.recordId, w.personId, batch, QStringLiteral("initial_assessment_id"));
                if (!refs)
                    return refs.error();
                if (refs.value() > 0)
                    return makeError(ErrorCode::Validation, QStringLiteral("The assessment was not changed"),
                                     {{QStringLiteral("kind"),
                                       QStringLiteral("%1 later assessment(s) follow this initial one; it must stay "
                                                      "initial")
                                           .arg(refs.value())}});
            }
            QSet<QString> keys;
            for (auto it = after.begin(); it != after.end(); ++it)
                keys.insert(it.key());
            for (auto it = before.begin(); it != before.end(); ++it)
                keys.insert(it.key());
            for (const QString &k : keys) {
                // A cleared field is null in the log and absent from input: the same thing.
                const QJsonValue b = before.value(k).isUndefined() ? QJsonValue() : before.value(k);
                const QJsonValue a = after.value(k).isUndefined() ? QJsonValue() : after.value(k);
                if (b == a)
                    continue;
                w.values.insert(k, a);
                const QJsonArray parents = current.state.editParents(k);
                if (!parents.isEmpty())
                    w.parents.insert(k, parents);
            }
            if (w.values.isEmpty())
                return w.recordId; // nothing changed: no write
        } else if (m.kind == Mutation::Kind::Delete) {
            if (schema->appendOnly && !m.cascade)
                return makeError(ErrorCode::Validation,
                                 QStringLiteral("A %1 cannot be deleted; add a correcting one").arg(w.type));
            if (deleted)
                return w.recordId;
            if (w.type != QLatin1String("person") && !m.cascade) { // a person's whole record goes at once
                auto refs = incomingReferences(w.recordId, w.personId, batch);
                if (!refs)
                    return refs.error();
                if (refs.value() > 0)
                    return makeError(ErrorCode::Validation,
                                     QStringLiteral("%1 other record(s) of this person refer to this %2; delete or "
                                                    "change those first")
                                         .arg(refs.value())
                                         .arg(w.type));
            }
            // The delete records everything the deleter saw, so only unseen edits conflict with it.
            for (auto it = current.state.fields.cbegin(); it != current.state.fields.cend(); ++it)
                if (!it->heads.isEmpty())
                    w.parents.insert(it.key(), current.state.resolveParents(it.key()));
            w.values.insert(DeletedField, true);
        } else { // Resolve
            bool inConflict = false;
            for (const Conflict &c : current.state.conflicts())
                inConflict |= c.field == m.field || (m.field == DeletedField && !c.deleteClock.isEmpty());
            if (!inConflict)
                return makeError(ErrorCode::Conflict,
                                 QStringLiteral("Field '%1' of record %2 is not in conflict").arg(m.field, m.id));
            if (m.field == DeletedField) {
                if (!m.value.isBool())
                    return makeError(ErrorCode::Validation,
                                     QStringLiteral("Resolving a delete takes true (delete) "
                                                    "or false (keep the record)"));
                if (m.value.toBool())
                    for (auto it = current.state.fields.cbegin(); it != current.state.fields.cend(); ++it)
                        if (!it->heads.isEmpty())
                            w.parents.insert(it.key(), current.state.resolveParents(it.key()));
                w.parents.insert(DeletedField, current.state.resolveParents(DeletedField));
                w.values.insert(DeletedField, m.value.toBool());
            } else {
                QJsonObject changes{{m.field, m.value}};
                changes = schema::normalise(*schema, changes);
                if (auto e = schema::checkInputFields(*schema, changes); !e.isEmpty())
                    return makeError(ErrorCode::Validation, QStringLiteral("The conflict was not resolved"), e);
                const QJsonObject before = current.state.values();
                QJsonObject after = before;
                if (changes.value(m.field).isNull())
                    after.remove(m.field);
                else
                    after.insert(m.field, changes.value(m.field));
                schema::derive(*schema, after, options.reference);
                if (auto e = schema::validate(*schema, after, w.personId, ctx); !e.isEmpty())
                    return makeError(ErrorCode::Validation, QStringLiteral("The conflict was not resolved"), e);
                w.values.insert(m.field, changes.value(m.field));
                w.parents.insert(m.field, current.state.resolveParents(m.field));
                // Fields derived from the resolved one follow it, settling their own conflicts too.
                for (const FieldSpec &f : schema->fields) {
                    if (f.kind != FieldKind::Derived)
                        continue;
                    const QJsonValue a = after.value(f.name).isUndefined() ? QJsonValue() : after.value(f.name);
                    const QJsonValue b = before.value(f.name).isUndefined() ? QJsonValue() : before.value(f.name);
                    if (a != b || current.state.fields.value(f.name).inConflict()) {
                        w.values.insert(f.name, a);
                        w.parents.insert(f.name, current.state.resolveParents(f.name));
                    }
                }
            }
        }
    }

    w.device = deviceId;
    w.seq = lastSeq + 1;
    w.hlc = clock.tick(now()).toString();
    current.state.apply(w, [this](const QString &h) { return hasWrite(h); });
    current.version += 1;
    if (auto st = append(w, false); !st)
        return st.error();
    if (auto st = save(current.state, current.version); !st)
        return st.error();
    lastSeq = w.seq;
    batch.insert(w.recordId, current);
    return w.recordId;
}

Result<QStringList> Store::commit(const QList<Mutation> &mutations)
{
    const qint64 seqBefore = d->lastSeq;
    const HlcClock clockBefore = d->clock;
    Transaction tx(*d->db);
    if (!tx.began())
        return makeError(ErrorCode::Io, QStringLiteral("Cannot start a transaction: %1").arg(d->db->lastError()));
    d->refreshCounters();
    // Deleting a person deletes everything of theirs, children first, in the same transaction.
    QList<Mutation> expanded;
    for (const Mutation &m : mutations) {
        if (m.kind == Mutation::Kind::Delete && ids::isUuid(m.id)) {
            auto rows = d->db->prepare("SELECT id FROM records WHERE person_id = ?1 AND id <> ?1 AND deleted = 0 "
                                       "AND EXISTS (SELECT 1 FROM records p WHERE p.id = ?1 AND p.type = 'person')");
            rows.bind(1, m.id);
            while (rows.step()) {
                Mutation child = Mutation::remove(rows.text(0));
                child.cascade = true;
                expanded << child;
            }
        }
        expanded << m;
    }
    QHash<QString, Impl::Loaded> batch;
    QStringList ids;
    auto rollback = [&](Error e) {
        d->lastSeq = seqBefore;
        d->clock = clockBefore;
        return e;
    };
    for (qsizetype i = 0; i < expanded.size(); ++i) {
        auto r = d->applyMutation(expanded[i], batch);
        if (!r) {
            Error e = r.error();
            if (expanded.size() > 1)
                e.message = QStringLiteral("Change %1 of %2: %3").arg(i + 1).arg(expanded.size()).arg(e.message);
            return rollback(e);
        }
        if (!expanded[i].cascade)
            ids << r.value();
    }
    QList<const RecordState *> changed;
    for (auto it = batch.cbegin(); it != batch.cend(); ++it)
        changed << &it->state;
    if (auto st = d->foldSummaries(changed); !st)
        return rollback(st.error());
    if (auto st = tx.commit(); !st)
        return rollback(st.error());
    return ids;
}

Result<QString> Store::put(const QString &type, const QJsonObject &fields)
{
    auto r = commit({Mutation::put(type, fields)});
    if (!r)
        return r.error();
    return r.value().first();
}

Status Store::edit(const QString &id, const QJsonObject &fields)
{
    auto r = commit({Mutation::edit(id, fields)});
    return r ? Status() : Status(r.error());
}

Status Store::remove(const QString &id)
{
    auto r = commit({Mutation::remove(id)});
    return r ? Status() : Status(r.error());
}

Status Store::resolve(const QString &id, const QString &field, const QJsonValue &value)
{
    auto r = commit({Mutation::resolve(id, field, value)});
    return r ? Status() : Status(r.error());
}

// ---- sync support ----

Result<QList<Write>> Store::pendingWrites(int limit, bool decodeValues) const
{
    auto st = d->db->prepare("SELECT device, seq, hlc, record_id, type, person_id, payload, sent FROM writes "
                             "WHERE sent = 0 AND device = ?1 ORDER BY seq LIMIT ?2");
    st.bind(1, d->deviceId).bind(2, qint64(limit));
    QList<Write> out;
    while (st.step()) {
        auto w = d->decodeWrite(st, decodeValues);
        if (!w)
            return w.error();
        out.append(std::move(w).value());
    }
    if (!st.ok())
        return makeError(ErrorCode::Io, st.error());
    return out;
}

Result<qint64> Store::pendingCount() const
{
    auto st = d->db->prepare("SELECT count(*) FROM writes WHERE sent = 0");
    if (!st.step())
        return makeError(ErrorCode::Io, st.error());
    return st.integer(0);
}

Result<qint64> Store::pendingCountForPerson(const QString &personId) const
{
    auto st = d->db->prepare("SELECT count(*) FROM writes WHERE sent = 0 AND person_id = ?1");
    st.bind(1, personId);
    if (!st.step())
        return makeError(ErrorCode::Io, st.error());
    return st.integer(0);
}

Status Store::markSent(const QList<WriteId> &ids)
{
    Transaction tx(*d->db);
    for (const WriteId &id : ids) {
        auto st = d->db->prepare("UPDATE writes SET sent = 1 WHERE device = ?1 AND seq = ?2");
        st.bind(1, id.device).bind(2, id.seq);
        st.step();
        if (!st.ok())
            return makeError(ErrorCode::Io, st.error());
    }
    return tx.commit();
}

Result<int> Store::applyRemote(const QList<Write> &writes, const QList<std::pair<QString, QString>> &settings)
{
    Transaction tx(*d->db);
    if (!tx.began())
        return makeError(ErrorCode::Io, QStringLiteral("Cannot start a transaction: %1").arg(d->db->lastError()));
    QHash<QString, Impl::Loaded> batch;
    QSet<QString> batchClocks;
    int fresh = 0;
    for (const Write &w : writes) {
        auto dup = d->db->prepare("SELECT hlc FROM writes WHERE device = ?1 AND seq = ?2");
        dup.bind(1, w.device).bind(2, w.seq);
        if (dup.step()) {
            if (dup.text(0) != w.hlc)
                return makeError(
                    ErrorCode::Corrupt,
                    QStringLiteral("Write %1/%2 arrived twice with different contents").arg(w.device).arg(w.seq));
            continue; // re-delivery: a no-op
        }
        if (batchClocks.contains(w.hlc))
            continue;
        if (!schema::find(w.type))
            return makeError(ErrorCode::Unsupported,
                             QStringLiteral("A write has record type '%1', which this version does not know; update "
                                            "the app")
                                 .arg(w.type));
        auto it = batch.find(w.recordId);
        if (it == batch.end()) {
            auto l = d->load(w.recordId);
            if (!l)
                return l.error();
            it = batch.insert(w.recordId, l.value() ? *l.value() : Impl::Loaded{});
        }
        Impl::Loaded &current = *it;
        if (!current.state.id.isEmpty() && (current.state.type != w.type || current.state.personId != w.personId))
            return makeError(ErrorCode::Corrupt,
                             QStringLiteral("Write %1/%2 does not match record %3's type or person")
                                 .arg(w.device)
                                 .arg(w.seq)
                                 .arg(w.recordId));
        current.state.apply(w, [&](const QString &h) { return batchClocks.contains(h) || d->hasWrite(h); });
        current.version += 1;
        if (auto st = d->append(w, true); !st)
            return st.error();
        batchClocks.insert(w.hlc);
        Hlc h;
        if (Hlc::parse(w.hlc, &h))
            d->clock.observe(h);
        ++fresh;
    }
    // Each record is sealed and saved once, after the page's last write to it (its version still
    // counts every write, as a write at a time would have).
    QList<const RecordState *> changed;
    for (auto it = batch.cbegin(); it != batch.cend(); ++it) {
        if (auto st = d->save(it->state, it->version); !st)
            return st.error();
        changed << &it->state;
    }
    if (auto st = d->foldSummaries(changed); !st)
        return st.error();
    for (const auto &[k, v] : settings)
        if (auto st = setSyncValue(k, v); !st)
            return st.error();
    if (auto st = tx.commit(); !st)
        return st.error();
    return fresh;
}

Result<QString> Store::syncValue(const QString &key) const
{
    const QString stored = d->meta(QStringLiteral("sync.") + key);
    if (stored.isEmpty())
        return QString();
    auto plain = d->unseal(QByteArray::fromBase64(stored.toLatin1()), ("hearth:sync:v1|" + key).toUtf8());
    if (!plain)
        return makeError(ErrorCode::Corrupt, QStringLiteral("Sync setting '%1' is unreadable").arg(key));
    return QString::fromUtf8(plain.value());
}

Status Store::setSyncValue(const QString &key, const QString &value)
{
    auto sealed = d->seal(value.toUtf8(), ("hearth:sync:v1|" + key).toUtf8());
    if (!sealed)
        return sealed.error();
    return d->setMeta(QStringLiteral("sync.") + key, QString::fromLatin1(sealed.value().toBase64()));
}

Status Store::markRejected(const QList<Rejection> &rejections)
{
    Transaction tx(*d->db);
    for (const Rejection &r : rejections) {
        auto up = d->db->prepare("UPDATE writes SET sent = 2 WHERE device = ?1 AND seq = ?2");
        up.bind(1, r.id.device).bind(2, r.id.seq);
        up.step();
        auto ins = d->db->prepare(
            "INSERT OR REPLACE INTO rejected(device, seq, code, reason, at_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
        ins.bind(1, r.id.device).bind(2, r.id.seq).bind(3, r.code).bind(4, r.reason).bind(5, d->now());
        ins.step();
        if (!up.ok() || !ins.ok())
            return makeError(ErrorCode::Io,
                             QStringLiteral("Cannot record a refused change: %1").arg(d->db->lastError()));
    }
    return tx.commit();
}

Result<QList<Store::RejectedWrite>> Store::rejectedWrites() const
{
    auto st = d->db->prepare(
        "SELECT w.device, w.seq, w.hlc, w.record_id, w.type, w.person_id, w.payload, w.sent, r.code, r.reason "
        "FROM writes w JOIN rejected r ON r.device = w.device AND r.seq = w.seq ORDER BY w.seq");
    QList<RejectedWrite> out;
    while (st.step()) {
        auto w = d->decodeWrite(st);
        if (!w)
            return w.error();
        out.append(RejectedWrite{std::move(w).value(), st.text(8), st.text(9)});
    }
    if (!st.ok())
        return makeError(ErrorCode::Io, st.error());
    return out;
}

Status Store::discardRejected(const QList<WriteId> &ids)
{
    Transaction tx(*d->db);
    QSet<QString> touched;
    for (const WriteId &id : ids) {
        auto find = d->db->prepare("SELECT record_id FROM writes WHERE device = ?1 AND seq = ?2 AND sent = 2");
        find.bind(1, id.device).bind(2, id.seq);
        if (!find.step())
            return makeError(
                ErrorCode::NotFound,
                QStringLiteral("Change %1/%2 is not in the could-not-sync list").arg(id.device).arg(id.seq));
        touched.insert(find.text(0));
        for (const char *sql : {"DELETE FROM writes WHERE device = ?1 AND seq = ?2",
                                "DELETE FROM rejected WHERE device = ?1 AND seq = ?2"}) {
            auto del = d->db->prepare(sql);
            del.bind(1, id.device).bind(2, id.seq);
            del.step();
            if (!del.ok())
                return makeError(ErrorCode::Io, del.error());
        }
    }
    // The state is a function of the writes held: rebuild each touched record from what remains.
    QList<RecordState> rebuilt;
    for (const QString &recordId : std::as_const(touched)) {
        auto ws = d->db->prepare("SELECT device, seq, hlc, record_id, type, person_id, payload, sent FROM writes "
                                 "WHERE record_id = ?1");
        ws.bind(1, recordId);
        RecordState state;
        QSet<QString> seen;
        qint64 count = 0;
        while (ws.step()) {
            auto w = d->decodeWrite(ws);
            if (!w)
                return w.error();
            state.apply(w.value(), [&](const QString &h) { return seen.contains(h); });
            seen.insert(w.value().hlc);
            ++count;
        }
        auto old = d->load(recordId);
        if (!old)
            return old.error();
        if (count == 0) {
            auto del = d->db->prepare("DELETE FROM records WHERE id = ?1");
            del.bind(1, recordId);
            del.step();
            if (old.value()) { // fold the record's absence: a deleted stand-in
                RecordState gone = old.value()->state;
                gone.fields.clear();
                gone.fields[DeletedField].heads.append(Head{QStringLiteral("0"), true, {}});
                rebuilt.append(gone);
            }
            continue;
        }
        if (auto st = d->save(state, (old.value() ? old.value()->version : 0) + 1); !st)
            return st;
        rebuilt.append(state);
    }
    QList<const RecordState *> changed;
    for (const RecordState &r : std::as_const(rebuilt))
        changed << &r;
    if (auto st = d->foldSummaries(changed); !st)
        return st;
    return tx.commit();
}

Status Store::purgePerson(const QString &personId)
{
    auto rej = d->db->prepare("SELECT count(*) FROM writes WHERE sent = 2 AND person_id = ?1");
    rej.bind(1, personId);
    if (rej.step() && rej.integer(0) > 0)
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("%1 change(s) for this person could not be synced; they "
                                        "are kept until handed over or discarded")
                             .arg(rej.integer(0)));
    auto pending = pendingCountForPerson(personId);
    if (!pending)
        return pending.error();
    if (pending.value() > 0)
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("%1 change(s) for this person have not reached the "
                                        "server; they are kept until handed over or discarded")
                             .arg(pending.value()));
    Transaction tx(*d->db);
    for (const char *sql : {"DELETE FROM records WHERE person_id = ?1", "DELETE FROM writes WHERE person_id = ?1",
                            "DELETE FROM person_summary WHERE person_id = ?1"}) {
        auto st = d->db->prepare(sql);
        st.bind(1, personId);
        st.step();
        if (!st.ok())
            return makeError(ErrorCode::Io, st.error());
    }
    return tx.commit();
}

// ---- reading ----

Store::Reader::Reader() : d(std::make_unique<Impl>()) {}
Store::Reader::~Reader()
{
    crypto::wipe(d->key);
}

Result<std::unique_ptr<Store::Reader>> Store::reader() const
{
    auto db = Database::open(QDir(d->dir).filePath(kDbFile), false, true);
    if (!db)
        return db.error();
    std::unique_ptr<Reader> r(new Reader);
    r->d->db = std::move(db).value();
    r->d->dir = d->dir;
    r->d->key = d->key;
    r->d->encrypted = d->encrypted;
    r->d->storeId = d->storeId;
    r->d->deviceId = d->deviceId;
    return r;
}

Result<QList<CaseloadEntry>> Store::Reader::caseload(const QDate &today) const
{
    auto st = d->db->prepare("SELECT person_id, version, blob FROM person_summary");
    QList<CaseloadEntry> out;
    while (st.step()) {
        const QString person = st.text(0);
        auto plain = d->unseal(st.blob(2), summaryAad(person, st.integer(1)));
        if (!plain)
            return makeError(ErrorCode::Corrupt,
                             QStringLiteral("The caseload summary of %1 cannot be decrypted: %2")
                                 .arg(person, plain.error().message));
        const QJsonObject sum = QJsonDocument::fromJson(plain.value()).object();
        const QJsonObject p = sum.value(QStringLiteral("p")).toObject();
        if (p.isEmpty() || p.value(QStringLiteral("x")).toBool())
            continue; // deleted, or records whose person has not arrived yet
        out.append(caseloadEntry(person, sum, today));
    }
    if (!st.ok())
        return makeError(ErrorCode::Io, QStringLiteral("Cannot read the caseload: %1").arg(st.error()));
    return out;
}

Result<Record> Store::Reader::get(const QString &id) const
{
    auto l = d->load(id);
    if (!l)
        return l.error();
    if (!l.value())
        return makeError(ErrorCode::NotFound, QStringLiteral("No record %1").arg(id));
    return d->toRecord(*l.value());
}

Result<Record> Store::get(const QString &id) const
{
    auto l = d->load(id);
    if (!l)
        return l.error();
    if (!l.value())
        return makeError(ErrorCode::NotFound, QStringLiteral("No record %1").arg(id));
    return d->toRecord(*l.value());
}

namespace {

template<typename Fn>
Status scanRecords(Query &st, const Fn &fn)
{
    while (st.step())
        if (auto s = fn(st); !s)
            return s;
    if (!st.ok())
        return makeError(ErrorCode::Io, QStringLiteral("Cannot read the store: %1").arg(st.error()));
    return {};
}

} // namespace

Result<QList<Record>> Store::Reader::list(const QString &type, bool includeDeleted) const
{
    return d->list(type, includeDeleted);
}

Result<QList<Record>> Store::list(const QString &type, bool includeDeleted) const
{
    return d->list(type, includeDeleted);
}

Result<QList<Record>> Store::Impl::list(const QString &type, bool includeDeleted) const
{
    // Filtered after decryption, not on the plaintext `deleted` column, so editing that column
    // cannot hide a live record: a row whose column disagrees with its authenticated state is
    // reported as tampered.
    auto st = type.isEmpty()
        ? db->prepare("SELECT id, type, person_id, version, state, deleted FROM records ORDER BY id")
        : db->prepare(
            "SELECT id, type, person_id, version, state, deleted FROM records WHERE type = ?1 ORDER BY id");
    if (!type.isEmpty())
        st.bind(1, type);
    QList<Record> out;
    auto s = scanRecords(st, [&](Query &row) -> Status {
        auto l = decode(row.text(0), row.text(1), row.text(2), row.integer(3), row.blob(4));
        if (!l)
            return l.error();
        const bool deleted = l.value()->state.isDeleted();
        if (deleted != (row.integer(5) != 0))
            return makeError(ErrorCode::Corrupt,
                             QStringLiteral("Record %1's deletion flag was altered outside Hearth").arg(row.text(0)));
        if (includeDeleted || !deleted)
            out.append(toRecord(*l.value()));
        return {};
    });
    if (!s)
        return s.error();
    return out;
}

Result<QList<Record>> Store::listForPerson(const QString &personId) const
{
    auto st = d->db->prepare(
        "SELECT id, type, person_id, version, state FROM records WHERE person_id = ?1 AND deleted = 0 ORDER BY id");
    st.bind(1, personId);
    QList<Record> out;
    auto s = scanRecords(st, [&](Query &row) -> Status {
        auto l = d->decode(row.text(0), row.text(1), row.text(2), row.integer(3), row.blob(4));
        if (!l)
            return l.error();
        out.append(d->toRecord(*l.value()));
        return {};
    });
    if (!s)
        return s.error();
    return out;
}

Result<QList<Record>> Store::conflicted() const
{
    auto st =
        d->db->prepare("SELECT id, type, person_id, version, state FROM records WHERE conflicted = 1 ORDER BY id");
    QList<Record> out;
    auto s = scanRecords(st, [&](Query &row) -> Status {
        auto l = d->decode(row.text(0), row.text(1), row.text(2), row.integer(3), row.blob(4));
        if (!l)
            return l.error();
        out.append(d->toRecord(*l.value()));
        return {};
    });
    if (!s)
        return s.error();
    return out;
}

Result<int> Store::count(const QString &type) const
{
    auto st = type.isEmpty() ? d->db->prepare("SELECT count(*) FROM records WHERE deleted = 0")
                             : d->db->prepare("SELECT count(*) FROM records WHERE deleted = 0 AND type = ?1");
    if (!type.isEmpty())
        st.bind(1, type);
    if (!st.step())
        return makeError(ErrorCode::Io, QStringLiteral("Cannot count records: %1").arg(st.error()));
    return int(st.integer(0));
}

Result<QByteArray> Store::exportCanonical() const
{
    auto st = d->db->prepare("SELECT id, type, person_id, version, state FROM records ORDER BY id");
    QByteArray out("{\"format\":\"hearth.export\",\"records\":[");
    bool first = true;
    auto s = scanRecords(st, [&](Query &row) -> Status {
        auto l = d->decode(row.text(0), row.text(1), row.text(2), row.integer(3), row.blob(4));
        if (!l)
            return l.error();
        if (!first)
            out += ',';
        first = false;
        out += compact(l.value()->state.exportJson());
        return {};
    });
    if (!s)
        return s.error();
    out += "],\"version\":1}\n";
    return out;
}

Result<QString> Store::hash() const
{
    auto e = exportCanonical();
    if (!e)
        return e.error();
    return QString::fromLatin1(crypto::sha256(e.value()).toHex());
}

Status Store::forEachWrite(const std::function<void(const Write &, bool)> &fn) const
{
    auto st =
        d->db->prepare("SELECT device, seq, hlc, record_id, type, person_id, payload, sent FROM writes ORDER BY rowid");
    return scanRecords(st, [&](Query &row) -> Status {
        auto w = d->decodeWrite(row);
        if (!w)
            return w.error();
        fn(w.value(), row.integer(7) != 0);
        return {};
    });
}

Result<qint64> Store::writeCount() const
{
    auto st = d->db->prepare("SELECT count(*) FROM writes");
    if (!st.step())
        return makeError(ErrorCode::Io, QStringLiteral("Cannot count the log: %1").arg(st.error()));
    return st.integer(0);
}

Result<QStringList> Store::verifyAgainstLog() const
{
    // The file itself first: a damaged page may still decode where it is read through an index.
    auto check = d->db->prepare("PRAGMA quick_check");
    if (!check.step() || check.text(0) != QLatin1String("ok"))
        return makeError(
            ErrorCode::Corrupt,
            QStringLiteral("The store's database file is damaged: %1").arg(check.ok() ? check.text(0) : check.error()));
    // Replayed in clock order, not arrival order: the result must not depend on it.
    auto st = d->db->prepare(
        "SELECT device, seq, hlc, record_id, type, person_id, payload, sent FROM writes ORDER BY hlc DESC");
    QHash<QString, RecordState> replay;
    QHash<QString, QSet<QString>> applied;
    auto s = scanRecords(st, [&](Query &row) -> Status {
        auto w = d->decodeWrite(row);
        if (!w)
            return w.error();
        QSet<QString> &seen = applied[w.value().recordId];
        replay[w.value().recordId].apply(w.value(), [&](const QString &h) { return seen.contains(h); });
        seen.insert(w.value().hlc);
        return {};
    });
    if (!s)
        return s.error();
    QStringList differing;
    auto rows = d->db->prepare("SELECT id, type, person_id, version, state FROM records ORDER BY id");
    QSet<QString> stored;
    s = scanRecords(rows, [&](Query &row) -> Status {
        auto l = d->decode(row.text(0), row.text(1), row.text(2), row.integer(3), row.blob(4));
        if (!l)
            return l.error();
        const QString id = row.text(0);
        stored.insert(id);
        if (!replay.contains(id) || replay.value(id).encode() != l.value()->state.encode())
            differing << id;
        return {};
    });
    if (!s)
        return s.error();
    for (auto it = replay.cbegin(); it != replay.cend(); ++it)
        if (!stored.contains(it.key()))
            differing << it.key();
    return differing;
}

} // namespace hearth
