// App benchmark: the touch app over a caseload of --people (default 10,000) demo people, rendered
// offscreen. Prints one JSON object of figures (not pass/fail):
//   - cold start: unlock (KDF) time, then unlock -> caseload model ready -> first caseload frame
//     (target < 150 ms after unlock at 10,000 people);
//   - search: keystroke -> updated list (model result shown, then the next frame), per keystroke;
//   - memory: resident set before unlock and after the caseload is on screen;
//   - scrolling: the caseload list scrolled at a steady 2,400 px/s for --frames frames; frame cost
//     (afterAnimating -> frameSwapped) and frames over 16 ms.
//   bench_app [--people 10000] [--frames 600] [--store DIR (reused when it exists)] [--kdf-n N]
#include "caseloadmodel.h"
#include "demodata.h"
#include "desktop/desktopsecurescreen.h"
#include "referencedata.h"
#include "selftest.h"
#include "session.h"
#include "store.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>

#include <algorithm>
#include <cstdio>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace hearth;

namespace {

double rssMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return -1;
}

QJsonObject stats(QList<double> v)
{
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v.isEmpty() ? 0.0 : v[qMin(v.size() - 1, qsizetype(q * double(v.size())))]; };
    return {{QStringLiteral("n"), int(v.size())},
            {QStringLiteral("median_ms"), at(0.5)},
            {QStringLiteral("p95_ms"), at(0.95)},
            {QStringLiteral("max_ms"), v.isEmpty() ? 0.0 : v.last()}};
}

double ms(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication application(argc, argv);
    app::installTranslations();
    app::selectStyle();
    QCommandLineParser p;
    const QCommandLineOption peopleOpt(QStringLiteral("people"), QStringLiteral("people"), QStringLiteral("N"),
                                       QStringLiteral("10000"));
    const QCommandLineOption framesOpt(QStringLiteral("frames"), QStringLiteral("frames"), QStringLiteral("N"),
                                       QStringLiteral("600"));
    const QCommandLineOption storeOpt(QStringLiteral("store"), QStringLiteral("store"), QStringLiteral("DIR"));
    const QCommandLineOption kdfOpt(QStringLiteral("kdf-n"), QStringLiteral("scrypt N"), QStringLiteral("N"),
                                    QStringLiteral("32768"));
    p.addOptions({peopleOpt, framesOpt, storeOpt, kdfOpt});
    p.addHelpOption();
    p.process(application);
    const int people = p.value(peopleOpt).toInt();
    const int frames = p.value(framesOpt).toInt();

    auto reference = ReferenceData::loadDefault(QStringLiteral(HEARTH_ASSETS_DIR));
    if (!reference) {
        std::fprintf(stderr, "%s\n", qPrintable(reference.error().toString()));
        return 1;
    }
    QTemporaryDir tmp;
    const QString dir = p.isSet(storeOpt) ? p.value(storeOpt) : tmp.path() + QStringLiteral("/store");
    const QByteArray passcode = "bench app passcode";
    QJsonObject out{{QStringLiteral("bench"), QStringLiteral("app")}, {QStringLiteral("people"), people}};
    if (!Store::exists(dir)) {
        QElapsedTimer t;
        t.start();
        const QString error =
            app::createDemoStore(dir, passcode, people, reference.value(), p.value(kdfOpt).toULongLong(), false);
        if (!error.isEmpty()) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        out.insert(QStringLiteral("populate_s"), ms(t) / 1000);
    }

    DesktopSecureScreen screen;
    StoreOptions options;
    options.reference = &reference.value();
    app::Session session(dir, {nullptr, nullptr, &screen}, options);
    session.setSyncEnabled(false);
    QQmlApplicationEngine engine;
    app::prepareEngine(engine);
    engine.load(app::mainUrl());
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    window->resize(1280, 800);
    app::waitUntil([] { return false; }, 300); // the unlock screen is up
    const double rssBefore = rssMb();

    // ---- cold start: unlock, then the first caseload page on screen ----
    QElapsedTimer unlockTimer;
    unlockTimer.start();
    auto opened = Store::open(dir, passcode, options);
    if (!opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error().toString()));
        return 1;
    }
    const double unlockMs = ms(unlockTimer);
    QElapsedTimer cold;
    cold.start();
    session.adopt(std::move(opened).value(), passcode);
    QQuickItem *list = nullptr;
    app::CaseloadModel *model = nullptr;
    double modelReadyMs = -1;
    app::waitUntil(
        [&] {
            if (!list)
                list = window->findChild<QQuickItem *>(QStringLiteral("caseloadList"));
            if (list && !model)
                model = qobject_cast<app::CaseloadModel *>(list->property("model").value<QObject *>());
            if (model && modelReadyMs < 0 && model->rowCount() > 0)
                modelReadyMs = ms(cold);
            return modelReadyMs >= 0;
        },
        30000);
    bool swapped = false;
    auto frameConn = QObject::connect(window, &QQuickWindow::frameSwapped, [&] { swapped = true; });
    window->update();
    app::waitUntil([&] { return swapped; }, 5000);
    const double firstFrameMs = ms(cold);
    QObject::disconnect(frameConn);
    if (!model) {
        std::fprintf(stderr, "the caseload did not load\n");
        return 1;
    }
    out.insert(QStringLiteral("unlock_kdf_ms"), unlockMs);
    out.insert(QStringLiteral("unlock_to_model_ready_ms"), modelReadyMs);
    out.insert(QStringLiteral("unlock_to_first_caseload_frame_ms"), firstFrameMs);
    out.insert(QStringLiteral("target_unlock_to_first_page_ms"), 150);
    app::waitUntil([&] { return !model->isBusy(); }, 10000);
    out.insert(QStringLiteral("rss_mb_before_unlock"), rssBefore);
    out.insert(QStringLiteral("rss_mb_caseload_on_screen"), rssMb());

    // ---- search: type a family name and a CHI prefix, one keystroke at a time ----
    model->setFilter(app::CaseloadModel::Filter::All);
    app::waitUntil([&] { return !model->isBusy(); }, 10000);
    QList<double> toResult;
    QList<double> toFrame;
    const QString name = model->data(model->index(model->rowCount() / 2), app::CaseloadModel::DisplayNameRole)
                             .toString()
                             .section(QLatin1Char(' '), -1);
    const QString chi = model->data(model->index(3), app::CaseloadModel::ChiRole).toString();
    for (const QString &word : {name, chi.left(6), QStringLiteral("mac")}) {
        for (int n = 0; n <= word.size(); ++n) {
            bool shown = false;
            bool framed = false;
            auto c1 = QObject::connect(model, &app::CaseloadModel::resultsShown, [&] { shown = true; });
            QElapsedTimer t;
            t.start();
            model->setSearch(word.left(n) + (n == 0 ? QStringLiteral(" ") : QString()));
            app::waitUntil([&] { return shown; }, 5000);
            toResult << ms(t);
            auto c2 = QObject::connect(window, &QQuickWindow::frameSwapped, [&] { framed = true; });
            window->update();
            app::waitUntil([&] { return framed; }, 5000);
            toFrame << ms(t);
            QObject::disconnect(c1);
            QObject::disconnect(c2);
        }
    }
    out.insert(QStringLiteral("search_keystroke_to_result"), stats(toResult));
    out.insert(QStringLiteral("search_keystroke_to_frame"), stats(toFrame));

    // ---- scrolling: steady scroll of the whole list, paging in rows as the view asks ----
    model->setSearch({});
    app::waitUntil([&] { return !model->isBusy(); }, 10000);
    QList<double> cost;
    QList<double> interval;
    QElapsedTimer frameStart;
    QElapsedTimer sinceLast;
    int rendered = 0;
    const auto a = QObject::connect(window, &QQuickWindow::afterAnimating, [&] {
        frameStart.start();
        const qreal maxY = list->property("contentHeight").toReal() - list->height();
        const qreal y = list->property("contentY").toReal();
        list->setProperty("contentY", y + 40 > maxY ? 0.0 : y + 40);
    });
    const auto b = QObject::connect(window, &QQuickWindow::frameSwapped, [&] {
        if (frameStart.isValid())
            cost << ms(frameStart);
        if (sinceLast.isValid())
            interval << ms(sinceLast);
        sinceLast.start();
        ++rendered;
        window->update(); // keep frames coming, as a finger dragging the list would
    });
    window->update();
    app::waitUntil([&] { return rendered >= frames; }, 120000);
    QObject::disconnect(a);
    QObject::disconnect(b);
    const int over = int(std::count_if(cost.begin(), cost.end(), [](double c) { return c > 16.0; }));
    QJsonObject scroll = stats(cost);
    scroll.insert(QStringLiteral("frames"), int(cost.size()));
    scroll.insert(QStringLiteral("frames_over_16ms"), over);
    scroll.insert(QStringLiteral("rows_fetched"), model->rowCount());
    scroll.insert(QStringLiteral("interval"), stats(interval));
    scroll.insert(QStringLiteral("software_renderer"),
                  window->rendererInterface()->graphicsApi() == QSGRendererInterface::Software);
    out.insert(QStringLiteral("scroll_frame_cost"), scroll);
    out.insert(QStringLiteral("rss_mb_after_scroll"), rssMb());
    session.lock();
    std::fprintf(stdout, "%s\n", QJsonDocument(out).toJson(QJsonDocument::Indented).constData());
    return 0;
}
