"""The plugin as users meet it: entry point, marker, ini options, conftest seeding, teardown."""

from __future__ import annotations

import sys

import pytest

CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)


@pytest.fixture
def no_aws_credentials(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine like CI: no credentials anywhere, no instance metadata."""
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    missing = str(pytester.path / "missing")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", missing)
    monkeypatch.setenv("AWS_CONFIG_FILE", missing)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_fixture_is_available_without_conftest_or_p_flag(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        from pytest_omics_cache import FakeOmics

        def test_it(fake_omics: FakeOmics):
            cache = fake_omics.add_run_cache(name="c")
            client = boto3.client("omics", region_name="us-east-1")
            assert client.get_run_cache(id=cache["id"])["name"] == "c"
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_module_level_client_without_any_credentials_is_served(
    pytester: pytest.Pytester, no_aws_credentials: None
) -> None:
    pytester.makepyfile(
        """
        import botocore.session

        CLIENT = botocore.session.get_session().create_client("omics", region_name="eu-west-1")

        def test_the_client_really_has_no_credentials():
            # Deferred until the first real request (see _transports.clients); the chain has none.
            assert CLIENT._request_signer._credentials.get_frozen_credentials() is None

        def test_it_is_served(fake_omics):
            cache = fake_omics.add_run_cache(region="eu-west-1")
            assert CLIENT.get_run_cache(id=cache["id"])["id"] == cache["id"]
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_botocore_is_exactly_restored_after_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os
        import botocore.endpoint
        import botocore.session
        import requests.adapters
        from botocore.retries.bucket import TokenBucket
        from botocore.retries.quota import RetryQuota
        try:
            from aiobotocore.endpoint import AioEndpoint
            from aiobotocore.retries.bucket import AsyncTokenBucket
            from aiobotocore.session import AioSession
            from aiobotocore.signers import AioRequestSigner
        except ImportError:
            AioEndpoint = None
        from botocore.hooks import HierarchicalEmitter
        from botocore.session import Session
        from botocore.signers import RequestSigner
        import pytest

        def snapshot():
            return (
                dict(HierarchicalEmitter.__dict__),
                dict(RequestSigner.__dict__),
                dict(Session.__dict__),
                dict(TokenBucket.__dict__),
                dict(RetryQuota.__dict__),
                botocore.endpoint.time,
                requests.adapters.HTTPAdapter.send,
                dict(requests.Session.__dict__),
                dict(AioEndpoint.__dict__) if AioEndpoint else None,
                dict(AioRequestSigner.__dict__) if AioEndpoint else None,
                dict(AioSession.__dict__) if AioEndpoint else None,
                dict(AsyncTokenBucket.__dict__) if AioEndpoint else None,
                # pytest itself sets PYTEST_CURRENT_TEST per test
                {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
            )

        BEFORE = snapshot()
        CLIENT = botocore.session.get_session().create_client(
            "omics", region_name="us-east-1",
            aws_access_key_id="AKIDCLIENTOWN", aws_secret_access_key="secret",
        )

        def test_a_uses_the_fake(fake_omics):
            fake_omics.add_run_cache(id="1")
            assert CLIENT.get_run_cache(id="1")["id"] == "1"
            assert snapshot() != BEFORE  # the fake really is hooked in while active

        def test_b_botocore_is_as_before():
            assert snapshot() == BEFORE
            sent = []

            class Stop(Exception):
                pass

            def before_send(request, **kwargs):
                sent.append(request.headers["Authorization"].decode())
                raise Stop()

            CLIENT.meta.events.register("before-send.omics", before_send)
            with pytest.raises(Stop):
                CLIENT.get_run_cache(id="1")
            # the request went down botocore's own path, signed with the client's own key
            assert len(sent) == 1 and "Credential=AKIDCLIENTOWN/" in sent[0]
        """
    )

    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=2)


def test_restored_even_when_the_test_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from botocore.hooks import HierarchicalEmitter
        EMIT = HierarchicalEmitter.__dict__["emit"]

        def test_a_fails(fake_omics):
            raise RuntimeError("boom")

        def test_b_restored():
            assert HierarchicalEmitter.__dict__["emit"] is EMIT
        """
    )

    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(
        passed=1, failed=1
    )


def test_seeding_from_a_conftest_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def wgs_cache(fake_omics):
            return fake_omics.add_run_cache(name="wgs", cacheBehavior="CACHE_ALWAYS")

        @pytest.fixture
        def two_more(fake_omics):
            return [fake_omics.add_run_cache(name=n) for n in ("a", "b")]
        """
    )
    pytester.makepyfile(
        """
        import boto3

        def test_it(wgs_cache, two_more, fake_omics):
            client = boto3.client("omics", region_name="us-east-1")
            assert client.get_run_cache(id=wgs_cache["id"])["cacheBehavior"] == "CACHE_ALWAYS"
            assert [client.get_run_cache(id=c["id"])["name"] for c in two_more] == ["a", "b"]
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_marker_sets_region_and_account(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest

        @pytest.mark.fake_omics(region="eu-west-1", account="111122223333")
        def test_it(fake_omics):
            assert (fake_omics.region, fake_omics.account) == ("eu-west-1", "111122223333")
            cache = fake_omics.add_run_cache()
            assert cache["arn"].startswith("arn:aws:omics:eu-west-1:111122223333:runCache/")
            client = boto3.client("omics", region_name="eu-west-1")
            assert client.get_run_cache(id=cache["id"])["id"] == cache["id"]
            assert fake_omics.get_call().account == "111122223333"
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_closest_marker_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.fake_omics(region="ap-southeast-1")

        @pytest.mark.fake_omics(region="eu-central-1")
        class TestClass:
            def test_class_marker(self, fake_omics):
                assert fake_omics.region == "eu-central-1"

            @pytest.mark.fake_omics(region="eu-west-2")
            def test_function_marker(self, fake_omics):
                assert fake_omics.region == "eu-west-2"

        def test_module_marker(fake_omics):
            assert fake_omics.region == "ap-southeast-1"
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)


def test_ini_options_set_suite_defaults_and_marker_overrides(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        fake_omics_region = eu-central-1
        fake_omics_account = 210987654321
        """
    )
    pytester.makepyfile(
        """
        import pytest

        def test_suite_default(fake_omics):
            assert (fake_omics.region, fake_omics.account) == ("eu-central-1", "210987654321")

        @pytest.mark.fake_omics(region="us-west-2")
        def test_marker_beats_ini(fake_omics):
            assert (fake_omics.region, fake_omics.account) == ("us-west-2", "210987654321")
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_defaults_without_configuration(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_it(fake_omics):
            assert (fake_omics.region, fake_omics.account) == ("us-east-1", "123456789012")
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_ini_max_run_caches_must_be_a_number(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_omics_max_run_caches = many\n")
    pytester.makepyfile("def test_it(): pass")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: pytest-omics-cache ini option fake_omics_max_run_caches: 'many' must be a whole"
            " number"
        ]
    )


def test_a_bad_flag_in_the_ini_names_the_option(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_omics_real_sleep = maybe\n")
    pytester.makepyfile("def test_it(): pass")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*fake_omics_real_sleep: invalid truth value 'maybe'*"])


def test_ini_max_run_caches(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_omics_max_run_caches = 0\n")
    pytester.makepyfile(
        """
        import boto3

        def test_no_cache_may_be_created(fake_omics):
            client = boto3.client("omics", region_name="us-east-1")
            try:
                client.create_run_cache(cacheS3Location="s3://bucket/x")
            except client.exceptions.ServiceQuotaExceededException as error:
                assert "(limit 0)" in str(error)
            else:
                raise AssertionError("created beyond the quota")
        """
    )

    # A subprocess: pytester's in-process runs drop the modules a run imported, and classes
    # re-imported later would no longer be the ones earlier imports hold.
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("ini", "message"),
    [
        (
            "fake_omics_account = 12345",
            "ERROR: pytest-omics-cache ini option fake_omics_account: account='12345' is not an"
            " AWS account id: Member must have length greater than or equal to 12 (model shape"
            " AwsAccountId)",
        ),
        (
            "fake_omics_region = Europe",
            "ERROR: pytest-omics-cache ini option fake_omics_region: region='Europe' is not an"
            " AWS region name (expected e.g. 'us-east-1')",
        ),
        (
            "fake_omics_region = eu-west-9\nfake_omics_account = 111122223333",
            "ERROR: pytest-omics-cache ini option fake_omics_region: region='eu-west-9' is not a"
            " region botocore knows; the nearest where HealthOmics is available: eu-west-2,"
            " eu-west-1, us-west-2 (requests to it could never be made)",
        ),
    ],
)
def test_bad_ini_value_is_a_usage_error(pytester: pytest.Pytester, ini: str, message: str) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_it(): pass")

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        (
            'fake_omics(account="12345")',
            "@pytest.mark.fake_omics: account='12345' is not an AWS account id: Member must have"
            " length greater than or equal to 12 (model shape AwsAccountId)",
        ),
        (
            'fake_omics(regoin="eu-west-1")',
            "@pytest.mark.fake_omics: unknown option(s) regoin;"
            " valid options are: account, assert_all_errors_fired, assert_all_requests_served,"
            " lenient_start_run, max_run_caches, real_signatures, real_sleep, region",
        ),
        (
            "fake_omics(max_run_caches=-1)",
            "@pytest.mark.fake_omics: max_run_caches=-1 must be a whole number >= 0",
        ),
        (
            'fake_omics("eu-west-1")',
            "@pytest.mark.fake_omics: takes keyword arguments only, e.g. region='eu-west-1'",
        ),
        (
            'fake_omics(region="eu-west-7")',
            "@pytest.mark.fake_omics: region='eu-west-7' is not a region botocore knows; the"
            " nearest where HealthOmics is available: eu-west-2, eu-west-1, us-west-2 (requests"
            " to it could never be made)",
        ),
    ],
)
def test_bad_marker_is_a_clear_setup_error(
    pytester: pytest.Pytester, marker: str, message: str
) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.{marker}
        def test_it(fake_omics):
            pass
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider", "-rN")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{message}*"])
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*During handling of the above exception*")
    assert result.stdout.str().count(message) == 1  # reported once (-r lines are off below)


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")

    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.fake_omics(region=..., account=..., real_sleep=..., real_signatures=...,"
            " assert_all_errors_fired=..., assert_all_requests_served=..., max_run_caches=...,"
            " lenient_start_run=...):"
            " options of the fake_omics fixture for this test."
        ]
    )


def test_the_marker_line_names_every_option(pytester: pytest.Pytester) -> None:
    from pytest_omics_cache import plugin

    result = pytester.runpytest("--markers")

    names = ", ".join(f"{name}=..." for name in plugin._INI)
    result.stdout.fnmatch_lines([f"@pytest.mark.fake_omics({names}): *"])


def test_ini_options_are_documented_in_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")

    result.stdout.fnmatch_lines(
        [
            "*fake_omics_region (string):*",
            "*Region fake_omics seeds run caches into. Default:*",
            "*fake_omics_account (string):*",
        ]
    )


def test_ini_defaults_are_the_options_defaults() -> None:
    from dataclasses import fields

    from pytest_omics_cache import plugin
    from pytest_omics_cache._core.options import Options

    for field in fields(Options):
        ini_default = plugin._INI[field.name][3]
        assert ini_default == (
            field.default if isinstance(field.default, bool) else str(field.default)
        )


@pytest.mark.parametrize("factory", ["FakeOmics", "mock_omics"])
def test_the_keywords_are_the_options(factory: str) -> None:
    import inspect
    from dataclasses import fields

    import pytest_omics_cache
    from pytest_omics_cache._core.options import Options

    parameters = inspect.signature(getattr(pytest_omics_cache, factory)).parameters

    assert {name: p.default for name, p in parameters.items()} == {
        field.name: field.default for field in fields(Options)
    }
    assert {p.kind for p in parameters.values()} == {inspect.Parameter.KEYWORD_ONLY}


def test_a_fake_made_from_options_has_them_all() -> None:
    from pytest_omics_cache import FakeOmics
    from pytest_omics_cache._core.options import Options

    options = Options(
        region="eu-west-1",
        account="111122223333",
        real_sleep=True,
        real_signatures=True,
        assert_all_errors_fired=False,
        assert_all_requests_served=False,
        max_run_caches=7,
    )

    # Compared by value: pytester's in-process runs in this module may re-import the package.
    assert vars(FakeOmics._from_options(options)._options) == vars(options)


def test_loading_the_plugin_imports_nothing_of_the_fake(pytester: pytest.Pytester) -> None:
    result = pytester.run(
        sys.executable,
        "-c",
        "import sys, pytest_omics_cache.plugin, pytest_omics_cache;"
        " print(sorted(m for m in sys.modules if m.startswith(('pytest_omics_cache', 'botocore',"
        " 'responses', 'aiobotocore', 'requests'))))",
    )

    assert result.ret == 0
    assert result.stdout.lines[-1] == "['pytest_omics_cache', 'pytest_omics_cache.plugin']"


@pytest.mark.parametrize(
    ("test_module", "arguments"),
    [
        ("from pytest_omics_cache import FakeOmics\n\ndef test_x(fake_omics): pass", ()),
        ("def test_x(fake_omics): pass", ()),
        ("def test_x(): pass", ("-o", "fake_omics_region=eu-west-1")),
        ("def test_x(): pass", ("--fake-omics-guard",)),
    ],
    ids=["imported by the test module", "fixture", "ini option", "guard"],
)
def test_the_package_modules_skip_pytests_assertion_rewriting(
    pytester: pytest.Pytester, test_module: str, arguments: tuple[str, ...]
) -> None:
    # pytest marks the whole distribution for rewriting; its hook reads bytecode object by object.
    # Only the modules imported before the plugin can tell it otherwise go through it: the two
    # pytest imports itself, and the one that tells it.
    pytester.makepyfile(test_x=test_module)
    pytester.makeconftest(
        """
        import sys

        def pytest_sessionfinish():
            loaders = {
                name: type(module.__loader__).__name__
                for name, module in sys.modules.items()
                if name.startswith("pytest_omics_cache")
            }
            print("\\nREWRITTEN", sorted(n for n, l in loaders.items() if l != "SourceFileLoader"))
            print("PLAIN", len([n for n, l in loaders.items() if l == "SourceFileLoader"]))
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", *arguments)

    result.assert_outcomes(passed=1)
    assert (
        "REWRITTEN ['pytest_omics_cache', 'pytest_omics_cache._unrewritten',"
        " 'pytest_omics_cache.plugin']"
    ) in result.outlines
    plain = int(next(line for line in result.outlines if line.startswith("PLAIN "))[6:])
    assert plain >= 2  # the modules the first use imported, _unrewritten and more


def test_optional_transports_are_hooked_when_the_code_under_test_imports_them(
    pytester: pytest.Pytester,
) -> None:
    # A subprocess, for a sys.modules without requests, responses or aiobotocore in it.
    pytester.makepyfile(
        """
        import sys

        from pytest_omics_cache._transports.on_import import ImportWatcher

        OPTIONAL = ("requests", "responses", "aiobotocore")


        def loaded():
            return sorted({m.split(".")[0] for m in sys.modules} & set(OPTIONAL))


        def test_a_nothing_optional_is_imported_by_the_fake(fake_omics):
            assert loaded() == []
            assert any(isinstance(finder, ImportWatcher) for finder in sys.meta_path)


        def test_b_requests_imported_mid_test_is_served(fake_omics):
            cache = fake_omics.add_run_cache()
            import requests  # the first import in the process: hooked as it completes
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials

            url = f"https://omics.us-east-1.amazonaws.com/runCache/{cache['id']}"
            request = AWSRequest(method="GET", url=url)
            SigV4Auth(Credentials("AKID", "secret"), "omics", "us-east-1").add_auth(request)
            response = requests.get(url, headers=dict(request.headers), timeout=5)

            assert response.status_code == 200
            assert response.json()["id"] == cache["id"]
            assert fake_omics.get_call().params == {"id": cache["id"]}
            assert loaded() == ["requests"]


        def test_c_requests_is_restored_and_the_watcher_gone():
            import requests

            assert requests.Session.get_adapter.__module__ == "requests.sessions"
            assert not any(isinstance(finder, ImportWatcher) for finder in sys.meta_path)
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")

    result.assert_outcomes(passed=3)


def test_aiobotocore_imported_mid_test_is_served(pytester: pytest.Pytester) -> None:
    pytest.importorskip("aiobotocore")
    pytester.makepyfile(
        """
        import asyncio
        import sys


        def test_a_served(fake_omics):
            cache = fake_omics.add_run_cache(name="late")
            assert "aiobotocore" not in sys.modules
            import aiobotocore.session  # hooked as it completes, before any client exists

            async def get():
                session = aiobotocore.session.get_session()
                async with session.create_client("omics", region_name="us-east-1") as client:
                    return await client.get_run_cache(id=cache["id"])

            answer = asyncio.run(get())

            assert answer["name"] == "late"
            assert "Credential=FAKEOMICSACCESSKEYID/" in fake_omics.get_call().headers[
                "Authorization"
            ]


        def test_b_restored():
            from aiobotocore.signers import AioRequestSigner

            assert AioRequestSigner.get_auth_instance.__module__ == "aiobotocore.signers"
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")

    result.assert_outcomes(passed=2)
