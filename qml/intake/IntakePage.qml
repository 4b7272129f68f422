import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// A referral into the service and the person's details and consents. With personId "" it records
// someone new; the person and the referral are saved together, or neither is.
PageScaffold {
    id: root

    required property string personId
    // Emitted once a new person is saved, so the workspace can open their record.
    signal personCreated(string personId)

    title: intake.isNew ? qsTr("New referral") : qsTr("Details: %1").arg(intake.personName)
    errorText: intake.failed ? intake.message : ""

    IntakeController {
        id: intake
        personId: root.personId
        onCreated: function(id) { root.personCreated(id) }
    }

    function err(field) { return intake.errors[field] || "" }

    // The values the form starts from; reset whenever the controller loads the record again.
    property var person: intake.person
    property var referral: intake.referral
    property var consentValues: ({})

    function save() {
        const p = {
            "given_name": givenName.text, "family_name": familyName.text,
            "preferred_name": preferredName.text, "date_of_birth": dob.text,
            "chi_number": chi.text, "nhs_number": nhs.text, "sex": sex.value,
            "address": address.text, "postcode": postcode.text, "phone": phone.text,
            "cancer_site": site.value, "diagnosis": diagnosis.text, "diagnosis_date": diagnosisDate.text,
            "stage_of_care": stage.value
        }
        for (let i = 0; i < consentRepeater.count; ++i) {
            const box = consentRepeater.itemAt(i)
            p[box.field] = box.checked
        }
        const r = {
            "source": source.value, "referrer": referrer.text, "date_received": received.text,
            "notes": referralNotes.text
        }
        intake.save(p, r)
    }

    Label {
        Layout.fillWidth: true
        visible: intake.message.length > 0 && !intake.failed
        text: "\u2713 " + intake.message
        wrapMode: Text.Wrap
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("Referral") }
    ChoiceField {
        id: source
        objectName: "source"
        label: qsTr("Referred by")
        options: [{ "value": "", "label": qsTr("Choose\u2026") }].concat(intake.options("referral", "source"))
        value: root.referral.source || ""
        errorText: root.err("source")
    }
    FormField {
        id: referrer
        label: qsTr("Referrer's name (optional)")
        text: root.referral.referrer || ""
        errorText: root.err("referrer")
    }
    FormField {
        id: received
        objectName: "date_received"
        label: qsTr("Date received (YYYY-MM-DD)")
        text: root.referral.date_received || ""
        inputMethodHints: Qt.ImhDate
        errorText: root.err("date_received")
    }
    FormField {
        id: referralNotes
        label: qsTr("Referral notes (optional)")
        text: root.referral.notes || ""
        errorText: root.err("notes")
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("The person") }
    FormField {
        id: givenName
        objectName: "given_name"
        label: qsTr("Given name")
        text: root.person.given_name || ""
        errorText: root.err("given_name")
    }
    FormField {
        id: familyName
        objectName: "family_name"
        label: qsTr("Family name")
        text: root.person.family_name || ""
        errorText: root.err("family_name")
    }
    FormField {
        id: preferredName
        label: qsTr("Preferred name (optional)")
        text: root.person.preferred_name || ""
        errorText: root.err("preferred_name")
    }
    FormField {
        id: dob
        objectName: "date_of_birth"
        label: qsTr("Date of birth (YYYY-MM-DD)")
        text: root.person.date_of_birth || ""
        inputMethodHints: Qt.ImhDate
        errorText: root.err("date_of_birth")
    }
    FormField {
        id: chi
        label: qsTr("CHI number (optional)")
        text: root.person.chi_number || ""
        inputMethodHints: Qt.ImhDigitsOnly
        errorText: root.err("chi_number")
    }
    FormField {
        id: nhs
        label: qsTr("NHS number (optional)")
        text: root.person.nhs_number || ""
        inputMethodHints: Qt.ImhDigitsOnly
        errorText: root.err("nhs_number")
    }
    ChoiceField {
        id: sex
        label: qsTr("Sex (optional)")
        options: [{ "value": "", "label": qsTr("Not recorded") }].concat(intake.options("person", "sex"))
        value: root.person.sex || ""
        errorText: root.err("sex")
    }
    FormField {
        id: address
        label: qsTr("Address (optional)")
        text: root.person.address || ""
        errorText: root.err("address")
    }
    FormField {
        id: postcode
        label: qsTr("Postcode (optional)")
        text: root.person.postcode || ""
        inputMethodHints: Qt.ImhPreferUppercase
        errorText: root.err("postcode")
        helpText: intake.deprivation
    }
    FormField {
        id: phone
        label: qsTr("Phone (optional)")
        text: root.person.phone || ""
        inputMethodHints: Qt.ImhDialableCharactersOnly
        errorText: root.err("phone")
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("Cancer") }
    ChoiceField {
        id: site
        label: qsTr("Cancer site (optional)")
        options: [{ "value": "", "label": qsTr("Not recorded") }].concat(intake.options("person", "cancer_site"))
        value: root.person.cancer_site || ""
        errorText: root.err("cancer_site")
    }
    FormField {
        id: diagnosis
        label: qsTr("Diagnosis (optional)")
        text: root.person.diagnosis || ""
        errorText: root.err("diagnosis")
    }
    FormField {
        id: diagnosisDate
        label: qsTr("Date of diagnosis (YYYY-MM-DD, optional)")
        text: root.person.diagnosis_date || ""
        inputMethodHints: Qt.ImhDate
        errorText: root.err("diagnosis_date")
    }
    ChoiceField {
        id: stage
        label: qsTr("Stage of care (optional)")
        options: [{ "value": "", "label": qsTr("Not recorded") }].concat(intake.options("person", "stage_of_care"))
        value: root.person.stage_of_care || ""
        errorText: root.err("stage_of_care")
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("Consent") }
    Repeater {
        id: consentRepeater
        model: intake.consents
        delegate: CheckBox {
            required property var modelData
            readonly property string field: modelData.field
            objectName: "consent_" + modelData.field
            Layout.fillWidth: true
            implicitHeight: Math.max(Units.touchTarget, implicitContentHeight)
            text: modelData.label + (root.err(modelData.field).length > 0 ? " \u26A0 " + root.err(modelData.field) : "")
            checked: modelData.value
            Accessible.name: modelData.label
        }
    }

    ActionButton {
        Layout.maximumWidth: parent ? parent.width : 0
        objectName: "saveIntake"
        text: intake.isNew ? qsTr("Save new person") : qsTr("Save changes")
        highlighted: true
        implicitHeight: Units.touchTarget
        Accessible.name: text
        onClicked: root.save()
    }
}
