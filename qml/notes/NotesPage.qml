import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Visit notes, newest first. Notes are never changed once written: a correction is a new note.
PageScaffold {
    id: root

    required property string personId

    title: qsTr("Visit notes: %1").arg(notes.personName)
    errorText: notes.failed ? notes.message : ""

    NotesController {
        id: notes
        personId: root.personId
    }

    Label {
        Layout.fillWidth: true
        text: qsTr("Notes cannot be changed once saved; add a further note to correct one.")
        wrapMode: Text.Wrap
        opacity: 0.85
    }
    Label { text: qsTr("New note"); font.bold: true }
    TextArea {
        id: noteField
        objectName: "noteText"
        Layout.fillWidth: true
        Layout.minimumHeight: Units.touchTarget * 2
        wrapMode: TextEdit.Wrap
        Accessible.name: qsTr("New note")
        Accessible.description: notes.errors.text || ""
    }
    Label {
        Layout.fillWidth: true
        visible: (notes.errors.text || "").length > 0
        text: "\u26A0 " + (notes.errors.text || "")
        wrapMode: Text.Wrap
        color: "#b3261e"
        Accessible.role: Accessible.AlertMessage
        Accessible.name: text
    }
    ActionButton {
        Layout.maximumWidth: parent ? parent.width : 0
        objectName: "addNote"
        text: qsTr("Save note")
        highlighted: true
        implicitHeight: Units.touchTarget
        Accessible.name: text
        onClicked: if (notes.add(noteField.text)) noteField.text = ""
    }
    Label {
        Layout.fillWidth: true
        visible: notes.message.length > 0 && !notes.failed
        text: "\u2713 " + notes.message
    }
    SectionHeader { Layout.fillWidth: true; text: qsTr("Earlier notes") }
    Repeater {
        model: notes.notes
        delegate: Frame {
            id: note
            required property string date
            required property string author
            required property string text
            Layout.fillWidth: true
            Accessible.role: Accessible.ListItem
            Accessible.name: date + ": " + text
            ColumnLayout {
                anchors.fill: parent
                Label {
                    Layout.fillWidth: true
                    text: note.date + (note.author.length > 0 ? " \u00B7 " + note.author : "")
                    font.bold: true
                }
                Label {
                    Layout.fillWidth: true
                    text: note.text
                    wrapMode: Text.Wrap
                }
            }
        }
    }
}
