"""What a reader sees: every page of the HTML results opened in headless Chromium.

The pages are rendered from the committed notebooks into a temporary folder
(``tools/run_notebooks.py --html``; no kernel is needed), so ``make test`` alone runs this;
``PERSIAN_HTML_DIR=results/html`` checks the pages ``make run`` wrote instead.
Screenshots go to ``results/screenshots/`` (or ``$PERSIAN_SCREENSHOTS_DIR``) for a person to
look at. Without Chromium the test is skipped, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = [p.stem for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))]
SOLUTIONS = [f"solutions/{p.stem}"
             for p in sorted((ROOT / "notebooks" / "solutions").glob("[0-9][0-9]-*.ipynb"))]
PAGES = [*CHAPTERS, *SOLUTIONS, "index"]
SCREENSHOTS = Path(os.environ.get("PERSIAN_SCREENSHOTS_DIR", ROOT / "results" / "screenshots"))
LOCAL_SCHEMES = ("file", "data", "blob", "about")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,1000",
]

# Cells whose first letter is Persian (or Arabic) and whose computed direction is not rtl.
PERSIAN_CELLS_NOT_RTL = """
const arabic = /\\p{Script=Arabic}/u, letter = /\\p{L}/u;
const bad = [];
let checked = 0;
for (const cell of document.querySelectorAll('td, th')) {
  const text = cell.textContent.trim();
  const first = [...text].find(ch => letter.test(ch));
  if (!first || !arabic.test(first)) continue;
  checked += 1;
  if (getComputedStyle(cell).direction !== 'rtl') bad.push(text.slice(0, 60));
}
return [checked, bad.slice(0, 5)];
"""
# KWIC rows as laid out: the keyword between the words after it (left) and before it (right).
KWIC_ROWS = """
const rows = [];
for (const tr of document.querySelectorAll('tr')) {
  const pre = tr.querySelector(':scope > td.kwic-pre');
  const kw = tr.querySelector(':scope > td.kwic-keyword');
  const post = tr.querySelector(':scope > td.kwic-post');
  if (!pre || !kw || !post || !kw.getClientRects().length) continue;
  const [p, k, q] = [pre, kw, post].map(e => e.getBoundingClientRect());
  if (!k.width) continue;
  rows.push({text: kw.textContent.trim(), pre_left: p.left, kw_left: k.left,
             kw_right: k.right, post_right: q.right});
}
return rows;
"""
TABLES_READY = """
const wrappers = document.querySelectorAll('.persian-table.interactive');
const ready = document.querySelectorAll('.persian-table.interactive table.dataTable');
return document.readyState === 'complete' && ready.length === wrappers.length;
"""
VISIBLE_ROWS = """
const box = arguments[0];
return [...box.querySelectorAll('table.dataTable tbody tr')]
  .filter(tr => tr.getClientRects().length).map(tr => tr.textContent);
"""


def _missing_browser() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        return "chromium or chromedriver not found (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The HTML pages of the committed notebooks and their index, in a temporary folder."""
    if os.environ.get("PERSIAN_HTML_DIR"):
        return Path(os.environ["PERSIAN_HTML_DIR"]).resolve()
    html_dir = tmp_path_factory.mktemp("results") / "html"
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "run_notebooks.py"), "--html", str(html_dir)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return html_dir


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium that records console messages and network requests."""
    reason = _missing_browser()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.get("about:blank")
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _open(browser, page: Path) -> tuple[list[str], list[str]]:
    """Open ``page``, wait for its tables; return (requested URLs, console errors)."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get_log("performance")  # what earlier pages left behind
    browser.get_log("browser")
    browser.get(page.as_uri())
    WebDriverWait(browser, 30).until(
        lambda d: d.execute_script(TABLES_READY),
        message=f"{page.name}: the interactive tables never started",
    )
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        # requests made for the page (the browser's own start page is not the reader's)
        if message["method"] == "Network.requestWillBeSent" and params.get(
                "documentURL", "").startswith("file:"):
            urls.append(params["request"]["url"])
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    return urls, errors


def _screenshots(browser, name: str) -> None:
    """The top of the page, then each Persian table, text and dispersion view on it."""
    from selenium.webdriver.common.by import By

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = name.replace("/", "--")  # solutions/01-... -> solutions--01-...
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    selector = ".persian-table, .dispersion, div[dir='rtl'][lang='fa']"
    shown = [e for e in browser.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]
    for i, element in enumerate(shown[:12], 1):
        browser.execute_script("arguments[0].scrollIntoView()", element)
        element.screenshot(str(SCREENSHOTS / f"{name}-view-{i:02d}.png"))


def test_pages_fetch_nothing_and_link_as_pages(site):
    """What can be read off the files, with or without a browser."""
    for name in PAGES:
        text = (site / f"{name}.html").read_text(encoding="utf-8")
        fetching = re.findall(r"<(?:script|link|img|iframe)\b[^>]*(?:src|href)=[\"']?https?:",
                              text)
        assert not fetching, f"{name}.html fetches from the network: {fetching[:3]}"
        for library in ("mathjax", "require.js", "cdnjs", "unpkg.com"):
            assert library not in text.lower(), f"{name}.html names {library}"
        assert ".ipynb\"" not in text, f"{name}.html links to a notebook, not its page"
        images = re.findall(r"<img\b[^>]*>", text)
        assert all(re.search(r"""\balt=("[^"]+"|'[^']+')""", i) for i in images), (
            f"{name}.html: a figure without alt text")
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in [*CHAPTERS, *SOLUTIONS]:
        assert f'href="{name}.html"' in index


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGES)
def test_page_reads_right_to_left_offline(site, browser, name):
    page = site / f"{name}.html"
    assert page.is_file(), f"{page.name} was not rendered"
    urls, errors = _open(browser, page)
    _screenshots(browser, name)  # first, so a failing page can be looked at too
    remote = [u for u in urls if urlparse(u).scheme not in LOCAL_SCHEMES]
    assert not remote, f"{name}: requests beyond file:// {remote[:5]}"
    assert not errors, f"{name}: console errors {errors[:5]}"

    checked, bad = browser.execute_script(PERSIAN_CELLS_NOT_RTL)
    assert not bad, f"{name}: Persian cells laid out left to right: {bad}"
    for row in browser.execute_script(KWIC_ROWS):
        assert row["kw_right"] <= row["pre_left"] + 1, f"{name}: words before are not right {row}"
        assert row["kw_left"] >= row["post_right"] - 1, f"{name}: words after are not left {row}"

    alts = browser.execute_script("return [...document.images].map(i => i.alt.trim())")
    assert all(alts), f"{name}: {alts.count('')} figure(s) without alt text"
    hrefs = browser.execute_script(
        "return [...document.querySelectorAll('a[href]')].map(a => a.href)")
    for href in hrefs:
        target = urlparse(href)
        if target.scheme == "file":
            assert not target.path.endswith(".ipynb"), f"{name}: link to a notebook {href}"
            assert Path(unquote(target.path)).exists(), f"{name}: broken link {href}"
    if name == "index":
        linked = {Path(urlparse(h).path).name for h in hrefs}
        assert {f"{p}.html" for p in CHAPTERS} <= linked, "the index misses a notebook"
    elif name in CHAPTERS[1:]:
        assert checked, f"{name}: no table with Persian text"


@pytest.mark.slow
def test_interactive_tables_filter_rows(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    searched = 0
    for name in PAGES[:-1]:
        _open(browser, site / f"{name}.html")
        for box in browser.find_elements(By.CSS_SELECTOR, ".persian-table.interactive"):
            before = browser.execute_script(VISIBLE_ROWS, box)
            keyword = box.find_elements(By.CSS_SELECTOR, "tbody tr td.kwic-keyword")
            cells = keyword or box.find_elements(By.CSS_SELECTOR, "tbody tr td")
            # one word of a cell (a search of several words finds each anywhere in the row)
            terms = [c.text.split()[0] for c in cells if c.text.split()]
            term = next((t for t in terms if sum(t in r for r in before) < len(before)), None)
            if term is None:
                continue  # every row shares every value: nothing a search could filter
            field = box.find_element(By.CSS_SELECTOR, "input[type='search']")
            browser.execute_script("arguments[0].scrollIntoView()", field)
            field.send_keys(term)
            WebDriverWait(browser, 10).until(
                lambda d, box=box, term=term: all(
                    term in r for r in d.execute_script(VISIBLE_ROWS, box)),
                message=f"{name}: searching {term!r} does not filter the rows",
            )
            after = browser.execute_script(VISIBLE_ROWS, box)
            assert after, f"{name}: searching {term!r}, a value of the table, hides every row"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shot = f"{name.replace('/', '--')}-search-{searched + 1:02d}.png"
            box.screenshot(str(SCREENSHOTS / shot))
            searched += 1
    assert searched, "no page has an interactive table whose search box could be tried"
