"""Audit the installed Python packages for known vulnerabilities.

Usage: python .ci/audit_deps.py [-r requirements.txt]

Without -r it audits every distribution installed in the running
interpreter's environment (the project's .venv: what `make test` installs),
except the project itself.

Sources, tried in order:

1. pip-audit with the OSV database, then with PyPI's per-release advisories.
   Either is a full audit: every known advisory of every pinned version.
2. When neither answers (this sandbox reaches PyPI's per-project JSON only),
   a partial audit from that JSON: the advisories PyPI lists for each
   project's latest release, which apply when that release is the one
   installed, and yanked releases. This run says loudly that it is partial.

Findings are compared with the waivers in .ci/pip-audit-waivers.toml; each
waiver names the advisory, the package, the reason and the date to look at
it again, after which it no longer counts.

Exit codes: 0 clean; 1 unwaived findings or an expired waiver; 2 no
vulnerability database could be reached and AUDIT_REQUIRE_DATABASE=1 (the
partial audit found nothing); 3 the audit could not run at all.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess  # nosec B404 # runs pip-audit, a fixed command
import sys
import tempfile
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WAIVERS = ROOT / ".ci" / "pip-audit-waivers.toml"
PROJECT = "portal-purbalingga"
PYPI_JSON = "https://pypi.org/pypi/{}/json"
TIMEOUT = 20


@dataclass
class Finding:
    package: str
    version: str
    advisory: str
    aliases: list[str] = field(default_factory=list)
    fixed_in: list[str] = field(default_factory=list)
    note: str = ""

    def ids(self) -> set[str]:
        return {self.advisory, *self.aliases}

    def __str__(self) -> str:
        fix = ", ".join(self.fixed_in) or "no release yet"
        also = " ({})".format(", ".join(self.aliases)) if self.aliases else ""
        note = " [{}]".format(self.note) if self.note else ""
        return "{} {}: {}{}; fixed in {}{}".format(
            self.package, self.version, self.advisory, also, fix, note
        )


def normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def installed() -> dict[str, str]:
    """Every distribution of this environment but the project itself."""
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name and normalise(name) != PROJECT:
            found[normalise(name)] = dist.version
    return found


def pinned(path: Path) -> dict[str, str]:
    """``name==version`` lines of a requirements file."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            found[normalise(name.split("[", 1)[0])] = version.strip()
    return found


def pip_audit(packages: dict[str, str], service: str) -> list[Finding] | None:
    """A full audit through pip-audit; None when its service cannot answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as reqs:
        reqs.write("".join("{}=={}\n".format(n, v) for n, v in packages.items()))
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        reqs.name,
        "--no-deps",
        "--disable-pip",
        "--vulnerability-service",
        service,
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        str(TIMEOUT),
    ]
    try:
        done = subprocess.run(  # nosec B603 # fixed argv, no shell
            command, capture_output=True, text=True, timeout=600
        )
    finally:
        os.unlink(reqs.name)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print("   pip-audit -s {}: no answer ({})".format(service, last[:200]))
        return None
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if "skip_reason" in d]
    if dependencies and len(skipped) == len(dependencies):
        # pip-audit reports "No known vulnerabilities" when it could look
        # nothing up; that is no audit at all.
        print(
            "   pip-audit -s {}: every package skipped ({})".format(
                service, skipped[0]["skip_reason"]
            )
        )
        return None
    if skipped:
        names = ", ".join(d["name"] for d in skipped)
        print("   pip-audit -s {}: not audited: {}".format(service, names))
    return [
        Finding(
            package=normalise(d["name"]),
            version=d["version"],
            advisory=v["id"],
            aliases=list(v.get("aliases", [])),
            fixed_in=list(v.get("fix_versions", [])),
        )
        for d in dependencies
        for v in d.get("vulns", [])
    ]


def project_json(name: str) -> dict | None:
    url = PYPI_JSON.format(name)
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # nosec B310 # a fixed https URL
            return json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return {}
        return None
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None


def partial_audit(packages: dict[str, str]) -> tuple[list[Finding], list[str]]:
    """Latest-release advisories and yanked pins from PyPI's project JSON."""
    findings, unreachable = [], []
    for name, version in sorted(packages.items()):
        data = project_json(name)
        if data is None:
            unreachable.append(name)
            continue
        if not data:
            continue  # not on PyPI: nothing to look up
        latest = data["info"]["version"]
        files = data.get("releases", {}).get(version, [])
        if files and all(f.get("yanked") for f in files):
            reason = files[0].get("yanked_reason") or "no reason given"
            findings.append(
                Finding(name, version, "YANKED", note="yanked: {}".format(reason))
            )
        for vuln in data.get("vulnerabilities", []):
            if vuln.get("withdrawn"):
                continue
            note = "" if version == latest else "listed for {}".format(latest)
            if version != latest and version in vuln.get("fixed_in", []):
                continue
            findings.append(
                Finding(
                    name,
                    version,
                    vuln["id"],
                    aliases=list(vuln.get("aliases", [])),
                    fixed_in=list(vuln.get("fixed_in", [])),
                    note=note,
                )
            )
    return findings, unreachable


def load_waivers(today: datetime.date) -> tuple[dict[tuple[str, str], dict], list]:
    if not WAIVERS.exists():
        return {}, []
    entries = tomllib.loads(WAIVERS.read_text()).get("waiver", [])
    active, problems = {}, []
    for entry in entries:
        missing = {"id", "package", "reason", "revisit"} - set(entry)
        if missing or not str(entry.get("reason", "")).strip():
            problems.append("waiver {} lacks {}".format(entry, sorted(missing)))
            continue
        revisit = entry["revisit"]
        if not isinstance(revisit, datetime.date) or revisit < today:
            problems.append(
                "waiver {} for {} expired on {}: look at it again".format(
                    entry["id"], entry["package"], revisit
                )
            )
            continue
        active[(normalise(entry["package"]), entry["id"])] = entry
    return active, problems


def waived(finding: Finding, waivers: dict) -> dict | None:
    for advisory in finding.ids():
        if (finding.package, advisory) in waivers:
            return waivers[(finding.package, advisory)]
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-r", "--requirement", type=Path)
    args = parser.parse_args()
    packages = pinned(args.requirement) if args.requirement else installed()
    where = args.requirement or sys.prefix
    print("== dependency audit: {} packages from {}".format(len(packages), where))

    findings, source = None, ""
    for service in ("osv", "pypi"):
        findings = pip_audit(packages, service)
        if findings is not None:
            source = "pip-audit, {} database (full audit)".format(service)
            break
    partial = findings is None
    if partial:
        findings, unreachable = partial_audit(packages)
        if len(unreachable) == len(packages):
            print("!! NO VULNERABILITY DATA COULD BE REACHED: nothing was audited.")
            return 3
        source = "PyPI project JSON (PARTIAL audit)"
        if unreachable:
            print("   not audited: {}".format(", ".join(unreachable)))

    today = datetime.datetime.now(datetime.UTC).date()
    waivers, problems = load_waivers(today)
    open_findings, seen = [], set()
    for finding in findings:
        # The same advisory often comes under several ids (PYSEC, GHSA, CVE).
        if any((finding.package, i) in seen for i in finding.ids()):
            continue
        seen.update((finding.package, i) for i in finding.ids())
        waiver = waived(finding, waivers)
        if waiver:
            print(
                "   waived: {} ({}; revisit {})".format(
                    finding, waiver["reason"].strip(), waiver["revisit"]
                )
            )
        else:
            open_findings.append(finding)
    print("   source: {}".format(source))
    for problem in problems:
        print("!! {}".format(problem))
    for finding in open_findings:
        print("!! {}".format(finding))

    if partial:
        print(
            "!! PARTIAL AUDIT: neither the OSV database nor PyPI's per-release\n"
            "!! advisories could be reached from here. Only the advisories PyPI\n"
            "!! lists for each project's latest release, and yanked releases,\n"
            "!! were checked: a vulnerability fixed in a release newer than the\n"
            "!! installed one is NOT seen. Run this where api.osv.dev answers."
        )
    if open_findings or problems:
        print("== dependency audit FAILED")
        return 1
    if partial:
        if os.environ.get("AUDIT_REQUIRE_DATABASE") == "1":
            print("== dependency audit INCOMPLETE (AUDIT_REQUIRE_DATABASE=1)")
            return 2
        print("== dependency audit: no finding, but INCOMPLETE (see above)")
        return 0
    print("== dependency audit clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
