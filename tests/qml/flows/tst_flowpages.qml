import QtQuick
import QtTest
import Hearth
import HearthFlowsTest

// Completes a Holistic Needs Assessment and a care plan by touch on the real pages, then checks
// what the encrypted store holds; bad input gets a clear error and stores nothing.
Item {
    id: window
    width: 1280
    height: 800

    Component {
        id: assessmentPage
        AssessmentPage {}
    }
    Component {
        id: carePlanPage
        CarePlanPage {}
    }
    Component {
        id: moneyPage
        MoneyPage {}
    }

    TestCase {
        name: "FlowPages"
        when: windowShown

        // Scrolls the page so `item` is on screen (the pages scroll; a clipped item gets no touch).
        function reveal(item) {
            wait(30) // let the layouts place what the last tap changed
            let flick = item.parent
            while (flick && flick.contentY === undefined)
                flick = flick.parent
            if (flick) {
                const pos = item.mapToItem(flick.contentItem, 0, 0)
                flick.contentY = Math.max(0, Math.min(pos.y - 80, flick.contentHeight - flick.height))
            }
            wait(30)
        }
        function tap(page, name) {
            const item = findChild(page, name)
            verify(item, "no control named " + name)
            verify(item.visible && item.enabled, name + " is not visible and enabled")
            reveal(item)
            mouseClick(item)
            return item
        }
        // Types into a field after touching it (focus is forced as well: an offscreen window is
        // not always the active one, and then a touch alone does not give keyboard focus).
        function typeInto(input, text) {
            mouseClick(input)
            input.forceActiveFocus()
            type(text)
        }
        function type(text) {
            for (let i = 0; i < text.length; ++i)
                keyClick(text[i])
        }
        function pageOf(component) {
            const page = createTemporaryObject(component, window,
                                               { "personId": FlowStore.personId, "width": window.width,
                                                 "height": window.height })
            verify(page)
            return page
        }

        function test_1_assessmentByTouch() {
            const page = pageOf(assessmentPage)
            compare(FlowStore.count("assessment"), 0)
            tap(page, "begin_initial")
            compare(FlowStore.count("assessment"), 1)
            compare(FlowStore.field("assessment", "status"), "draft")

            tap(page, "score_pain_8")
            compare(FlowStore.count("concern"), 1)
            tap(page, "score_constipation_6")
            compare(FlowStore.count("concern"), 2)
            tap(page, "domain_practical")
            tap(page, "score_money_or_housing_9")
            compare(FlowStore.count("concern"), 3)
            tap(page, "domain_emotional")
            tap(page, "score_worry_fear_or_anxiety_3")
            compare(FlowStore.count("concern"), 4)
            tap(page, "score_worry_fear_or_anxiety_5") // changing a score edits, never duplicates
            compare(FlowStore.count("concern"), 4)
            compare(FlowStore.field("concern", "score", "item", "worry_fear_or_anxiety"), 5)

            // Finishing without the overall distress score is refused, visibly, and stores nothing.
            tap(page, "step_3")
            const before = FlowStore.writes()
            tap(page, "finish")
            compare(FlowStore.writes(), before)
            compare(FlowStore.field("assessment", "status"), "draft")
            verify(page.errorText.length > 0, "no error shown")

            tap(page, "step_1")
            tap(page, "distress_7")
            compare(FlowStore.field("assessment", "overall_distress"), 7)

            // Ranking: the three highest first; the person moves worry up into the top three.
            tap(page, "step_2")
            compare(FlowStore.field("concern", "rank", "item", "money_or_housing"), 1)
            compare(FlowStore.field("concern", "rank", "item", "pain"), 2)
            compare(FlowStore.field("concern", "rank", "item", "constipation"), 3)
            tap(page, "up_" + FlowStore.idOf("concern", "item", "worry_fear_or_anxiety"))
            compare(FlowStore.field("concern", "rank", "item", "worry_fear_or_anxiety"), 3)
            verify(!FlowStore.field("concern", "rank", "item", "constipation"), "constipation kept a rank")

            tap(page, "step_3")
            tap(page, "finish")
            compare(FlowStore.field("assessment", "status"), "complete")
            compare(page.errorText, "")
        }

        function test_2_carePlanByTouch() {
            const page = pageOf(carePlanPage)
            const money = FlowStore.idOf("concern", "item", "money_or_housing")
            verify(money.length > 0)

            // An action with no words is refused with the field's error; nothing is stored.
            tap(page, "addAction_" + money)
            const before = FlowStore.writes()
            tap(page, "saveAction_" + money)
            compare(FlowStore.writes(), before)
            compare(FlowStore.count("care_action"), 0)
            verify(page.errorText.length > 0, "no error shown")
            const field = findChild(page, "actionText_" + money)
            verify(field.errorText.length > 0, "no error beside the action field")

            tap(page, "actionText_" + money)
            typeInto(field.input, "Benefits check")
            tap(page, "due_" + money)
            typeInto(findChild(page, "due_" + money).input, "2025-12-15")
            tap(page, "saveAction_" + money)
            compare(page.errorText, "")
            compare(FlowStore.count("care_action"), 1)
            compare(FlowStore.field("care_action", "action"), "Benefits check")
            compare(FlowStore.field("care_action", "due_date"), "2025-12-15")
            compare(FlowStore.field("care_action", "owner"), "link_worker")
            compare(FlowStore.field("care_action", "status"), "planned")
            compare(FlowStore.field("care_action", "concern_id"), money)

            // What was discussed, in the person's words.
            typeInto(tap(page, "discussed_" + money), "Worried about the rent")
            tap(page, "saveDiscussed_" + money)
            compare(FlowStore.field("concern", "discussed", "item", "money_or_housing"), "Worried about the rent")

            // Agree and lock; then share with the GP (consented) and not with housing (not consented).
            const plansBefore = FlowStore.count("care_plan")
            const sharesBefore = FlowStore.count("plan_share")
            tap(page, "agree")
            compare(FlowStore.count("care_plan"), plansBefore + 1)
            verify(!findChild(page, "addAction_" + money).visible, "a locked plan still offers new actions")
            tap(page, "share_gp")
            compare(FlowStore.count("plan_share"), sharesBefore + 1)
            verify(!findChild(page, "share_housing").enabled, "sharing without consent is offered")

            // Tracking the locked plan's action: its outcome and when to look at it again.
            const action = FlowStore.idOf("care_action", "action", "Benefits check")
            tap(page, "editAction_" + action)
            typeInto(tap(page, "outcome_" + money).input, "Attendance Allowance awarded")
            typeInto(tap(page, "review_" + money).input, "2026-01-10")
            tap(page, "saveAction_" + money)
            compare(page.errorText, "")
            compare(FlowStore.field("care_action", "outcome"), "Attendance Allowance awarded")
            compare(FlowStore.field("care_action", "review_date"), "2026-01-10")
            compare(FlowStore.field("care_action", "action"), "Benefits check")
        }

        function test_3_moneyRemovedOnlyAfterConfirming() {
            const page = pageOf(moneyPage)
            const before = FlowStore.count("financial_gain")
            typeInto(tap(page, "amount").input, "350")
            tap(page, "addGain")
            compare(FlowStore.count("financial_gain"), before + 1)

            // Keeping it, Escape, then removing for real: only the last writes anything.
            const dialog = findChild(page, "removeGainDialog")
            verify(dialog)
            const writes = FlowStore.writes()
            tap(page, "removeGain_0")
            tryVerify(() => dialog.opened)
            mouseClick(findChild(dialog, "confirmCancel"))
            tryVerify(() => !dialog.visible)
            tap(page, "removeGain_0")
            tryVerify(() => dialog.opened)
            keyClick(Qt.Key_Escape)
            tryVerify(() => !dialog.visible)
            compare(FlowStore.writes(), writes)
            compare(FlowStore.count("financial_gain"), before + 1)
            tap(page, "removeGain_0")
            tryVerify(() => dialog.opened)
            mouseClick(findChild(dialog, "confirmAccept"))
            tryVerify(() => !dialog.visible)
            compare(FlowStore.count("financial_gain"), before)
            compare(FlowStore.writes(), writes + 1)
        }
    }
}
