import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The care plan the person owns: for each concern they chose, what was discussed and the actions
// agreed. Once the person agrees it the plan is locked (statuses can still be updated), and each
// share with a professional is recorded against their consent.
PageScaffold {
    id: root

    required property string personId

    title: qsTr("Care plan: %1").arg(plan.personName)
    errorText: plan.failed ? plan.message : ""

    CarePlanController {
        id: plan
        personId: root.personId
    }

    Label {
        Layout.fillWidth: true
        text: plan.assessmentLabel.length > 0 ? qsTr("From the %1").arg(plan.assessmentLabel)
                                                    : qsTr("There is no assessment yet: start with the assessment.")
        wrapMode: Text.Wrap
    }
    StatusChip {
        Layout.maximumWidth: parent ? parent.width : 0
        wrapMode: Text.Wrap
        label: plan.agreed ? qsTr("Agreed on %1 and locked").arg(plan.agreedDate)
                                 : qsTr("Not agreed yet")
        // A tick, not a padlock: the padlock is missing from common device fonts (an empty box).
        symbol: plan.agreed ? "\u2713" : "\u270E"
    }
    Label {
        Layout.fillWidth: true
        visible: plan.message.length > 0 && !plan.failed
        text: "\u2713 " + plan.message
        wrapMode: Text.Wrap
    }

    Repeater {
        model: plan.concerns
        delegate: CarePlanConcernCard {
            Layout.fillWidth: true
            controller: plan
            locked: plan.agreed
        }
    }

    SectionHeader {
        Layout.fillWidth: true
        text: qsTr("Agreement")
    }
    Label {
        Layout.fillWidth: true
        text: plan.agreed
              ? qsTr("The person agreed this plan on %1. Actions can still be marked in progress or done.").arg(plan.agreedDate)
              : qsTr("When the person is happy with the plan, record that they agree it. The plan is then locked.")
        wrapMode: Text.Wrap
    }
    ActionButton {
        Layout.maximumWidth: parent ? parent.width : 0
        objectName: "agree"
        visible: !plan.agreed
        text: qsTr("The person agrees this plan")
        highlighted: true
        implicitHeight: Units.touchTarget
        Accessible.name: text
        onClicked: plan.agree()
    }

    SectionHeader {
        Layout.fillWidth: true
        text: qsTr("Sharing")
    }
    Repeater {
        model: plan.shareOptions
        delegate: RowLayout {
            required property var modelData
            Layout.fillWidth: true
            spacing: Units.spacing
            Label {
                Layout.fillWidth: true
                text: modelData.label + " \u00B7 " + (modelData.consented ? qsTr("\u2713 consent recorded")
                                                                          : qsTr("\u2717 no consent"))
                wrapMode: Text.Wrap
            }
            Button {
                objectName: "share_" + modelData.value
                text: qsTr("Record sharing")
                enabled: plan.agreed && modelData.consented
                implicitHeight: Units.touchTarget
                Accessible.name: qsTr("Record sharing the plan with: %1").arg(modelData.label)
                Accessible.description: modelData.consented ? "" : qsTr("No consent to share with them")
                onClicked: plan.shareWith(modelData.value)
            }
        }
    }
    Repeater {
        model: plan.shares
        delegate: Label {
            required property string recipientLabel
            required property string date
            Layout.fillWidth: true
            text: qsTr("Shared with %1 on %2").arg(recipientLabel).arg(date)
            wrapMode: Text.Wrap
        }
    }

    SectionHeader {
        Layout.fillWidth: true
        text: qsTr("Document")
    }
    ActionButton {
        Layout.maximumWidth: parent ? parent.width : 0
        objectName: "makePdf"
        text: qsTr("Make the care plan PDF")
        implicitHeight: Units.touchTarget
        Accessible.name: text
        onClicked: plan.exportDocument("", "")
    }
    Label {
        Layout.fillWidth: true
        visible: !plan.documentAvailable
        text: qsTr("Not available in this version.")
        wrapMode: Text.Wrap
    }
    Label {
        Layout.fillWidth: true
        visible: plan.documentPath.length > 0
        text: qsTr("Saved: %1").arg(plan.documentPath)
        wrapMode: Text.WrapAnywhere
    }
}
