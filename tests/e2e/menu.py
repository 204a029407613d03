"""The public menu (templates/base.html) as a person uses it: most entries
sit in dropdowns, which open on their button first."""

from __future__ import annotations

from playwright.sync_api import expect


def menu_link(page, url: str):
    """The menu's link to ``url``, its dropdown opened (and, on a phone, the
    folded menu too)."""
    menu = page.locator("#main-nav")
    toggler = page.locator("button.navbar-toggler[aria-controls=main-nav]")
    if toggler.is_visible() and not menu.is_visible():
        toggler.click()
        expect(menu).to_be_visible()
    selector = "a[href='{}']".format(url)
    link = menu.locator(selector)
    # ``has`` looks inside each item: a locator from the page, not the menu.
    dropdown = menu.locator("li.dropdown").filter(has=page.locator(selector))
    if dropdown.count():
        button = dropdown.locator("button.dropdown-toggle")
        if button.get_attribute("aria-expanded") != "true":
            button.click()
    expect(link).to_be_visible()
    return link
