import QtQuick
import QtTest
import Hearth

// The app's controllers and pages driven from QML, as the screens use them. The store is a
// temporary encrypted demo store (40 people, one two-device conflict), locked at the start.
TestCase {
    id: testCase

    name: "App"
    when: windowShown
    width: 1280
    height: 800

    UnlockController {
        id: unlock
    }

    SignalSpy {
        id: unlockedSpy
        target: unlock
        signalName: "unlocked"
    }

    CaseloadModel {
        id: caseload
    }

    ConflictsModel {
        id: conflicts
    }

    Component {
        id: caseloadPageComponent
        CaseloadPage {
            width: testCase.width
            height: testCase.height
        }
    }

    function test_1_unlock() {
        verify(!Session.unlocked)
        verify(!unlock.firstRun)
        unlock.unlock("not the passcode")
        tryVerify(() => !unlock.busy, 10000)
        verify(unlock.error.length > 0)
        verify(!Session.unlocked)
        unlock.unlock("app test passcode")
        unlockedSpy.wait(10000)
        verify(Session.unlocked)
        compare(unlock.error, "")
    }

    function test_2_caseloadFiltersAndSearch() {
        tryVerify(() => caseload.total === 40 && !caseload.busy, 10000)
        caseload.filter = CaseloadModel.All
        tryCompare(caseload, "matches", 40, 5000)
        // The QML singleton is the session's own status object, fed by the sync worker.
        tryCompare(SyncStatus, "conflicts", 1, 10000)
        const counts = caseload.filterCounts
        verify(counts.open + counts.closed === 40)
        caseload.filter = CaseloadModel.AwaitingFirstContact
        tryVerify(() => !caseload.busy && caseload.matches === counts.awaiting, 5000)
        caseload.filter = CaseloadModel.All
        caseload.search = "zzzz-nobody"
        tryCompare(caseload, "matches", 0, 5000)
        caseload.search = ""
        tryCompare(caseload, "matches", 40, 5000)
    }

    function test_3_conflictKeepsTheChosenValue() {
        compare(conflicts.count, 1)
        const heads = conflicts.data(conflicts.index(0, 0), 263) // HeadsRole
        verify(heads.length === 2)
        verify(conflicts.keep(0, 1))
        compare(conflicts.count, 0)
        compare(conflicts.error, "")
    }

    function test_4_caseloadPageSearchAndChoose() {
        // Parented to the window's content: the TestCase item itself is not visible, and clicks
        // only reach visible items.
        const page = createTemporaryObject(caseloadPageComponent, testCase.Window.window.contentItem)
        verify(page)
        const list = findChild(page, "caseloadList")
        const search = findChild(page, "caseloadSearch")
        verify(list && search)
        tryVerify(() => list.count > 0, 10000)
        const first = page.model.personIdAt(0)
        const chosen = signalSpyComponent.createObject(testCase, { target: page, signalName: "personChosen" })
        tryVerify(() => list.itemAtIndex(0) !== null, 5000)
        waitForRendering(list)
        mouseClick(list.itemAtIndex(0))
        compare(chosen.count, 1)
        compare(chosen.signalArguments[0][0], first)
        search.forceActiveFocus()
        keyClick("z")
        keyClick("z")
        keyClick("z")
        tryCompare(page.model, "search", "zzz")
        tryCompare(list, "count", 0, 5000)
        chosen.destroy()
    }

    Component {
        id: signalSpyComponent
        SignalSpy {}
    }

    Component {
        id: workspaceComponent
        WorkspacePage {
            width: testCase.width
            height: testCase.height
        }
    }

    function test_4z_backKeyAndEscapeGoBackAPage() {
        const ws = createTemporaryObject(workspaceComponent, testCase.Window.window.contentItem)
        verify(ws)
        testCase.Window.window.requestActivate()
        tryVerify(() => testCase.Window.window.active, 5000)
        const person = caseload.personIdAt(0)
        verify(person.length > 0)
        verify(ws.show("person", person))
        verify(ws.show("flow:money", person))
        compare(ws.screen, "flow:money")
        keyClick(Qt.Key_Escape)
        tryCompare(ws, "screen", "person")
        keyClick(Qt.Key_Back)
        tryCompare(ws, "screen", "caseload")
        // At the list the key is taken and nothing happens: Hearth does not close.
        keyClick(Qt.Key_Back)
        compare(ws.screen, "caseload")
        verify(Session.unlocked)

        // An open dialog takes the key first and closes; the page under it stays.
        verify(ws.show("person", person))
        verify(ws.show("flow:money", person))
        const dialog = findChild(ws, "removeGainDialog")
        verify(dialog)
        dialog.open()
        tryVerify(() => dialog.opened, 5000)
        keyClick(Qt.Key_Escape)
        tryVerify(() => !dialog.visible, 5000)
        compare(ws.screen, "flow:money")
        keyClick(Qt.Key_Escape)
        tryCompare(ws, "screen", "person")
    }

    function test_5_lockHidesEverything() {
        Session.lock()
        verify(!Session.unlocked)
        compare(caseload.total, 0)
        compare(caseload.matches, 0)
    }
}
