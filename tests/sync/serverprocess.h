#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <csignal>

namespace hearth::test {

// A real hearth-server child process on loopback with TLS, for multi-process tests.
class ServerProcess
{
public:
    explicit ServerProcess(QString dataDir, QString dbUrl = {}) : m_dir(std::move(dataDir)), m_db(std::move(dbUrl)) {}
    ~ServerProcess() { kill(); }

    // HEARTH_TEST_SERVER_BINARY runs the suite against another build of the server (for example
    // an older one, to show a test finds the failure it was written for).
    static QString binary()
    {
        return qEnvironmentVariable("HEARTH_TEST_SERVER_BINARY", QStringLiteral(HEARTH_SERVER_PATH));
    }

    // Options added to `serve` from the next start() on (e.g. --idle-timeout 2).
    void setServeArgs(const QStringList &args) { m_serveArgs = args; }

    // Runs a one-off administration command (user add, demo...) against this server's data.
    int admin(const QStringList &args, const QByteArray &password = {}, QByteArray *out = nullptr) const
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (!password.isEmpty())
            env.insert(QStringLiteral("HEARTH_USER_PASSWORD"), QString::fromUtf8(password));
        p.setProcessEnvironment(env);
        p.start(binary(), args + baseArgs());
        p.waitForFinished(120000);
        if (out)
            *out = p.readAllStandardOutput();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    // Starts serving on 127.0.0.1 (`port` 0: any free port; reuse the old port on restart).
    bool start(quint16 port = 0)
    {
        m_proc = std::make_unique<QProcess>();
        m_proc->setProcessChannelMode(QProcess::SeparateChannels);
        m_proc->start(binary(),
                      QStringList{QStringLiteral("serve"), QStringLiteral("--listen"),
                                  QStringLiteral("127.0.0.1:%1").arg(port ? port : m_port)}
                          + m_serveArgs + baseArgs());
        if (!m_proc->waitForStarted(10000))
            return false;
        QByteArray line;
        for (int i = 0; i < 300 && !line.contains('\n'); ++i) {
            m_proc->waitForReadyRead(100);
            line += m_proc->readAllStandardOutput();
            if (m_proc->state() != QProcess::Running)
                break;
        }
        const QJsonObject o = QJsonDocument::fromJson(line.trimmed()).object();
        m_url = o.value(QStringLiteral("url")).toString();
        m_pin = o.value(QStringLiteral("pin")).toString();
        m_port = quint16(m_url.section(QLatin1Char(':'), -1).toUInt());
        return !m_url.isEmpty();
    }

    void kill()
    {
        if (m_proc && m_proc->state() != QProcess::NotRunning) {
            ::kill(pid_t(m_proc->processId()), SIGKILL);
            m_proc->waitForFinished(10000);
        }
    }

    // SIGTERM: the server stops accepting and finishes in-flight commits before exiting.
    bool terminate(int timeoutMs = 30000)
    {
        if (!m_proc || m_proc->state() == QProcess::NotRunning)
            return true;
        ::kill(pid_t(m_proc->processId()), SIGTERM);
        return m_proc->waitForFinished(timeoutMs) && m_proc->exitStatus() == QProcess::NormalExit;
    }

    [[nodiscard]] QString url() const { return m_url; }
    [[nodiscard]] QString pin() const { return m_pin; }
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QProcess *process() const { return m_proc.get(); }
    [[nodiscard]] QByteArray logs() const { return m_proc ? m_proc->readAllStandardError() : QByteArray(); }

private:
    QStringList baseArgs() const
    {
        QStringList a{QStringLiteral("--data"), m_dir};
        if (!m_db.isEmpty())
            a << QStringLiteral("--db") << m_db;
        return a;
    }

    QString m_dir;
    QString m_db;
    QStringList m_serveArgs;
    std::unique_ptr<QProcess> m_proc;
    QString m_url;
    QString m_pin;
    quint16 m_port = 0;
};

} // namespace hearth::test
