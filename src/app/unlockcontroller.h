#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace hearth::app {

// The unlock screen. On first run it enrols the device (server, user, password, optional key pin)
// and creates the encrypted store under a new passcode; afterwards it unlocks with the passcode.
// Key derivation and enrolment run on the thread pool: the screen stays responsive.
class UnlockController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    // No store on this device yet: show enrolment.
    Q_PROPERTY(bool firstRun READ isFirstRun NOTIFY firstRunChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    // What is happening while busy ("Checking the passcode", "Enrolling with the server").
    Q_PROPERTY(QString progressText READ progressText NOTIFY busyChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    // Too many wrong passcodes: the store refuses to open (an administrator must help).
    Q_PROPERTY(bool lockedOut READ isLockedOut NOTIFY errorChanged)
public:
    explicit UnlockController(QObject *parent = nullptr);

    [[nodiscard]] bool isFirstRun() const;
    [[nodiscard]] bool isBusy() const { return m_busy; }
    [[nodiscard]] QString progressText() const { return m_progress; }
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] bool isLockedOut() const { return m_lockedOut; }

    // Opens the store with `passcode` and hands it to the session.
    Q_INVOKABLE void unlock(const QString &passcode);
    // First run: creates the store under `passcode`, enrols it with the server, then unlocks.
    // Nothing is left behind when enrolment fails, so the person can simply try again.
    Q_INVOKABLE void enrol(const QString &server, const QString &user, const QString &password, const QString &pin,
                           const QString &passcode, const QString &passcodeAgain);

Q_SIGNALS:
    void firstRunChanged();
    void busyChanged();
    void errorChanged();
    void unlocked();

private:
    void setBusy(bool busy, const QString &progress = {});
    void setError(const QString &error, bool lockedOut = false);

    bool m_busy = false;
    QString m_progress;
    QString m_error;
    bool m_lockedOut = false;
};

} // namespace hearth::app
