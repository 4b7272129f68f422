import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Outcome measures: EQ-5D (five dimensions and the 0-100 scale) and the distress score, with the
// first and latest side by side. The questionnaires' wording is loaded as data: this build shows
// placeholder wording unless the deployment supplied the licensed text.
PageScaffold {
    id: root

    required property string personId

    title: qsTr("Outcomes: %1").arg(outcomes.personName)
    errorText: outcomes.failed ? outcomes.message : ""

    OutcomeController {
        id: outcomes
        personId: root.personId
    }

    function err(field) { return outcomes.errors[field] || "" }
    readonly property bool eq5d: outcomes.instrument.indexOf("eq5d") === 0

    SectionHeader { Layout.fillWidth: true; text: qsTr("Before and after") }
    Label {
        Layout.fillWidth: true
        visible: outcomes.comparison.count === 0
        text: qsTr("A comparison appears once there are two measurements.")
        wrapMode: Text.Wrap
    }
    Repeater {
        model: outcomes.comparison
        delegate: Frame {
            id: row
            required property string label
            required property string before
            required property string after
            required property string change
            required property string direction
            required property string directionLabel
            Layout.fillWidth: true
            Accessible.role: Accessible.StaticText
            Accessible.name: qsTr("%1: first %2, latest %3, %4").arg(label).arg(before).arg(after).arg(directionLabel)
            RowLayout {
                anchors.fill: parent
                Label {
                    Layout.fillWidth: true
                    text: row.label
                    wrapMode: Text.Wrap
                    font.bold: true
                }
                Label {
                    text: row.before + " \u2192 " + row.after + "  (" + row.change + ", "
                          + (row.direction === "better" ? "\u25B2 " : row.direction === "worse" ? "\u25BC " : "= ")
                          + row.directionLabel + ")"
                    wrapMode: Text.Wrap
                    Layout.maximumWidth: root.width * 0.6
                }
            }
        }
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("New measurement") }
    // Side by side where both fit; one under the other on a phone, where "EQ-5D-5L" was cut short.
    GridLayout {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        columns: width >= 520 ? 2 : 1
        columnSpacing: Units.spacing
        rowSpacing: Units.spacing
        ChoiceField {
            Layout.fillWidth: true
            objectName: "instrument"
            label: qsTr("Measure")
            options: outcomes.instrumentOptions
            value: outcomes.instrument
            onActivated: function(v) { outcomes.instrument = v }
        }
        ChoiceField {
            Layout.fillWidth: true
            objectName: "timepoint"
            label: qsTr("When")
            options: outcomes.timepointOptions
            value: outcomes.timepoint
            errorText: root.err("timepoint")
            onActivated: function(v) { outcomes.timepoint = v }
        }
    }
    Label {
        Layout.fillWidth: true
        visible: outcomes.placeholderWording
        text: qsTr("\u2139 Placeholder wording: the licensed questionnaire text is supplied by your organisation.")
        wrapMode: Text.Wrap
    }
    Label {
        Layout.fillWidth: true
        text: outcomes.wording.title || ""
        font.bold: true
        wrapMode: Text.Wrap
    }

    // EQ-5D: one level per dimension, then the 0-100 scale.
    Repeater {
        model: root.eq5d ? (outcomes.wording.dimensions || []) : []
        delegate: ColumnLayout {
            id: dimension
            required property var modelData
            required property int index
            Layout.fillWidth: true
            spacing: 0
            Label {
                Layout.fillWidth: true
                text: dimension.modelData.title
                font.bold: true
                wrapMode: Text.Wrap
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }
            Repeater {
                model: dimension.modelData.levels
                delegate: RadioButton {
                    id: level
                    required property var modelData
                    required property int index
                    objectName: "level_" + dimension.index + "_" + (level.index + 1)
                    Layout.fillWidth: true
                    implicitHeight: Math.max(Units.touchTarget, level.implicitContentHeight)
                    text: level.modelData
                    checked: outcomes.levels[dimension.index] === level.index + 1
                    Accessible.name: dimension.modelData.title + ": " + level.modelData
                    onClicked: outcomes.setLevel(dimension.index, level.index + 1)
                }
            }
        }
    }
    Label {
        Layout.fillWidth: true
        visible: root.eq5d && root.err("eq5d_state").length > 0
        text: "\u26A0 " + root.err("eq5d_state")
        wrapMode: Text.Wrap
        color: "#b3261e"
    }
    ColumnLayout {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        visible: root.eq5d
        Label {
            Layout.fillWidth: true
            text: (outcomes.wording.vas ? outcomes.wording.vas.title : "") + ": "
                  + (outcomes.vas >= 0 ? outcomes.vas : qsTr("not given"))
            font.bold: true
            wrapMode: Text.Wrap
        }
        RowLayout {
            Layout.fillWidth: true
            Button {
                text: "\u2212"
                implicitWidth: Units.touchTarget
                implicitHeight: Units.touchTarget
                Accessible.name: qsTr("Lower the health scale")
                onClicked: outcomes.vas = Math.max(0, (outcomes.vas < 0 ? 50 : outcomes.vas) - 1)
            }
            Slider {
                id: vasSlider
                objectName: "vas"
                Layout.fillWidth: true
                implicitHeight: Units.touchTarget
                from: 0
                to: 100
                stepSize: 1
                value: outcomes.vas < 0 ? 50 : outcomes.vas
                Accessible.name: qsTr("Health scale 0 to 100")
                onMoved: outcomes.vas = Math.round(value)
            }
            Button {
                text: "+"
                implicitWidth: Units.touchTarget
                implicitHeight: Units.touchTarget
                Accessible.name: qsTr("Raise the health scale")
                onClicked: outcomes.vas = Math.min(100, (outcomes.vas < 0 ? 50 : outcomes.vas) + 1)
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Label { text: outcomes.wording.vas ? outcomes.wording.vas.low : ""; opacity: 0.85 }
            Item { Layout.fillWidth: true }
            Label { text: outcomes.wording.vas ? outcomes.wording.vas.high : ""; opacity: 0.85 }
        }
        Label {
            Layout.fillWidth: true
            visible: root.err("eq5d_vas").length > 0
            text: "\u26A0 " + root.err("eq5d_vas")
            wrapMode: Text.Wrap
            color: "#b3261e"
        }
    }

    // The distress score.
    ColumnLayout {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        visible: !root.eq5d
        Label {
            Layout.fillWidth: true
            text: outcomes.wording.prompt || ""
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            text: outcomes.distress >= 0 ? qsTr("Distress: %1 of 10").arg(outcomes.distress) : qsTr("Distress: not given")
            font.bold: true
        }
        ScoreEditor {
            Layout.fillWidth: true
            label: qsTr("Distress")
            score: outcomes.distress
            key: "outcomeDistress"
            onChosen: function(value) { outcomes.distress = value }
        }
        Label {
            Layout.fillWidth: true
            text: (outcomes.wording.low || "") + " \u2026 " + (outcomes.wording.high || "")
            opacity: 0.85
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            visible: root.err("distress").length > 0
            text: "\u26A0 " + root.err("distress")
            wrapMode: Text.Wrap
            color: "#b3261e"
        }
    }
    ActionButton {
        Layout.maximumWidth: parent ? parent.width : 0
        objectName: "saveMeasure"
        text: qsTr("Save measurement")
        highlighted: true
        implicitHeight: Units.touchTarget
        Accessible.name: text
        onClicked: outcomes.save()
    }
    Label {
        Layout.fillWidth: true
        visible: outcomes.message.length > 0 && !outcomes.failed
        text: "\u2713 " + outcomes.message
        wrapMode: Text.Wrap
    }

    SectionHeader { Layout.fillWidth: true; text: qsTr("All measurements") }
    Repeater {
        model: outcomes.history
        delegate: Label {
            required property string date
            required property string timepointLabel
            required property string instrumentLabel
            required property string state
            required property string indexText
            required property int vas
            required property int distress
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: date + " \u00B7 " + timepointLabel + " \u00B7 " + instrumentLabel + ": "
                  + (state.length > 0 ? qsTr("state %1, index %2, scale %3").arg(state).arg(indexText || "\u2014").arg(vas)
                                      : qsTr("distress %1 of 10").arg(distress))
        }
    }
}
