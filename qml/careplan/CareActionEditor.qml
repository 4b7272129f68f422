import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The fields of one care action: what, who, by when, status, and once under way its outcome and
// when to look at it again. Checks are the core's: this only collects what was typed and shows the
// errors the controller reports. An agreed plan locks what and who, not the tracking fields.
ColumnLayout {
    id: root

    required property var controller
    // The concern the action answers; and the action being changed ("" for a new one).
    property string concernId
    property string actionId
    property bool locked: false
    // Shows the controller's field errors only in the editor that saved last.
    property bool active: false
    signal done()

    property alias actionText: actionField.text
    property alias ownerName: ownerNameField.text
    property alias dueDate: dueField.text
    property alias outcome: outcomeField.text
    property alias reviewDate: reviewField.text
    property string owner: "link_worker"
    property string status: "planned"

    function error(field) { return root.active ? (root.controller.errors[field] || "") : "" }

    spacing: Units.spacing

    FormField {
        id: actionField
        objectName: "actionText_" + root.concernId
        label: qsTr("Action")
        readOnly: root.locked
        errorText: root.error("action")
    }
    ChoiceField {
        objectName: "owner_" + root.concernId
        label: qsTr("Who does it")
        options: root.controller.options("care_action", "owner")
        value: root.owner
        errorText: root.error("owner")
        enabled: !root.locked
        onActivated: function(v) { root.owner = v }
    }
    FormField {
        id: ownerNameField
        label: qsTr("Their name (optional)")
        readOnly: root.locked
        errorText: root.error("owner_name")
    }
    FormField {
        id: dueField
        objectName: "due_" + root.concernId
        label: qsTr("By when (YYYY-MM-DD)")
        inputMethodHints: Qt.ImhDate
        readOnly: root.locked
        errorText: root.error("due_date")
    }
    ChoiceField {
        objectName: "status_" + root.concernId
        label: qsTr("Status")
        options: root.controller.options("care_action", "status")
        value: root.status
        errorText: root.error("status")
        onActivated: function(v) { root.status = v }
    }
    FormField {
        id: outcomeField
        objectName: "outcome_" + root.concernId
        label: qsTr("Outcome so far (optional)")
        helpText: qsTr("What happened, in the person's words where you can.")
        errorText: root.error("outcome")
    }
    FormField {
        id: reviewField
        objectName: "review_" + root.concernId
        label: qsTr("Look at it again on (YYYY-MM-DD, optional)")
        inputMethodHints: Qt.ImhDate
        errorText: root.error("review_date")
    }
    RowLayout {
        spacing: Units.spacing
        Button {
            objectName: "saveAction_" + root.concernId
            text: root.actionId.length > 0 ? qsTr("Save action") : qsTr("Add action")
            highlighted: true
            implicitHeight: Units.touchTarget
            Accessible.name: text
            onClicked: {
                root.active = true
                const fields = { "status": root.status, "outcome": outcomeField.text,
                                 "review_date": reviewField.text }
                if (!root.locked) {
                    fields["action"] = actionField.text
                    fields["owner"] = root.owner
                    fields["owner_name"] = ownerNameField.text
                    fields["due_date"] = dueField.text
                }
                if (root.controller.saveAction(root.actionId, root.concernId, fields)) {
                    root.active = false
                    root.done()
                }
            }
        }
        Button {
            text: qsTr("Cancel")
            implicitHeight: Units.touchTarget
            Accessible.name: qsTr("Cancel this action")
            onClicked: {
                root.active = false
                root.done()
            }
        }
    }
}
