#pragma once

#include "flowcontroller.h"

namespace hearth {

// Closing a case with a reason, and reopening it. The case's status is one case_status record per
// person, edited in place so its history stays in the revision log.
class ClosureController : public FlowController
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool closed READ closed NOTIFY caseChanged)
    Q_PROPERTY(QString date READ date NOTIFY caseChanged)
    Q_PROPERTY(QString reason READ reason NOTIFY caseChanged)
    Q_PROPERTY(QString reasonLabel READ reasonLabel NOTIFY caseChanged)
    Q_PROPERTY(QString notes READ notes NOTIFY caseChanged)
    Q_PROPERTY(int openActions READ openActions NOTIFY caseChanged)
    Q_PROPERTY(QVariantList reasonOptions READ reasonOptions CONSTANT)
public:
    explicit ClosureController(QObject *parent = nullptr);

    [[nodiscard]] bool closed() const;
    [[nodiscard]] QString date() const;
    [[nodiscard]] QString reason() const;
    [[nodiscard]] QString reasonLabel() const;
    [[nodiscard]] QString notes() const;
    // Care actions still planned or in progress: worth a look before closing.
    [[nodiscard]] int openActions() const { return m_openActions; }
    [[nodiscard]] QVariantList reasonOptions() const;

    // Closes the case on `date` (today when empty) for `reason`, with optional notes.
    Q_INVOKABLE bool closeCase(const QString &reason, const QString &date = {}, const QString &notes = {});
    // Reopens a closed case today.
    Q_INVOKABLE bool reopen();

Q_SIGNALS:
    void caseChanged();

protected:
    void reload() override;

private:
    QString m_statusId;
    QJsonObject m_values;
    int m_openActions = 0;
};

} // namespace hearth
