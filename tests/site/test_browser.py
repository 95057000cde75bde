"""The site in a real browser (headless Chromium through Selenium): what a researcher sees and does.

Screenshots are kept in tests/artifacts/ for people to look at.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 60  # seconds a page may take to settle on a loaded CI machine; never a performance measure

QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { <https://w3id.org/talentkg/id/pif> rdfs:label ?label } ORDER BY ?label"""

ACCESSIBILITY = """
const levels = Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => Number(h.tagName[1]));
const jumps = [];
levels.forEach((level, i) => { if (i > 0 && level > levels[i - 1] + 1) jumps.push([levels[i - 1], level]); });
return {
  lang: document.documentElement.getAttribute('lang'),
  first: levels[0], h1s: levels.filter(l => l === 1).length, jumps: jumps,
  imagesWithoutAlt: Array.from(document.images).filter(i => !i.hasAttribute('alt')).map(i => i.src),
  unnamedButtons: Array.from(document.querySelectorAll('button')).filter(b =>
      b.offsetParent !== null && !(b.getAttribute('aria-label') || b.getAttribute('title') || b.textContent.trim()))
      .map(b => b.className),
  main: document.querySelectorAll('main, [role=main], #content').length,
};
"""


def settle(browser, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")


def accessible(browser, lang: str | None = None) -> dict:
    report = browser.execute_script(ACCESSIBILITY)
    assert report["lang"] in ("en", "fr") and (lang is None or report["lang"] == lang), report
    assert report["first"] == 1 and report["h1s"] == 1, report
    assert report["jumps"] == [], f"heading levels skip: {report['jumps']}"
    assert report["imagesWithoutAlt"] == [], report
    assert report["unnamedButtons"] == [], report
    assert report["main"] >= 1
    return report


def focus_path(browser, stop, limit: int = 80) -> list[str]:
    """Press Tab from the top of a freshly loaded page until ``stop(active element)``; the focused elements, described."""
    seen: list[str] = []
    for _ in range(limit):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        active = browser.switch_to.active_element
        seen.append(browser.execute_script(
            "const e = arguments[0]; return e.tagName + '|' + (e.getAttribute('href') || '') + '|' + "
            "(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 60) + '|' + "
            "(e.closest('.CodeMirror') ? 'codemirror' : '')", active))
        if stop(seen[-1]):
            return seen
    raise AssertionError("keyboard focus never reached the control; it went through: " + " / ".join(seen))


def test_home_page(server, browser, artifacts):
    settle(browser, server.url + "?lang=en")
    assert "talentkg" in browser.find_element(By.TAG_NAME, "h1").text
    cards = browser.find_elements(By.CSS_SELECTOR, ".cards > li h3 a")
    assert len(cards) == 8, [c.text for c in cards]
    assert browser.find_element(By.ID, "suggested-citation").text.startswith("talentkg contributors.")
    browser.save_screenshot(str(artifacts / "home-en.png"))
    accessible(browser, "en")


def test_programme_page_from_the_home_page(server, browser, artifacts):
    settle(browser, server.url + "?lang=en")
    browser.find_element(By.CSS_SELECTOR, 'a[href^="/id/pif"]').click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Presidential Innovation Fellows")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.figures tbody tr")
    assert len(rows) >= 10
    assert "135 fellows, 35 agences gouvernementales aidées." in browser.find_element(By.CSS_SELECTOR, "table.figures").text
    browser.save_screenshot(str(artifacts / "programme-pif-en.png"))
    accessible(browser, "en")
    browser.find_element(By.CSS_SELECTOR, 'a[hreflang="fr"]').click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Presidential Innovation Fellows (PIF)")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert "Chiffres" in browser.find_element(By.ID, "h-figures").text
    browser.save_screenshot(str(artifacts / "programme-pif-fr.png"))
    accessible(browser, "fr")


def _results_text(browser) -> str:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('.yasr')).map(e => e.innerText).join('\\n')")


def test_editor_runs_a_query_and_shows_its_results(server, browser, artifacts):
    settle(browser, server.url + "editor?lang=en&query=" + quote(QUERY))
    WebDriverWait(browser, WAIT).until(
        lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton") if b.is_displayed()])
    run = [b for b in browser.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton") if b.is_displayed()][0]
    assert "rdfs:label ?label" in browser.execute_script("return window.talentkgEditor.getTab().getQuery()")
    run.click()
    WebDriverWait(browser, WAIT).until(lambda d: "Presidential Innovation Fellows (PIF)" in _results_text(d))
    assert "Presidential Innovation Fellows" in _results_text(browser)
    browser.save_screenshot(str(artifacts / "editor-results.png"))
    accessible(browser, "en")


def test_editor_examples_and_prefixes(server, browser):
    settle(browser, server.url + "editor?lang=en")
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return !!window.talentkgEditor"))
    browser.find_element(By.CSS_SELECTOR, 'button[data-example="-1"]').click()
    query = browser.execute_script("return window.talentkgEditor.getTab().getQuery()")
    assert "PREFIX tkg: <https://w3id.org/talentkg/ontology#>" in query and "tkg:Programme" in query
    prefixes = browser.execute_script("return window.talentkgEditor.getTab().getYasqe().getPrefixesFromQuery()")
    assert prefixes.get("tkg") == "https://w3id.org/talentkg/ontology#"


def test_keyboard_reaches_the_main_controls(server, browser):
    settle(browser, server.url + "?lang=en")
    path = focus_path(browser, lambda d: d.split("|")[1].split("?")[0] == "/id/pif")
    assert path[0].startswith("A|#main|"), "the first Tab stop is the skip link"
    targets = [step.split("|")[1] for step in path]
    for control in ("/editor", "/queries", "/downloads", "/ontology"):
        assert any(t.split("?")[0] == control for t in targets), (control, path)
    assert any(step.split("|")[2] == "Français" for step in path), "the language switch is reachable"


def test_keyboard_alone_runs_a_query_in_the_editor(server, browser, artifacts):
    settle(browser, server.url + "editor?lang=en")
    WebDriverWait(browser, WAIT).until(
        lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton") if b.is_displayed()])
    focus_path(browser, lambda d: d.endswith("|codemirror"))
    editor = browser.switch_to.active_element
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys("SELECT ?label WHERE { <https://w3id.org/talentkg/id/eig> "
                     "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    editor.send_keys(Keys.ESCAPE)  # close an autocompletion hint, if one opened
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    WebDriverWait(browser, WAIT).until(lambda d: "Entrepreneurs d'intérêt général" in _results_text(d))
    browser.save_screenshot(str(artifacts / "editor-keyboard.png"))
    # the run button is itself reachable and named
    names = browser.execute_script(
        "return Array.from(document.querySelectorAll('.yasqe_queryButton')).map(b => b.getAttribute('aria-label'))")
    assert names and all(names), names


@pytest.mark.parametrize("path", ["id/note/pif-historique", "id/pif-fellows-total", "concept/unit/person",
                                  "ontology/Programme", "downloads", "about", "shapes", "ontology",
                                  "id/no-such-thing"])
def test_pages_are_accessible(server, browser, artifacts, path):
    for lang in ("en", "fr"):
        settle(browser, server.url + path + ("&" if "?" in path else "?") + "lang=" + lang)
        accessible(browser, lang)
    browser.save_screenshot(str(artifacts / f"page-{path.replace('/', '_')}-fr.png"))


def test_saved_query_page_shows_its_chart(server, browser, artifacts):
    listing = requests.get(server.url + "queries", headers={"Accept": "text/html"}, timeout=60)
    if listing.status_code == 404:
        pytest.skip("/queries is not served here: the saved-query catalogue (talentkg.web.queries) is built on "
                    "another branch; this test runs once it is merged")
    assert listing.status_code == 200
    settle(browser, server.url + "queries")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, 'a[href*="/queries/"]')
             if not a.get_attribute("href").endswith((".svg", ".rq", ".json"))]
    assert links, "the catalogue lists saved queries"
    for link in links:
        settle(browser, link)
        charts = browser.find_elements(By.CSS_SELECTOR, "svg, img[src*='.svg'], object[data*='.svg']")
        if charts:
            assert charts[0].is_displayed()
            browser.save_screenshot(str(artifacts / "saved-query-chart.png"))
            return
    pytest.fail("no saved query page shows a chart")
