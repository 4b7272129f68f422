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
        // Placed by hand rather than by a RowLayout, which in this ColumnLayout put the buttons
        // apart from their labels (seen in the tablet screenshot); side by side when both fit, the
        // button under its label when not (a phone at large text sizes).
        delegate: Item {
            id: shareRow
            required property var modelData
            // Measured apart from the label: a wrapping label's implicit width follows its width.
            readonly property bool stacked: width < labelMetrics.advanceWidth + shareButton.implicitWidth + Units.spacing
            Layout.fillWidth: true
            implicitHeight: stacked ? shareLabel.height + Units.spacing + Units.touchTarget
                                    : Math.max(shareLabel.height, Units.touchTarget)
            TextMetrics {
                id: labelMetrics
                font: shareLabel.font
                text: shareLabel.text
            }
            Label {
                id: shareLabel
                width: shareRow.stacked ? shareRow.width : shareRow.width - shareButton.width - Units.spacing
                y: shareRow.stacked ? 0 : (shareRow.height - height) / 2
                text: shareRow.modelData.label + " \u00B7 "
                    + (shareRow.modelData.consented ? qsTr("\u2713 consent recorded") : qsTr("\u2717 no consent"))
                wrapMode: Text.Wrap
            }
            Button {
                id: shareButton
                x: shareRow.stacked ? 0 : shareRow.width - width
                y: shareRow.stacked ? shareLabel.height + Units.spacing : (shareRow.height - height) / 2
                width: Math.min(implicitWidth, shareRow.width)
                height: Units.touchTarget
                objectName: "share_" + shareRow.modelData.value
                text: qsTr("Record sharing")
                enabled: plan.agreed && shareRow.modelData.consented
                Accessible.name: qsTr("Record sharing the plan with: %1").arg(shareRow.modelData.label)
                Accessible.description: shareRow.modelData.consented ? "" : qsTr("No consent to share with them")
                onClicked: plan.shareWith(shareRow.modelData.value)
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
