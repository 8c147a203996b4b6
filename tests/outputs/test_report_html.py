"""The HTML report: self-contained, user text escaped, and safe and rendered in a real browser."""

from __future__ import annotations

import os
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import plotly.offline
import pytest

import vpccost
from tests.conftest import EXAMPLES, NEWEST_SNAPSHOT, REPO, SNAPSHOT, SNAPSHOT_NAME, WriteEstate, vpc
from vpccost.outputs.periods import period_of
from vpccost.outputs.report_html import BREAKEVEN_CHARTS, render_html, write_html
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.load import load_pricing
from vpccost.results import Comparison, DatedComparison

EVIL = "<img src=x onerror=alert(1)>"
EVIL_LABEL = "<script>alert(2)</script>"
EVIL_ACCOUNT = "<svg onload=alert(3)>"
EVIL_ACCOUNT_NAME = "<b onclick=alert(4)>ops</b>"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def evil(write_estate: WriteEstate) -> Comparison:
    """A small estate whose user-supplied names are HTML: a VPC name, an account, a label value."""
    traffic, topology = write_estate(
        [
            vpc("vpc-0evil", name=EVIL, azs=("use1-az1", "use1-az2"), cidrs=["10.0.0.0/16"]),
            vpc(
                "vpc-0billing",
                name='billing & "co"',
                account=EVIL_ACCOUNT,
                azs=("use1-az1", "use1-az2"),
                cidrs=["10.1.0.0/16"],
            ),
        ],
        accounts=[{"id": EVIL_ACCOUNT, "name": EVIL_ACCOUNT_NAME, "cost_center": EVIL}],
        rows=f"""src,dst,src_az,dst_az,initiator,gb,team
vpc-0evil,vpc-0billing,use1-az1,use1-az2,src,500,{EVIL_LABEL}
vpc-0billing,vpc-0evil,use1-az1,use1-az2,dst,1200,{EVIL_LABEL}
vpc-0evil,aws:s3,use1-az1,,src,50,storage
aws:s3,vpc-0evil,,use1-az2,dst,3000,storage
vpc-0evil,aws:kinesis,use1-az1,,src,400,storage
vpc-0billing,aws:sqs,use1-az1,,src,40,{EVIL_LABEL}
vpc-0evil,internet,use1-az1,,src,20,web
internet,vpc-0evil,,use1-az1,dst,200,web
""",
    )
    return vpccost.compare(traffic, topology, split_by="team", pricing=SNAPSHOT)


def forecast(comparison: Comparison) -> list[DatedComparison]:
    return [period_of(comparison, date(2026, 12, 1)), period_of(comparison, date(2027, 1, 1))]


def expected_charts(comparison: Comparison, *, periods: bool) -> int:
    """cost by design, by account, (by label,) Sankey, break-even curves, (forecast)."""
    curves = [row for row in comparison.service_access if row.nat_usd is not None and row.interface_endpoint_usd]
    return 3 + (comparison.settings.split_by is not None) + min(BREAKEVEN_CHARTS, len(curves)) + (1 if periods else 0)


class Links(HTMLParser):
    """Every src/href attribute, and every tag name, of a page (script bodies are not parsed as HTML)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.urls += [(tag, name, value or "") for name, value in attrs if name in {"src", "href", "srcset", "action"}]


def without_scripts(page: str) -> str:
    """The page's markup without the script bodies (plotly.js and the figures' data)."""
    return re.sub(r"<script\b[^>]*>.*?</script>", "<script></script>", page, flags=re.DOTALL)


def test_report_is_one_self_contained_file(evil: Comparison) -> None:
    page = render_html(evil, periods=forecast(evil))
    parser = Links()
    parser.feed(page)
    assert [url for url in parser.urls if re.match(r"\s*(https?:)?//", url[2], re.IGNORECASE)] == []
    assert all(value.startswith("#") for _, _, value in parser.urls)  # only links within the page
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert all("src" not in attrs for attrs in scripts)
    assert not any(tag == "link" for tag, _ in parser.tags)  # no external stylesheet or font
    markup = without_scripts(page)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", markup, re.IGNORECASE)
    assert page.count(plotly.offline.get_plotlyjs()) == 1  # plotly.js embedded once, not loaded from a CDN
    assert "cdn.plot.ly" not in page.replace(plotly.offline.get_plotlyjs(), "")
    assert page.count('class="chart"') == expected_charts(evil, periods=True)


def test_user_text_is_escaped_everywhere(evil: Comparison) -> None:
    page = render_html(evil, periods=forecast(evil))
    assert EVIL not in page
    assert EVIL_LABEL not in page
    assert EVIL_ACCOUNT not in page
    assert EVIL_ACCOUNT_NAME not in page
    assert html_escaped(EVIL_ACCOUNT_NAME) in page
    assert html_escaped(EVIL) in page
    assert html_escaped(EVIL_LABEL) in page
    assert html_escaped(EVIL_ACCOUNT) in page
    assert "billing &amp; &quot;co&quot;" in page


def html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_report_contents_for_the_multi_account_example() -> None:
    comparison = vpccost.compare(
        EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml", pricing=SNAPSHOT
    )
    page = render_html(comparison)
    assert SNAPSHOT_NAME in page and "730 hours (one month)" in page
    assert '<tr class="cheapest">' in page and "✓ cheapest" in page
    assert "760.73" in page  # sharing's total, to the cent (exact: 760.7275)
    assert "760.7275" not in without_scripts(page)  # the figures' data carries floats
    assert "infeasible" in page and "overlapping CIDRs" in page
    for section in ("designs", "charts", "chargeback", "line-items", "service-access", "assumptions", "prices"):
        assert f'<section id="{section}">' in page
    assert page.count("<details>") == len(comparison.designs)
    assert "PNUBVW4CPC8XA46W" in page  # a SKU, with its source and evidence
    assert "not verified" in page
    assert page.count('class="chart"') == expected_charts(comparison, periods=False)
    assert 'id="forecast"' not in page


def test_write_html_replaces_the_file_atomically(
    evil: Comparison, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    assert write_html(evil, target) == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["report.html", "topology.yaml", "traffic.csv"])

    def fail(source: str, destination: str) -> None:
        raise OSError("disk full")

    target.write_text("old")
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_html(evil, target)
    assert target.read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["report.html", "topology.yaml", "traffic.csv"])


def test_report_in_headless_chromium(evil: Comparison, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {CHROMIUM} is missing: the browser test must run in CI")
        pytest.skip(f"{CHROMIUM} is missing (Debian's chromium package) and CI is not set")
    from playwright.sync_api import ConsoleMessage, Dialog, Error, Request, Route, sync_playwright

    path = write_html(evil, tmp_path / "report.html", periods=forecast(evil))
    charts = expected_charts(evil, periods=True)
    errors: list[str] = []
    dialogs: list[str] = []
    requests: list[str] = []

    def on_error(error: Error) -> None:
        errors.append(f"pageerror: {error}")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text}")

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def route(route: Route, request: Request) -> None:
        requests.append(request.url)
        if request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("pageerror", on_error)
            page.on("console", on_console)
            page.on("dialog", on_dialog)
            page.route("**/*", route)
            page.goto(path.resolve().as_uri(), wait_until="load")
            page.wait_for_function(
                "n => document.querySelectorAll('.chart .js-plotly-plot svg.main-svg').length >= n "
                "&& [...document.querySelectorAll('.chart')].every(c => c.querySelector('svg.main-svg'))",
                arg=charts,
            )
            page.wait_for_timeout(300)

            assert page.locator(".chart").count() == charts
            assert page.locator(".chart .js-plotly-plot").count() == charts
            assert (
                page.evaluate(
                    "[...document.querySelectorAll('.chart')].map(c => c.querySelectorAll('svg.main-svg').length > 0)"
                )
                == [True] * charts
            )
            assert page.locator('img[src="x"]').count() == 0
            assert page.locator("img").count() == 0
            assert page.locator("svg[onload]").count() == 0
            text = page.inner_text("body")
            assert EVIL in text
            assert EVIL_LABEL in text
            assert EVIL_ACCOUNT in text
            # plotly shows the escaped name as typed, as text (the Sankey node of the VPC)
            svg_texts = page.evaluate("[...document.querySelectorAll('svg.main-svg text')].map(t => t.textContent)")
            assert EVIL in svg_texts
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert dialogs == []
    assert [url for url in requests if not url.startswith("file:")] == []


def test_report_with_an_unpriced_design_and_no_service_access() -> None:
    snapshot = load_pricing(SNAPSHOT).snapshot
    entries = [entry for entry in snapshot.entries if entry.item != "transit_gateway_bytes"]
    catalog = Catalog(snapshot.model_copy(update={"entries": entries}), name="test/no-tgw-bytes")
    comparison = vpccost.compare(
        EXAMPLES / "peering-two-vpcs" / "traffic.csv", EXAMPLES / "peering-two-vpcs" / "topology.yaml", pricing=catalog
    )
    assert comparison.service_access == []
    page = render_html(comparison)
    assert '<tr class="unpriced">' in page and "not priced" in page
    assert "transit_gateway_bytes" in page  # the missing price is named
    assert "nothing to compare" in page
    assert page.count('class="chart"') == expected_charts(comparison, periods=False)


def section(page: str, anchor: str) -> str:
    start = page.index(f'<section id="{anchor}">')
    return page[start : page.index("</section>", start)]


def table_rows(markup: str) -> list[list[str]]:
    """The text of each body row's cells (tags dropped, entities kept)."""
    body = markup[markup.index("<tbody>") : markup.index("</tbody>")]
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]
        for cells in (re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body))
    ]


def test_the_chargeback_names_each_account_and_adds_up_to_each_designs_total() -> None:
    comparison = vpccost.compare(
        EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml",
        designs=["sharing", "nat"], pricing=SNAPSHOT,
    )  # fmt: skip
    rows = table_rows(section(render_html(comparison), "chargeback"))
    # sharing: 296.89 + 459.28 + 4.56 = 760.73; nat: 206.28 + 1,595.61 + 594.57 = 2,396.46
    assert rows == [
        ["111111111111 network · cost center CC-100 Platform", "296.89", "206.28"],
        ["222222222222 prod · cost center CC-200 Retail", "459.28", "1,595.61"],
        ["333333333333 data · cost center CC-300 Analytics", "4.56", "594.57"],
        ["Total", "760.73", "2,396.46"],
    ]
    line_items = section(render_html(comparison), "line-items")
    assert '<span class="mono">222222222222</span><br><span class="sub">prod · cost center CC-200 Retail</span>' in (
        line_items
    )


PUBLIC_SOURCE = re.compile(r"https://|AWS Price List")
LOCAL_PATH = re.compile(r"(^|[\s(])(/[\w.-]+/|~/|\.\./|[A-Za-z]:\\)|file:")
"""An absolute, home or parent-relative path, or a file: URL (`/home/…`, `~/…`, `../…`, `C:\\…`)."""


@pytest.mark.parametrize("name", ["multi-account", "s3-access"])
def test_prices_used_cite_public_sources_with_their_dates(name: str) -> None:
    example = EXAMPLES / name
    comparison = vpccost.compare(example / "traffic.csv", example / "topology.yaml", pricing=NEWEST_SNAPSHOT)
    rows = table_rows(section(render_html(comparison), "prices"))
    assert len(rows) == len(comparison.prices_used) > 0
    for row, entry in zip(rows, comparison.prices_used, strict=True):
        source = row[4]
        assert PUBLIC_SOURCE.search(source), source
        assert not LOCAL_PATH.search(source), source
        assert entry.source_date is None or f"source date {entry.source_date}" in source
    assert any(entry.source_date for entry in comparison.prices_used)
