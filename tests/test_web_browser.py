"""The web page in a real browser (issue 13): Debian's chromium driven by Selenium, offline.

Skipped, saying why, when chromium or chromedriver is not installed (`.ci/run` installs
them with apt-get). Set FACTCHECK_SCREENSHOTS=DIR to save a screenshot of each page
(that is how docs/screenshots/ was made).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.app import FactCheck
from assistant.web import create_app
from tests.test_web import DEMO, hostile_fc

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip(
        "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)",
        allow_module_level=True,
    )
webdriver = pytest.importorskip(
    "selenium.webdriver", reason="needs selenium (pip install -e '.[dev]')"
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def _shot(driver: Any, name: str) -> None:
    folder = os.environ.get("FACTCHECK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


@pytest.fixture(scope="module")
def server_for() -> Iterator[Any]:
    """Start a server on a free localhost port in a thread, for a given FactCheck."""
    import uvicorn

    running: list[tuple[Any, threading.Thread]] = []

    def start(fc: FactCheck) -> str:
        app = create_app(fc.settings, factcheck=fc)
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        running.append((server, thread))
        port = server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def seeds_url(server_for: Any, seed_fc: FactCheck) -> str:
    return server_for(seed_fc)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
                "--disable-dev-shm-usage"):  # fmt: skip
        options.add_argument(arg)
    d = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    d.set_page_load_timeout(60)
    yield d
    d.quit()


def test_ask_then_open_citation_1_highlights_the_exact_quote(
    driver: Any, seeds_url: str, seed_fc: FactCheck
) -> None:
    expected = seed_fc.ask(DEMO).citations[0]
    driver.get(f"{seeds_url}/ask")
    box = driver.find_element(By.ID, "q")
    box.send_keys(DEMO)
    box.submit()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "answer")))
    _shot(driver, "ask")
    driver.find_element(By.CSS_SELECTOR, '#answer a.cite[data-cite="1"]').click()
    mark = WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "quote")))
    assert driver.execute_script("return arguments[0].textContent", mark) == expected.quote
    assert int(mark.get_attribute("data-start")) == expected.start
    # Scrolled into view by the URL fragment, with no script of ours.
    top, bottom, height = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom, innerHeight]",
        mark,
    )
    assert 0 <= top < height and bottom > 0
    _shot(driver, "article")


def test_claims_chart_has_one_mark_per_claim(
    driver: Any, seeds_url: str, seed_fc: FactCheck
) -> None:
    driver.get(f"{seeds_url}/claims")
    marks = driver.find_elements(By.CSS_SELECTOR, "svg.chart .mark")
    assert len(marks) == len(seed_fc.claims().claims)
    # Each mark is drawn (has a box) and links to an article passage.
    for m in marks:
        assert m.get_attribute("href") is not None or m.tag_name == "g"
        assert m.size["width"] > 0 and m.size["height"] > 0
    _shot(driver, "claims")


def test_check_and_summary_pages(driver: Any, seeds_url: str) -> None:
    driver.get(f"{seeds_url}/check")
    box = driver.find_element(By.ID, "claim")
    box.send_keys("Russia's Defense Ministry confirmed 200 deaths")
    box.submit()
    verdict = WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "verdict")))
    assert verdict.text.lower() in {"supported", "refuted", "conflicting", "not enough info"}
    _shot(driver, "check")
    driver.get(f"{seeds_url}/summary")
    assert driver.find_elements(By.CSS_SELECTOR, "ul.summary li")
    first = driver.find_element(By.CSS_SELECTOR, "ul.summary a.cite")
    first.click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "quote")))
    driver.get(f"{seeds_url}/summary")
    _shot(driver, "summary")


def test_a_hostile_articles_script_never_runs(
    driver: Any, server_for: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    url = server_for(hostile_fc(tmp_path_factory.mktemp("hostile")))
    pages = ["/articles", "/claims", "/summary", "/ask?q=How+many+workers+were+hurt%3F"]
    driver.get(f"{url}/articles")
    link = driver.find_element(By.CSS_SELECTOR, "ul.articles a")
    assert link.text == "<img src=x onerror=alert(1)>.txt"
    pages.append(link.get_attribute("href").removeprefix(url))
    for page in pages:
        driver.get(f"{url}{page}")
        assert driver.execute_script("return window.__pwned === undefined")
        assert "pwned" not in driver.title
        assert not driver.find_elements(By.CSS_SELECTOR, "main img, main script")
    body = driver.find_element(By.CSS_SELECTOR, "article.source").text
    assert "<script>alert(1); window.__pwned = 1;</script>" in body and "[sic]" in body
