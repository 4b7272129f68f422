#pragma once

#include "flowcontroller.h"
#include "rowsmodel.h"

namespace hearth {

// The Recovery Package items on record for a person, newest first.
class RecoveryModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by RecoveryController")
public:
    enum Roles { KeyRole = Qt::UserRole, TypeRole, TypeLabelRole, DateRole, TitleRole, DetailRole };
    Q_ENUM(Roles)
    explicit RecoveryModel(QObject *parent = nullptr)
        : RowsModel({"key", "type", "typeLabel", "date", "title", "detail"}, parent)
    {}
};

// The Recovery Package: Treatment Summaries received, Cancer Care Reviews and Health and
// Wellbeing events.
class RecoveryController : public FlowController
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(hearth::RecoveryModel *items READ items CONSTANT)
    Q_PROPERTY(bool careReviewDone READ careReviewDone NOTIFY itemsChanged)
    Q_PROPERTY(QString careReviewDue READ careReviewDue NOTIFY itemsChanged)
public:
    explicit RecoveryController(QObject *parent = nullptr);

    [[nodiscard]] RecoveryModel *items() const { return m_items; }
    [[nodiscard]] bool careReviewDone() const { return m_careReviewDone; }
    // A Cancer Care Review is expected within 12 months of diagnosis; empty without a diagnosis date.
    [[nodiscard]] QString careReviewDue() const { return m_careReviewDue; }

    // Records one item: `type` is treatment_summary, cancer_care_review or wellbeing_event; `fields`
    // are that record's fields.
    Q_INVOKABLE bool add(const QString &type, const QVariantMap &fields);

Q_SIGNALS:
    void itemsChanged();

protected:
    void reload() override;

private:
    RecoveryModel *m_items;
    bool m_careReviewDone = false;
    QString m_careReviewDue;
};

} // namespace hearth
