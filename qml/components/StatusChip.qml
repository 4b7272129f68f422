import QtQuick
import QtQuick.Controls

// A short status ("Overdue", "Conflict") with a symbol and words, so it never relies on colour.
Label {
    id: root

    property string symbol
    property string label
    property color tint: "#49454f"

    text: (root.symbol.length > 0 ? root.symbol + " " : "") + root.label
    leftPadding: 8
    rightPadding: 8
    topPadding: 2
    bottomPadding: 2
    color: root.tint
    font.bold: true
    Accessible.role: Accessible.StaticText
    Accessible.name: root.label
    background: Rectangle {
        radius: height / 2
        color: "transparent"
        border.color: root.tint
        border.width: 1
    }
}
