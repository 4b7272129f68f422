import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The Recovery Package: Treatment Summaries received, Cancer Care Reviews, Health and Wellbeing
// events. One form at a time, chosen with the buttons at the top.
PageScaffold {
    id: root

    required property string personId
    // Which record the form adds: treatment_summary, cancer_care_review or wellbeing_event.
    property string adding: "treatment_summary"

    title: qsTr("Recovery package: %1").arg(recovery.personName)
    errorText: recovery.failed ? recovery.message : ""

    RecoveryController {
        id: recovery
        personId: root.personId
    }

    function err(field) { return recovery.errors[field] || "" }

    StatusChip {
        Layout.maximumWidth: parent ? parent.width : 0
        wrapMode: Text.Wrap
        label: recovery.careReviewDone ? qsTr("Cancer Care Review done")
                                       : recovery.careReviewDue.length > 0
                                         ? qsTr("Cancer Care Review expected by %1").arg(recovery.careReviewDue)
                                         : qsTr("No Cancer Care Review recorded")
        symbol: recovery.careReviewDone ? "\u2713" : "\u25CB"
    }
    Label {
        Layout.fillWidth: true
        visible: recovery.message.length > 0 && !recovery.failed
        text: "\u2713 " + recovery.message
        wrapMode: Text.Wrap
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("On record") }
    Label {
        Layout.fillWidth: true
        visible: recovery.items.count === 0
        text: qsTr("Nothing recorded yet.")
    }
    Repeater {
        model: recovery.items
        delegate: Frame {
            id: item
            required property string typeLabel
            required property string date
            required property string title
            required property string detail
            Layout.fillWidth: true
            Accessible.role: Accessible.ListItem
            Accessible.name: typeLabel + ", " + date
            ColumnLayout {
                anchors.fill: parent
                Label {
                    Layout.fillWidth: true
                    text: item.typeLabel + " \u00B7 " + item.date
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Label {
                    Layout.fillWidth: true
                    visible: text.length > 0
                    text: item.title + (item.detail.length > 0 ? (item.title.length > 0 ? " \u00B7 " : "") + item.detail : "")
                    wrapMode: Text.Wrap
                }
            }
        }
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("Add") }
    Flow {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        spacing: Units.spacing / 2
        Repeater {
            model: [
                { "value": "treatment_summary", "label": recovery.label("treatment_summary") },
                { "value": "cancer_care_review", "label": recovery.label("cancer_care_review") },
                { "value": "wellbeing_event", "label": recovery.label("wellbeing_event") }
            ]
            delegate: Button {
                required property var modelData
                objectName: "add_" + modelData.value
                text: modelData.label
                checkable: true
                checked: root.adding === modelData.value
                highlighted: checked
                implicitHeight: Units.touchTarget
                Accessible.role: Accessible.PageTab
                Accessible.name: modelData.label
                onClicked: {
                    root.adding = modelData.value
                    recovery.clearErrors()
                }
            }
        }
    }

    // Treatment Summary
    ColumnLayout {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        visible: root.adding === "treatment_summary"
        FormField { id: tsReceived; label: qsTr("Date received (YYYY-MM-DD)"); inputMethodHints: Qt.ImhDate; errorText: root.err("date_received") }
        FormField { id: tsDiagnosis; label: qsTr("Diagnosis"); errorText: root.err("diagnosis") }
        FormField { id: tsDiagnosisDate; label: qsTr("Date of diagnosis (YYYY-MM-DD)"); inputMethodHints: Qt.ImhDate; errorText: root.err("diagnosis_date") }
        FormField { id: tsStaging; label: qsTr("Staging"); errorText: root.err("staging") }
        FormField { id: tsTreatment; label: qsTr("Treatment given"); errorText: root.err("treatment") }
        ChoiceField {
            id: tsAim
            label: qsTr("Aim of treatment")
            options: [{ "value": "", "label": qsTr("Not recorded") }].concat(recovery.options("treatment_summary", "treatment_aim"))
            value: ""
            errorText: root.err("treatment_aim")
        }
        FormField { id: tsStart; label: qsTr("Treatment start (YYYY-MM-DD)"); inputMethodHints: Qt.ImhDate; errorText: root.err("treatment_start") }
        FormField { id: tsEnd; label: qsTr("Treatment end (YYYY-MM-DD)"); inputMethodHints: Qt.ImhDate; errorText: root.err("treatment_end") }
        FormField { id: tsLate; label: qsTr("Possible late effects"); errorText: root.err("late_effects") }
        FormField { id: tsRedFlags; label: qsTr("Red-flag symptoms"); errorText: root.err("red_flags") }
        FormField { id: tsInHours; label: qsTr("Contacts in hours"); errorText: root.err("contacts_in_hours") }
        FormField { id: tsOutOfHours; label: qsTr("Contacts out of hours"); errorText: root.err("contacts_out_of_hours") }
        FormField { id: tsPlan; label: qsTr("Ongoing plan"); errorText: root.err("ongoing_plan") }
        FormField { id: tsGp; label: qsTr("Actions for the GP"); errorText: root.err("gp_actions") }
        CheckBox { id: tsCopyPerson; text: qsTr("Copy given to the person"); implicitHeight: Units.touchTarget; Accessible.name: text }
        CheckBox { id: tsCopyGp; text: qsTr("Copy sent to the GP"); implicitHeight: Units.touchTarget; Accessible.name: text }
        Button {
            objectName: "saveTreatmentSummary"
            text: qsTr("Save treatment summary")
            highlighted: true
            implicitHeight: Units.touchTarget
            Accessible.name: text
            onClicked: recovery.add("treatment_summary", {
                "date_received": tsReceived.text, "diagnosis": tsDiagnosis.text,
                "diagnosis_date": tsDiagnosisDate.text, "staging": tsStaging.text, "treatment": tsTreatment.text,
                "treatment_aim": tsAim.value, "treatment_start": tsStart.text, "treatment_end": tsEnd.text,
                "late_effects": tsLate.text, "red_flags": tsRedFlags.text, "contacts_in_hours": tsInHours.text,
                "contacts_out_of_hours": tsOutOfHours.text, "ongoing_plan": tsPlan.text, "gp_actions": tsGp.text,
                "copy_to_person": tsCopyPerson.checked, "copy_to_gp": tsCopyGp.checked })
        }
    }

    // Cancer Care Review
    ColumnLayout {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        visible: root.adding === "cancer_care_review"
        FormField { id: ccrDate; label: qsTr("Date (YYYY-MM-DD)"); inputMethodHints: Qt.ImhDate; errorText: root.err("date") }
        FormField { id: ccrReviewer; objectName: "ccrReviewer"; label: qsTr("Who did it"); errorText: root.err("reviewer") }
        FormField { id: ccrPractice; label: qsTr("GP practice"); errorText: root.err("practice") }
        CheckBox { id: ccrPractical; text: qsTr("Practical concerns discussed"); implicitHeight: Units.touchTarget; Accessible.name: text }
        CheckBox { id: ccrEmotional; text: qsTr("Emotional concerns discussed"); implicitHeight: Units.touchTarget; Accessible.name: text }
        CheckBox { id: ccrFinancial; text: qsTr("Financial concerns discussed"); implicitHeight: Units.touchTarget; Accessible.name: text }
        FormField { id: ccrNotes; label: qsTr("Notes"); errorText: root.err("notes") }
        Button {
            objectName: "saveCareReview"
            text: qsTr("Save cancer care review")
            highlighted: true
            implicitHeight: Units.touchTarget
            Accessible.name: text
            onClicked: recovery.add("cancer_care_review", {
                "date": ccrDate.text, "reviewer": ccrReviewer.text, "practice": ccrPractice.text,
                "discussed_practical": ccrPractical.checked, "discussed_emotional": ccrEmotional.checked,
                "discussed_financial": ccrFinancial.checked, "notes": ccrNotes.text })
        }
    }

    // Health and Wellbeing event
    ColumnLayout {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        visible: root.adding === "wellbeing_event"
        FormField { id: evDate; label: qsTr("Date (YYYY-MM-DD)"); inputMethodHints: Qt.ImhDate; errorText: root.err("date") }
        FormField { id: evTitle; label: qsTr("Event"); errorText: root.err("title") }
        ChoiceField {
            id: evFormat
            label: qsTr("Format")
            options: [{ "value": "", "label": qsTr("Choose\u2026") }].concat(recovery.options("wellbeing_event", "format"))
            value: ""
            errorText: root.err("format")
        }
        ChoiceField {
            id: evAttended
            label: qsTr("Attended by")
            options: [{ "value": "", "label": qsTr("Choose\u2026") }].concat(recovery.options("wellbeing_event", "attended_by"))
            value: ""
            errorText: root.err("attended_by")
        }
        Label { text: qsTr("Topics"); font.bold: true }
        Repeater {
            id: topics
            model: [
                { "field": "topic_nutrition", "label": qsTr("Nutrition") },
                { "field": "topic_activity", "label": qsTr("Physical activity") },
                { "field": "topic_late_effects", "label": qsTr("Late effects") },
                { "field": "topic_work", "label": qsTr("Work") },
                { "field": "topic_money", "label": qsTr("Money") },
                { "field": "topic_fear_of_recurrence", "label": qsTr("Fear of recurrence") },
                { "field": "topic_local_services", "label": qsTr("Local services") }
            ]
            delegate: CheckBox {
                required property var modelData
                readonly property string field: modelData.field
                text: modelData.label
                implicitHeight: Units.touchTarget
                Accessible.name: text
            }
        }
        Button {
            objectName: "saveWellbeingEvent"
            text: qsTr("Save wellbeing event")
            highlighted: true
            implicitHeight: Units.touchTarget
            Accessible.name: text
            onClicked: {
                const fields = { "date": evDate.text, "title": evTitle.text, "format": evFormat.value,
                                 "attended_by": evAttended.value }
                for (let i = 0; i < topics.count; ++i)
                    fields[topics.itemAt(i).field] = topics.itemAt(i).checked
                recovery.add("wellbeing_event", fields)
            }
        }
    }
}
