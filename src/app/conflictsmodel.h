#pragma once

#include "store.h"

#include <QAbstractListModel>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace hearth::app {

// Every field in conflict, one row each, with all competing values side by side: the value, the
// device that wrote it (this device or another) and when (the write's hybrid logical clock). A
// person keeps one, keeps another or types a merged value; each choice is a resolving write
// through the session's commit path, so nothing is ever resolved silently.
class ConflictsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    // Limit to one person (the person overview); empty for every conflict on the device.
    Q_PROPERTY(QString personId READ personId WRITE setPersonId NOTIFY personIdChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
public:
    enum Roles {
        RecordIdRole = Qt::UserRole + 1,
        RecordTypeRole, // "care_action"
        PersonIdRole,
        PersonNameRole,
        FieldRole,    // stored field name, or the edited field of an edit-vs-delete conflict
        IsDeleteRole, // edit-vs-delete: one side deleted the record
        HeadsRole,    // [{value, device, thisDevice, when, hlc, current}], current value first
    };
    Q_ENUM(Roles)

    explicit ConflictsModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    [[nodiscard]] QString personId() const { return m_personId; }
    void setPersonId(const QString &personId);
    [[nodiscard]] int count() const { return int(m_rows.size()); }
    [[nodiscard]] QString error() const { return m_error; }

    Q_INVOKABLE void reload();
    // Keeps the value of head `head` of row `row`. Returns false (and sets error) on failure.
    Q_INVOKABLE bool keep(int row, int head);
    // Settles row `row` with a typed value, converted to the field's stored type.
    Q_INVOKABLE bool merge(int row, const QString &text);
    // Edit-vs-delete rows: keep the record (with the edit) or let the deletion stand.
    Q_INVOKABLE bool keepRecord(int row);
    Q_INVOKABLE bool deleteRecord(int row);

Q_SIGNALS:
    void personIdChanged();
    void countChanged();
    void errorChanged();
    // A conflict was settled (the page says so, so it is never silent).
    void resolved(const QString &field);

private:
    struct Row {
        QString recordId;
        QString type;
        QString personId;
        QString personName;
        QString field;
        bool isDelete = false;
        QList<Head> heads;
    };
    bool resolveWith(int row, const QString &field, const QJsonValue &value);
    void setError(const QString &error);

    QList<Row> m_rows;
    QString m_personId;
    QString m_thisDevice;
    QString m_error;
};

// Text a person reads for a stored value ("yes", "in progress", "£120.50").
[[nodiscard]] QString displayValue(const QJsonValue &value);
// Converts typed text to the stored type of `field` of record type `type` (number, boolean or text);
// the store validates the result.
[[nodiscard]] QJsonValue valueFromText(const QString &type, const QString &field, const QString &text);

} // namespace hearth::app
