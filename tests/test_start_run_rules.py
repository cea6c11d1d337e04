"""What StartRun checks of the workflow, version, parameters and run group a run names (issue
30), the ``lenient_start_run`` way back (kwarg, marker, ini), the failure summary, and the same
resources on every transport: aiobotocore, raw requests and the loopback endpoint."""

from __future__ import annotations

import asyncio
import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from model_has import OPERATIONS, needs_versions

from pytest_omics_cache import FakeOmics, mock_omics

ROLE = "arn:aws:iam::123456789012:role/runs"
TEMPLATE = {
    "reads": {"description": "BAM", "optional": False},
    "sample": {"optional": True},
    "reference": {"description": "no 'optional': required"},
}
GIVEN = {"reads": "s3://team-inputs/NA12878.bam", "reference": "s3://refs/grch38.fa"}


def _start(omics: Any, **extra: Any) -> dict[str, Any]:
    return dict(omics.start_run(roleArn=ROLE, outputUri="s3://team-runs/out/", **extra))


def _refusal(omics: Any, code: str, **extra: Any) -> tuple[str, int]:
    with pytest.raises(getattr(omics.exceptions, code)) as raised:
        _start(omics, **extra)
    error = raised.value.response
    return error["Error"]["Message"], error["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def workflow(fake_omics: FakeOmics) -> dict[str, Any]:
    return fake_omics.add_workflow(id="1234", parameterTemplate=TEMPLATE)


# --- the workflow, its version, the run group ---------------------------------------------------


def test_an_unknown_workflow_is_a_404(fake_omics: FakeOmics, omics: Any) -> None:
    assert _refusal(omics, "ResourceNotFoundException", workflowId="9999") == (
        "Workflow 9999 not found",
        404,
    )
    assert fake_omics.runs() == []


def test_an_inactive_workflow_is_refused(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_workflow(id="2222", status="INACTIVE")

    assert _refusal(omics, "ValidationException", workflowId="2222") == (
        "Workflow 2222 is INACTIVE; a run can start only from an ACTIVE workflow and version.",
        400,
    )


def test_a_workflow_still_being_created_is_refused(fake_omics: FakeOmics, omics: Any) -> None:
    created = omics.create_workflow(name="wgs", definitionUri="s3://b/main.wdl")

    message, status = _refusal(omics, "ValidationException", workflowId=created["id"])

    assert (message, status) == (
        f"Workflow {created['id']} is CREATING; a run can start only from an ACTIVE workflow and"
        " version.",
        400,
    )
    omics.get_waiter("workflow_active").wait(id=created["id"])
    assert _start(omics, workflowId=created["id"])["status"] == "PENDING"


@needs_versions
def test_an_unknown_or_inactive_version_is_refused(
    fake_omics: FakeOmics, omics: Any, workflow: dict[str, Any]
) -> None:
    fake_omics.add_workflow_version(workflowId="1234", versionName="old", status="INACTIVE")

    unknown = _refusal(
        omics, "ResourceNotFoundException", workflowId="1234", workflowVersionName="v9"
    )
    inactive = _refusal(omics, "ValidationException", workflowId="1234", workflowVersionName="old")

    assert unknown == ("Workflow version v9 of workflow 1234 not found", 404)
    assert inactive == (
        "Workflow version old is INACTIVE; a run can start only from an ACTIVE workflow and"
        " version.",
        400,
    )


def test_an_unknown_run_group_is_a_404(omics: Any, workflow: dict[str, Any]) -> None:
    assert _refusal(
        omics, "ResourceNotFoundException", workflowId="1234", parameters=GIVEN, runGroupId="8888"
    ) == ("Run group 8888 not found", 404)


@needs_versions
def test_get_run_reflects_the_version_the_group_and_the_type(
    fake_omics: FakeOmics, omics: Any, workflow: dict[str, Any]
) -> None:
    version = fake_omics.add_workflow_version(
        workflowId="1234",
        versionName="v2",
        parameterTemplate={"reads": {"optional": False}},
        storageType="DYNAMIC",
    )
    fake_omics.add_run_group(id="7777")

    started = _start(
        omics,
        workflowId="1234",
        workflowVersionName="v2",
        runGroupId="7777",
        parameters={"reads": "s3://x/r.bam"},
    )

    run = omics.get_run(id=started["id"])
    assert {
        k: run.get(k)
        for k in ("workflowId", "workflowVersionName", "runGroupId", "workflowType", "storageType")
    } == {
        "workflowId": "1234",
        "workflowVersionName": "v2",
        "runGroupId": "7777",
        "workflowType": "PRIVATE",
        "storageType": "DYNAMIC",  # the version's
    }
    assert run["digest"] == version["digest"]
    [listed] = omics.list_runs(runGroupId="7777")["items"]
    assert listed["id"] == started["id"]


def test_a_run_without_storage_takes_static_1200(omics: Any, workflow: dict[str, Any]) -> None:
    started = _start(omics, workflowId="1234", parameters=GIVEN)

    run = omics.get_run(id=started["id"])
    assert (run["storageType"], run["storageCapacity"]) == ("STATIC", 1200)


# --- the parameter template ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameters", "problems"),
    [
        ({"reference": "r"}, "missing required parameters: reads"),
        ({}, "missing required parameters: reads, reference"),
        (
            {**GIVEN, "sampel": "NA12878"},
            "parameters not in the parameter template: sampel",
        ),
        (
            {"reads": "r", "extra": 1},
            "missing required parameters: reference; parameters not in the parameter template:"
            " extra",
        ),
    ],
    ids=["one-missing", "all-missing", "unknown", "both"],
)
def test_parameters_that_do_not_fit_the_template_are_refused(
    fake_omics: FakeOmics,
    omics: Any,
    workflow: dict[str, Any],
    parameters: dict[str, Any],
    problems: str,
) -> None:
    message, status = _refusal(
        omics, "ValidationException", workflowId="1234", parameters=parameters
    )

    assert (message, status) == (
        "The run's parameters do not fit the parameter template of workflow 1234: "
        f"{problems} (the template defines: reads, sample, reference).",
        400,
    )
    assert fake_omics.runs() == []


def test_an_optional_parameter_may_be_left_out_or_given(
    omics: Any, workflow: dict[str, Any]
) -> None:
    without = _start(omics, workflowId="1234", parameters=GIVEN)
    with_it = _start(omics, workflowId="1234", parameters={**GIVEN, "sample": "NA12878"})

    assert omics.get_run(id=without["id"])["parameters"] == GIVEN
    assert omics.get_run(id=with_it["id"])["parameters"] == {**GIVEN, "sample": "NA12878"}


def test_a_workflow_without_a_template_takes_no_parameters(
    fake_omics: FakeOmics, omics: Any
) -> None:
    fake_omics.add_workflow(id="5678")

    assert _start(omics, workflowId="5678")["status"] == "PENDING"
    assert _refusal(omics, "ValidationException", workflowId="5678", parameters={"a": 1}) == (
        "The run's parameters do not fit the parameter template of workflow 5678: parameters"
        " not in the parameter template: a (the template defines: none).",
        400,
    )


@needs_versions
def test_a_version_is_checked_against_its_own_template(
    fake_omics: FakeOmics, omics: Any, workflow: dict[str, Any]
) -> None:
    fake_omics.add_workflow_version(
        workflowId="1234", versionName="v2", parameterTemplate={"fastq": {"optional": False}}
    )

    assert _refusal(
        omics, "ValidationException", workflowId="1234", workflowVersionName="v2", parameters=GIVEN
    ) == (
        "The run's parameters do not fit the parameter template of workflow 1234 version v2:"
        " missing required parameters: fastq; parameters not in the parameter template: reads,"
        " reference (the template defines: fastq).",
        400,
    )


# --- Ready2Run ----------------------------------------------------------------------------------


def test_a_ready2run_workflow_runs_only_as_such(fake_omics: FakeOmics, omics: Any) -> None:
    fake_omics.add_workflow(id="9500764", type="READY2RUN")

    started = _start(omics, workflowId="9500764", workflowType="READY2RUN")

    assert omics.get_run(id=started["id"])["workflowType"] == "READY2RUN"
    assert _refusal(omics, "ResourceNotFoundException", workflowId="9500764") == (
        "Workflow 9500764 not found",
        404,
    )
    fake_omics.add_workflow(id="1234")
    assert _refusal(
        omics, "ResourceNotFoundException", workflowId="1234", workflowType="READY2RUN"
    ) == ("Workflow 1234 not found", 404)


# --- lenient_start_run ----------------------------------------------------------------------------


def test_lenient_takes_unheld_workflows_and_groups_on_trust_but_checks_held_ones() -> None:
    with mock_omics(lenient_start_run=True) as fake:
        omics = boto3.client("omics", region_name="us-east-1")
        fake.add_workflow(id="1234", parameterTemplate=TEMPLATE)

        trusted = _start(omics, workflowId="9999", runGroupId="8888", parameters={"any": 1})
        with pytest.raises(omics.exceptions.ValidationException, match="missing required"):
            _start(omics, workflowId="1234", parameters={"reads": "r"})

        run = omics.get_run(id=trusted["id"])
        assert (run["workflowId"], run["runGroupId"], run["parameters"]) == (
            "9999",
            "8888",
            {"any": 1},
        )
        assert [r["id"] for r in fake.runs()] == [trusted["id"]]


def test_a_fake_is_strict_unless_told(omics: Any) -> None:
    with FakeOmics(lenient_start_run=True)._activated():
        assert _start(omics, workflowId="9999")["status"] == "PENDING"
    with FakeOmics()._activated():
        assert _refusal(omics, "ResourceNotFoundException", workflowId="9999")[1] == 404


LENIENT_SUITE = """
import boto3
import pytest

START = {"roleArn": "arn:aws:iam::123456789012:role/r", "outputUri": "s3://b/out/"}


def test_by_the_suites_default(fake_omics):
    boto3.client("omics", region_name="us-east-1").start_run(workflowId="9999", **START)
    assert len(fake_omics.runs()) == 1


@pytest.mark.fake_omics(lenient_start_run=False)
def test_strict_by_its_marker(fake_omics):
    client = boto3.client("omics", region_name="us-east-1")
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="Workflow 9999"):
        client.start_run(workflowId="9999", **START)
"""


def test_the_ini_option_and_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(LENIENT_SUITE)
    pytester.makeini("[pytest]\nfake_omics_lenient_start_run = true\n")

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=2)


MARKED_SUITE = """
import boto3
import pytest

START = {"roleArn": "arn:aws:iam::123456789012:role/r", "outputUri": "s3://b/out/"}


@pytest.mark.fake_omics(lenient_start_run=True)
def test_lenient_by_its_marker(fake_omics):
    boto3.client("omics", region_name="us-east-1").start_run(workflowId="9999", **START)
    assert len(fake_omics.runs()) == 1


def test_strict_by_default(fake_omics):
    client = boto3.client("omics", region_name="us-east-1")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.start_run(workflowId="9999", **START)
"""


def test_the_marker_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(MARKED_SUITE)

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=2)


def test_a_bad_ini_value_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(fake_omics):\n    pass\n")
    pytester.makeini("[pytest]\nfake_omics_lenient_start_run = maybe\n")

    result = pytester.runpytest()

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*fake_omics_lenient_start_run*maybe*"])


# --- the summary --------------------------------------------------------------------------------


def test_the_summary_lists_workflows_versions_and_run_groups() -> None:
    fake = FakeOmics()
    with fake._activated():
        fake.add_workflow(id="1234")
        fake.add_run_group(id="7777")
        without_versions = fake.summary()
        if "GetWorkflowVersion" in OPERATIONS:
            fake.add_workflow_version(workflowId="1234", versionName="v1")

    assert (
        "account 123456789012, region us-east-1: 1 workflow(s): 1234; 1 run group(s): 7777"
    ) in without_versions
    if "GetWorkflowVersion" in OPERATIONS:
        assert (
            "account 123456789012, region us-east-1: 1 workflow(s): 1234; 1 workflow version(s):"
            " 1234/v1; 1 run group(s): 7777"
        ) in fake.summary()


# --- every transport ----------------------------------------------------------------------------


def test_over_aiobotocore(fake_omics: FakeOmics) -> None:
    session_module = pytest.importorskip("aiobotocore.session")

    async def scenario() -> tuple[str, str]:
        async with session_module.get_session().create_client(
            "omics", region_name="us-east-1"
        ) as client:
            created = await client.create_workflow(name="wgs", definitionUri="s3://b/main.wdl")
            await client.get_waiter("workflow_active").wait(id=created["id"])
            group = await client.create_run_group(name="team")
            run = await client.start_run(
                workflowId=created["id"],
                runGroupId=group["id"],
                roleArn=ROLE,
                outputUri="s3://team-runs/out/",
            )
            got = await client.get_run(id=run["id"])
            return str(got["workflowId"]), str(got["runGroupId"])

    workflow_id, group_id = asyncio.run(scenario())

    assert [w["id"] for w in fake_omics.workflows()] == [workflow_id]
    assert [g["id"] for g in fake_omics.run_groups()] == [group_id]
    assert fake_omics.waiter_delays == [3]


def test_over_raw_requests(fake_omics: FakeOmics) -> None:
    seeded = fake_omics.add_workflow(id="1234", name="wgs")
    url = "https://workflows-omics.us-east-1.amazonaws.com/workflow/1234"
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials("AKIDRAW", "secret"), "omics", "us-east-1").add_auth(request)

    response = requests.get(url, headers=dict(request.headers), timeout=5)
    missing = requests.get(url.replace("1234", "9999"), headers=dict(request.headers), timeout=5)

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["name"]) == ("1234", seeded["name"])
    assert missing.status_code == 404
    assert missing.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert missing.json() == {"message": "Workflow 9999 not found"}


def test_over_the_loopback_endpoint(fake_omics: FakeOmics) -> None:
    fake_omics.add_workflow(id="1234", name="wgs")
    url = urlsplit(fake_omics.endpoint_url)
    assert url.hostname is not None
    assert url.port is not None
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    scope = (
        "AWS4-HMAC-SHA256 Credential=AKID/20261130/us-east-1/omics/aws4_request,"
        " SignedHeaders=host, Signature=0"
    )
    try:
        connection.request("GET", url.path + "/workflow/1234", headers={"Authorization": scope})
        response = connection.getresponse()
        body = json.loads(response.read())
        connection.request(
            "POST",
            url.path + "/runGroup",
            body=json.dumps({"name": "team", "requestId": "g"}),
            headers={"Authorization": scope, "Content-Type": "application/json"},
        )
        created = connection.getresponse()
        group = json.loads(created.read())
    finally:
        connection.close()

    assert (response.status, body["id"], body["name"]) == (200, "1234", "wgs")
    assert created.status == 201
    assert [g["id"] for g in fake_omics.run_groups()] == [group["id"]]
    assert {c.transport for c in fake_omics.get_calls()} == {"endpoint"}
