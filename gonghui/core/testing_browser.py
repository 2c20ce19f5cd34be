"""Helpers for page tests that drive the tom-select pickers (org, partner, category)."""

import re

from playwright.sync_api import expect


def type_in_picker(scope, text: str):
    """Open the picker inside ``scope`` (a Playwright page or locator holding one
    ``.ts-wrapper``) and type ``text`` into its own search box.

    tom-select finishes taking focus in a timer after the click and then resets its text box,
    so keys pressed in that instant are lost (a person never types that fast). Wait until the
    picker shows it has focus, type, and check every key arrived."""
    wrapper = scope.locator(".ts-wrapper").first
    wrapper.locator(".ts-control").click()
    expect(wrapper).to_have_class(re.compile(r"\bfocus\b"))
    box = wrapper.locator(".ts-control input")
    box.press_sequentially(text)
    expect(box).to_have_value(text)
