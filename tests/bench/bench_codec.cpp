// Wire encoding: CBOR (protocol v1) against the same messages as JSON, on 10,000 realistic writes.
//   bench_codec [--writes 10000] [--repeat 5]     prints JSON
#include "demodata.h"
#include "protocol.h"
#include "referencedata.h"
#include "store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace hearth;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto opt = [&](const char *name, int def) {
        const int i = int(args.indexOf(QLatin1String(name)));
        return i >= 0 && i + 1 < args.size() ? args[i + 1].toInt() : def;
    };
    const int n = opt("--writes", 10000), repeat = std::max(1, opt("--repeat", 5));
    auto ref = ReferenceData::loadDefault(QStringLiteral(HEARTH_ASSETS_DIR));
    QTemporaryDir tmp;
    StoreOptions o;
    o.encrypted = false;
    o.reference = &ref.value();
    auto store = Store::create(tmp.filePath(QStringLiteral("s")), {}, o);
    demo::Options d;
    d.people = 1;
    QList<Mutation> ms;
    for (int i = 0; ms.size() < n; ++i)
        ms += demo::personStory(i, d, ref.value());
    ms.resize(n);
    if (auto r = store.value()->commit(ms); !r) {
        fprintf(stderr, "bench_codec: could not build the writes: %s\n", qPrintable(r.error().toString()));
        return 1;
    }
    QList<Write> writes;
    (void)store.value()->forEachWrite([&](const Write &w, bool) { writes << w; });

    QList<double> cborEnc, cborDec, jsonEnc, jsonDec;
    qsizetype cborBytes = 0, jsonBytes = 0;
    for (int r = 0; r < repeat; ++r) {
        QElapsedTimer t;
        t.start();
        sync::PullResponse page;
        page.writes = writes;
        const QByteArray cbor = page.encode();
        cborEnc << t.nsecsElapsed() / 1e6;
        t.restart();
        auto back = sync::PullResponse::decode(cbor);
        cborDec << t.nsecsElapsed() / 1e6;
        cborBytes = cbor.size();
        if (!back || back.value().writes.size() != writes.size())
            return 1;

        t.restart();
        QJsonArray a;
        for (const Write &w : writes)
            a.append(w.toJson());
        const QByteArray json =
            QJsonDocument(QJsonObject{{QStringLiteral("writes"), a}}).toJson(QJsonDocument::Compact);
        jsonEnc << t.nsecsElapsed() / 1e6;
        t.restart();
        QList<Write> decoded;
        for (const QJsonValue &v : QJsonDocument::fromJson(json).object().value(QStringLiteral("writes")).toArray())
            decoded << Write::fromJson(v.toObject()).value();
        jsonDec << t.nsecsElapsed() / 1e6;
        jsonBytes = json.size();
    }
    auto med = [](QList<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    const QJsonObject out{{QStringLiteral("bench"), QStringLiteral("codec")},
                          {QStringLiteral("writes"), int(writes.size())},
                          {QStringLiteral("cbor"),
                           QJsonObject{{QStringLiteral("bytes"), double(cborBytes)},
                                       {QStringLiteral("encode_ms"), med(cborEnc)},
                                       {QStringLiteral("decode_ms"), med(cborDec)}}},
                          {QStringLiteral("json"),
                           QJsonObject{{QStringLiteral("bytes"), double(jsonBytes)},
                                       {QStringLiteral("encode_ms"), med(jsonEnc)},
                                       {QStringLiteral("decode_ms"), med(jsonDec)}}},
                          {QStringLiteral("cbor_size_ratio"), double(cborBytes) / double(jsonBytes)}};
    fputs(QJsonDocument(out).toJson(QJsonDocument::Indented).constData(), stdout);
    return 0;
}
