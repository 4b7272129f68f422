#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace hearth::app {

// The settings page: the sync server (re-pointing an enrolled device), passcode change, lock
// timeout and text size. Lock timeout and text size live on the Session, which applies them.
class SettingsController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString server READ server NOTIFY changed)
    Q_PROPERTY(QString pin READ pin NOTIFY changed)
    Q_PROPERTY(QString user READ user NOTIFY changed)
    Q_PROPERTY(QString deviceId READ deviceId NOTIFY changed)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString error READ error NOTIFY messageChanged)
    // Confirmation of the last change ("Passcode changed").
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
public:
    explicit SettingsController(QObject *parent = nullptr);

    [[nodiscard]] QString server() const { return m_server; }
    [[nodiscard]] QString pin() const { return m_pin; }
    [[nodiscard]] QString user() const { return m_user; }
    [[nodiscard]] QString deviceId() const { return m_deviceId; }
    [[nodiscard]] bool isBusy() const { return m_busy; }
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] QString message() const { return m_message; }

    // Points the enrolled device at a new server address (the same server moved).
    Q_INVOKABLE bool setServer(const QString &server, const QString &pin);
    // Re-wraps the data key under a new passcode, on its own connection off the UI thread.
    Q_INVOKABLE void changePasscode(const QString &current, const QString &fresh, const QString &freshAgain);
    Q_INVOKABLE void reload();

Q_SIGNALS:
    void changed();
    void busyChanged();
    void messageChanged();
    void passcodeChanged();

private:
    void say(const QString &error, const QString &message);

    QString m_server;
    QString m_pin;
    QString m_user;
    QString m_deviceId;
    bool m_busy = false;
    QString m_error;
    QString m_message;
};

} // namespace hearth::app
