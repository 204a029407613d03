"""What the tests of the kept staff pages share."""

import re


def masked(html: str) -> str:
    """The page without what differs on every response (the CSRF token in
    forms, the CSP nonce)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    return re.sub(r'nonce="[^"]+"', "nonce", html)
