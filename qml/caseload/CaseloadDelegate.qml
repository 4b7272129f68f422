import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One person in the caseload: name, CHI and date of birth, then what needs doing, each status
// in words with a symbol so nothing depends on colour.
ItemDelegate {
    id: root

    required property int index
    required property string personId
    required property string displayName
    required property string chi
    required property string dateOfBirth
    required property bool closed
    required property bool awaitingFirstContact
    required property int daysWaiting
    required property int overdueActions
    required property string reviewDue
    required property bool reviewOverdue
    required property int conflicts

    signal chosen(string personId)

    readonly property string statusText: {
        const parts = []
        if (root.closed)
            parts.push(qsTr("Closed"))
        if (root.awaitingFirstContact)
            parts.push(qsTr("Awaiting first contact, %n day(s) waiting", "", root.daysWaiting))
        if (root.overdueActions > 0)
            parts.push(qsTr("%n overdue action(s)", "", root.overdueActions))
        if (root.reviewDue.length > 0)
            parts.push(root.reviewOverdue ? qsTr("Review overdue since %1").arg(root.reviewDue)
                                          : qsTr("Review due %1").arg(root.reviewDue))
        if (root.conflicts > 0)
            parts.push(qsTr("%n conflict(s) to review", "", root.conflicts))
        return parts.join(", ")
    }

    // The chips under the name: a symbol and words each, the colour only repeats them.
    readonly property var chips: {
        const c = []
        if (root.closed)
            c.push({ symbol: "\u2713", label: qsTr("Closed"), tint: "#49454f" })
        if (root.awaitingFirstContact)
            c.push({ symbol: "\u25F7", label: qsTr("Waiting %n day(s)", "", root.daysWaiting), tint: "#7a4f01" })
        if (root.overdueActions > 0)
            c.push({ symbol: "\u26A0", label: qsTr("%n overdue", "", root.overdueActions), tint: "#b3261e" })
        if (root.reviewDue.length > 0)
            c.push(root.reviewOverdue ? { symbol: "\u26A0", label: qsTr("Review overdue"), tint: "#b3261e" }
                                      : { symbol: "\u25F7", label: qsTr("Review %1").arg(root.reviewDue), tint: "#1a5fb4" })
        if (root.conflicts > 0)
            c.push({ symbol: "\u21C4", label: qsTr("%n conflict(s)", "", root.conflicts), tint: "#6a3d9a" })
        return c
    }

    width: ListView.view ? ListView.view.width : implicitWidth
    implicitHeight: Math.max(Units.touchTarget, implicitContentHeight + topPadding + bottomPadding)
    topPadding: Units.spacing
    bottomPadding: Units.spacing
    Accessible.role: Accessible.Button
    Accessible.name: root.displayName + ", " + qsTr("CHI %1").arg(root.chi)
                     + (root.statusText.length > 0 ? ", " + root.statusText : "")
    onClicked: root.chosen(root.personId)

    contentItem: ColumnLayout {
        spacing: 2

        Label {
            Layout.fillWidth: true
            text: root.displayName
            font.bold: true
            elide: Text.ElideRight
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("CHI %1 · born %2").arg(root.chi.length > 0 ? root.chi : qsTr("not known")).arg(root.dateOfBirth)
            wrapMode: Text.Wrap
            opacity: 0.8
        }
        Flow {
            Layout.fillWidth: true
            spacing: 4
            visible: root.chips.length > 0

            // Only the statuses that apply are created: rows are made while the list scrolls.
            Repeater {
                model: root.chips
                delegate: StatusChip {
                    required property var modelData
                    symbol: modelData.symbol
                    label: modelData.label
                    tint: modelData.tint
                }
            }
        }
    }
}
