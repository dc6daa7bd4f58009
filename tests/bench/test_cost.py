"""bench.cost: the arithmetic, the break-even, reading a throughput file, the report, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from omegaconf import DictConfig

from bench.cost import (
    CostError,
    CostModel,
    CostSettings,
    HostedSettings,
    MachineSettings,
    Throughput,
    ThroughputSettings,
    check_settings,
    estimate,
    format_table,
    read_throughput_json,
    requests_per_document,
    resolve_throughput,
    run,
)
from tests.conftest import REPO_ROOT

CONF = REPO_ROOT / "conf"


def settings(
    *, utilisation: float = 0.5, min_hours: float = 0.0, fixed: float = 10.0
) -> CostSettings:
    """3,600 documents of 1,000 word pieces at 1,000 wp/s x 0.5: 2 machine hours a month."""
    return CostSettings(
        documents_per_month=3600,
        tokens_per_document=1000,
        output_dir="unused",
        throughput=ThroughputSettings(reading="best", utilisation=utilisation),
        machine=MachineSettings(
            "gpu", price_per_hour=3.0, min_hours_per_month=min_hours, fixed_per_month=fixed
        ),
        hosted=HostedSettings(
            "endpoint", price_per_request=0.01, max_tokens=512, usable_tokens=480
        ),
    )


GIVEN = Throughput(1000.0, "given")


@pytest.mark.parametrize(("tokens", "requests"), [(8000, 17), (960, 2), (961, 3), (1, 1)])
def test_requests_per_document_is_the_ceiling(tokens, requests):
    assert requests_per_document(tokens, 480) == requests


def test_hand_computed_case():
    figures = estimate(settings(), GIVEN)
    # 3,600 x 1,000 word pieces / (1,000 wp/s x 0.5) = 7,200 s = 2 hours, at $3/h, plus $10.
    assert figures["machine_hours_per_month"] == pytest.approx(2.0)
    assert figures["self_hosted_per_month"] == pytest.approx(16.0)
    # ceil(1,000 / 480) = 3 requests at $0.01, for 3,600 documents.
    assert figures["requests_per_document"] == 3
    assert figures["hosted_per_month"] == pytest.approx(108.0)
    assert figures["self_hosted_per_1000_documents"] == pytest.approx(16.0 / 3.6)
    assert figures["hosted_per_1000_documents"] == pytest.approx(30.0)
    # $10 fixed / ($0.03 - $3 x 2 h / 3,600 documents) per document
    assert figures["break_even_documents_per_month"] == pytest.approx(10 / (0.03 - 6 / 3600))


@pytest.mark.parametrize(
    ("min_hours", "fixed"),
    [(0.0, 10.0), (730.0, 0.0), (730.0, 250.0), (2.0, 500.0)],
    ids=["fixed cost", "always on", "always on + fixed", "past the minimum hours"],
)
def test_the_two_costs_are_equal_at_the_break_even(min_hours, fixed):
    model = CostModel.of(settings(min_hours=min_hours, fixed=fixed), GIVEN)
    volume = model.break_even()
    assert volume is not None and volume > 0
    assert model.self_hosted(volume) == pytest.approx(model.hosted(volume))
    assert model.self_hosted(volume * 1.5) < model.hosted(volume * 1.5)
    assert model.self_hosted(volume / 1.5) > model.hosted(volume / 1.5)


def test_break_even_never_and_zero():
    dear = CostModel.of(settings(utilisation=0.001), GIVEN)  # each document takes ~0.56 h
    assert dear.break_even() is None
    assert "never" in format_table(estimate(settings(utilisation=0.001), GIVEN))
    free = CostModel.of(settings(fixed=0.0), GIVEN)  # no fixed cost, no minimum hours
    assert free.break_even() == 0


def write_throughput(path: Path, readings: list[dict]) -> Path:
    path.write_text(json.dumps({"model": "m", "device": "cuda", "readings": readings}))
    return path


def reading(reader: str, precision: str, rate: float) -> dict:
    return {"reader": reader, "precision": precision, "batch_tokens": 16384,
            "word_pieces_per_second": rate}  # fmt: skip


def test_reads_the_fastest_engine_reading(tmp_path):
    path = write_throughput(
        tmp_path / "gpu.json",
        [
            reading("HF pipeline", "bf16", 90_000.0),  # faster, but not the engine
            reading("nerkit engine", "fp32", 20_000.0),
            reading("nerkit engine", "bf16", 50_000.0),
            reading("nerkit engine", "bf16+compile", 60_000.0),
        ],
    )
    best = read_throughput_json(path, "best")
    assert best.word_pieces_per_second == 60_000.0
    assert str(path) in best.source and "bf16+compile" in best.source
    assert read_throughput_json(path, "fp32").word_pieces_per_second == 20_000.0
    assert read_throughput_json(path, "bf16").word_pieces_per_second == 60_000.0
    with pytest.raises(CostError, match="at int8"):
        read_throughput_json(path, "int8")


def test_refuses_a_file_without_engine_readings(tmp_path):
    path = write_throughput(tmp_path / "pipeline-only.json", [reading("HF pipeline", "fp32", 1.0)])
    with pytest.raises(CostError, match=r"pipeline-only\.json holds no nerkit engine readings"):
        read_throughput_json(path, "best")
    with pytest.raises(CostError, match=r"missing\.json cannot be read"):
        read_throughput_json(tmp_path / "missing.json", "best")


def test_exactly_one_throughput_source():
    for given, path in [(None, None), (5000.0, "t.json")]:
        source = ThroughputSettings(json=path, word_pieces_per_second=given, reading="best")
        with pytest.raises(
            CostError, match=r"throughput\.json=.*throughput\.word_pieces_per_second"
        ):
            resolve_throughput(source)


def test_out_of_range_settings_are_refused_by_key():
    bad = settings()
    bad.machine.price_per_hour = 0
    with pytest.raises(CostError, match=r"machine\.price_per_hour=0 must be above 0"):
        check_settings(bad)
    bad = settings(fixed=-1.0)
    with pytest.raises(CostError, match=r"machine\.fixed_per_month=-1\.0 must be 0 or more"):
        check_settings(bad)


def test_default_config_runs_and_writes_json_and_png(tmp_path, capsys):
    from hydra import compose, initialize_config_dir

    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose("cost")
    assert isinstance(cfg, DictConfig)
    cfg.output_dir = str(tmp_path)
    cfg.throughput.word_pieces_per_second = 6000
    figures = run(cfg)
    assert figures["requests_per_document"] == 17  # the reference 8,000-token contract
    assert "break-even volume" in capsys.readouterr().out
    assert json.loads((tmp_path / "cost.json").read_text())["hosted_per_month"] > 0
    png = (tmp_path / "cost.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 1000


def cli(tmp_path: Path, *overrides: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "bench.cost", f"output_dir={tmp_path / 'out'}",
               f"hydra.run.dir={tmp_path / 'hydra'}", *overrides]  # fmt: skip
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_prints_the_table_and_exits_2_on_a_bad_value(tmp_path):
    done = cli(tmp_path, "throughput.word_pieces_per_second=5000")
    assert done.returncode == 0, done.stderr[-3000:]
    for row in (
        "machine hours/month",
        "monthly cost",
        "cost per 1,000 documents",
        "break-even volume",
    ):
        assert row in done.stdout
    assert (tmp_path / "out" / "cost.png").stat().st_size > 0
    bad = cli(tmp_path, "throughput.word_pieces_per_second=5000", "documents_per_month=-5")
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "cost error: documents_per_month=-5.0 must be above 0: give it in conf/cost or as "
        "documents_per_month=..."
    )
