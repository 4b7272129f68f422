#pragma once

#include "result.h"
#include "store.h"

#include <QDate>
#include <QObject>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <optional>
namespace hearth {

class ReferenceData;

// What every home-visit flow controller shares: the person it works on, the last save's outcome
// (a message and the core's per-field errors), and the one way it writes: Store::commit.
// Rules live in hearth_core; a controller turns what a page collected into mutations, commits
// them, and reports what the core said, field by field.
class FlowController : public QObject
{
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(QString personId READ personId WRITE setPersonId NOTIFY personIdChanged)
    Q_PROPERTY(QString personName READ personName NOTIFY personNameChanged)
    Q_PROPERTY(QVariantMap errors READ errors NOTIFY errorsChanged)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    // True when message() says why something was not saved (shown as a problem, not a note).
    Q_PROPERTY(bool failed READ failed NOTIFY messageChanged)
    Q_PROPERTY(bool available READ available NOTIFY availableChanged)
public:
    explicit FlowController(QObject *parent = nullptr);

    [[nodiscard]] QString personId() const { return m_personId; }
    void setPersonId(const QString &id);
    // The person's preferred or given name and family name, for page titles.
    [[nodiscard]] QString personName() const { return m_personName; }
    // Field name -> what is wrong with it, from the last save the core refused.
    [[nodiscard]] QVariantMap errors() const { return m_errors; }
    // The last save's outcome for the person to read ("Saved", or why not).
    [[nodiscard]] QString message() const { return m_message; }
    [[nodiscard]] bool failed() const { return m_failed; }
    // False while no store is open (the app is locked).
    [[nodiscard]] bool available() const;

    // The allowed values of an enumeration field as [{value, label}], from the schema.
    Q_INVOKABLE [[nodiscard]] QVariantList options(const QString &type, const QString &field) const;
    // The translated label of a stored code.
    Q_INVOKABLE [[nodiscard]] QString label(const QString &code) const;
    // Forgets the last save's errors and message (the person started again).
    Q_INVOKABLE void clearErrors();

Q_SIGNALS:
    void personIdChanged();
    void personNameChanged();
    void errorsChanged();
    void messageChanged();
    void availableChanged();
    // A commit succeeded; `ids` are the records it wrote, in order.
    void saved(const QStringList &ids);

protected:
    // Re-reads what the page shows; called when the person changes, the store opens, or any
    // flow commits a change to this person.
    virtual void reload() = 0;

    [[nodiscard]] Store *store() const;
    [[nodiscard]] const ReferenceData *reference() const;
    [[nodiscard]] QDate today() const;
    // The signed-in user, stored as author or assessor.
    [[nodiscard]] QString worker() const;
    [[nodiscard]] static QString isoDate(const QDate &d) { return d.toString(Qt::ISODate); }

    // Commits through Store::commit. On failure the core's field errors go to errors() and the
    // message says what was not saved; `shown` names the fields the page shows beside their
    // inputs, and errors on any other field are spelled out in the message so none is hidden.
    // `subject` names the person changed when this controller has none yet (a new person).
    Result<QStringList> commit(const QList<Mutation> &mutations, const QString &savedMessage,
                               const QStringList &shown = {}, const QString &subject = {});
    // What a form collected, in the types the schema wants: blank text is "not given" (null),
    // numbers typed as text become numbers when they read as one (else the text goes to the core,
    // which says what is wrong). Fields the schema does not know are passed on for the core to refuse.
    [[nodiscard]] static QJsonObject toFields(const QString &type, const QVariantMap &input);
    // The person's live records of one type, oldest first by their date field when given.
    [[nodiscard]] QList<Record> records(const QString &type, const QString &dateField = {}) const;
    // One live record, or nullopt.
    [[nodiscard]] std::optional<Record> record(const QString &id) const;
    // A note for the person (not a failure).
    void setMessage(const QString &message);
    void setErrors(const QVariantMap &errors);
    // Reports a refusal made here (not by the core), e.g. sharing without consent.
    void refuse(const QString &message, const QVariantMap &errors = {});

private:
    void refresh();

    QString m_personId;
    QString m_personName;
    QVariantMap m_errors;
    QString m_message;
    bool m_failed = false;
};

} // namespace hearth
