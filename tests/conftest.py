"""Shared fixtures. Test modules keep their own small fixtures; only cross-cutting ones live here."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED = ROOT.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", default=False, help="Rewrite golden files from the current output"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


# -- the fake Semantic Scholar server (tests/fakes/semantic_scholar.py) ---------------------
# One loopback server for the session; every test gets it reset to the seeds of tests/data/s2.


@pytest.fixture(scope="session")
def _s2_server():  # type: ignore[no-untyped-def]
    from tests.fakes.semantic_scholar import FakeSemanticScholar, serve

    fake = FakeSemanticScholar(DATA / "s2")
    with serve(fake) as base_url:
        yield fake, base_url


@pytest.fixture
def s2(_s2_server):  # type: ignore[no-untyped-def]
    """The fake S2 server, reset: ``s2.fake`` (controls, request log) and ``s2.base_url``."""
    from tests.fakes.semantic_scholar import S2Fixture

    fake, base_url = _s2_server
    fake.reset()
    return S2Fixture(fake=fake, base_url=base_url)
