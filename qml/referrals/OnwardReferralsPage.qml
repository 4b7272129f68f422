import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Onward referrals: find an organisation in the directory by need and area, refer with a reason
// linked to a concern, and track each referral's status and outcome.
PageScaffold {
    id: root

    required property string personId
    // The organisation chosen to refer to; "" while searching.
    property string chosenId
    property string chosenName

    title: qsTr("Onward referrals: %1").arg(referrals.personName)
    errorText: referrals.failed ? referrals.message : ""

    OnwardReferralController {
        id: referrals
        personId: root.personId
    }

    Label {
        Layout.fillWidth: true
        visible: referrals.message.length > 0 && !referrals.failed
        text: "\u2713 " + referrals.message
        wrapMode: Text.Wrap
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("Referrals") }
    Label {
        Layout.fillWidth: true
        visible: referrals.referrals.count === 0
        text: qsTr("No referrals yet.")
    }
    Repeater {
        model: referrals.referrals
        delegate: ReferralDelegate {
            Layout.fillWidth: true
            controller: referrals
        }
    }

    // Referring: the reason and the concern it answers.
    ColumnLayout {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        visible: root.chosenId.length > 0
        spacing: Units.spacing
        SectionHeader { Layout.fillWidth: true; text: qsTr("Refer to %1").arg(root.chosenName) }
        ChoiceField {
            id: concern
            objectName: "referConcern"
            label: qsTr("For which concern")
            options: referrals.concernOptions
            value: ""
            errorText: referrals.errors.concern_id || ""
        }
        FormField {
            id: reason
            objectName: "referReason"
            label: qsTr("Reason")
            errorText: referrals.errors.reason || ""
        }
        CheckBox {
            id: carers
            text: qsTr("This is a carer's assessment referral")
            implicitHeight: Units.touchTarget
            Accessible.name: text
        }
        Label {
            Layout.fillWidth: true
            visible: (referrals.errors.organisation_id || "").length > 0
            text: "\u26A0 " + (referrals.errors.organisation_id || "")
            wrapMode: Text.Wrap
        }
        RowLayout {
            Button {
                objectName: "confirmRefer"
                text: qsTr("Make referral")
                highlighted: true
                implicitHeight: Units.touchTarget
                Accessible.name: qsTr("Make the referral to %1").arg(root.chosenName)
                onClicked: if (referrals.refer(root.chosenId, concern.value, reason.text, carers.checked)) {
                               root.chosenId = ""
                               reason.text = ""
                               carers.checked = false
                           }
            }
            Button {
                text: qsTr("Cancel")
                implicitHeight: Units.touchTarget
                Accessible.name: qsTr("Cancel the referral")
                onClicked: root.chosenId = ""
            }
        }
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("Find an organisation") }
    Label {
        Layout.fillWidth: true
        visible: referrals.sampleDirectory
        text: qsTr("\u26A0 This is the sample directory: invented organisations, for training only.")
        wrapMode: Text.Wrap
    }
    FormField {
        objectName: "search"
        label: qsTr("Search by name")
        onTextChanged: referrals.search = text
    }
    ChoiceField {
        label: qsTr("Need")
        options: referrals.needOptions
        value: referrals.need
        onActivated: function(v) { referrals.need = v }
    }
    ChoiceField {
        label: qsTr("Area")
        options: referrals.areaOptions
        value: referrals.area
        onActivated: function(v) { referrals.area = v }
    }
    ChoiceField {
        label: qsTr("Kind of organisation")
        options: referrals.categoryOptions
        value: referrals.category
        onActivated: function(v) { referrals.category = v }
    }
    Label {
        Layout.fillWidth: true
        text: qsTr("%n organisation(s) found", "", referrals.directory.count)
    }
    Repeater {
        model: referrals.directory
        delegate: OrganisationDelegate {
            Layout.fillWidth: true
            onReferRequested: function(id, name) {
                root.chosenId = id
                root.chosenName = name
                referrals.clearErrors()
            }
        }
    }
}
