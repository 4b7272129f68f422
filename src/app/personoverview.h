#pragma once

#include <QObject>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace hearth::app {

// The person overview page: a short summary of who the person is and where their case stands,
// the entry points to the flow pages (from the page registry) and conflicts to review.
class PersonOverview : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString personId READ personId WRITE setPersonId NOTIFY personIdChanged)
    Q_PROPERTY(QString name READ name NOTIFY loaded)
    // [{label, value}] in display order; empty values are left out.
    Q_PROPERTY(QVariantList details READ details NOTIFY loaded)
    // [{label, value}]: how many assessments, open actions, referrals, notes...
    Q_PROPERTY(QVariantList activity READ activity NOTIFY loaded)
    Q_PROPERTY(int conflicts READ conflicts NOTIFY loaded)
    Q_PROPERTY(bool closed READ isClosed NOTIFY loaded)
    Q_PROPERTY(QString error READ error NOTIFY loaded)
public:
    explicit PersonOverview(QObject *parent = nullptr);

    [[nodiscard]] QString personId() const { return m_personId; }
    void setPersonId(const QString &personId);
    [[nodiscard]] QString name() const { return m_name; }
    [[nodiscard]] QVariantList details() const { return m_details; }
    [[nodiscard]] QVariantList activity() const { return m_activity; }
    [[nodiscard]] int conflicts() const { return m_conflicts; }
    [[nodiscard]] bool isClosed() const { return m_closed; }
    [[nodiscard]] QString error() const { return m_error; }

    Q_INVOKABLE void reload();

Q_SIGNALS:
    void personIdChanged();
    void loaded();

private:
    QString m_personId;
    QString m_name;
    QVariantList m_details;
    QVariantList m_activity;
    int m_conflicts = 0;
    bool m_closed = false;
    QString m_error;
};

} // namespace hearth::app
