#pragma once

#include "flowcontroller.h"
#include "rowsmodel.h"

namespace hearth {

// A person's visit notes, newest first.
class NotesModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by NotesController")
public:
    enum Roles { KeyRole = Qt::UserRole, DateRole, AuthorRole, TextRole };
    Q_ENUM(Roles)
    explicit NotesModel(QObject *parent = nullptr) : RowsModel({"key", "date", "author", "text"}, parent) {}
};

// Visit notes: append-only (the core refuses edits and deletes), so a mistake is corrected by a
// further note, never by rewriting one.
class NotesController : public FlowController
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(hearth::NotesModel *notes READ notes CONSTANT)
public:
    explicit NotesController(QObject *parent = nullptr);
    [[nodiscard]] NotesModel *notes() const { return m_notes; }

    // Adds a note dated today by the signed-in worker.
    Q_INVOKABLE bool add(const QString &text);

protected:
    void reload() override;

private:
    NotesModel *m_notes;
};

} // namespace hearth
