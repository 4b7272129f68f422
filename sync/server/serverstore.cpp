#include "serverstore.h"

#include "postgresserverstore.h"
#include "sqliteserverstore.h"

namespace hearth::server {

Result<std::unique_ptr<ServerStore>> ServerStore::open(const QString &url, const QString &dataDir)
{
    if (url.isEmpty() || url == QLatin1String("sqlite:")) {
        auto s = SqliteServerStore::open(dataDir);
        if (!s)
            return s.error();
        return std::unique_ptr<ServerStore>(std::move(s).value());
    }
    if (url.startsWith(QLatin1String("postgresql://")) || url.startsWith(QLatin1String("postgres://"))) {
        auto s = PostgresServerStore::open(url);
        if (!s)
            return s.error();
        return std::unique_ptr<ServerStore>(std::move(s).value());
    }
    // Only the scheme is echoed: the rest of a URL may hold a password.
    const QString scheme = url.section(QLatin1Char(':'), 0, 0);
    return makeError(ErrorCode::Usage,
                     QStringLiteral("Unknown database URL scheme '%1': leave it empty (or 'sqlite:') for the built-in "
                                    "SQLite store, or give postgresql://user:password@host:port/database")
                         .arg(scheme.left(32)));
}

namespace detail {

Result<int> appendWrites(const QList<Write> &writes, AppendTarget &target)
{
    auto last = target.lastSeq();
    if (!last)
        return last.error();
    qint64 seq = last.value();
    // Each touched record is loaded once and saved once, after the batch's last write to it.
    QHash<QString, RecordState> states;
    QStringList touched;
    int fresh = 0;
    for (const Write &w : writes) {
        // Only for error messages: formatting it for every write of a batch showed in profiles.
        const auto name = [&w] { return QStringLiteral("%1/%2").arg(w.device).arg(w.seq); };
        if (w.device.isEmpty() || w.seq < 1 || w.hlc.isEmpty() || w.recordId.isEmpty() || w.type.isEmpty())
            return makeError(ErrorCode::Corrupt,
                             QStringLiteral("Write %1 is incomplete: it needs a device, a sequence number, a clock, "
                                            "a record and a type")
                                 .arg(name()));
        auto held = target.stored(w);
        if (!held)
            return held.error();
        bool duplicate = false;
        for (const StoredKey &k : held.value()) {
            if (k.device == w.device && k.dseq == w.seq) {
                if (k.hlc != w.hlc)
                    return makeError(ErrorCode::Corrupt,
                                     QStringLiteral("Write %1 arrived again with different contents").arg(name()));
                duplicate = true; // re-delivery: a no-op
            } else {
                return makeError(
                    ErrorCode::Corrupt,
                    QStringLiteral("Write %1 reuses the clock of write %2/%3").arg(name(), k.device).arg(k.dseq));
            }
        }
        if (duplicate)
            continue;

        auto it = states.find(w.recordId);
        if (it == states.end()) {
            auto loaded = target.loadRecord(w.recordId);
            if (!loaded)
                return loaded.error();
            it = states.insert(w.recordId, loaded.value() ? *loaded.value() : RecordState{});
            touched << w.recordId;
        }
        RecordState &state = *it;
        if (!state.id.isEmpty() && (state.type != w.type || state.personId != w.personId))
            return makeError(
                ErrorCode::Corrupt,
                QStringLiteral("Write %1 does not match record %2's type or person").arg(name(), w.recordId));
        if (auto st = target.insertWrite(++seq, w); !st)
            return st.error();
        // seen() cannot fail, so a database error inside it is carried out by hand.
        std::optional<Error> seenError;
        state.apply(w, [&](const QString &hlc) {
            auto known = target.hasClock(hlc);
            if (!known) {
                if (!seenError)
                    seenError = known.error();
                return false;
            }
            return known.value();
        });
        if (seenError)
            return *seenError;
        ++fresh;
    }
    for (const QString &id : std::as_const(touched)) {
        const RecordState &state = states[id];
        if (auto st = target.saveRecord(state); !st)
            return st.error();
        if (state.type != QLatin1String("person"))
            continue;
        const QJsonValue caseload = state.value(QStringLiteral("caseload"));
        const std::optional<QString> value =
            caseload.isString() && !caseload.toString().isEmpty() ? std::optional(caseload.toString()) : std::nullopt;
        if (auto st = target.savePerson(state.id, value, state.isDeleted()); !st)
            return st.error();
    }
    return fresh;
}

} // namespace detail

} // namespace hearth::server
