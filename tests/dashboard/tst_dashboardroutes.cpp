// Which request paths below /dashboard/ reach which files: the traversal and node_modules rules of
// dashboardroutes.cpp, on a temporary folder laid out like the real one. (The HTTP side, headers
// and redirects, is checked against the real server in e2e.mjs.)
#include "dashboardroutes.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace hearth::server;

class TestDashboardRoutes : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_outer;
    QString m_root;

    void write(const QString &relative)
    {
        const QString path = QDir(m_outer.path()).filePath(relative);
        QVERIFY(QDir().mkpath(QFileInfo(path).path()));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_outer.isValid());
        for (const char *f :
             {"dashboard/index.html", "dashboard/dashboard.css", "dashboard/js/app.js", "dashboard/package.json",
              "dashboard/.secret.js", "dashboard/notes.md", "dashboard/node_modules/chart.js/dist/chart.umd.min.js",
              "dashboard/node_modules/chart.js/package.json", "dashboard/node_modules/other/index.js", "server.db",
              "outside.js"})
            write(QLatin1String(f));
        m_root = QDir(m_outer.path()).filePath(QStringLiteral("dashboard"));
        // A symlink inside the folder that points out of it.
        QVERIFY(QFile::link(QDir(m_outer.path()).filePath(QStringLiteral("outside.js")),
                            QDir(m_root).filePath(QStringLiteral("js/escape.js"))));
    }

    void servesTheDashboardsOwnFiles()
    {
        QCOMPARE(dashboardFileFor(m_root, QStringLiteral("index.html")),
                 QFileInfo(QDir(m_root).filePath(QStringLiteral("index.html"))).canonicalFilePath());
        QVERIFY(!dashboardFileFor(m_root, QStringLiteral("js/app.js")).isEmpty());
        QVERIFY(!dashboardFileFor(m_root, QStringLiteral("dashboard.css")).isEmpty());
    }

    void servesOnlyTheMappedLibraryFile()
    {
        QVERIFY(dashboardFileFor(m_root, QStringLiteral("vendor/chart.umd.min.js"))
                    .endsWith(QLatin1String("node_modules/chart.js/dist/chart.umd.min.js")));
        QVERIFY(dashboardFileFor(m_root, QStringLiteral("node_modules/chart.js/dist/chart.umd.min.js")).isEmpty());
        QVERIFY(dashboardFileFor(m_root, QStringLiteral("node_modules/other/index.js")).isEmpty());
        QVERIFY(dashboardFileFor(m_root, QStringLiteral("node_modules")).isEmpty());
        QVERIFY(dashboardFileFor(m_root, QStringLiteral("vendor/other.js")).isEmpty());
    }

    void refusesTraversalHiddenAndUnlistedFiles_data()
    {
        QTest::addColumn<QString>("path");
        for (const char *p : {"../server.db", "../outside.js", "js/../../outside.js", "./index.html", "js//app.js",
                              "/etc/passwd", ".secret.js", "js/escape.js", "package.json", "notes.md", "js\\app.js",
                              "%2e%2e/outside.js", "", "js/", "index.html/", "missing.js"})
            QTest::newRow(p) << QString::fromLatin1(p);
    }
    void refusesTraversalHiddenAndUnlistedFiles()
    {
        QFETCH(QString, path);
        QCOMPARE(dashboardFileFor(m_root, path), QString());
    }

    void contentTypes()
    {
        QCOMPARE(dashboardContentType(QStringLiteral("a.html")), QByteArray("text/html; charset=utf-8"));
        QCOMPARE(dashboardContentType(QStringLiteral("js/app.js")), QByteArray("text/javascript; charset=utf-8"));
        QCOMPARE(dashboardContentType(QStringLiteral("a.css")), QByteArray("text/css; charset=utf-8"));
        QCOMPARE(dashboardContentType(QStringLiteral("favicon.svg")), QByteArray("image/svg+xml"));
        QVERIFY(dashboardContentType(QStringLiteral("package.json")).isEmpty());
        QVERIFY(dashboardContentType(QStringLiteral("README")).isEmpty());
    }

    void rootDefaultsToTheSourceTreeUntilSet()
    {
        // Built from this tree: the folder being edited, so `serve` needs no --web in development.
        QVERIFY(QFileInfo(QDir(dashboardRoot()).filePath(QStringLiteral("index.html"))).isFile());
        QVERIFY(dashboardRoot().endsWith(QLatin1String("sync/server/dashboard")));
        setDashboardRoot(m_root);
        QCOMPARE(dashboardRoot(), m_root);
        setDashboardRoot(QString());
    }

    void noFolderServesNothing()
    {
        QVERIFY(dashboardFileFor(QString(), QStringLiteral("index.html")).isEmpty());
        QVERIFY(dashboardFileFor(QDir(m_outer.path()).filePath(QStringLiteral("nowhere")), QStringLiteral("index.html"))
                    .isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDashboardRoutes)
#include "tst_dashboardroutes.moc"
