import QtQuick
import QtQuick.Controls

// A heading inside a page; screen readers announce it as a heading.
Label {
    id: root

    topPadding: Units.margin
    bottomPadding: Units.spacing / 2
    font.pixelSize: Units.headingPixelSize
    font.bold: true
    wrapMode: Text.Wrap
    Accessible.role: Accessible.Heading
    Accessible.name: text
}
