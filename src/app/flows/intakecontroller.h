#pragma once

#include "flowcontroller.h"
#include "rowsmodel.h"

namespace hearth {

// Intake: a referral into the service and the person's details and consents. With no person it
// records someone new (person and referral in one commit: both or neither); with a person it edits
// their details and latest referral.
class IntakeController : public FlowController
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool isNew READ isNew NOTIFY personIdChanged)
    Q_PROPERTY(QVariantMap person READ person NOTIFY loaded)
    Q_PROPERTY(QVariantMap referral READ referral NOTIFY loaded)
    Q_PROPERTY(QVariantList consents READ consents NOTIFY loaded)
    Q_PROPERTY(QString deprivation READ deprivation NOTIFY loaded)
public:
    explicit IntakeController(QObject *parent = nullptr);

    [[nodiscard]] bool isNew() const { return personId().isEmpty(); }
    // The stored person's fields as the form shows them (empty for someone new).
    [[nodiscard]] QVariantMap person() const { return m_person; }
    // The latest referral's fields; for someone new, today as the date received.
    [[nodiscard]] QVariantMap referral() const { return m_referral; }
    // [{field, label, value}] for every consent the person record holds, in schema order.
    [[nodiscard]] QVariantList consents() const { return m_consents; }
    // "SIMD 2020v2 decile 2", "unknown", or empty: derived by the core from the postcode.
    [[nodiscard]] QString deprivation() const { return m_deprivation; }

    // Saves the person's details (`person`: person fields, consents included) and the referral
    // (`referral`: source, referrer, date_received, date_first_contact, notes). For someone new
    // both are created together and personId becomes theirs.
    Q_INVOKABLE bool save(const QVariantMap &person, const QVariantMap &referral);

Q_SIGNALS:
    void loaded();
    // A new person was recorded.
    void created(const QString &personId);

protected:
    void reload() override;

private:
    QVariantMap m_person;
    QVariantMap m_referral;
    QString m_referralId;
    QVariantList m_consents;
    QString m_deprivation;
};

// A person's contact attempts, newest first.
class ContactsModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by ContactController")
public:
    enum Roles { KeyRole = Qt::UserRole, DateRole, MethodLabelRole, OutcomeRole, OutcomeLabelRole, NotesRole };
    Q_ENUM(Roles)
    explicit ContactsModel(QObject *parent = nullptr)
        : RowsModel({"key", "date", "methodLabel", "outcome", "outcomeLabel", "notes"}, parent)
    {}
};

// Contact attempts until the first contact: each call, letter or visit with its outcome. The
// first attempt that reaches the person dates the referral's first contact.
class ContactController : public FlowController
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(hearth::ContactsModel *contacts READ contacts CONSTANT)
    Q_PROPERTY(bool awaitingFirstContact READ awaitingFirstContact NOTIFY stateChanged)
    Q_PROPERTY(QString referralReceived READ referralReceived NOTIFY stateChanged)
    Q_PROPERTY(int daysWaiting READ daysWaiting NOTIFY stateChanged)
public:
    explicit ContactController(QObject *parent = nullptr);

    [[nodiscard]] ContactsModel *contacts() const { return m_contacts; }
    [[nodiscard]] bool awaitingFirstContact() const { return !m_referralId.isEmpty(); }
    [[nodiscard]] QString referralReceived() const { return m_received; }
    [[nodiscard]] int daysWaiting() const;

    // Records an attempt (`fields`: date, method, outcome, notes; date defaults to today).
    Q_INVOKABLE bool add(const QVariantMap &fields);

Q_SIGNALS:
    void stateChanged();

protected:
    void reload() override;

private:
    ContactsModel *m_contacts;
    QString m_referralId; // the referral still awaiting first contact, if any
    QString m_received;
};

} // namespace hearth
