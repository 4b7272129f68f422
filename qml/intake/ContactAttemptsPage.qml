import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Contact attempts until the service first reaches the person: each call, letter or visit and
// what came of it. Reaching them dates the referral's first contact.
PageScaffold {
    id: root

    required property string personId

    title: qsTr("Contact attempts: %1").arg(contacts.personName)
    errorText: contacts.failed ? contacts.message : ""

    ContactController {
        id: contacts
        personId: root.personId
    }

    function err(field) { return contacts.errors[field] || "" }

    StatusChip {
        Layout.maximumWidth: parent ? parent.width : 0
        wrapMode: Text.Wrap
        label: contacts.awaitingFirstContact
               ? qsTr("Awaiting first contact: referral received %1, %n day(s) ago", "", contacts.daysWaiting).arg(contacts.referralReceived)
               : qsTr("First contact made")
        symbol: contacts.awaitingFirstContact ? "\u25CB" : "\u2713"
    }
    Label {
        Layout.fillWidth: true
        visible: contacts.message.length > 0 && !contacts.failed
        text: "\u2713 " + contacts.message
        wrapMode: Text.Wrap
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("Record an attempt") }
    FormField {
        id: date
        label: qsTr("Date (YYYY-MM-DD; today if blank)")
        inputMethodHints: Qt.ImhDate
        errorText: root.err("date")
    }
    ChoiceField {
        id: method
        objectName: "method"
        label: qsTr("How")
        options: contacts.options("contact", "method")
        value: "phone"
        errorText: root.err("method")
    }
    ChoiceField {
        id: outcome
        objectName: "outcome"
        label: qsTr("What happened")
        options: contacts.options("contact", "outcome")
        value: "no_answer"
        errorText: root.err("outcome")
    }
    FormField {
        id: notes
        label: qsTr("Notes (optional)")
        errorText: root.err("notes")
    }
    ActionButton {
        Layout.maximumWidth: parent ? parent.width : 0
        objectName: "addContact"
        text: qsTr("Record attempt")
        highlighted: true
        implicitHeight: Units.touchTarget
        Accessible.name: text
        onClicked: {
            if (contacts.add({ "date": date.text, "method": method.value, "outcome": outcome.value,
                               "notes": notes.text })) {
                date.text = ""
                notes.text = ""
            }
        }
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("Attempts so far") }
    Label {
        Layout.fillWidth: true
        visible: contacts.contacts.count === 0
        text: qsTr("None yet.")
    }
    Repeater {
        model: contacts.contacts
        delegate: Frame {
            id: attempt
            required property string date
            required property string methodLabel
            required property string outcomeLabel
            required property string notes
            Layout.fillWidth: true
            Accessible.role: Accessible.ListItem
            Accessible.name: qsTr("%1, %2: %3").arg(date).arg(methodLabel).arg(outcomeLabel)
            ColumnLayout {
                anchors.fill: parent
                Label {
                    Layout.fillWidth: true
                    text: attempt.date + " \u00B7 " + attempt.methodLabel + " \u00B7 " + attempt.outcomeLabel
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Label {
                    Layout.fillWidth: true
                    visible: text.length > 0
                    text: attempt.notes
                    wrapMode: Text.Wrap
                }
            }
        }
    }
}
