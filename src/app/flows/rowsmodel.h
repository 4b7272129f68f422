#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace hearth {

// The shared body of the flows' list models: rows are maps keyed by role name. Each concrete
// model declares its own Roles enum (from Qt::UserRole, in the order of the names it passes),
// so QML delegates see named, typed roles and every list has its own model class.
class RowsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    // `roles[i]` names role Qt::UserRole + i. The first must be "key" (a record or item id): it
    // keys updates. Not "id", which QML reserves.
    RowsModel(QList<QByteArray> roles, QObject *parent);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    // Replaces the rows. When the ids are the same in the same order only changed rows are
    // signalled, so a list the person is scrolling does not jump back on every tap.
    void setRows(const QList<QVariantMap> &rows);
    [[nodiscard]] int count() const { return int(m_rows.size()); }
    [[nodiscard]] const QList<QVariantMap> &rows() const { return m_rows; }
    // One row as a map, for QML that acts on a row outside its delegate.
    Q_INVOKABLE [[nodiscard]] QVariantMap get(int row) const;
    // The position of the row whose key is `key`, or -1.
    Q_INVOKABLE [[nodiscard]] int indexOf(const QString &key) const;

Q_SIGNALS:
    void countChanged();

private:
    QList<QByteArray> m_roles;
    QList<QVariantMap> m_rows;
};

} // namespace hearth
