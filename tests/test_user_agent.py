"""While a fake is active botocore writes its User-Agent components through a cache: the
header keeps botocore's exact text, and botocore's own function is back once the fake stops."""

from __future__ import annotations

from typing import Any

import botocore.useragent
import pytest
from botocore.config import Config

from pytest_omics_cache import FakeOmics, mock_omics
from pytest_omics_cache._transports import user_agent

ORIGINAL = botocore.useragent.sanitize_user_agent_string_component


def _user_agent(fake: FakeOmics) -> str:
    value = fake.get_calls()[-1].headers["User-Agent"]
    return value.decode() if isinstance(value, bytes) else str(value)


@pytest.mark.parametrize(
    "config",
    [
        Config(),
        # Components with characters botocore replaces ("/", " ", "@") and a "#" it keeps.
        Config(user_agent_extra="pipeline/2.0 team@lab#7", user_agent_appid="app id#1"),
        Config(retries={"mode": "adaptive", "max_attempts": 2}),
    ],
    ids=["default", "extra-and-app-id", "adaptive-retries"],
)
def test_the_header_is_the_text_botocore_writes_without_the_cache(
    fake_omics: FakeOmics, make_client: Any, monkeypatch: pytest.MonkeyPatch, config: Config
) -> None:
    client = make_client(config=config)
    assert botocore.useragent.sanitize_user_agent_string_component is not ORIGINAL
    client.list_run_caches()
    client.list_run_caches()  # the second call's components come from the cache
    cached = _user_agent(fake_omics)

    monkeypatch.setattr(botocore.useragent, user_agent.NAME, ORIGINAL)
    client.list_run_caches()
    written = _user_agent(fake_omics)

    assert cached == written
    assert "Botocore/" in written or "botocore/" in written


def test_the_cache_answers_as_botocores_function_does() -> None:
    cached = user_agent._cached(ORIGINAL)
    for text in ["Botocore", "3.11.7", "a b/c@d#e", "", "ünïcode", "#lead", "m/E,P,Z"]:
        for allow_hash in (True, False):
            assert cached(text, allow_hash=allow_hash) == ORIGINAL(text, allow_hash=allow_hash)
    assert cached("a#b", allow_hash=False) == "a-b"


def test_botocores_function_is_back_once_the_fake_stops() -> None:
    with mock_omics():
        assert botocore.useragent.sanitize_user_agent_string_component is user_agent._cached(
            ORIGINAL
        )
    assert botocore.useragent.sanitize_user_agent_string_component is ORIGINAL


def test_a_function_put_there_by_another_library_is_the_one_cached(
    monkeypatch: pytest.MonkeyPatch, make_client: Any
) -> None:
    seen: list[str] = []

    def instrumented(raw_str: str, allow_hash: bool) -> str:
        seen.append(raw_str)
        return str(ORIGINAL(raw_str, allow_hash))

    monkeypatch.setattr(botocore.useragent, user_agent.NAME, instrumented)
    with mock_omics() as fake:
        client = make_client()
        client.list_run_caches()
        first = len(seen)
        client.list_run_caches()
        assert fake.get_calls()[-1].status_code == 200
    assert first > 0  # the other library's function wrote the components...
    assert len(seen) == first  # ...once: the second call's came from the cache
    assert botocore.useragent.sanitize_user_agent_string_component is instrumented


def test_nothing_is_swapped_on_a_botocore_without_the_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(botocore.useragent, user_agent.NAME)
    assert user_agent.patches() == ()


class _Unhashable:
    __hash__ = None  # type: ignore[assignment]

    def __call__(self, raw_str: str, allow_hash: bool = False) -> str:
        return raw_str


def test_an_unhashable_stand_in_is_left_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in = _Unhashable()
    monkeypatch.setattr(botocore.useragent, user_agent.NAME, stand_in)
    assert user_agent.patches() == ()
    with mock_omics():
        assert botocore.useragent.sanitize_user_agent_string_component is stand_in
