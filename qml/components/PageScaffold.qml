import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The frame of every page: a header with back, title and actions; a busy bar while the
// controller works; an error banner; and a scrolling column of content limited to a readable
// width. Put page content directly inside: it goes into the column (use Layout.fillWidth).
Page {
    id: root

    // True while the page's controller works (loading, saving).
    property bool busy: false
    // The controller's message for the person; shown in the banner.
    property string errorText
    // Show a back button (the workspace sets this when there is somewhere to go back to).
    property bool canGoBack: StackView.view ? (StackView.view.depth > 1 || Navigation.singleColumn) : false
    // Extra header buttons (ToolButton items).
    property alias actions: actionRow.data
    // False for pages that scroll themselves (a ListView filling the page).
    property bool scrolling: true
    default property alias content: column.data
    signal backRequested()

    Accessible.role: Accessible.Pane
    Accessible.name: root.title

    // A plain pane rather than a ToolBar: Material's tool bar paints white text on a coloured,
    // shader-drawn bar, which software rendering (and some devices' battery savers) drop.
    header: Pane {
        padding: 0
        background: Rectangle {
            color: root.palette.window
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: "#79747e"
            }
        }

        RowLayout {
            anchors.fill: parent
            spacing: Units.spacing

            ToolButton {
                visible: root.canGoBack
                text: "\u2190"
                implicitWidth: Units.touchTarget
                implicitHeight: Units.touchTarget
                Accessible.name: qsTr("Back")
                onClicked: {
                    root.backRequested()
                    if (root.StackView.view && root.StackView.view.depth > 1)
                        root.StackView.view.pop()
                    else
                        Navigation.backToList()
                }
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: root.canGoBack ? 0 : Units.margin
                text: root.title
                // Two lines before eliding: at 200% text on a phone one line holds a word or two.
                wrapMode: Text.Wrap
                maximumLineCount: 2
                elide: Text.ElideRight
                font.bold: true
                font.pixelSize: Units.headingPixelSize
                verticalAlignment: Text.AlignVCenter
                Accessible.role: Accessible.Heading
                Accessible.name: root.title
            }
            RowLayout {
                id: actionRow
                spacing: 0
            }
        }
    }

    ProgressBar {
        id: busyBar
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        indeterminate: true
        visible: root.busy
        z: 2
        Accessible.name: qsTr("Working")
    }

    Flickable {
        id: flick
        anchors.fill: parent
        contentWidth: width
        contentHeight: column.implicitHeight + 2 * Units.margin
        clip: true
        interactive: root.scrolling
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}

        ColumnLayout {
            id: column
            x: Math.max(Units.margin, (flick.width - width) / 2)
            y: Units.margin
            width: Math.min(flick.width - 2 * Units.margin, Units.formMaxWidth)
            height: root.scrolling ? implicitHeight : flick.height - 2 * Units.margin
            spacing: Units.spacing

            ErrorBanner {
                Layout.fillWidth: true
                text: root.errorText
                dismissable: false
            }
        }
    }
}
