import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The link worker's own figures at the top of the caseload: open cases, reviews due, money gained
// this quarter with debt written off apart, and how concerns changed over closed cases. The
// controller works them out and words them; this card only lays them out, and wraps its figures
// onto more rows on a phone or at large text.
Frame {
    id: root

    // Figures per row: four on a tablet, two on a phone, one at large text on a phone.
    readonly property int columns: Math.max(1, Math.min(4, Math.floor(root.availableWidth / (150 * Session.textScale))))

    padding: Units.spacing
    visible: summary.available || summary.message.length > 0
    Accessible.role: Accessible.Grouping
    Accessible.name: qsTr("My figures")
    Accessible.description: summary.accessibleSummary

    WorkerSummaryController {
        id: summary
    }

    ColumnLayout {
        width: parent.width
        spacing: 4

        Label {
            Layout.fillWidth: true
            text: summary.available ? qsTr("My figures · money %1").arg(summary.quarterText) : qsTr("My figures")
            font.bold: true
            wrapMode: Text.Wrap
        }

        Label {
            Layout.fillWidth: true
            visible: !summary.available
            text: summary.message
            wrapMode: Text.Wrap
            opacity: 0.8
        }

        GridLayout {
            Layout.fillWidth: true
            visible: summary.available
            columns: root.columns
            columnSpacing: Units.spacing
            rowSpacing: 4

            Repeater {
                model: [
                    { value: String(summary.openCases), label: qsTr("open cases") },
                    { value: (summary.reviewsDue > 0 ? "\u26A0 " : "") + summary.reviewsDue,
                      label: qsTr("reviews due") },
                    { value: summary.gainedText, label: qsTr("gained this quarter") },
                    { value: summary.debtWrittenOffText, label: qsTr("debt written off") }
                ]
                delegate: ColumnLayout {
                    id: figure
                    required property var modelData
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    spacing: 0
                    Accessible.role: Accessible.StaticText
                    Accessible.name: figure.modelData.value + " " + figure.modelData.label

                    Label {
                        Layout.fillWidth: true
                        text: figure.modelData.value
                        font.pixelSize: Units.headingPixelSize
                        font.bold: true
                        elide: Text.ElideRight
                    }
                    Label {
                        Layout.fillWidth: true
                        text: figure.modelData.label
                        font.pixelSize: Units.smallPixelSize
                        wrapMode: Text.Wrap
                        opacity: 0.8
                    }
                }
            }
        }

        Label {
            Layout.fillWidth: true
            visible: summary.available
            text: summary.concernChangeText
            font.pixelSize: Units.smallPixelSize
            wrapMode: Text.Wrap
            opacity: 0.8
        }
    }
}
