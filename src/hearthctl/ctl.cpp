#include "ctl.h"

#include "careplandocument.h"
#include "demodata.h"
#include "desktop/filekeyprotector.h"
#include "referencedata.h"
#include "store.h"
#include "syncengine.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <cstdio>
#include <optional>
#include <unistd.h>

namespace hearth::ctl {

namespace {

const char *const kUsage = R"(Commands:
  init [--max-attempts N]          create an encrypted store in --store
  put TYPE --json OBJ              add a record; prints its id
  edit ID --json OBJ               change fields (null clears a field)
  delete ID                        delete a record (kept as a tombstone in the log)
  get ID                           one record as JSON, with any conflicts
  list [TYPE]                      live records as JSON lines
  conflicts                        records with conflicts as JSON lines
  caseload [--filter F] [--search T]  the caseload as JSON lines (F: all open awaiting overdue reviews closed)
  resolve ID FIELD --json VALUE    settle a conflict (FIELD _deleted: true deletes, false keeps)
  export                           canonical JSON of the whole state
  hash                             SHA-256 of export
  log                              the revision log as JSON lines
  verify                           rebuild state from the log and compare
  passcode                         change the passcode (new one from HEARTH_NEW_PASSCODE or --new-passcode-file)
  batch --file F                   apply JSON lines {"op":"put|edit|delete","type","id","fields"} in one transaction
  enrol --server URL --user U --password-file F [--pin PIN]   enrol this device with hearth-server
  repoint --server URL [--pin PIN]  point an enrolled device at the server's new address
  sync                             push pending changes, pull until caught up (JSON summary)
  rejected                         the could-not-sync list (changes the server refused), JSON lines
  discard DEVICE SEQ               drop one refused change (after handing it over)
  seed --people N [--seed S]       add a synthetic demo caseload (invented people)
  careplan PERSON --audience person|professional [--professional NAME_OR_KIND] --out FILE.pdf
                                   the person's care plan as PDF; a professional copy holds only what the person
                                   agreed to share (--worker-name/--worker-phone: the link worker to print)
  write-loop --count N             (crash tests) one put per transaction, printing "ack ID" after each commit
Passcode: HEARTH_PASSCODE or --passcode-file.
Exit codes: 0 ok, 2 usage, 3 validation, 4 wrong passcode, 5 locked out, 6 not found, 7 corrupt or tampered,
8 I/O (or the store is busy), 9 conflict, 10 unsupported (newer store, missing platform key), 11 network, 12 refused.)";

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

int fail(const Error &e)
{
    QTextStream err(stderr);
    err << "hearthctl: " << e.toString() << Qt::endl;
    return int(e.code);
}

int usage(const QString &msg)
{
    return fail(makeError(ErrorCode::Usage, msg + QStringLiteral("\nRun hearthctl --help for usage.")));
}

Result<QByteArray> readSecret(const QString &envName, const QString &file, const QString &what)
{
    if (!file.isEmpty()) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return makeError(ErrorCode::Usage, QStringLiteral("Cannot read the %1 file %2").arg(what, file));
        QByteArray s = f.readAll();
        while (s.endsWith('\n') || s.endsWith('\r'))
            s.chop(1);
        return s;
    }
    const QByteArray env = qgetenv(envName.toLatin1().constData());
    if (env.isEmpty())
        return makeError(ErrorCode::Usage, QStringLiteral("No %1: set %2 or pass the file option").arg(what, envName));
    return env;
}

Result<QJsonValue> parseJsonValue(const QString &text)
{
    // Wrapped so scalars ("\"x\"", 3, true) parse as well as objects.
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson("[" + text.toUtf8() + "]", &perr);
    if (perr.error != QJsonParseError::NoError || doc.array().size() != 1)
        return makeError(ErrorCode::Usage, QStringLiteral("--json is not valid JSON: %1").arg(perr.errorString()));
    return doc.array().first();
}

Result<QJsonObject> parseJsonObject(const QString &text)
{
    auto v = parseJsonValue(text);
    if (!v)
        return v.error();
    if (!v.value().isObject())
        return makeError(ErrorCode::Usage, QStringLiteral("--json must be a JSON object of fields"));
    return v.value().toObject();
}

QJsonObject recordJson(const Record &r)
{
    QJsonArray conflicts;
    for (const Conflict &c : r.conflicts) {
        QJsonArray heads;
        for (const Head &h : c.heads)
            heads.append(QJsonObject{{QStringLiteral("hlc"), h.hlc}, {QStringLiteral("value"), h.value}});
        QJsonObject co{{QStringLiteral("field"), c.field}, {QStringLiteral("heads"), heads}};
        if (!c.deleteClock.isEmpty())
            co.insert(QStringLiteral("delete"), c.deleteClock);
        conflicts.append(co);
    }
    QJsonObject o{{QStringLiteral("id"), r.id},
                  {QStringLiteral("type"), r.type},
                  {QStringLiteral("person"), r.personId},
                  {QStringLiteral("deleted"), r.deleted},
                  {QStringLiteral("version"), double(r.version)},
                  {QStringLiteral("values"), r.values}};
    if (!conflicts.isEmpty())
        o.insert(QStringLiteral("conflicts"), conflicts);
    return o;
}

QString line(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

Result<QList<Mutation>> readBatch(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Usage, QStringLiteral("Cannot read %1").arg(path));
    QList<Mutation> out;
    int n = 0;
    while (!f.atEnd()) {
        const QByteArray raw = f.readLine().trimmed();
        ++n;
        if (raw.isEmpty())
            continue;
        QJsonParseError perr;
        const QJsonObject o = QJsonDocument::fromJson(raw, &perr).object();
        if (perr.error != QJsonParseError::NoError)
            return makeError(ErrorCode::Usage,
                             QStringLiteral("%1 line %2: %3").arg(path).arg(n).arg(perr.errorString()));
        const QString op = o.value(QStringLiteral("op")).toString();
        const QString id = o.value(QStringLiteral("id")).toString();
        const QJsonObject fields = o.value(QStringLiteral("fields")).toObject();
        if (!(o.value(QStringLiteral("id")).isString() || o.value(QStringLiteral("id")).isUndefined())
            || !(o.value(QStringLiteral("fields")).isObject() || o.value(QStringLiteral("fields")).isUndefined())
            || !(o.value(QStringLiteral("type")).isString() || o.value(QStringLiteral("type")).isUndefined()))
            return makeError(ErrorCode::Usage,
                             QStringLiteral("%1 line %2: id and type must be text, fields an object").arg(path).arg(n));
        if (op == QLatin1String("put"))
            out << Mutation::put(o.value(QStringLiteral("type")).toString(), fields, id);
        else if (op == QLatin1String("edit"))
            out << Mutation::edit(id, fields);
        else if (op == QLatin1String("delete"))
            out << Mutation::remove(id);
        else
            return makeError(ErrorCode::Usage,
                             QStringLiteral("%1 line %2: op must be put, edit or delete").arg(path).arg(n));
    }
    return out;
}

} // namespace

int run(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Hearth headless device: drive an encrypted Hearth store from the "
                                               "command line.\n\n")
                                + QString::fromLatin1(kUsage));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("command"), QStringLiteral("What to do (see above)"));
    const QCommandLineOption storeOpt(QStringLiteral("store"), QStringLiteral("The store's folder"),
                                      QStringLiteral("DIR"));
    const QCommandLineOption passFileOpt(QStringLiteral("passcode-file"), QStringLiteral("Read the passcode from F"),
                                         QStringLiteral("F"));
    const QCommandLineOption newPassFileOpt(QStringLiteral("new-passcode-file"),
                                            QStringLiteral("Read the new passcode from F"), QStringLiteral("F"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("JSON fields or value"),
                                     QStringLiteral("JSON"));
    const QCommandLineOption fileOpt(QStringLiteral("file"), QStringLiteral("Input file"), QStringLiteral("F"));
    const QCommandLineOption countOpt(QStringLiteral("count"), QStringLiteral("How many"), QStringLiteral("N"));
    const QCommandLineOption maxAttemptsOpt(QStringLiteral("max-attempts"),
                                            QStringLiteral("Wrong passcodes before lock-out (default 10)"),
                                            QStringLiteral("N"));
    const QCommandLineOption kdfOpt(QStringLiteral("kdf-n"),
                                    QStringLiteral("scrypt cost N, a power of two (default 32768; lower only for "
                                                   "test fixtures)"),
                                    QStringLiteral("N"));
    const QCommandLineOption keyDirOpt(QStringLiteral("key-dir"),
                                       QStringLiteral("Bind the store to a device key kept in DIR (desktop key store)"),
                                       QStringLiteral("DIR"));
    const QCommandLineOption assetsOpt(QStringLiteral("assets"), QStringLiteral("Reference data folder"),
                                       QStringLiteral("DIR"));
    const QCommandLineOption peopleOpt(QStringLiteral("people"), QStringLiteral("seed: how many people"),
                                       QStringLiteral("N"));
    const QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("seed: random seed"), QStringLiteral("S"));
    const QCommandLineOption filterOpt(QStringLiteral("filter"), QStringLiteral("caseload: which people"),
                                       QStringLiteral("F"));
    const QCommandLineOption searchOpt(QStringLiteral("search"), QStringLiteral("caseload: name or CHI"),
                                       QStringLiteral("T"));
    const QCommandLineOption serverOpt(QStringLiteral("server"), QStringLiteral("enrol: https://host:port"),
                                       QStringLiteral("URL"));
    const QCommandLineOption userOpt(QStringLiteral("user"), QStringLiteral("enrol: user name"), QStringLiteral("U"));
    const QCommandLineOption passwordFileOpt(QStringLiteral("password-file"), QStringLiteral("enrol: password file"),
                                             QStringLiteral("F"));
    const QCommandLineOption pinOpt(QStringLiteral("pin"), QStringLiteral("enrol: server key pin sha256/..."),
                                    QStringLiteral("PIN"));
    const QCommandLineOption includeDeletedOpt(QStringLiteral("include-deleted"),
                                               QStringLiteral("list: include deleted records"));
    for (const auto &o : {storeOpt, passFileOpt, newPassFileOpt, jsonOpt, fileOpt, countOpt, maxAttemptsOpt, kdfOpt,
                          keyDirOpt, assetsOpt, includeDeletedOpt, peopleOpt, seedOpt, filterOpt, searchOpt, serverOpt,
                          userOpt, passwordFileOpt, pinOpt})
        p.addOption(o);
    // careplan (hearth_documents)
    const QCommandLineOption audienceOpt(QStringLiteral("audience"), QStringLiteral("careplan: person or professional"),
                                         QStringLiteral("A"));
    const QCommandLineOption professionalOpt(QStringLiteral("professional"),
                                             QStringLiteral("careplan: a kind (gp, housing...), an organisation or a "
                                                            "named professional"),
                                             QStringLiteral("NAME_OR_KIND"));
    const QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("careplan: the PDF to write"),
                                    QStringLiteral("FILE"));
    const QCommandLineOption workerNameOpt(QStringLiteral("worker-name"),
                                           QStringLiteral("careplan: link worker's name"), QStringLiteral("NAME"));
    const QCommandLineOption workerPhoneOpt(QStringLiteral("worker-phone"),
                                            QStringLiteral("careplan: link worker's phone"), QStringLiteral("PHONE"));
    p.addOptions({audienceOpt, professionalOpt, outOpt, workerNameOpt, workerPhoneOpt});
    if (!p.parse(arguments))
        return usage(p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        out() << p.helpText() << Qt::flush;
        return 0;
    }
    const QStringList args = p.positionalArguments();
    if (args.isEmpty())
        return usage(QStringLiteral("No command given"));
    const QString cmd = args.first();
    if (!p.isSet(storeOpt))
        return usage(QStringLiteral("--store DIR is required"));
    const QString dir = p.value(storeOpt);
    auto argAt = [&](int i) { return i < args.size() ? args.at(i) : QString(); };

    const QString assetsDir = p.isSet(assetsOpt)
        ? p.value(assetsOpt)
        : (qEnvironmentVariableIsSet("HEARTH_ASSETS") ? qEnvironmentVariable("HEARTH_ASSETS")
                                                      : QStringLiteral(HEARTH_SOURCE_ASSETS_DIR));
    auto reference = ReferenceData::loadDefault(assetsDir);
    if (!reference)
        return fail(reference.error());

    std::optional<FileKeyProtector> protector;
    StoreOptions options;
    options.reference = &reference.value();
    if (p.isSet(keyDirOpt)) {
        protector.emplace(p.value(keyDirOpt));
        options.keyProtector = &*protector;
    }
    auto passcode = readSecret(QStringLiteral("HEARTH_PASSCODE"), p.value(passFileOpt), QStringLiteral("passcode"));
    if (!passcode)
        return fail(passcode.error());

    if (cmd == QLatin1String("init")) {
        if (p.isSet(maxAttemptsOpt)) {
            bool ok = false;
            options.maxAttempts = p.value(maxAttemptsOpt).toInt(&ok);
            if (!ok || options.maxAttempts < 1 || options.maxAttempts > 100)
                return usage(QStringLiteral("--max-attempts takes a number from 1 to 100"));
        }
        if (p.isSet(kdfOpt)) {
            bool ok = false;
            const quint64 n = p.value(kdfOpt).toULongLong(&ok);
            // scrypt needs 1 KiB x N with r = 8; OpenSSL's cap here is 1 GiB.
            if (!ok || n < 1024 || (n & (n - 1)) != 0 || n > (1u << 19))
                return usage(QStringLiteral("--kdf-n takes a power of two from 1024 to 524288"));
            options.kdf.n = n;
        }
        auto s = Store::create(dir, passcode.value(), options);
        if (!s)
            return fail(s.error());
        out() << QJsonDocument(QJsonObject{{QStringLiteral("store"), s.value()->storeId()},
                                           {QStringLiteral("device"), s.value()->deviceId()}})
                     .toJson(QJsonDocument::Compact)
              << Qt::endl;
        return 0;
    }

    auto opened = Store::open(dir, passcode.value(), options);
    if (!opened)
        return fail(opened.error());
    Store &store = *opened.value();

    if (cmd == QLatin1String("put")) {
        if (argAt(1).isEmpty() || !p.isSet(jsonOpt))
            return usage(QStringLiteral("put TYPE --json OBJ"));
        auto fields = parseJsonObject(p.value(jsonOpt));
        if (!fields)
            return fail(fields.error());
        auto id = store.put(argAt(1), fields.value());
        if (!id)
            return fail(id.error());
        out() << id.value() << Qt::endl;
        return 0;
    }
    if (cmd == QLatin1String("edit")) {
        if (argAt(1).isEmpty() || !p.isSet(jsonOpt))
            return usage(QStringLiteral("edit ID --json OBJ"));
        auto fields = parseJsonObject(p.value(jsonOpt));
        if (!fields)
            return fail(fields.error());
        auto st = store.edit(argAt(1), fields.value());
        return st ? 0 : fail(st.error());
    }
    if (cmd == QLatin1String("delete")) {
        if (argAt(1).isEmpty())
            return usage(QStringLiteral("delete ID"));
        auto st = store.remove(argAt(1));
        return st ? 0 : fail(st.error());
    }
    if (cmd == QLatin1String("resolve")) {
        if (argAt(1).isEmpty() || argAt(2).isEmpty() || !p.isSet(jsonOpt))
            return usage(QStringLiteral("resolve ID FIELD --json VALUE"));
        auto value = parseJsonValue(p.value(jsonOpt));
        if (!value)
            return fail(value.error());
        auto st = store.resolve(argAt(1), argAt(2), value.value());
        return st ? 0 : fail(st.error());
    }
    if (cmd == QLatin1String("get")) {
        if (argAt(1).isEmpty())
            return usage(QStringLiteral("get ID"));
        auto r = store.get(argAt(1));
        if (!r)
            return fail(r.error());
        out() << line(recordJson(r.value())) << Qt::endl;
        return 0;
    }
    if (cmd == QLatin1String("list") || cmd == QLatin1String("conflicts")) {
        auto rs = cmd == QLatin1String("list") ? store.list(argAt(1), p.isSet(includeDeletedOpt)) : store.conflicted();
        if (!rs)
            return fail(rs.error());
        if (!argAt(1).isEmpty() && !schema::find(argAt(1)))
            return usage(QStringLiteral("Unknown record type '%1'").arg(argAt(1)));
        for (const Record &r : rs.value())
            out() << line(recordJson(r)) << '\n';
        out() << Qt::flush;
        return 0;
    }
    if (cmd == QLatin1String("caseload")) {
        static const QHash<QString, CaseloadIndex::Filter> filters = {
            {QStringLiteral("all"), CaseloadIndex::Filter::All},
            {QStringLiteral("open"), CaseloadIndex::Filter::Open},
            {QStringLiteral("awaiting"), CaseloadIndex::Filter::AwaitingFirstContact},
            {QStringLiteral("overdue"), CaseloadIndex::Filter::OverdueActions},
            {QStringLiteral("reviews"), CaseloadIndex::Filter::ReviewsDue},
            {QStringLiteral("closed"), CaseloadIndex::Filter::Closed}};
        const QString f = p.isSet(filterOpt) ? p.value(filterOpt) : QStringLiteral("open");
        if (!filters.contains(f))
            return usage(QStringLiteral("--filter takes one of: all open awaiting overdue reviews closed"));
        auto reader = store.reader();
        if (!reader)
            return fail(reader.error());
        const QDate today = QDate::currentDate();
        auto entries = reader.value()->caseload(today);
        if (!entries)
            return fail(entries.error());
        const CaseloadIndex index(std::move(entries).value());
        for (int i : index.select(p.value(searchOpt), filters.value(f), today)) {
            const CaseloadEntry &e = index.entries()[i];
            QJsonObject o{{QStringLiteral("person"), e.personId},
                          {QStringLiteral("name"), e.displayName()},
                          {QStringLiteral("chi"), e.chi},
                          {QStringLiteral("closed"), e.closed},
                          {QStringLiteral("overdue_actions"), e.overdueActions}};
            if (e.awaitingFirstContact)
                o.insert(QStringLiteral("days_waiting"), e.daysWaiting(today));
            if (e.reviewDue.isValid())
                o.insert(QStringLiteral("review_due"), e.reviewDue.toString(Qt::ISODate));
            if (e.nextActionDue.isValid())
                o.insert(QStringLiteral("next_action_due"), e.nextActionDue.toString(Qt::ISODate));
            out() << line(o) << '\n';
        }
        out() << Qt::flush;
        return 0;
    }
    if (cmd == QLatin1String("export")) {
        auto e = store.exportCanonical();
        if (!e)
            return fail(e.error());
        out() << Qt::flush;
        fwrite(e.value().constData(), 1, size_t(e.value().size()), stdout);
        return 0;
    }
    if (cmd == QLatin1String("hash")) {
        auto h = store.hash();
        if (!h)
            return fail(h.error());
        out() << h.value() << Qt::endl;
        return 0;
    }
    if (cmd == QLatin1String("log")) {
        auto st = store.forEachWrite([](const Write &w, bool sent) {
            QJsonObject o = w.toJson();
            o.insert(QStringLiteral("sent"), sent);
            out() << line(o) << '\n';
        });
        out() << Qt::flush;
        return st ? 0 : fail(st.error());
    }
    if (cmd == QLatin1String("verify")) {
        auto diff = store.verifyAgainstLog();
        if (!diff)
            return fail(diff.error());
        auto writes = store.writeCount();
        auto records = store.count();
        out() << line(QJsonObject{{QStringLiteral("consistent"), diff.value().isEmpty()},
                                  {QStringLiteral("differing"), QJsonArray::fromStringList(diff.value())},
                                  {QStringLiteral("writes"), double(writes ? writes.value() : -1)},
                                  {QStringLiteral("records"), records ? records.value() : -1}})
              << Qt::endl;
        return diff.value().isEmpty() ? 0 : int(ErrorCode::Corrupt);
    }
    if (cmd == QLatin1String("passcode")) {
        auto fresh =
            readSecret(QStringLiteral("HEARTH_NEW_PASSCODE"), p.value(newPassFileOpt), QStringLiteral("new passcode"));
        if (!fresh)
            return fail(fresh.error());
        auto st = store.changePasscode(passcode.value(), fresh.value());
        return st ? 0 : fail(st.error());
    }
    if (cmd == QLatin1String("batch")) {
        if (!p.isSet(fileOpt))
            return usage(QStringLiteral("batch --file F"));
        auto ms = readBatch(p.value(fileOpt));
        if (!ms)
            return fail(ms.error());
        auto ids = store.commit(ms.value());
        if (!ids)
            return fail(ids.error());
        out() << line(QJsonObject{{QStringLiteral("applied"), int(ids.value().size())}}) << Qt::endl;
        return 0;
    }
    if (cmd == QLatin1String("enrol")) {
        if (!p.isSet(serverOpt) || !p.isSet(userOpt))
            return usage(QStringLiteral("enrol --server URL --user U --password-file F [--pin PIN]"));
        auto password =
            readSecret(QStringLiteral("HEARTH_USER_PASSWORD"), p.value(passwordFileOpt), QStringLiteral("password"));
        if (!password)
            return fail(password.error());
        sync::SyncEngine engine(store);
        auto st = engine.enrol(QUrl(p.value(serverOpt)), p.value(userOpt), password.value(), p.value(pinOpt));
        if (!st)
            return fail(st.error());
        out() << line(QJsonObject{{QStringLiteral("enrolled"), true},
                                  {QStringLiteral("device"), store.deviceId()},
                                  {QStringLiteral("caseload"), store.syncValue(QStringLiteral("caseload")).value()}})
              << Qt::endl;
        return 0;
    }
    if (cmd == QLatin1String("repoint")) {
        const QUrl url(p.value(serverOpt));
        if (!url.isValid() || url.scheme() != QLatin1String("https"))
            return usage(QStringLiteral("repoint --server https://host:port [--pin PIN]"));
        auto st = store.setSyncValue(QStringLiteral("server"), url.toString());
        if (st && p.isSet(pinOpt))
            st = store.setSyncValue(QStringLiteral("pin"), p.value(pinOpt));
        return st ? 0 : fail(st.error());
    }
    if (cmd == QLatin1String("sync")) {
        sync::SyncEngine engine(store);
        // A person at a terminal sees a long first sync advance; scripts read the summary line only.
        if (isatty(STDERR_FILENO))
            QObject::connect(&engine, &sync::SyncEngine::progressChanged, &engine, [&engine] {
                QTextStream(stderr) << QStringLiteral("\rpulled %1 of %2 changes, %3 of %4 kB")
                                           .arg(engine.progressDone())
                                           .arg(engine.progressTotal())
                                           .arg(engine.bytesDone() / 1024)
                                           .arg(engine.bytesTotal() / 1024)
                                    << Qt::flush;
            });
        const sync::SyncSummary s = engine.syncAndWait();
        if (isatty(STDERR_FILENO) && engine.progressTotal() > 0)
            QTextStream(stderr) << '\n';
        QJsonObject o{{QStringLiteral("ok"), s.ok},
                      {QStringLiteral("pushed"), s.pushed},
                      {QStringLiteral("rejected"), s.rejected},
                      {QStringLiteral("pulled"), s.pulled},
                      {QStringLiteral("received"), double(s.received)},
                      {QStringLiteral("expected"), double(s.expected)},
                      {QStringLiteral("bytes_expected"), double(s.bytesExpected)},
                      {QStringLiteral("purged"), s.purged},
                      {QStringLiteral("kept_for_handover"), s.keptForHandover},
                      {QStringLiteral("bytes_up"), double(s.bytesUp)},
                      {QStringLiteral("bytes_down"), double(s.bytesDown)},
                      {QStringLiteral("pending"), double(store.pendingCount().value())},
                      {QStringLiteral("conflicts"), int(store.conflicted().value().size())}};
        if (!s.ok)
            o.insert(QStringLiteral("error"), s.error);
        out() << line(o) << Qt::endl;
        if (!s.ok)
            QTextStream(stderr) << "hearthctl: " << s.error << Qt::endl;
        return s.ok ? 0 : int(s.offline ? ErrorCode::Network : ErrorCode::Refused);
    }
    if (cmd == QLatin1String("rejected")) {
        auto rs = store.rejectedWrites();
        if (!rs)
            return fail(rs.error());
        for (const Store::RejectedWrite &r : rs.value()) {
            QJsonObject o = r.write.toJson();
            o.insert(QStringLiteral("code"), r.code);
            o.insert(QStringLiteral("reason"), r.reason);
            out() << line(o) << '\n';
        }
        out() << Qt::flush;
        return 0;
    }
    if (cmd == QLatin1String("discard")) {
        bool ok = false;
        const qint64 seq = argAt(2).toLongLong(&ok);
        if (argAt(1).isEmpty() || !ok)
            return usage(QStringLiteral("discard DEVICE SEQ"));
        auto st = store.discardRejected({{argAt(1), seq}});
        return st ? 0 : fail(st.error());
    }
    if (cmd == QLatin1String("careplan")) {
        const QString audience = p.value(audienceOpt);
        if (argAt(1).isEmpty() || !p.isSet(outOpt)
            || (audience != QLatin1String("person") && audience != QLatin1String("professional")))
            return usage(QStringLiteral("careplan PERSON --audience person|professional [--professional NAME_OR_KIND] "
                                        "--out FILE.pdf"));
        documents::RenderOptions o;
        o.linkWorkerName = p.value(workerNameOpt);
        o.linkWorkerPhone = p.value(workerPhoneOpt);
        auto st = documents::CarePlanDocument::renderToFile(
            store, reference.value(), argAt(1),
            audience == QLatin1String("person") ? documents::Audience::Person : documents::Audience::Professional,
            p.value(professionalOpt), o, p.value(outOpt));
        return st ? 0 : fail(st.error());
    }
    if (cmd == QLatin1String("seed")) {
        demo::Options o;
        bool ok = true;
        o.people = p.isSet(peopleOpt) ? p.value(peopleOpt).toInt(&ok) : 40;
        if (!ok || o.people < 1 || o.people > 1000000)
            return usage(QStringLiteral("--people takes a number from 1 to 1000000"));
        o.seed = p.isSet(seedOpt) ? p.value(seedOpt).toUInt(&ok) : 42u;
        if (!ok)
            return usage(QStringLiteral("--seed takes a whole number"));
        o.today = QDate::currentDate();
        auto n = demo::populate(store, o, reference.value());
        if (!n)
            return fail(n.error());
        out() << line(QJsonObject{{QStringLiteral("people"), o.people}, {QStringLiteral("records"), n.value()}})
              << Qt::endl;
        return 0;
    }
    if (cmd == QLatin1String("write-loop")) {
        bool ok = false;
        const int count = p.value(countOpt).toInt(&ok);
        if (!ok || count < 1)
            return usage(QStringLiteral("write-loop --count N"));
        // Alternates new people with edits of the previous one, so both paths are exercised.
        QString last;
        for (int i = 0; i < count; ++i) {
            QString id;
            if (i % 3 == 2 && !last.isEmpty()) {
                auto st =
                    store.edit(last,
                               QJsonObject{{QStringLiteral("phone"),
                                            QStringLiteral("07700 900%1").arg(i % 1000, 3, 10, QLatin1Char('0'))}});
                if (!st)
                    return fail(st.error());
                id = QStringLiteral("edit:") + last + QLatin1Char(':') + QString::number(i);
            } else {
                auto r = store.put(QStringLiteral("person"),
                                   QJsonObject{{QStringLiteral("given_name"), QStringLiteral("Loop%1").arg(i)},
                                               {QStringLiteral("family_name"), QStringLiteral("Writer")},
                                               {QStringLiteral("date_of_birth"), QStringLiteral("1950-01-01")}});
                if (!r)
                    return fail(r.error());
                id = last = r.value();
            }
            // Printed only after the commit returned: everything printed is acknowledged.
            out() << "ack " << id << Qt::endl;
        }
        return 0;
    }
    return usage(QStringLiteral("Unknown command '%1'").arg(cmd));
}

} // namespace hearth::ctl
