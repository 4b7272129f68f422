import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One person: who they are, where their case stands, and the way into each part of the work
// (the flow pages, listed by the page registry).
PageScaffold {
    id: root

    required property string personId

    title: overview.name.length > 0 ? overview.name : qsTr("Person")
    errorText: overview.error

    PersonOverview {
        id: overview
        personId: root.personId
    }

    ActionButton {
        Layout.fillWidth: true
        visible: overview.conflicts > 0
        text: "\u26A0 " + qsTr("%n conflict(s) to review for this person", "", overview.conflicts)
        Accessible.name: text
        onClicked: root.StackView.view.push(conflictsComponent, { personId: root.personId })
    }

    Label {
        Layout.fillWidth: true
        visible: overview.closed
        text: "\u2713 " + qsTr("This case is closed.")
        font.bold: true
    }

    SectionHeader {
        text: qsTr("Details")
    }
    GridLayout {
        Layout.fillWidth: true
        columns: root.width > 560 && Session.textScale < 1.5 ? 2 : 1
        columnSpacing: Units.margin
        rowSpacing: 4

        Repeater {
            model: overview.details
            delegate: ColumnLayout {
                id: detail
                required property var modelData
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                spacing: 0
                Accessible.role: Accessible.StaticText
                Accessible.name: detail.modelData.label + ": " + detail.modelData.value

                Label {
                    Layout.fillWidth: true
                    text: detail.modelData.label
                    opacity: 0.8
                    wrapMode: Text.Wrap
                }
                Label {
                    Layout.fillWidth: true
                    text: detail.modelData.value
                    wrapMode: Text.Wrap
                }
            }
        }
    }

    SectionHeader {
        text: qsTr("So far")
    }
    Flow {
        Layout.fillWidth: true
        spacing: Units.spacing

        Repeater {
            model: overview.activity
            delegate: Frame {
                id: tile
                required property var modelData
                Accessible.role: Accessible.StaticText
                Accessible.name: tile.modelData.label + ": " + tile.modelData.value

                ColumnLayout {
                    spacing: 0
                    Label {
                        text: tile.modelData.value
                        font.bold: true
                        font.pixelSize: Units.headingPixelSize
                    }
                    Label {
                        text: tile.modelData.label
                        opacity: 0.8
                    }
                }
            }
        }
    }

    SectionHeader {
        text: qsTr("Work with this person")
    }
    Repeater {
        model: PageRegistry.pages
        delegate: ItemDelegate {
            id: entry
            required property var modelData
            Layout.fillWidth: true
            implicitHeight: Math.max(Units.touchTarget, implicitContentHeight + topPadding + bottomPadding)
            Accessible.role: Accessible.Button
            Accessible.name: entry.modelData.title + ". " + entry.modelData.summary
            onClicked: root.StackView.view.push(entry.modelData.url, { personId: root.personId })

            contentItem: ColumnLayout {
                spacing: 0
                Label {
                    Layout.fillWidth: true
                    text: entry.modelData.title + "  \u203A"
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Label {
                    Layout.fillWidth: true
                    text: entry.modelData.summary
                    wrapMode: Text.Wrap
                    opacity: 0.8
                }
            }
        }
    }
    Label {
        Layout.fillWidth: true
        visible: PageRegistry.missing.length > 0
        text: qsTr("Not in this build yet: %1").arg(PageRegistry.missing.join(", "))
        wrapMode: Text.Wrap
        opacity: 0.7
    }

    Component {
        id: conflictsComponent
        ConflictsPage {}
    }
}
