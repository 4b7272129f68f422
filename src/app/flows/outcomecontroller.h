#pragma once

#include "flowcontroller.h"
#include "rowsmodel.h"

namespace hearth {

// A person's outcome measures, newest first.
class OutcomesModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by OutcomeController")
public:
    enum Roles {
        KeyRole = Qt::UserRole,
        DateRole,
        TimepointLabelRole,
        InstrumentLabelRole,
        StateRole,
        IndexTextRole,
        VasRole,
        DistressRole
    };
    Q_ENUM(Roles)
    explicit OutcomesModel(QObject *parent = nullptr)
        : RowsModel({"key", "date", "timepointLabel", "instrumentLabel", "state", "indexText", "vas", "distress"},
                    parent)
    {}
};

// First and latest measurement side by side, with the change said in words.
class ComparisonModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by OutcomeController")
public:
    // direction: "better", "worse" or "same"; directionLabel says it in words.
    enum Roles {
        KeyRole = Qt::UserRole,
        LabelRole,
        BeforeRole,
        AfterRole,
        ChangeRole,
        DirectionRole,
        DirectionLabelRole
    };
    Q_ENUM(Roles)
    explicit ComparisonModel(QObject *parent = nullptr)
        : RowsModel({"key", "label", "before", "after", "change", "direction", "directionLabel"}, parent)
    {}
};

// Outcome measures: EQ-5D (five dimensions and the 0-100 VAS) and the distress score. The
// instruments' structure is fixed; their wording is licensed, so it is data: placeholder wording
// ships in the app and a deployment's own file replaces it (see wordingDirectory()).
class OutcomeController : public FlowController
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString instrument READ instrument WRITE setInstrument NOTIFY formChanged)
    Q_PROPERTY(QVariantList instrumentOptions READ instrumentOptions CONSTANT)
    Q_PROPERTY(QString timepoint READ timepoint WRITE setTimepoint NOTIFY formChanged)
    Q_PROPERTY(QVariantList timepointOptions READ timepointOptions CONSTANT)
    Q_PROPERTY(QVariantMap wording READ wording NOTIFY formChanged)
    Q_PROPERTY(bool placeholderWording READ placeholderWording NOTIFY formChanged)
    Q_PROPERTY(QVariantList levels READ levels NOTIFY formChanged)
    Q_PROPERTY(int vas READ vas WRITE setVas NOTIFY formChanged)
    Q_PROPERTY(int distress READ distress WRITE setDistress NOTIFY formChanged)
    Q_PROPERTY(hearth::OutcomesModel *history READ history CONSTANT)
    Q_PROPERTY(hearth::ComparisonModel *comparison READ comparison CONSTANT)
public:
    explicit OutcomeController(QObject *parent = nullptr);

    // Where a deployment's licensed wording files live (<dir>/<instrument>.json).
    static void setWordingDirectory(const QString &dir);
    [[nodiscard]] static QString wordingDirectory();
    // The wording for one instrument: the deployment's file when present, else the placeholder.
    [[nodiscard]] static QVariantMap loadWording(const QString &instrument);

    [[nodiscard]] QString instrument() const { return m_instrument; }
    void setInstrument(const QString &instrument);
    [[nodiscard]] QVariantList instrumentOptions() const;
    [[nodiscard]] QString timepoint() const { return m_timepoint; }
    void setTimepoint(const QString &timepoint);
    [[nodiscard]] QVariantList timepointOptions() const;
    // {title, placeholder, dimensions: [{id, title, levels: [text...]}], vas: {title, low, high}} or
    // for the distress score {title, prompt, low, high}.
    [[nodiscard]] QVariantMap wording() const { return m_wording; }
    [[nodiscard]] bool placeholderWording() const { return m_wording.value(QStringLiteral("placeholder")).toBool(); }
    // The level chosen for each dimension, 0 while unanswered.
    [[nodiscard]] QVariantList levels() const;
    // -1 while not given.
    [[nodiscard]] int vas() const { return m_vas; }
    void setVas(int vas);
    [[nodiscard]] int distress() const { return m_distress; }
    void setDistress(int distress);
    [[nodiscard]] OutcomesModel *history() const { return m_history; }
    [[nodiscard]] ComparisonModel *comparison() const { return m_comparison; }

    // Chooses level `level` (1-based) for dimension `dimension` (0-based).
    Q_INVOKABLE void setLevel(int dimension, int level);
    // Saves the measure being entered today and clears the form.
    Q_INVOKABLE bool save();

Q_SIGNALS:
    void formChanged();

protected:
    void reload() override;

private:
    void resetForm();

    QString m_instrument = QStringLiteral("eq5d_5l");
    QString m_timepoint;
    bool m_timepointChosen = false;
    QVariantMap m_wording;
    QList<int> m_levels;
    int m_vas = -1;
    int m_distress = -1;
    OutcomesModel *m_history;
    ComparisonModel *m_comparison;
};

} // namespace hearth
