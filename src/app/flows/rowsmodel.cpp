#include "rowsmodel.h"

namespace hearth {

RowsModel::RowsModel(QList<QByteArray> roles, QObject *parent) : QAbstractListModel(parent), m_roles(std::move(roles))
{}

int RowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant RowsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int r = role - Qt::UserRole;
    if (r < 0 || r >= m_roles.size())
        return role == Qt::DisplayRole && !m_roles.isEmpty()
            ? m_rows[index.row()].value(QString::fromLatin1(m_roles.constFirst()))
            : QVariant();
    return m_rows[index.row()].value(QString::fromLatin1(m_roles[r]));
}

QHash<int, QByteArray> RowsModel::roleNames() const
{
    QHash<int, QByteArray> names;
    for (int i = 0; i < m_roles.size(); ++i)
        names.insert(Qt::UserRole + i, m_roles[i]);
    return names;
}

void RowsModel::setRows(const QList<QVariantMap> &rows)
{
    bool sameIds = rows.size() == m_rows.size();
    for (int i = 0; sameIds && i < rows.size(); ++i)
        sameIds = rows[i].value(QStringLiteral("key")) == m_rows[i].value(QStringLiteral("key"));
    if (!sameIds) {
        const int before = count();
        beginResetModel();
        m_rows = rows;
        endResetModel();
        if (before != count())
            Q_EMIT countChanged();
        return;
    }
    for (int i = 0; i < rows.size(); ++i) {
        if (rows[i] == m_rows[i])
            continue;
        m_rows[i] = rows[i];
        Q_EMIT dataChanged(index(i), index(i));
    }
}

QVariantMap RowsModel::get(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row] : QVariantMap();
}

int RowsModel::indexOf(const QString &key) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].value(QStringLiteral("key")).toString() == key)
            return i;
    return -1;
}

} // namespace hearth
