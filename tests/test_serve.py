"""The HTTP service against a real server (issue 11): `missing-protocol serve` on 127.0.0.1 on a
free port, driven with httpx. Every answer must equal what the library gives in-process."""

from __future__ import annotations

import gzip
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx")
jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")
pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from click.testing import CliRunner  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from builders import ROOT, completed, console_script, found, later, offered, reported  # noqa: E402
from missing_protocol import check, validate  # noqa: E402
from missing_protocol.cli import app  # noqa: E402

AS_OF = "2026-04-01"
LIMIT = 200_000  # the server's --max-body for these tests
EXAMPLE = ROOT / "examples" / "home-interviewed-in-time.jsonl"
T0 = "2026-03-02T20:00:00+00:00"
NDJSON = {"content-type": "application/x-ndjson"}
JSON = {"content-type": "application/json"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The console script serving on a free port; yields its URL and its log file."""
    log = tmp_path_factory.mktemp("serve") / "server.log"
    port = _free_port()
    with log.open("w") as sink:
        process = subprocess.Popen(
            [console_script(), "serve", "--port", str(port), "--max-body", str(LIMIT)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def client(server: tuple[str, Path]) -> Iterator[Any]:
    with httpx.Client(base_url=server[0], timeout=30) as session:
        yield session


def example_events() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EXAMPLE.read_text().splitlines() if line.strip()]


def history() -> list[dict[str, Any]]:
    return [reported("E1", T0), found("E1", later(T0, hours=12))]


def problem_of(response: Any, status: int) -> str:
    """A 4xx answer is an RFC 9457 problem document naming the problem, never a traceback."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["detail"]
    assert "Traceback" not in response.text
    detail: str = body["detail"]
    return detail


# --- Endpoints equal the library ----------------------------------------------------------------


def test_healthz(client: Any) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


def test_check_json_lines_equals_check_in_process(client: Any) -> None:
    # CONTRACT §3: the JSON of check; JSON Lines keep their line numbers in errors.
    body = EXAMPLE.read_text() + '{"type": "found"}\n'
    answer = client.post(f"/v1/check?as_of={AS_OF}", content=body, headers=NDJSON)
    assert answer.status_code == 200
    expected = check(body.split("\n"), as_of=AS_OF).to_dict()
    assert answer.json() == expected
    assert answer.json()["errors"][0]["line"] == 7


def test_check_json_array_and_query_parameters(client: Any) -> None:
    events = example_events()
    answer = client.post(
        "/v1/check",
        params={"as_of": "2026-03-08", "profile": "london", "only_problems": "true"},
        json=events,
    )
    expected = check(events, as_of="2026-03-08", profile="london").to_dict(only_problems=True)
    assert answer.json() == expected
    assert answer.json()["profile"] == "london"


def test_validate_equals_validate_in_process(client: Any) -> None:
    event = offered("E1", later(T0, hours=20))
    answer = client.post(f"/v1/validate?as_of={AS_OF}", json={"history": history(), "event": event})
    assert answer.status_code == 200
    assert answer.json() == validate(history(), event, as_of=AS_OF).to_dict()
    assert answer.json()["state_after"] == "interview_offered"


def test_a_rejected_event_is_a_verdict_not_an_http_error(client: Any) -> None:
    # CONTRACT §2: interview_completed needs an offer first; the verdict says so, status 200.
    event = completed("E1", later(T0, hours=20))
    answer = client.post(f"/v1/validate?as_of={AS_OF}", json={"history": history(), "event": event})
    assert answer.status_code == 200
    verdict = answer.json()
    assert verdict["accepted"] is False and "allowed next" in verdict["errors"][0]["message"]


def test_assume_tz_reads_naive_times_as_check_and_validate_do(client: Any) -> None:
    """CONTRACT §1/§3 `assume_tz=`: a naive time is rejected on `at` without it, read as London
    time with it, and a spring-gap time is still rejected; an unknown zone is a 400."""
    naive = [reported("E1", "2026-03-02T20:00:00"), found("E1", "2026-03-03T08:00:00")]
    without = client.post(f"/v1/check?as_of={AS_OF}", json=naive).json()
    assert [e["field"] for e in without["errors"]] == ["at", "at"]
    answer = client.post(f"/v1/check?as_of={AS_OF}&assume_tz=Europe/London", json=naive)
    assert answer.json() == check(naive, as_of=AS_OF, assume_tz="Europe/London").to_dict()
    assert answer.json()["errors"] == []
    gap = [reported("E1", "2026-03-29T01:30:00")]
    assert (
        client.post(f"/v1/check?as_of={AS_OF}&assume_tz=Europe/London", json=gap).json()["errors"][
            0
        ]["field"]
        == "at"
    )
    event = offered("E1", "2026-03-03T10:00:00")
    verdict = client.post(
        f"/v1/validate?as_of={AS_OF}&assume_tz=Europe/London",
        json={"history": naive, "event": event},
    ).json()
    assert verdict == validate(naive, event, as_of=AS_OF, assume_tz="Europe/London").to_dict()
    assert verdict["accepted"] is True
    bad = client.post("/v1/check?assume_tz=Mars/Olympus", json=naive)
    assert "assume_tz" in problem_of(bad, 400)


def test_a_json_lines_body_rejects_a_line_that_is_not_utf8_as_a_file_does(
    client: Any, tmp_path: Path
) -> None:
    """CONTRACT §1: a line that is not UTF-8 is one rejected event, the rest are read, exactly as
    from a file (but for the `file` key); a JSON array body is one document, so it is a 400."""
    good = json.dumps(reported("E1", T0)).encode()
    body = b"\xef\xbb\xbf" + good + b'\n{"type": "found", "episode_id": "E1", "where": "caf\xe9"}\n'
    answer = client.post(f"/v1/check?as_of={AS_OF}", content=body, headers=NDJSON)
    assert answer.status_code == 200
    log = tmp_path / "latin.jsonl"
    log.write_bytes(body)
    expected = check(log, as_of=AS_OF).to_dict()
    for error in expected["errors"]:
        del error["file"]
    assert answer.json() == expected
    assert [(e["line"], e["message"][:12]) for e in answer.json()["errors"]] == [
        (2, "not UTF-8 te")
    ]
    array = b"[" + good + b', {"type": "found", "at": "caf\xe9"}]'
    answer = client.post("/v1/check", content=array, headers={"content-type": "application/json"})
    assert "not UTF-8" in problem_of(answer, 400)


def test_rules_equal_the_rules_command(client: Any) -> None:
    cli = CliRunner().invoke(
        app, ["rules", "--format", "json", "--profile", "london", "--as-of", AS_OF]
    )
    assert cli.exit_code == 0
    answer = client.get("/v1/rules", params={"profile": "london", "as_of": AS_OF})
    assert answer.json() == json.loads(cli.output)


def test_every_shipped_schema_is_served_as_shipped(client: Any) -> None:
    names = client.get("/v1/schemas").json()["schemas"]
    assert {"event", "check-result", "verdict"} <= set(names)
    folder = ROOT / "src" / "missing_protocol" / "schemas"
    for name in names:
        answer = client.get(f"/v1/schemas/{name}")
        assert answer.json() == json.loads((folder / f"{name}.schema.json").read_text())
    assert "known: " in problem_of(client.get("/v1/schemas/nothing"), 404)


# --- The OpenAPI document matches what the endpoints do ------------------------------------------


def _conforms(document: dict[str, Any], schema: dict[str, Any], body: Any) -> None:
    """`body` against a documented schema; the shipped schemas resolve each other by `$id`."""
    components = document["components"]["schemas"]
    prefix = "#/components/schemas/"
    if schema.get("$ref", "").startswith(prefix):
        schema = components[schema["$ref"].removeprefix(prefix)]
    registry = referencing.Registry().with_resources(
        (s["$id"], referencing.Resource.from_contents(s)) for s in components.values() if "$id" in s
    )
    jsonschema.Draft202012Validator(schema, registry=registry).validate(body)


def test_openapi_lists_exactly_the_routes_and_each_answers_as_documented(client: Any) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    jsonschema.Draft202012Validator.check_schema(document["components"]["schemas"]["Verdict"])
    calls = {
        ("post", "/v1/check"): {"json": example_events(), "params": {"as_of": AS_OF}},
        ("post", "/v1/validate"): {
            "json": {"history": history(), "event": offered("E1", later(T0, hours=20))},
            "params": {"as_of": AS_OF},
        },
        ("get", "/v1/rules"): {},
        ("get", "/v1/schemas"): {},
        ("get", "/v1/schemas/{name}"): {},
        ("get", "/healthz"): {},
        ("get", "/openapi.json"): {},
    }
    documented = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert documented == set(calls)
    for (method, path), kwargs in calls.items():
        operation = document["paths"][path][method]
        answer = client.request(method, path.replace("{name}", "verdict"), **kwargs)
        assert str(answer.status_code) in operation["responses"]
        content = operation["responses"]["200"]["content"]
        media = answer.headers["content-type"].split(";")[0]
        assert media in content
        _conforms(document, content[media]["schema"], answer.json())
        # Each documented query parameter is read; an undocumented one is refused by name.
        for parameter in (p for p in operation.get("parameters", []) if p["in"] == "query"):
            fine = client.request(
                method,
                path,
                params={parameter["name"]: "nonsense"},
                **{k: v for k, v in kwargs.items() if k != "params"},
            )
            assert fine.status_code in (200, 400)
            if fine.status_code == 400:
                assert fine.json().get("parameter") == parameter["name"]
        stray = client.request(method, path.replace("{name}", "verdict"), params={"zz": "1"})
        if path not in ("/healthz", "/openapi.json"):
            assert stray.status_code == 400 and "zz" in stray.json()["detail"]


def test_problem_documents_conform_to_the_openapi_schema(client: Any) -> None:
    document = client.get("/openapi.json").json()
    answer = client.post("/v1/validate", content=b"{", headers=JSON)
    _conforms(document, {"$ref": "#/components/schemas/Problem"}, answer.json())


# --- Bad input: a 4xx naming the problem, never a 5xx --------------------------------------------


def test_invalid_json_is_400_with_line_and_column(client: Any) -> None:
    detail = problem_of(client.post("/v1/validate", content=b'{"history": [', headers=JSON), 400)
    assert "invalid JSON" in detail and "line 1" in detail
    assert "invalid JSON" in problem_of(client.post("/v1/check", content=b"[{", headers=JSON), 400)


def test_wrong_content_type_is_415(client: Any) -> None:
    detail = problem_of(
        client.post("/v1/check", content=b"[]", headers={"content-type": "text/csv"}), 415
    )
    assert "text/csv" in detail
    problem_of(client.post("/v1/validate", content=b"{}", headers=NDJSON), 415)


def test_a_body_in_a_content_coding_is_415_not_read_as_text(client: Any) -> None:
    """docs/embedding.md "a content type the endpoint does not take (415)", RFC 9110 §8.4: a
    gzip body was read as its raw bytes, a 200 with every line rejected as "not UTF-8"; the
    service takes no content coding, so it says so (415) and reads nothing."""
    body = gzip.compress(EXAMPLE.read_bytes())
    headers = {**NDJSON, "content-encoding": "gzip"}
    assert "gzip" in problem_of(client.post("/v1/check", content=body, headers=headers), 415)
    encoded = {**JSON, "content-encoding": "br"}
    problem_of(client.post("/v1/validate", content=b"{}", headers=encoded), 415)
    identity = {**NDJSON, "content-encoding": "identity"}
    answer = client.post(f"/v1/check?as_of={AS_OF}", content=EXAMPLE.read_bytes(), headers=identity)
    assert answer.status_code == 200 and answer.json()["counts"]["rejected"] == 0


def test_unknown_profile_and_bad_parameters_are_400(client: Any) -> None:
    answer = client.post("/v1/check?profile=nowhere", json=[])
    assert "nowhere" in problem_of(answer, 400) and answer.json()["parameter"] == "profile"
    # A path is not a profile over HTTP: the server reads no file on a client's say-so.
    problem_of(client.get("/v1/rules", params={"profile": "/etc/passwd"}), 400)
    assert "as_of" in problem_of(client.post("/v1/check?as_of=yesterday", json=[]), 400)
    problem_of(client.post("/v1/check?only_problems=maybe", json=[]), 400)


def test_an_offset_whose_plus_became_a_space_is_named(client: Any) -> None:
    """docs/embedding.md: a query parameter the service cannot read is a 400 naming it. An
    `as_of` offset sent unencoded (`+01:00`) arrives as a space, as URL query syntax has it:
    the problem says how to send it, since the value the client typed looked right."""
    answer = client.post("/v1/check?as_of=2026-04-01T10:00:00+01:00", json=[])
    assert "%2B" in problem_of(answer, 400) and answer.json()["parameter"] == "as_of"
    encoded = client.post("/v1/check", params={"as_of": "2026-04-01T10:00:00+01:00"}, json=[])
    assert encoded.status_code == 200
    assert encoded.json()["as_of"] == "2026-04-01T10:00:00+01:00"


def test_a_body_over_the_limit_is_413(client: Any) -> None:
    big = b"[" + b" " * LIMIT + b"]"
    assert str(LIMIT) in problem_of(client.post("/v1/check", content=big, headers=JSON), 413)

    def chunks() -> Iterator[bytes]:  # no content-length: counted as it streams
        for _ in range(LIMIT // 10_000 + 2):
            yield b" " * 10_000

    problem_of(client.post("/v1/validate", content=chunks(), headers=JSON), 413)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"[]", "JSON object"),
        (b'{"history": {}, "event": {}}', "history must be"),
        (b'{"history": [1], "event": {}}', "history[0]"),
        (b'{"history": []}', "event must be"),
        (b'{"history": [], "event": {}, "as_of": "x"}', "unknown key 'as_of'"),
        (b'\xff{"event": {}}', "UTF-8"),
        (b"[" * 100_000, "invalid JSON"),
    ],
)
def test_a_validate_body_of_the_wrong_shape_is_400(client: Any, body: bytes, needle: str) -> None:
    assert needle in problem_of(client.post("/v1/validate", content=body, headers=JSON), 400)


def test_a_line_the_json_decoder_cannot_take_is_a_rejected_event(client: Any) -> None:
    # CONTRACT §1: a bad line never stops the run; nesting past the decoder's depth is one.
    body = EXAMPLE.read_text() + "[" * 100_000 + "\n" + "1" * 5000 + "\n"
    answer = client.post(f"/v1/check?as_of={AS_OF}", content=body, headers=NDJSON)
    assert answer.status_code == 200
    assert [e["line"] for e in answer.json()["errors"]] == [7, 8]
    assert answer.json()["counts"]["accepted"] == 6


def test_times_outside_the_accepted_years_are_rejected_events_not_5xx(client: Any) -> None:
    late = [reported("E1", "9999-12-31T20:00:00+00:00"), found("E1", "9999-12-31T21:00:00+00:00")]
    answer = client.post(f"/v1/check?as_of={AS_OF}", json=late)
    assert answer.status_code == 200
    assert [e["field"] for e in answer.json()["errors"]] == ["at", "at"]


def test_unknown_route_and_method_are_json_problems(client: Any) -> None:
    problem_of(client.get("/v2/check"), 404)
    answer = client.get("/v1/check")
    problem_of(answer, 405)
    assert answer.headers["allow"] == "POST"  # HTTP requires Allow on a 405
    # A trailing slash is no route: a problem, not a redirect built from the Host header.
    problem_of(client.post("/v1/check/", json=[]), 404)


def test_query_parameters_are_checked_alike_everywhere(client: Any) -> None:
    # Issue 11: a parameter no operation reads, or one given twice, is named (400).
    for path in ("/healthz", "/openapi.json", "/v1/schemas", "/v1/schemas/event"):
        assert "'x'" in problem_of(client.get(path, params={"x": "1"}), 400)
    answer = client.post("/v1/check?profile=london&profile=statutory", json=[])
    assert "more than once" in problem_of(answer, 400)


def test_a_lone_surrogate_is_never_a_5xx(client: Any) -> None:
    # CONTRACT §1 (UTF-8): a line the reader refuses is a rejected event; a JSON body, a 400.
    line = reported("E1", T0) | {"child_id": "C\\ud800"}
    text = json.dumps(line).replace("\\\\ud800", "\\ud800")
    assert "\\ud800" in text and "\\\\" not in text
    answer = client.post(f"/v1/check?as_of={AS_OF}", content=text + "\n", headers=NDJSON)
    assert answer.status_code == 200
    assert [(e["line"], e["field"]) for e in answer.json()["errors"]] == [(1, None)]
    problem_of(client.post("/v1/check", content=f"[{text}]", headers=JSON), 400)
    problem_of(client.post("/v1/validate", content=f'{{"event": {text}}}', headers=JSON), 400)


def test_json_lines_are_read_as_the_cli_reads_a_file(client: Any, tmp_path: Path) -> None:
    # CONTRACT §3: the same log gives the same JSON, whether posted or checked from a file.
    lines = [
        json.dumps(reported("E1", T0)),
        '{"type": "found", "episode_id": "E1", "at": "2026-03-03T08:00:00Z", "x": NaN}',
        '{"type": "found", "episode_id": 18446744073709551617, "at": "2026-03-03T08:00:00Z"}',
        '{"type": "child", "child_id": "C1", "x": ' + "[" * 1000 + "]" * 1000 + "}",
    ]
    body = "\n".join(lines) + "\n"
    log = tmp_path / "log.jsonl"
    log.write_text(body)
    answer = client.post(f"/v1/check?as_of={AS_OF}", content=body, headers=NDJSON)
    result = CliRunner().invoke(app, ["check", str(log), "--as-of", AS_OF, "--format", "json"])
    expected = json.loads(result.stdout)
    for error in [*expected["errors"], *expected.get("warnings", [])]:
        error.pop("file")  # a file's name: the body has none
    assert answer.json() == expected
    assert [e["line"] for e in expected["errors"]] == [2, 3]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
EVENTISH = st.fixed_dictionaries(
    {"type": st.sampled_from(["reported", "found", "plan_made", "child", "x"])},
    optional={
        "episode_id": st.sampled_from(["E1", "", 3]),
        "child_id": st.sampled_from(["C1", None]),
        "at": st.sampled_from(
            [T0, "2026-03-02T20:00:00", "nope", 5, "9999-12-31T23:00:00Z", "0001-01-01T00:00:00Z"]
        ),
        "missing_from": st.sampled_from(["home", "care", 1]),
        "responsible_authority": st.sampled_from(["309", ""]),
        "actions": JSON_VALUES,
    },
)
BODIES = st.one_of(
    st.binary(max_size=64),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.lists(EVENTISH, max_size=4).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"history": st.lists(EVENTISH, max_size=3), "event": EVENTISH}).map(
        lambda v: json.dumps(v).encode()
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(["/v1/check", "/v1/validate"]),
    media=st.sampled_from(["application/json", "application/x-ndjson", "text/plain", ""]),
    body=BODIES,
    as_of=st.sampled_from([None, AS_OF, "garbage", "2026-02-30"]),
)
def test_random_bodies_never_give_a_5xx(
    client: Any, path: str, media: str, body: bytes, as_of: str | None
) -> None:
    params = {"as_of": as_of} if as_of else {}
    answer = client.post(path, content=body, headers={"content-type": media}, params=params)
    assert answer.status_code < 500, answer.text
    answer.json()  # always a JSON body


# --- Concurrency and the log ---------------------------------------------------------------------


def test_twenty_clients_of_fifty_requests_get_the_in_process_answers(
    server: tuple[str, Path],
) -> None:
    events = example_events()
    steps = [
        (
            "/v1/validate",
            {"history": events[:i], "event": events[i]},
            validate(events[:i], events[i], as_of=AS_OF).to_dict(),
        )
        for i in range(len(events))
    ]
    steps.append(("/v1/check", events, check(events, as_of=AS_OF).to_dict()))

    def one_client(number: int) -> list[bool]:
        with httpx.Client(base_url=server[0], timeout=60) as session:
            results = []
            for k in range(50):
                path, body, expected = steps[(number + k) % len(steps)]
                answer = session.post(path, json=body, params={"as_of": AS_OF})
                results.append(answer.status_code == 200 and answer.json() == expected)
            return results

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = [ok for batch in pool.map(one_client, range(20)) for ok in batch]
    assert len(outcomes) == 1000 and all(outcomes)


def test_the_log_records_method_path_status_and_time_never_a_body_or_an_id(
    client: Any, server: tuple[str, Path]
) -> None:
    client.post(f"/v1/check?as_of={AS_OF}", content=EXAMPLE.read_text(), headers=NDJSON)
    client.post(
        "/v1/validate",
        content=b'{"history": [], "event": {"episode_id": "SECRET-E"}}',
        headers=JSON,
    )
    # A CR or LF in a path must not forge a line of the log.
    client.get("/v1/schemas/x%0D%0A2026-01-01 INFO missing_protocol.serve: forged")
    time.sleep(0.2)
    lines = [
        line for line in server[1].read_text().splitlines() if "missing_protocol.serve" in line
    ]
    assert lines
    shape = re.compile(r"missing_protocol\.serve: (GET|POST|PUT) /\S* \d{3} \d+\.\dms$")
    assert all(shape.search(line) for line in lines), lines
    whole = server[1].read_text()
    for secret in ("C-ASH", "E-ASH-1", "SECRET-E", "as_of=", "Traceback"):
        assert secret not in whole
    assert not any(line.lstrip().startswith("2026-01-01") for line in whole.splitlines())
    assert any("\\r\\n2026-01-01" in line for line in lines)
    assert any(" POST /v1/check 200 " in line for line in lines)


def test_serve_without_the_extra_names_it() -> None:
    # A Python that cannot import starlette: the command names the extra, exit 2.
    script = (
        "import sys\n"
        "sys.modules['starlette'] = None\n"
        "from missing_protocol.cli import main\n"
        "sys.argv = ['missing-protocol', 'serve']\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "missing-protocol: error: `serve` needs the 'serve' extra: pip install 'missing-protocol[serve]'"
    ]


def test_serve_on_a_port_in_use_is_a_usage_error() -> None:
    # CONTRACT §3: a usage problem is one line on stderr and exit 2, not a start-up traceback.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [console_script(), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr.startswith(f"missing-protocol: error: cannot listen on 127.0.0.1:{port}")


def test_a_client_that_leaves_mid_body_is_not_a_server_error(server: tuple[str, Path]) -> None:
    # Issue 11 (never a 500): the body promised 1000 bytes, the client sent 10 and left.
    host, port = server[0].removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(
            b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n[{}, {}, {"
        )
    time.sleep(0.5)
    lines = [line for line in server[1].read_text().splitlines() if "POST /v1/check" in line]
    assert lines and " 500 " not in lines[-1], lines[-1]
    assert "internal error" not in server[1].read_text()


def test_a_body_that_stalls_is_answered_408_and_its_connection_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A client whose Content-Length promises more than it sends is answered 408 once the body
    time is up, with `Connection: close`, so the rest of a stalled body is not read as a request."""
    import anyio

    from missing_protocol.serve import create_app, inputs

    monkeypatch.setattr(inputs, "BODY_SECONDS", 0.2)
    sent: list[dict[str, Any]] = []
    calls = 0

    async def receive() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 1:
            return {"type": "http.request", "body": b"[]", "more_body": True}
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/check",
        "raw_path": b"/v1/check",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"5")],
    }

    async def call() -> None:
        with anyio.fail_after(10):  # a regression fails here, it does not hang the suite
            await create_app()(scope, receive, send)

    anyio.run(call)
    start = sent[0]
    assert start["status"] == 408
    assert (b"connection", b"close") in start["headers"]
    assert b"not received within 0.2 s" in sent[1]["body"]
