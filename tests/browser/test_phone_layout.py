"""The pages of a class as they are used on a 390×844 phone: nothing wider than the screen,
the header menu folded behind a button, tables read as cards, Chinese drawn with a CJK font;
and the projector page's code and QR filling the screen.

Screenshots go to $SKILLAID_SCREENSHOTS (a temporary folder by default), to be looked at."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from skillaid.training.attendance import attendance_sign, current_code
from tests.conftest import MASHAN, PASSWORD

from .conftest import login, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
SHOTS = Path(os.environ.get("SKILLAID_SCREENSHOTS") or tempfile.gettempdir()) / "skillaid-phone"
# Fonts that hold Chinese characters; any other font draws them as empty boxes.
CJK_FONTS = ("WenQuanYi", "Noto Sans CJK", "Noto Serif CJK", "Source Han", "Droid Sans Fallback")

WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5) {
      wide.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} right=${box.right}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def fits(page, shot: str) -> None:  # noqa: ANN001
    """The page does not scroll sideways and no element (a table scrolling inside its own box
    included) reaches past the screen's right edge; then a full-page screenshot is taken."""
    found = page.evaluate(WIDER_THAN_SCREEN)
    assert found["scroll"] <= found["width"], found
    assert not found["wide"], found
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{shot}.png", full_page=True)


def drawn_in_cjk(page, selector: str) -> list[str]:  # noqa: ANN001
    """The fonts Chromium drew the element's text with (DevTools' platform fonts), which must
    include a CJK font for the Chinese to show as characters rather than boxes."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = [
        f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    ]
    assert any(name.startswith(CJK_FONTS) for name in fonts), fonts
    return fonts


def in_screen(page, locator) -> None:  # noqa: ANN001
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def test_the_menu_folds_behind_a_button_and_opens_by_touch_and_keyboard(
    phone, browser, live_server, lu, school
):
    login(phone, "lu", PASSWORD)
    phone.goto("/regions/")
    header = phone.locator("header")
    expect(phone.locator("#menu")).to_be_hidden()
    assert header.bounding_box()["height"] < 70  # was 240 px with the menu laid out
    button = phone.locator("#menu-button")
    expect(button).to_have_attribute("aria-expanded", "false")
    fits(phone, "menu-closed")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    links = phone.locator("#menu nav a")
    assert links.count() >= 10
    for i in range(links.count()):
        expect(links.nth(i)).to_be_visible()
        in_screen(phone, links.nth(i))
    expect(phone.locator("#menu").get_by_role("button", name="退出")).to_be_visible()
    fits(phone, "menu-open")
    drawn_in_cjk(phone, "#menu nav a")
    links.filter(has_text="培训班").click()
    expect(phone.locator("h1")).to_have_text("培训班")
    expect(phone.locator("#menu")).to_be_hidden()

    # By keyboard: Enter on the button opens it, Tab walks into it, Escape closes it.
    phone.focus("#menu-button")
    phone.keyboard.press("Enter")
    expect(phone.locator("#menu")).to_be_visible()
    phone.keyboard.press("Tab")
    expect(phone.locator("#menu nav a").first).to_be_focused()
    phone.keyboard.press("Escape")
    expect(phone.locator("#menu")).to_be_hidden()
    expect(button).to_be_focused()
    phone.keyboard.press("Space")
    menu(phone).get_by_role("link", name="证书").press("Enter")
    expect(phone).to_have_url(f"{live_server.url}/certificates/")

    # On a desk the menu is laid out in the header and the button is not there.
    desk = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = desk.new_page()
    login(page, "lu", PASSWORD)
    expect(page.locator("#menu-button")).to_be_hidden()
    expect(page.locator("#menu nav")).to_be_visible()
    desk.close()


def test_the_class_page_reads_as_cards_on_a_phone(phone, lu, school, class_factory, person_factory):
    people = [
        person_factory(category="脱贫户", name="蓝海燕"),
        person_factory(category="脱贫户", name="欧阳建国"),
        person_factory(name="韦小宝"),
    ]
    c = class_factory(lu, trainees=people, count=3, approve=False)
    login(phone, "lu", PASSWORD)
    phone.goto(f"/classes/{c.pk}/")
    expect(phone.locator("#roster tbody tr")).to_have_count(3)
    expect(phone.locator("#sessions tbody tr")).to_have_count(3)
    # Each row a card, each cell labelled: the column heads are not laid out.
    expect(phone.locator("#roster thead")).not_to_be_in_viewport()
    first = phone.locator("#roster tbody tr").first
    expect(first).to_be_visible()
    in_screen(phone, first)
    label = first.locator("td[data-label=身份证号]").evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert label == '"身份证号"'
    for row in phone.locator("#sessions tbody tr").all():
        in_screen(phone, row)
    expect(phone.locator("#roster-form")).to_be_visible()
    fits(phone, "class-page")
    drawn_in_cjk(phone, "#roster tbody tr td")
    phone.goto("/classes/")
    expect(phone.locator("#classes tbody tr")).to_have_count(1)
    fits(phone, "class-list")


def test_the_officers_session_page_and_the_projector_on_a_phone(
    phone, browser, live_server, lu, school, class_factory, person_factory
):
    people = [person_factory(category="脱贫户", name=n) for n in ("蓝海燕", "欧阳建国")]
    c = class_factory(lu, trainees=people, count=1)
    session = c.sessions.get()
    with time_machine.travel(session.starts_at, tick=True):
        code, _ = current_code(session)
        attendance_sign(session=session, direction="in", method="code", code=code, person=people[0])
        login(phone, "lu", PASSWORD)
        phone.goto(f"/sessions/{session.pk}/")
        expect(phone.locator("#code")).to_be_visible()
        expect(phone.locator(".signcode svg")).to_be_visible()
        expect(phone.locator("#attendance tbody tr")).to_have_count(2)
        for row in phone.locator("#attendance tbody tr").all():
            in_screen(phone, row)
        expect(phone.locator("#mark-form")).to_be_visible()
        fits(phone, "session-page")
        drawn_in_cjk(phone, "#attendance tbody tr td")

        phone.get_by_role("link", name="投屏显示签到码").click()
        expect(phone.locator("#projector-code")).to_be_visible()
        expect(phone.locator("#projector-code")).to_have_text(current_code(session)[0])
        qr = phone.locator("#projector-qr svg").bounding_box()
        assert qr["width"] >= 0.85 * PHONE["width"] and qr["width"] == qr["height"], qr
        assert qr["y"] + qr["height"] <= PHONE["height"]
        fits(phone, "projector-phone")
        drawn_in_cjk(phone, ".projector-text h1")
        expect(phone.locator("body")).not_to_contain_text("蓝海燕")

        # On a projector the QR takes most of the screen's short side, the code beside it;
        # the page follows the session by itself (a sign-in shows up without a reload).
        wall = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PROJECTOR)
        wall.set_default_timeout(15000)
        big = wall.new_page()
        login(big, "lu", PASSWORD)
        big.goto(f"/sessions/{session.pk}/projector/")
        expect(big.locator("#projector-signed")).to_have_text("1")
        qr = big.locator("#projector-qr svg").bounding_box()
        assert qr["height"] >= 0.85 * PROJECTOR["height"] and qr["width"] == qr["height"], qr
        text = big.locator("#projector-code").bounding_box()
        assert text["x"] >= qr["x"] + qr["width"] and text["height"] >= 100, text
        assert text["x"] + text["width"] <= PROJECTOR["width"]
        assert big.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
        big.screenshot(path=SHOTS / "projector-wall.png")
        code, _ = current_code(session)
        attendance_sign(session=session, direction="in", method="code", code=code, person=people[1])
        expect(big.locator("#projector-signed")).to_have_text("2", timeout=12000)
        expect(big.locator("body")).not_to_contain_text("欧阳建国")
        wall.close()


def test_the_trainees_sign_in_page_on_a_phone(phone, lu, school, class_factory, person_factory):
    trainee = person_factory(category="脱贫户", name="蓝海燕")
    c = class_factory(lu, trainees=[trainee], count=1)
    session = c.sessions.get()
    with time_machine.travel(session.starts_at, tick=True):
        code, _ = current_code(session)
        phone.goto(f"/sign/{session.pk}/?c={code}")
        expect(phone.locator("#sign-form")).to_be_visible()
        for field in ("#id_id_number", "#id_name", "#id_code"):
            expect(phone.locator(field)).to_be_visible()
            in_screen(phone, phone.locator(field))
        fits(phone, "sign-form")
        drawn_in_cjk(phone, "#sign-form label")
        phone.fill("#id_id_number", trainee.id_number)
        phone.fill("#id_name", trainee.name)
        phone.get_by_role("button", name="提交").click()
        expect(phone.locator("#signed")).to_contain_text("签到成功")
        fits(phone, "sign-done")


def fill_class_form(page, occupation, day: dt.date, timetable: str) -> None:  # noqa: ANN001
    page.fill("#id_name", "马山县家政服务员培训班")
    page.select_option("#id_occupation", label=str(occupation))
    page.select_option("#id_county", MASHAN)
    page.fill("#id_start_on", day.isoformat())
    page.fill("#id_end_on", day.isoformat())
    page.fill("#id_teachers", "韦老师")
    page.fill("#id_teaching_plan", "理论2课时，实操4课时")
    page.fill("#id_assessment_plan", "实操考核")
    page.fill("#id_timetable", timetable)


def test_the_new_class_form_on_a_phone_shows_timetable_errors_by_their_lines(
    phone, lu, school, occupation
):
    login(phone, "lu", PASSWORD)
    phone.goto("/classes/new/")
    plans = [phone.locator("#id_teaching_plan"), phone.locator("#id_assessment_plan")]
    for box in plans:
        in_screen(phone, box)
    one, other = (p.bounding_box() for p in plans)
    assert one["y"] + one["height"] <= other["y"]  # one under the other, not overlapping
    fits(phone, "class-form")
    day = dt.date.today() + dt.timedelta(days=10)
    timetable = (
        f"{day} 09:00-12:00 马山县职教中心201 韦老师\n下周一上午\n{day} 11:00-12:30 实训楼 韦老师"
    )
    fill_class_form(phone, occupation, day, timetable)
    phone.get_by_role("button", name="保存").click()
    lines = phone.locator("#id_timetable_lines > li")
    expect(lines).to_have_count(3)
    expect(lines.nth(1)).to_contain_text("第2行“下周一上午”看不懂")
    expect(lines.nth(2)).to_contain_text("第1行与第3行的时间重叠")
    expect(lines.nth(0).locator(".errorlist")).to_have_count(0)
    expect(phone.locator("#id_timetable")).to_have_value(timetable)
    for i in range(3):
        in_screen(phone, lines.nth(i))
    fits(phone, "class-form-errors")


def test_the_new_class_form_on_a_desk_keeps_the_plan_boxes_apart(page, lu, school, occupation):
    login(page, "lu", PASSWORD)
    page.goto("/classes/new/")
    form = page.locator("main form").bounding_box()
    boxes = [
        page.locator(f"#id_{name}").bounding_box()
        for name in ("teaching_plan", "assessment_plan", "timetable")
    ]
    for box in boxes:
        # Across the form (a text box is not squeezed into one column of the grid).
        assert (
            box["width"] >= 0.8 * form["width"]
            and box["x"] + box["width"] <= form["x"] + form["width"]
        )
    for upper, lower in zip(boxes, boxes[1:], strict=False):
        assert upper["y"] + upper["height"] <= lower["y"]
    # A bad line's error sits beside the box, under a copy of that line.
    day = dt.date.today() + dt.timedelta(days=10)
    fill_class_form(page, occupation, day, f"{day} 09:00-12:00 实训楼 韦老师\n{day} 13:00 实训楼")
    page.get_by_role("button", name="保存").click()
    bad = page.locator("#id_timetable_lines > li.bad")
    expect(bad).to_have_count(1)
    expect(bad).to_contain_text("第2行")
    box = page.locator("#id_timetable").bounding_box()
    beside = page.locator("#id_timetable_lines").bounding_box()
    assert beside["x"] >= box["x"] + box["width"] and beside["y"] < box["y"] + box["height"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "class-form-desk.png", full_page=True)


def test_the_completion_form_reads_as_cards_on_a_phone(
    phone, lu, school, class_factory, person_factory
):
    people = [person_factory(category="脱贫户", name=n) for n in ("蓝海燕", "欧阳建国")]
    c = class_factory(lu, trainees=people, count=1)
    with time_machine.travel(c.sessions.get().ends_at + dt.timedelta(hours=1), tick=True):
        login(phone, "lu", PASSWORD)
        phone.goto(f"/classes/{c.pk}/completion/")
        rows = phone.locator("#completion tbody tr")
        expect(rows).to_have_count(2)
        for row in rows.all():
            in_screen(phone, row)
            expect(row.locator("select")).to_be_visible()
            expect(row.locator("input[name^=score_]")).to_be_visible()
        fits(phone, "completion")
        e = c.enrolments.get(person=people[0])
        phone.get_by_label("蓝海燕成绩").fill("88")
        phone.get_by_label("蓝海燕考核合格").check()
        phone.select_option(f"select[name=completed_{e.pk}]", "yes")
        phone.get_by_role("button", name="保存结业情况").click()
        expect(phone.locator("#roster")).to_contain_text("88")


def test_the_home_page_figures_fit_a_phone_under_short_headings(phone, liang, person_factory):
    """The city reviewer's desk: a column per ledger figure, under short headings on a phone."""
    from tests.conftest import LONGAN

    person_factory(name="韦小燕", category="脱贫户")
    person_factory(name="黄志强", county=LONGAN, category="监测户")
    from skillaid.reports.tally import tally_refresh

    tally_refresh()  # the desk reads the ledger's figures, kept up to date by the worker
    login(phone, "liang", PASSWORD)
    phone.goto("/")
    table = phone.locator("table.counts")
    expect(table.locator("thead")).to_contain_text("培训")
    expect(table.get_by_text("有就读技工院校意愿")).to_be_hidden()
    expect(table.get_by_role("link", name="马山县")).to_be_visible()
    expect(table.get_by_role("link", name="隆安县")).to_be_visible()
    fits(phone, "home")


def test_the_school_officers_home_lists_its_classes_as_cards_on_a_phone(
    phone, lu, school, class_factory, person_factory
):
    c = class_factory(lu, trainees=[person_factory(category="脱贫户", name="蓝海燕")])
    login(phone, "lu", PASSWORD)
    phone.goto("/")
    expect(phone.get_by_role("heading", name="广西南宁技师学院：待办的培训班")).to_be_visible()
    row = phone.locator("table.cards tbody tr").first
    expect(row.get_by_role("link", name=c.name)).to_be_visible()
    expect(row).to_contain_text("已批准，")
    fits(phone, "home-officer")
