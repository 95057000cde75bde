"""Fixtures of the site tests: a real headless Chromium (Selenium) and a project root with saved queries."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run")

EXAMPLE_QUERY = """#+ summary: Programmes by country (site test example)
#+ tags: [test]
SELECT ?programme ?country WHERE {
  ?programme a tkg:Programme ; dct:spatial ?country .
}
ORDER BY ?programme
"""


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Chromium driven by Selenium, with a fresh profile; skipped only when Chromium is absent."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("headless Chromium is not installed (Debian packages chromium and chromium-driver; "
                    ".ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,1600")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots are kept for people to look at (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def root_with_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's data with one saved query of our own, so the editor's examples can be checked."""
    root = tmp_path_factory.mktemp("site-root")
    for name in ("ontology", "data", "shapes"):
        (root / name).symlink_to(ROOT / name, target_is_directory=True)
    shutil.copy(ROOT / "CITATION.cff", root / "CITATION.cff")
    (root / "queries").mkdir()
    (root / "queries" / "programmes-by-country.rq").write_text(EXAMPLE_QUERY, encoding="utf-8")
    return root
