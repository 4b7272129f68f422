#include "notescontroller.h"

namespace hearth {

NotesController::NotesController(QObject *parent) : FlowController(parent), m_notes(new NotesModel(this)) {}

bool NotesController::add(const QString &text)
{
    QJsonObject values = toFields(QStringLiteral("note"), {{QStringLiteral("text"), text}});
    values.insert(QStringLiteral("person_id"), personId());
    values.insert(QStringLiteral("date"), isoDate(today()));
    if (!worker().isEmpty())
        values.insert(QStringLiteral("author"), worker());
    return bool(commit({Mutation::put(QStringLiteral("note"), values)}, tr("Note added"), {QStringLiteral("text")}));
}

void NotesController::reload()
{
    QList<QVariantMap> rows;
    const QList<Record> notes = records(QStringLiteral("note"), QStringLiteral("date"));
    for (auto it = notes.crbegin(); it != notes.crend(); ++it)
        rows << QVariantMap{{QStringLiteral("key"), it->id},
                            {QStringLiteral("date"), it->values.value(QStringLiteral("date")).toString()},
                            {QStringLiteral("author"), it->values.value(QStringLiteral("author")).toString()},
                            {QStringLiteral("text"), it->values.value(QStringLiteral("text")).toString()}};
    m_notes->setRows(rows);
}

} // namespace hearth
