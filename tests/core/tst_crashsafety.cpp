#include "testsupport.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>

#include <csignal>

using namespace hearth;

// A real hearthctl process writes in a loop and is SIGKILLed at random moments. After every
// kill the store must open, its state must equal the replay of its log, and every write the
// process acknowledged (printed after its commit returned) must be there.
class TestCrashSafety : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killAtRandomPoints();
};

void TestCrashSafety::killAtRandomPoints()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString store = tmp.filePath(QStringLiteral("device"));
    QCOMPARE(test::ctl(store, {QStringLiteral("init"), QStringLiteral("--kdf-n"), QStringLiteral("1024")}).code, 0);

    const int kills = qEnvironmentVariableIntValue("HEARTH_CRASH_KILLS") > 0
        ? qEnvironmentVariableIntValue("HEARTH_CRASH_KILLS")
        : 60;
    QRandomGenerator rng(
        qEnvironmentVariableIntValue("HEARTH_SEED") ? quint32(qEnvironmentVariableIntValue("HEARTH_SEED")) : 20261123u);
    QSet<QString> ackedPuts;
    QList<QString> ackedEdits;
    int totalAcks = 0;
    int killedWhileWriting = 0;

    for (int round = 0; round < kills; ++round) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HEARTH_PASSCODE"), QStringLiteral("correct horse"));
        p.setProcessEnvironment(env);
        p.start(test::hearthctl(),
                {QStringLiteral("--store"), store, QStringLiteral("write-loop"), QStringLiteral("--count"),
                 QStringLiteral("1000000")});
        QVERIFY(p.waitForStarted());
        // Kill points spread over start-up (unlock) and the write loop.
        const int delayMs = int(rng.bounded(20, 450));
        QElapsedTimer t;
        t.start();
        QByteArray out;
        while (t.elapsed() < delayMs && p.state() == QProcess::Running) {
            p.waitForReadyRead(5);
            out += p.readAllStandardOutput();
        }
        QCOMPARE(p.state(), QProcess::Running);
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));
        out += p.readAllStandardOutput();
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);

        int acksThisRound = 0;
        for (const QByteArray &line : out.split('\n')) {
            if (!line.startsWith("ack ") || !out.contains(line + '\n'))
                continue; // a line cut by the kill was never fully acknowledged
            const QString what = QString::fromUtf8(line.mid(4));
            ++acksThisRound;
            if (what.startsWith(QLatin1String("edit:")))
                ackedEdits << what;
            else
                ackedPuts.insert(what);
        }
        totalAcks += acksThisRound;
        killedWhileWriting += acksThisRound > 0;

        auto opened = Store::open(store, "correct horse", test::fastOptions());
        QVERIFY2(opened.ok(),
                 qPrintable(QStringLiteral("round %1: reopen failed: %2")
                                .arg(round)
                                .arg(opened.ok() ? QString() : opened.error().toString())));
        auto diff = opened.value()->verifyAgainstLog();
        QVERIFY(diff.ok());
        QVERIFY2(diff.value().isEmpty(), qPrintable(QStringLiteral("round %1: state differs from log").arg(round)));
        QVERIFY(opened.value()->writeCount().value() >= totalAcks);
    }

    auto opened = Store::open(store, "correct horse", test::fastOptions());
    QVERIFY(opened.ok());
    for (const QString &id : std::as_const(ackedPuts))
        QVERIFY2(opened.value()->get(id).ok(), qPrintable(QStringLiteral("acknowledged record %1 is missing").arg(id)));
    // Every acknowledged edit is in the log with the phone value it set.
    QSet<QString> loggedPhones;
    QVERIFY(opened.value()
                ->forEachWrite([&](const Write &w, bool) {
                    if (w.values.contains(QStringLiteral("phone")))
                        loggedPhones.insert(w.recordId + QLatin1Char(':')
                                            + w.values.value(QStringLiteral("phone")).toString());
                })
                .ok());
    for (const QString &e : std::as_const(ackedEdits)) {
        const QStringList parts = e.split(QLatin1Char(':'));
        const QString phone = QStringLiteral("07700 900%1").arg(parts.at(2).toInt() % 1000, 3, 10, QLatin1Char('0'));
        QVERIFY2(loggedPhones.contains(parts.at(1) + QLatin1Char(':') + phone),
                 qPrintable(QStringLiteral("acknowledged edit %1 is missing").arg(e)));
    }
    qInfo("%d kills, %d of them mid-write; %d writes acknowledged, %lld in the log", kills, killedWhileWriting,
          totalAcks, opened.value()->writeCount().value());
    QVERIFY2(killedWhileWriting >= kills / 2, "too few kills landed inside the write loop to mean anything");
}

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
