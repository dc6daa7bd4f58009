"""The HTTP API on a tiny-BERT bundle (serve.bundle): every route, limit and error path."""

from __future__ import annotations

import itertools
import json
import logging
import shutil

import pytest

from nerkit.postprocess import build_chain
from nerkit.predictor import Predictor

NASTY = (
    "Zorblax Holdings Limited\x00 pays 😀 USD 1,250,000.00 "
    "שלום עליכם to Quentin\u200bFarnsworth on March 3, 2021 in Dela\u0301ware. 👩‍👩‍👧 end"
)
LONG = " ".join(["The borrower shall pay the lender on demand under this agreement."] * 60)


@pytest.fixture(scope="module")
def client(app_client, make_settings, serve_bundle):
    """One app for the read-only tests of this module."""
    with app_client(make_settings(serve_bundle, max_chars=5000, max_batch_docs=4)) as (c, _):
        yield c


def assert_offsets(text: str, entities: list[dict]) -> None:
    for e in entities:
        assert text[e["start"] : e["end"]] == e["text"], e
        assert 0 <= e["start"] < e["end"] <= len(text)
        assert 0.0 <= e["score"] <= 1.0


# --- health, readiness, model --------------------------------------------------------------------


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok", "detail": None}
    assert client.get("/readyz").status_code == 200


def test_model_describes_the_bundle(client, serve_bundle):
    from nerkit.bundle import bundle_sha256

    info = client.get("/v1/model").json()
    assert info["name"] == "contract-ner"
    assert info["source"] == "bundle"
    assert info["version"] == f"sha256:{bundle_sha256(serve_bundle)[:12]}"
    assert info["device"] == "cpu"
    assert info["precision"] == "fp32"
    assert info["labels"] == ["DATE", "JURISDICTION", "MONEY", "ORG", "PERSON"]
    assert info["window"] == {"max_length": 64, "overlap": 16}
    assert [m["slot"] for m in info["models"]] == ["contract-ner"]


# --- predictions ---------------------------------------------------------------------------------


def test_offsets_index_the_text_as_sent(client):
    """NUL, emoji (ZWJ sequences too), right-to-left, zero-width and combining characters."""
    response = client.post("/v1/ner", json={"id": "d1", "text": NASTY})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == "d1"
    assert body["entities"], "the random model tags something in every sentence"
    assert_offsets(NASTY, body["entities"])
    assert body["meta"]["model"] == "contract-ner"
    assert body["meta"]["windows"] == 1


def test_what_serve_returns_is_what_the_engine_returns(app_client, make_settings, serve_bundle):
    """With the configured chain, the service gives the engine's entities exactly."""
    from nerkit.bundle import read_bundle_meta

    rules = ({"_target_": "nerkit.postprocess.MergeAdjacent", "max_gap_chars": 2},)
    predictor = Predictor.from_bundle(serve_bundle, device="cpu")
    assert read_bundle_meta(serve_bundle).window == predictor.window
    chain = build_chain(rules)
    (expected,) = predictor.predict([LONG])
    wanted = [e.to_dict() for e in chain(LONG, expected.entities)]
    with app_client(make_settings(serve_bundle, postprocess_rules=rules)) as (c, _):
        body = c.post("/v1/ner", json={"text": LONG}).json()
    assert body["entities"] == wanted
    assert body["meta"]["tokens"] == expected.tokens
    assert body["meta"]["windows"] == expected.windows > 1


def test_batch_results_come_in_input_order(client):
    texts = [LONG[: 40 * (i + 1)] + f" doc {i}" for i in range(4)]
    documents = [{"id": f"id-{i}", "text": t} for i, t in enumerate(texts)]
    body = client.post("/v1/ner/batch", json={"documents": documents}).json()
    assert [r["id"] for r in body["results"]] == [d["id"] for d in documents]
    for text, result in zip(texts, body["results"], strict=True):
        assert_offsets(text, result["entities"])
        single = client.post("/v1/ner", json={"text": text}).json()
        assert result["entities"] == single["entities"]


# --- request validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"text": ""}, "empty"),
        ({"text": " \n\t "}, "empty"),
        ({"text": "x" * 5001}, "max_chars=5000"),
        ({"text": 42}, "valid string"),
        ({"text": ["a"]}, "valid string"),
        ({"text": "ok", "enrich": "maybe"}, "boolean"),
        ({"text": "ok", "surprise": 1}, "Extra inputs"),
        ({"id": "x" * 300, "text": "ok"}, "at most 256"),
        ({}, "Field required"),
    ],
)
def test_bad_documents_are_422_naming_the_problem(client, payload, where):
    response = client.post("/v1/ner", json=payload)
    assert response.status_code == 422, response.text
    assert where in response.text


def test_batch_limits(client):
    too_many = {"documents": [{"text": "a"}] * 5}
    response = client.post("/v1/ner/batch", json=too_many)
    assert response.status_code == 422 and "max_batch_docs=4" in response.text
    assert client.post("/v1/ner/batch", json={"documents": []}).status_code == 422
    one_empty = {"documents": [{"text": "fine"}, {"text": ""}]}
    response = client.post("/v1/ner/batch", json=one_empty)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "documents", 1, "text"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"text": "unterminated',
        b'{"text": "a"} trailing',
        b"[1, 2]",
        b'{"text": "lone \\ud800 surrogate"}',
        b'{"text": "bad utf-8 \xff\xfe here"}',
        b"\xef\xbb\xbf\xff",
        b"",
        b"null",
    ],
)
def test_malformed_bodies_are_4xx_never_5xx(client, raw):
    response = client.post("/v1/ner", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text


def test_surrogate_pairs_and_nul_are_fine(client):
    raw = b'{"text": "emoji \\ud83d\\ude00 and nul \\u0000 here"}'
    response = client.post("/v1/ner", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert_offsets("emoji 😀 and nul \x00 here", response.json()["entities"])


def test_other_content_types_are_415(client):
    response = client.post("/v1/ner", content=b"text=hi", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_validation_errors_do_not_echo_the_document(client):
    secret = "CONFIDENTIAL-" + "z" * 5000
    response = client.post("/v1/ner", json={"text": secret})
    assert response.status_code == 422
    assert "CONFIDENTIAL" not in response.text


def test_body_over_the_limit_is_413(app_client, make_settings, serve_bundle, run_app, raw_request):
    settings = make_settings(serve_bundle, max_body_bytes=2000)
    with app_client(settings) as (c, app):
        big = json.dumps({"text": "word " * 1000})
        assert (
            c.post("/v1/ner", content=big, headers={"content-type": "application/json"}).status_code
            == 413
        )
        assert c.post("/v1/ner", json={"text": "small"}).status_code == 200

    async def streamed(_):
        # No Content-Length: the size is counted as the chunks arrive.
        chunks = [b'{"text": "' + b"a" * 900, b"b" * 900, b"c" * 900, b'"}']
        result = await raw_request(
            app, "POST", "/v1/ner", chunks, {"content-type": "application/json"}
        )
        return result

    result = run_app(app, streamed)
    assert result.status == 413
    assert result.body_reads < 4  # it stopped reading once over the limit


# --- keys ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keyed(app_client, make_settings, serve_bundle):
    settings = make_settings(serve_bundle, api_key="predict-key-123", admin_key="admin-key-456")
    with app_client(settings) as (c, app):
        yield c, app


def test_predict_routes_need_a_key(keyed):
    client, _ = keyed
    doc = {"text": "Acme pays."}
    missing = client.post("/v1/ner", json=doc)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert client.post("/v1/ner", json=doc, headers={"X-API-Key": "nope"}).status_code == 401
    assert client.get("/v1/model").status_code == 401
    assert (
        client.post("/v1/ner", json=doc, headers={"X-API-Key": "predict-key-123"}).status_code
        == 200
    )
    bearer = {"Authorization": "Bearer predict-key-123"}
    assert (
        client.post("/v1/ner/batch", json={"documents": [doc]}, headers=bearer).status_code == 200
    )
    admin = {"X-API-Key": "admin-key-456"}
    assert client.post("/v1/ner", json=doc, headers=admin).status_code == 200


def test_admin_routes_need_the_admin_key(keyed):
    client, _ = keyed
    assert client.post("/admin/reload").status_code == 401
    predict = client.post("/admin/reload", headers={"X-API-Key": "predict-key-123"})
    assert predict.status_code == 403
    response = client.post("/admin/reload", headers={"X-API-Key": "admin-key-456"})
    assert response.status_code == 200
    assert response.json()["results"][0]["changed"] is False


@pytest.mark.parametrize("empty", ["NERKIT_API_KEY", "NERKIT_ADMIN_KEY"])
def test_an_empty_key_in_the_environment_is_no_key_and_the_other_is_enforced(
    app_client, make_settings, serve_bundle, monkeypatch, caplog, empty
):
    from serve.settings import ServeKeys

    monkeypatch.setenv("NERKIT_API_KEY", "predict-key-env")
    monkeypatch.setenv("NERKIT_ADMIN_KEY", "admin-key-env")
    monkeypatch.setenv(empty, "")
    keys = ServeKeys.from_env()
    settings = make_settings(serve_bundle, api_key=keys.api_key, admin_key=keys.admin_key)
    doc = {"text": "Acme pays."}
    with caplog.at_level(logging.WARNING, logger="serve"), app_client(settings) as (client, _):
        assert client.post("/v1/ner", json=doc).status_code == 401
        assert client.post("/admin/reload").status_code == 401
        given = {"X-API-Key": "predict-key-env" if empty == "NERKIT_ADMIN_KEY" else "admin-key-env"}
        other = {"X-API-Key": "admin-key-env" if empty == "NERKIT_ADMIN_KEY" else "predict-key-env"}
        # The key that is set predicts and administers; the emptied one is no key at all.
        assert client.post("/v1/ner", json=doc, headers=given).status_code == 200
        assert client.post("/admin/reload", headers=given).status_code == 200
        assert client.post("/v1/ner", json=doc, headers=other).status_code == 401
    assert f"{empty} is not set" in caplog.text


def test_health_routes_are_open(keyed):
    client, _ = keyed
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_a_wrong_key_is_refused_before_the_body_is_read(keyed, raw_request):
    import asyncio

    _, app = keyed
    headers = {"content-type": "application/json", "x-api-key": "wrong"}
    result = asyncio.run(raw_request(app, "POST", "/v1/ner", [b'{"text": "a"}'], headers))
    assert result.status == 401
    assert result.body_reads == 0
    result = asyncio.run(raw_request(app, "POST", "/admin/reload", [b"{}"], headers))
    assert result.status == 401
    assert result.body_reads == 0


def test_keys_and_texts_never_reach_the_logs(app_client, make_settings, serve_bundle, caplog):
    settings = make_settings(serve_bundle, api_key="predict-key-XYZ", admin_key="admin-key-XYZ")
    secret_text = "Top Secret Merger Between Zorblax and Quentin"
    with caplog.at_level(logging.DEBUG), app_client(settings) as (c, _):
        c.post("/v1/ner", json={"text": secret_text}, headers={"X-API-Key": "predict-key-XYZ"})
        c.post("/v1/ner", json={"text": secret_text}, headers={"X-API-Key": "wrong-key-XYZ"})
        c.post(
            "/v1/ner",
            json={"text": secret_text * 200_000},
            headers={"X-API-Key": "predict-key-XYZ"},
        )
        c.post("/admin/reload", headers={"X-API-Key": "admin-key-XYZ"})
        metrics = c.get("/metrics").text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("predict-key-XYZ", "admin-key-XYZ", "wrong-key-XYZ", "Zorblax"):
        assert secret not in logged
        assert secret not in metrics


def test_an_open_service_says_so_loudly(app_client, make_settings, serve_bundle, caplog):
    with caplog.at_level(logging.WARNING, logger="serve"), app_client(make_settings(serve_bundle)):
        pass
    assert any("NO API KEYS ARE SET" in r.getMessage() for r in caplog.records)


# --- enrichment ----------------------------------------------------------------------------------


ENRICH_TEXT = (
    "JPMorgan Chase lends USD 2,000,000 to Wells Fargo Bank on January 5, 2024, "
    "under the laws of Delaware; JPMorgan Chase acts as agent."
)
PINS = [
    ("ORG", "JPMorgan Chase"),
    ("ORG", "Wells Fargo Bank"),
    ("MONEY", "USD 2,000,000"),
    ("DATE", "January 5, 2024"),
    ("JURISDICTION", "Delaware"),
]


def test_enrichment_links_and_groups_mentions(app_client, make_settings, serve_bundle, pinned):
    settings = make_settings(serve_bundle, postprocess_rules=(pinned(PINS),))
    with app_client(settings) as (c, _):
        plain = c.post("/v1/ner", json={"text": ENRICH_TEXT}).json()
        enriched = c.post("/v1/ner", json={"text": ENRICH_TEXT, "enrich": True}).json()
    assert "groups" not in plain
    assert all("link" not in e for e in plain["entities"])
    assert_offsets(ENRICH_TEXT, enriched["entities"])
    links = {e["text"]: e["link"] for e in enriched["entities"]}
    assert links["JPMorgan Chase"]["canonical"] == "JPMorgan Chase Bank, N.A."
    assert links["Wells Fargo Bank"]["status"] == "ok"
    assert links["USD 2,000,000"] == {"status": "ok", "amount": 2000000, "currency": "USD"}
    assert links["January 5, 2024"]["iso"] == "2024-01-05"
    assert links["Delaware"]["codes"] == ["US-DE"]
    groups = {g["canonical"]: g for g in enriched["groups"]}
    assert groups["JPMorgan Chase Bank, N.A."]["count"] == 2
    assert groups["JPMorgan Chase Bank, N.A."]["first_offset"] == 0


def test_enrichment_default_and_absence(app_client, make_settings, serve_bundle, pinned):
    settings = make_settings(serve_bundle, postprocess_rules=(pinned(PINS),), enrich_default=True)
    with app_client(settings) as (c, _):
        assert "groups" in c.post("/v1/ner", json={"text": ENRICH_TEXT}).json()
        assert "groups" not in c.post("/v1/ner", json={"text": ENRICH_TEXT, "enrich": False}).json()
    with app_client(make_settings(serve_bundle, kb=None)) as (c, _):
        response = c.post("/v1/ner", json={"text": ENRICH_TEXT, "enrich": True})
        assert response.status_code == 422
        assert "knowledge base" in response.text
        assert c.post("/v1/ner", json={"text": ENRICH_TEXT}).status_code == 200


# --- several models ------------------------------------------------------------------------------


def two_models(make_settings, first, second, merge="priority"):
    from serve.settings import SlotSpec

    return make_settings(
        models=(
            SlotSpec(name="general", bundle=first, priority=0),
            SlotSpec(name="special", bundle=second, priority=1),
        ),
        merge=merge,
    )


def overlaps(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


@pytest.mark.parametrize("merge", ["priority", "score"])
def test_several_models_are_merged(app_client, make_settings, serve_bundle, second_bundle, merge):
    texts = [NASTY, LONG[:600]]
    with app_client(two_models(make_settings, serve_bundle, second_bundle, merge)) as (c, _):
        info = c.get("/v1/model").json()
        body = c.post("/v1/ner/batch", json={"documents": [{"text": t} for t in texts]}).json()
    assert [m["slot"] for m in info["models"]] == ["general", "special"]
    assert info["models"][1]["window"] == {"max_length": 48, "overlap": 8}
    alone = {}
    for name, bundle in (("general", serve_bundle), ("special", second_bundle)):
        predictor = Predictor.from_bundle(bundle, device="cpu")
        alone[name] = [[e.to_dict() for e in p.entities] for p in predictor.predict(texts)]
    for i, (text, result) in enumerate(zip(texts, body["results"], strict=True)):
        entities = result["entities"]
        assert_offsets(text, entities)
        assert {m["model"] for m in result["meta"]["models"]} == {"general", "special"}
        for a, b in itertools.pairwise(entities):
            assert not overlaps(a, b)
        for e in entities:
            core = {k: e[k] for k in ("label", "start", "end", "text", "score")}
            assert core in alone[e["model"]][i]  # each entity is one model's, unchanged
            assert e["version"].startswith("sha256:")
        kept = {(e["model"], e["start"], e["end"]) for e in entities}
        for name in ("general", "special"):
            for e in alone[name][i]:
                if (name, e["start"], e["end"]) in kept:
                    continue
                rivals = [k for k in entities if k["model"] != name and overlaps(k, e)]
                assert rivals, "an entity overlapping nothing is always kept (union)"
                if merge == "priority":
                    assert name == "special"  # general (priority 0) is never dropped
                else:
                    assert any(k["score"] >= e["score"] for k in rivals)


def test_reload_swaps_each_model_independently(
    app_client, make_settings, serve_bundle, second_bundle, tmp_path
):
    moving = tmp_path / "moving"
    shutil.copytree(serve_bundle, moving)
    with app_client(two_models(make_settings, serve_bundle, moving)) as (c, _):
        before = {m["slot"]: m["version"] for m in c.get("/v1/model").json()["models"]}
        shutil.rmtree(moving)
        shutil.copytree(second_bundle, moving)
        response = c.post("/admin/reload", json={"model": "special"})
        assert response.status_code == 200
        (outcome,) = response.json()["results"]
        assert outcome["model"] == "special" and outcome["changed"] is True
        after = {m["slot"]: m["version"] for m in c.get("/v1/model").json()["models"]}
        assert after["general"] == before["general"]
        assert after["special"] != before["special"]
        assert c.post("/v1/ner", json={"text": NASTY}).status_code == 200
        ambiguous = c.post("/admin/reload", json={"alias": "champion"})
        assert ambiguous.status_code == 422


# --- reloads of a bundle folder ------------------------------------------------------------------


def test_reload_picks_up_a_changed_bundle_and_keeps_the_old_one_when_broken(
    app_client, make_settings, serve_bundle, second_bundle, corrupt_bundle, tmp_path
):
    folder = tmp_path / "served"
    shutil.copytree(serve_bundle, folder)
    with app_client(make_settings(folder)) as (c, _):
        first = c.get("/v1/model").json()
        same = c.post("/admin/reload").json()["results"][0]
        assert same["ok"] and not same["changed"]

        shutil.rmtree(folder)
        shutil.copytree(second_bundle, folder)
        swapped = c.post("/admin/reload").json()["results"][0]
        assert swapped["changed"] and swapped["previous_version"] == first["version"]
        second = c.get("/v1/model").json()
        assert second["window"] == {"max_length": 48, "overlap": 8}

        shutil.rmtree(folder)
        shutil.copytree(corrupt_bundle, folder)
        broken = c.post("/admin/reload")
        assert broken.status_code == 500
        outcome = broken.json()["results"][0]
        assert not outcome["ok"]
        assert "loading" in outcome["reason"] and "keeps serving" in outcome["reason"]
        assert c.get("/v1/model").json()["version"] == second["version"]
        assert c.get("/readyz").status_code == 200
        assert c.post("/v1/ner", json={"text": NASTY}).status_code == 200


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"alias": "challenger"}, 422),  # a bundle folder has no aliases
        ({"version": 3}, 422),
        ({"model": "someone-else"}, 422),
        ({"alias": "models:/contract-ner@champion"}, 422),
        ({"alias": "../../etc/passwd"}, 422),
        ({"alias": "file:///tmp/x"}, 422),
        ({"version": 0}, 422),
        ({"uri": "models:/x/1"}, 422),
    ],
)
def test_reload_accepts_only_aliases_and_versions_of_configured_models(client, payload, status):
    response = client.post("/admin/reload", json=payload)
    assert response.status_code == status, response.text
    assert client.get("/readyz").status_code == 200


# --- failures inside the service -----------------------------------------------------------------


def test_a_failing_batch_fails_only_its_requests(
    app_client, make_settings, serve_bundle, controlled_reader
):
    import torch

    with app_client(make_settings(serve_bundle)) as (c, app):
        app.state.service.batcher.reader = controlled_reader
        controlled_reader.fail_with = RuntimeError("simulated kernel failure")
        failed = c.post("/v1/ner", json={"text": NASTY})
        assert failed.status_code == 500
        assert "simulated kernel failure" in failed.json()["detail"]
        assert c.post("/v1/ner", json={"text": NASTY}).status_code == 200

        controlled_reader.fail_with = torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
        oom = c.post("/v1/ner", json={"text": NASTY})
        assert oom.status_code == 503
        assert oom.headers["retry-after"] == "1"
        assert c.post("/v1/ner", json={"text": NASTY}).status_code == 200
        assert c.get("/readyz").status_code == 200
        assert (
            'nerkit_rejected_documents_total{reason="batch_failed"} 2.0' in c.get("/metrics").text
        )


def test_not_ready_without_a_model(app_client, make_settings, tmp_path):
    missing = tmp_path / "no-such-bundle"
    with app_client(make_settings(missing)) as (c, _):
        assert c.get("/healthz").status_code == 200
        ready = c.get("/readyz")
        assert ready.status_code == 503
        assert "no-such-bundle" in ready.json()["detail"]
        response = c.post("/v1/ner", json={"text": "hello"})
        assert response.status_code == 503
        assert "retry-after" in response.headers
        info = c.get("/v1/model")
        assert info.status_code == 503
        assert info.json()["ready"] is False
        assert "nerkit_ready 0.0" in c.get("/metrics").text


def test_draining_turns_readiness_off_but_still_answers(app_client, make_settings, serve_bundle):
    with app_client(make_settings(serve_bundle)) as (c, app):
        app.state.service.begin_drain()
        assert c.get("/readyz").json()["status"] == "draining"
        assert c.get("/readyz").status_code == 503
        assert c.post("/v1/ner", json={"text": "in flight"}).status_code == 200
        assert c.post("/admin/reload").status_code == 503


# --- batching under concurrency (asyncio, through ASGI) ------------------------------------------


def test_concurrent_requests_share_batches(app_client, make_settings, serve_bundle, run_app):
    import asyncio

    from serve.app import create_app

    app = create_app(make_settings(serve_bundle, max_wait_ms=300, batch_tokens=4096))

    async def scenario(client):
        texts = [f"{NASTY} number {i}" for i in range(12)]
        responses = await asyncio.gather(*(client.post("/v1/ner", json={"text": t}) for t in texts))
        return texts, responses, app.state.service.batcher.batches

    texts, responses, batches = run_app(app, scenario)
    assert all(r.status_code == 200 for r in responses)
    for text, response in zip(texts, responses, strict=True):
        assert_offsets(text, response.json()["entities"])
    assert batches <= 3  # 12 requests, pooled (+1 warm-up call is not a batch)


def test_queue_full_is_429_at_once_and_the_loop_stays_free(
    make_settings, serve_bundle, run_app, raw_request, controlled_reader
):
    import asyncio
    import time

    from serve.app import create_app

    app = create_app(make_settings(serve_bundle, max_queue_windows=1, max_wait_ms=0))

    async def scenario(client):
        app.state.service.batcher.reader = controlled_reader
        controlled_reader.hold()
        first = asyncio.ensure_future(client.post("/v1/ner", json={"text": "first"}))
        await asyncio.to_thread(controlled_reader.entered.wait, 10)  # the worker is busy
        second = asyncio.ensure_future(client.post("/v1/ner", json={"text": "second"}))
        while app.state.service.batcher.pending_windows == 0:
            await asyncio.sleep(0.01)
        started = time.perf_counter()
        third = await client.post("/v1/ner", json={"text": "third"})
        rejected_in = time.perf_counter() - started
        body = json.dumps({"text": "fourth"}).encode()
        headers = {"content-type": "application/json"}
        fourth = await raw_request(app, "POST", "/v1/ner", [body], headers)
        started = time.perf_counter()
        health = await client.get("/healthz")
        health_in = time.perf_counter() - started
        controlled_reader.release()
        return third, fourth, rejected_in, health, health_in, await first, await second

    third, fourth, rejected_in, health, health_in, first, second = run_app(app, scenario)
    assert third.status_code == 429
    assert fourth.status == 429 and fourth.body_reads == 0  # refused before reading the body
    assert int(third.headers["retry-after"]) >= 1
    assert rejected_in < 1.0
    assert health.status_code == 200 and health_in < 1.0  # inference never blocks the loop
    assert first.status_code == 200 and second.status_code == 200


def test_a_request_past_its_deadline_is_504_and_dropped(
    make_settings, serve_bundle, run_app, controlled_reader
):
    import asyncio

    from serve.app import create_app

    app = create_app(make_settings(serve_bundle, request_timeout_s=0.5, max_wait_ms=0))

    async def scenario(client):
        app.state.service.batcher.reader = controlled_reader
        controlled_reader.hold()
        first = asyncio.ensure_future(client.post("/v1/ner", json={"text": "held"}))
        await asyncio.to_thread(controlled_reader.entered.wait, 10)
        late = await client.post("/v1/ner", json={"text": "waits too long"})
        controlled_reader.release()
        await first
        await asyncio.sleep(0.2)
        return late, list(controlled_reader.calls), (await client.get("/metrics")).text

    late, calls, metrics = run_app(app, scenario)
    assert late.status_code == 504
    assert "request_timeout_s=0.5" in late.json()["detail"]
    assert calls == [1]  # the late document was never read
    assert 'nerkit_rejected_documents_total{reason="deadline"}' in metrics


def test_a_request_whose_client_left_is_dropped_before_inference(
    make_settings, serve_bundle, run_app, raw_request, controlled_reader
):
    import asyncio

    from serve.app import create_app

    app = create_app(make_settings(serve_bundle, max_wait_ms=0))

    async def scenario(client):
        app.state.service.batcher.reader = controlled_reader
        controlled_reader.hold()
        first = asyncio.ensure_future(client.post("/v1/ner", json={"text": "held"}))
        await asyncio.to_thread(controlled_reader.entered.wait, 10)
        body = json.dumps({"text": "the client will not wait for this"}).encode()
        headers = {"content-type": "application/json"}
        gone = await raw_request(app, "POST", "/v1/ner", [body], headers, disconnect=True)
        controlled_reader.release()
        await first
        await asyncio.sleep(0.2)
        after = await client.post("/v1/ner", json={"text": "still serving"})
        return gone, list(controlled_reader.calls), after, (await client.get("/metrics")).text

    gone, calls, after, metrics = run_app(app, scenario)
    assert gone.status == 499
    assert calls == [1, 1]  # "held", then "still serving": the abandoned one was never read
    assert after.status_code == 200
    assert 'nerkit_rejected_documents_total{reason="client_gone"} 1.0' in metrics


# --- metrics -------------------------------------------------------------------------------------


def test_metrics(app_client, make_settings, serve_bundle):
    with app_client(make_settings(serve_bundle)) as (c, _):
        c.post("/v1/ner", json={"text": "Zorblax pays Quentin."})
        c.post("/v1/ner", json={"text": ""})
        c.get("/no/such/route")
        version = c.get("/v1/model").json()["version"]
        text = c.get("/metrics").text
    assert 'nerkit_http_requests_total{method="POST",route="/v1/ner",status="200"} 1.0' in text
    assert 'nerkit_http_requests_total{method="POST",route="/v1/ner",status="422"} 1.0' in text
    assert 'route="unmatched",status="404"' in text
    assert "nerkit_http_request_duration_seconds_bucket" in text
    assert "nerkit_batch_documents_count 1.0" in text
    assert "nerkit_batch_windows_bucket" in text
    assert "nerkit_queue_windows 0.0" in text
    assert "nerkit_tokens_per_second" in text
    assert f'version="{version}"' in text and "nerkit_model_info{" in text
    assert "nerkit_ready 1.0" in text
    assert "Zorblax" not in text


def test_a_service_that_started_without_a_model_retries(app_client, make_settings, serve_bundle):
    import time

    from serve.models import DefaultLoader

    class FlakyLoader(DefaultLoader):
        """The first resolution fails (a registry that is still starting)."""

        attempts = 0

        def resolve(self, slot, alias, version, startup):
            FlakyLoader.attempts += 1
            if FlakyLoader.attempts == 1:
                raise ConnectionError("not up yet")
            return super().resolve(slot, alias, version, startup)

    settings = make_settings(serve_bundle, retry_s=0.2)
    with app_client(settings, loader=FlakyLoader(settings)) as (c, _):
        assert c.get("/readyz").status_code == 503
        assert "not up yet" in c.get("/v1/model").json()["error"]
        deadline = time.monotonic() + 20
        while c.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "never became ready"
            time.sleep(0.1)
        assert c.post("/v1/ner", json={"text": "back"}).status_code == 200
