import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Money: benefits and grants gained and debts written off, with the person's running totals.
PageScaffold {
    id: root

    required property string personId

    title: qsTr("Money: %1").arg(money.personName)
    errorText: money.failed ? money.message : ""

    MoneyController {
        id: money
        personId: root.personId
    }

    function err(field) { return money.errors[field] || "" }

    GridLayout {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        columns: root.width > 600 ? 4 : 2
        columnSpacing: Units.spacing
        rowSpacing: Units.spacing
        Repeater {
            model: [
                { "label": qsTr("One-off gains"), "value": money.gainsOneOffText },
                { "label": qsTr("Yearly awards"), "value": money.gainsAnnualText },
                { "label": qsTr("Debt written off"), "value": money.debtWrittenOffText },
                { "label": qsTr("Total in the first year"), "value": money.totalText }
            ]
            delegate: Frame {
                id: tile
                required property var modelData
                Layout.fillWidth: true
                Accessible.role: Accessible.StaticText
                Accessible.name: modelData.label + ": " + modelData.value
                ColumnLayout {
                    anchors.fill: parent
                    Label { text: tile.modelData.label; wrapMode: Text.Wrap; Layout.fillWidth: true }
                    Label {
                        text: tile.modelData.value
                        font.bold: true
                        font.pixelSize: Units.headingPixelSize
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                    }
                }
            }
        }
    }
    Label {
        Layout.fillWidth: true
        visible: money.message.length > 0 && !money.failed
        text: "\u2713 " + money.message
        wrapMode: Text.Wrap
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("Record money gained") }
    ChoiceField {
        id: kind
        objectName: "kind"
        label: qsTr("Kind")
        options: money.options("financial_gain", "kind")
        value: "benefit_award"
        errorText: root.err("kind")
    }
    FormField {
        id: description
        label: qsTr("What it is (e.g. Attendance Allowance)")
        errorText: root.err("description")
    }
    FormField {
        id: amount
        objectName: "amount"
        label: qsTr("Amount in pounds")
        inputMethodHints: Qt.ImhFormattedNumbersOnly
        errorText: root.err("amount")
    }
    ChoiceField {
        id: period
        objectName: "period"
        label: qsTr("Paid")
        options: money.options("financial_gain", "period")
        value: "one_off"
        errorText: root.err("period")
    }
    FormField {
        id: awarded
        label: qsTr("Date awarded (YYYY-MM-DD; today if blank)")
        inputMethodHints: Qt.ImhDate
        errorText: root.err("date_awarded")
    }
    ChoiceField {
        id: organisation
        label: qsTr("Organisation that helped")
        options: money.organisationOptions
        value: ""
        errorText: root.err("organisation_id")
    }
    ActionButton {
        Layout.maximumWidth: parent ? parent.width : 0
        objectName: "addGain"
        text: qsTr("Save")
        highlighted: true
        implicitHeight: Units.touchTarget
        Accessible.name: qsTr("Save money gained")
        onClicked: {
            const fields = { "kind": kind.value, "description": description.text, "amount": amount.text,
                             "period": period.value, "organisation_id": organisation.value }
            if (awarded.text.length > 0)
                fields["date_awarded"] = awarded.text
            if (money.add(fields)) {
                description.text = ""
                amount.text = ""
                awarded.text = ""
            }
        }
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("Recorded") }
    Label {
        Layout.fillWidth: true
        visible: money.gains.count === 0
        text: qsTr("Nothing recorded yet.")
    }
    Repeater {
        model: money.gains
        delegate: Frame {
            id: gain
            required property int index
            required property string key
            required property string kindLabel
            required property string description
            required property string amountText
            required property string periodLabel
            required property string date
            required property string organisation
            Layout.fillWidth: true
            Accessible.role: Accessible.ListItem
            Accessible.name: qsTr("%1, %2, %3").arg(kindLabel).arg(amountText).arg(periodLabel)
            ColumnLayout {
                anchors.fill: parent
                Label {
                    Layout.fillWidth: true
                    text: gain.amountText + " \u00B7 " + gain.periodLabel + " \u00B7 " + gain.kindLabel
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Label {
                    Layout.fillWidth: true
                    text: gain.date + (gain.description.length > 0 ? " \u00B7 " + gain.description : "")
                          + (gain.organisation.length > 0 ? " \u00B7 " + gain.organisation : "")
                    wrapMode: Text.Wrap
                }
                ActionButton {
                    objectName: "removeGain_" + gain.index
                    Layout.alignment: Qt.AlignRight
                    text: qsTr("Remove")
                    flat: true
                    Accessible.name: qsTr("Remove %1, %2, %3").arg(gain.kindLabel).arg(gain.amountText).arg(gain.date)
                    onClicked: {
                        removeDialog.key = gain.key
                        removeDialog.question = qsTr("Remove %1 (%2, %3, %4) from this person's money gained? "
                                                     + "The removal is kept in the record's history.")
                                                .arg(gain.amountText).arg(gain.kindLabel).arg(gain.periodLabel)
                                                .arg(gain.date)
                        removeDialog.open()
                    }
                }
            }
        }
    }

    ConfirmDialog {
        id: removeDialog
        objectName: "removeGainDialog"
        property string key
        confirmText: qsTr("Remove")
        onConfirmed: money.remove(removeDialog.key)
    }
}
