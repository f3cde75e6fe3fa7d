"""What people do, in a real browser on the demo: report by keyboard only, upload Excel, sign, switch language."""
from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook

from tests.browser import axe
from tests.browser.conftest import leave, screenshot, sign_in

REGION = "/regio/rmc-19"


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches `selector` (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key on {page.url}")


def assert_accessible(page) -> None:
    found = axe.violations(page)
    assert not found, axe.report(page, found)


def test_keyboard_only_sign_in_open_region_and_report_figures(browser, demo_server):
    context = browser.new_context(base_url=demo_server.base_url)
    page = context.new_page()
    page.goto("/inloggen")
    # The skip link is the first stop, and it is visible when focused.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#inhoud"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0

    tab_to(page, "#email")
    page.keyboard.type(demo_server.email("invoer.gemeente-utrecht"))
    tab_to(page, "#password")
    page.keyboard.type(demo_server.password("invoer.gemeente-utrecht"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))

    tab_to(page, f"main a[href='{REGION}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{REGION}/")
    tab_to(page, f"nav a[href='{REGION}/vsv/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{REGION}/vsv/")
    tab_to(page, "main a[href$='/vsv/cijfers/invoeren']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/vsv/cijfers/invoeren")

    tab_to(page, "#school_year")  # a drop-down of the region's school years: typing selects one
    page.keyboard.type("2025-2026")
    tab_to(page, "#participants")
    page.keyboard.type("43210")
    tab_to(page, "#new_leavers")
    page.keyboard.type("1234")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "2025-2026" in page.locator(".flash").inner_text()
    screenshot(page, "flow-vsv-opgeslagen")

    page.goto(f"{REGION}/vsv/cijfers")
    row = page.locator("tr", has_text="2025-2026")
    assert "43.210" in row.inner_text() and "1.234" in row.inner_text()
    leave(context)


def test_a_form_error_is_summarised_at_the_top_and_links_to_the_field(signed_in):
    page = signed_in("invoer.gemeente-utrecht").new_page()
    page.goto(f"{REGION}/vsv/cijfers/invoeren")
    # no school year chosen from the drop-down
    page.locator("#participants").fill("10")
    page.locator("#new_leavers").fill("20")
    with page.expect_navigation():
        page.locator("main form button").first.click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    link = summary.locator("a[href='#school_year']")
    assert link.count() == 1
    link.click()
    assert page.evaluate("document.activeElement.id") == "school_year"
    screenshot(page, "flow-formulier-fouten")
    assert_accessible(page)
    leave(page)


def _export(page, address: str) -> bytes:
    with page.expect_download() as download:
        page.evaluate("href => { const a = document.createElement('a'); a.href = href; a.download = ''; "
                      "document.body.appendChild(a); a.click(); }", address)
    return download.value.path().read_bytes()


def _upload(page, sheet_page: str, content: bytes) -> None:
    page.goto(sheet_page)
    page.locator("input[type=file]").set_input_files(
        {"name": "cijfers.xlsx", "buffer": content,
         "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    with page.expect_navigation():
        page.locator("form[enctype] button[type=submit]").click()


def test_excel_upload_shows_errors_then_a_preview_and_stores_on_confirm(signed_in):
    page = signed_in("invoer.gemeente-utrecht").new_page()
    sheet_page = f"{REGION}/vsv/excel/vsv-cijfers/"
    page.goto(sheet_page)
    workbook = load_workbook(BytesIO(_export(page, f"{REGION}/vsv/excel/vsv-cijfers/export.xlsx")))
    sheet = workbook.worksheets[0]
    headers = [str(c.value or "").lower() for c in sheet[1]]
    participants = headers.index("deelnemers") + 1
    assert sheet.max_row >= 2, "the demo has vsv figures for Utrecht to export"

    # A wrong value: the errors page names the cell, nothing is stored.
    sheet.cell(row=2, column=participants).value = "veel"
    broken = BytesIO()
    workbook.save(broken)
    _upload(page, sheet_page, broken.getvalue())
    cell = f"{sheet.cell(row=2, column=participants).column_letter}2"
    assert cell in page.locator("main").inner_text()
    screenshot(page, "flow-excel-fouten")
    assert_accessible(page)

    # A changed value: the preview shows one change; confirming stores it.
    sheet.cell(row=2, column=participants).value = 98765
    changed = BytesIO()
    workbook.save(changed)
    _upload(page, sheet_page, changed.getvalue())
    main = page.locator("main").inner_text()
    assert "98.765" in main or "98765" in main
    screenshot(page, "flow-excel-voorvertoning")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main form button.button").click()
    screenshot(page, "flow-excel-opgeslagen")

    page.goto(f"{REGION}/vsv/cijfers")
    assert "98.765" in page.locator("main").inner_text()
    leave(page)


def test_coordinator_sends_an_agreement_and_a_signatory_signs_it(signed_in, demo_server):
    coordinator = signed_in("coordinator.utrecht").new_page()
    coordinator.goto(f"{REGION}/afspraken/stagepact/nieuw")
    if coordinator.locator("main form").count() == 0:  # a choice of templates comes first
        coordinator.locator("main ul a").first.click()
    coordinator.locator("#title").fill("Stagepact regio Utrecht (browsertest)")
    for field in coordinator.locator("main form input[type=number], main form input[inputmode=numeric]").all():
        field.fill("80")
    # Only the party whose demo signatory signs below: a party without an active signatory stops the sending.
    for party in coordinator.locator("main form input[type=checkbox][name=parties]").all():
        party.uncheck()
    coordinator.get_by_label(re.compile("^ROC Midden Nederland")).check()
    with coordinator.expect_navigation():
        coordinator.locator("main form button.button").click()
    assert re.search(r"/afspraken/stagepact/\d+/$", coordinator.url), coordinator.url
    agreement = coordinator.url
    with coordinator.expect_navigation():
        coordinator.locator("form[action$='/versturen'] button").click()
    screenshot(coordinator, "flow-afspraak-verstuurd")
    leave(coordinator)

    signatory = signed_in("ondertekenaar.roc-midden-nederland").new_page()
    signatory.goto(agreement)
    signatory.locator("#agree").check()
    signatory.locator("#password").fill(demo_server.password("ondertekenaar.roc-midden-nederland"))
    with signatory.expect_navigation():
        signatory.locator("form[action$='/ondertekenen'] button").click()
    text = signatory.locator("main").inner_text()
    assert "ondertekend" in text.lower()
    assert "ROC Midden Nederland" in text
    screenshot(signatory, "flow-afspraak-ondertekend")
    assert_accessible(signatory)
    leave(signatory)


def test_switching_language_by_keyboard_and_signing_out(browser, demo_server):
    context = browser.new_context(base_url=demo_server.base_url)
    page = context.new_page()
    sign_in(page, demo_server, "lezer.gemeente-utrecht")
    page.goto(f"{REGION}/vsv/")
    tab_to(page, "form.language-switch button[value=en]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(f"**{REGION}/vsv/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".skip-link").inner_text() == "Skip to content"
    screenshot(page, "flow-engels")
    page.goto("/")  # the choice is remembered on the next page
    assert page.locator("html").get_attribute("lang") == "en"

    with page.expect_navigation():
        page.locator("form[action$='/uitloggen'] button").click()
    assert "/inloggen" in page.url
    page.goto(f"{REGION}/vsv/")
    assert "/inloggen" in page.url, "after signing out the region's pages ask to sign in again"
    leave(context)
