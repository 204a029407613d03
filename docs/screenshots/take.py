"""Screenshots of the portal for the docs and the issue's closing note.

Usage (against a running portal with the demo data, e.g. after `make run`):

    .venv/bin/python docs/screenshots/take.py http://127.0.0.1:8000
    .venv/bin/python docs/screenshots/take.py http://127.0.0.1:8000 \\
        --track PPID-PBG/2026/000036 WARGAPBGXY26

Saves a desktop (1,366 px) and a phone (390 px) full-page screenshot of
the home page, the tracking page, the objection form and each staff role's
dashboard into docs/screenshots/ (or --out), named <page>-desktop.png and
<page>-phone.png.

The tracking page needs a registration number and its tracking code, which
the demo shows nobody: give one with --track, or the script files one
information request through the public form (as a citizen would; it stays
in the demo's register) and tracks that. The staff log in with the demo
password (--password, default the DEMO_PASSWORD default).

Drives Debian's chromium (/usr/bin/chromium, or --chromium) with
Playwright, like tests/e2e; it is not a test and pytest does not collect it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

HERE = Path(__file__).resolve().parent
SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}
STAFF = {
    "opd-admin": "admin-dinkes",
    "ppid-utama": "ppid-utama",
    "atasan-ppid": "atasan-ppid",
    "dinkominfo": "dinkominfo",
}
LOGIN = "/masuk/"
DASHBOARD = "/dasbor/"
TRACK = "/permohonan-informasi/lacak/"
REQUEST_FORM = "/permohonan-informasi/ajukan/"
OBJECTION_FORM = "/keberatan/"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the running portal, e.g. http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to save in")
    parser.add_argument("--password", default="purbalingga-demo-2026")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--track",
        nargs=2,
        metavar=("NUMBER", "CODE"),
        help="a request's registration number and tracking code",
    )
    return parser.parse_args(argv)


def shoot(page: Page, out: Path, name: str, size: str) -> None:
    page.wait_for_load_state("networkidle")
    path = out / "{}-{}.png".format(name, size)
    page.screenshot(path=str(path), full_page=True)
    print("saved", path)


def file_request(browser: Browser, base: str) -> tuple[str, str]:
    """File one request through the public form; its number and code."""
    context = browser.new_context(base_url=base, locale="id-ID")
    page = context.new_page()
    page.goto(REQUEST_FORM)
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("select[name=requester_type]").select_option("perorangan")
    form.locator("input[name=full_name]").fill("Siti Aminah")
    # The README's example NIK: valid in form, belonging to nobody.
    form.locator("input[name=nik]").fill("3303014507900001")
    form.locator("input[name=address]").fill("Jl. Jenderal Sudirman 1, Purbalingga")
    form.locator("input[name=phone]").fill("081234567890")
    form.locator("input[name=email]").fill("siti@example.id")
    form.locator("input[name=occupation]").fill("Mahasiswa")
    form.locator("textarea[name=requested_information]").fill(
        "Data cakupan imunisasi dasar per desa tahun 2025."
    )
    form.locator("textarea[name=purpose]").fill("Penelitian skripsi.")
    form.locator("select[name=access_method]").select_option("salinan")
    form.locator("select[name=copy_format]").select_option("softcopy")
    form.locator("select[name=delivery_method]").select_option("email")
    opd = form.locator("select[name=opd] option", has_text="Dinas Kesehatan").first
    form.locator("select[name=opd]").select_option(opd.get_attribute("value"))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile("/terkirim/"))
    number = page.locator(".alert-success strong").first.inner_text().strip()
    code = page.locator(".alert-success strong.font-monospace").inner_text().strip()
    context.close()
    print("filed", number, "to show its tracking page")
    return number, code


def take(args: argparse.Namespace) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.url.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, headless=True, args=["--no-sandbox"]
        )
        number, code = args.track or file_request(browser, base)
        for size, options in SIZES.items():
            context = browser.new_context(
                base_url=base, locale="id-ID", timezone_id="Asia/Jakarta", **options
            )
            page = context.new_page()
            page.goto("/")
            shoot(page, args.out, "home", size)
            page.goto(TRACK)
            shoot(page, args.out, "tracking-form", size)
            track = page.locator("main form")
            track.locator("input[name=registration_number]").fill(number)
            track.locator("input[name=tracking_code]").fill(code)
            track.locator("button[type=submit]").click()
            page.wait_for_load_state()
            shoot(page, args.out, "tracking", size)
            page.goto(OBJECTION_FORM)
            shoot(page, args.out, "objection-form", size)
            context.close()
            for name, username in STAFF.items():
                context = browser.new_context(
                    base_url=base,
                    locale="id-ID",
                    timezone_id="Asia/Jakarta",
                    **options,
                )
                page = context.new_page()
                page.goto(LOGIN)
                page.locator("main input[name=username]").fill(username)
                page.locator("main input[name=password]").fill(args.password)
                page.locator("main button[type=submit]").click()
                page.wait_for_url(re.compile(re.escape(DASHBOARD) + "$"))
                shoot(page, args.out, "dashboard-" + name, size)
                context.close()
        browser.close()


if __name__ == "__main__":
    take(parse_args(sys.argv[1:]))
