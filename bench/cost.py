"""python -m bench.cost — what self-hosting costs against a hosted NER endpoint, per month.

    python -m bench.cost throughput.json=outputs/bench/gpu.json
    python -m bench.cost throughput.word_pieces_per_second=6000 documents_per_month=100000

Monthly cost of a volume of documents read on a machine at a measured throughput, and on a
hosted endpoint billed per request (the settings, each with why: ``conf/cost.yaml``).
Prints a table, writes ``cost.json`` and ``cost.png`` to ``output_dir``; exit status 2 when
a setting or the throughput file cannot be used (one line: which, and what to do).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import asdict, dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

import hydra
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from bench.fair import PIPELINE
from nerkit.settings import REQUIRED

EXIT_BAD_SETTING = 2
ZERO_OR_MORE = ("machine.min_hours_per_month", "machine.fixed_per_month")
ABOVE_ZERO: tuple[str, ...] = ("documents_per_month", "tokens_per_document")
ABOVE_ZERO += ("throughput.utilisation", "machine.price_per_hour", "hosted.price_per_request")
ABOVE_ZERO += ("hosted.usable_tokens",)


class CostError(ValueError):
    """A setting or the throughput file cannot be used (said with the key and the fix)."""


# Types only; the values, each with why, are in conf/cost.yaml.
@dataclass
class ThroughputSettings:
    json: str | None = None
    word_pieces_per_second: float | None = None
    reading: str = REQUIRED
    utilisation: float = REQUIRED


@dataclass
class MachineSettings:
    name: str = REQUIRED
    price_per_hour: float = REQUIRED
    min_hours_per_month: float = REQUIRED
    fixed_per_month: float = REQUIRED


@dataclass
class HostedSettings:
    name: str = REQUIRED
    price_per_request: float = REQUIRED
    max_tokens: int = REQUIRED
    usable_tokens: int = REQUIRED


@dataclass
class CostSettings:
    documents_per_month: float = REQUIRED
    tokens_per_document: float = REQUIRED
    output_dir: str = REQUIRED
    throughput: ThroughputSettings = field(default_factory=ThroughputSettings)
    machine: MachineSettings = field(default_factory=MachineSettings)
    hosted: HostedSettings = field(default_factory=HostedSettings)


def to_settings(cfg: DictConfig) -> CostSettings:
    """The composed config as typed settings, checked: an unknown key, a value of the wrong
    type or out of range is a CostError (which key, what to do), so exit status 2."""
    try:
        settings = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(CostSettings), cfg))
    except OmegaConfBaseException as err:
        what = f"{err.full_key}: {err.msg}" if err.full_key else str(err)
        raise CostError(f"{what.splitlines()[0]}: fix it in conf/cost or as key=value") from None
    assert isinstance(settings, CostSettings)
    check_settings(settings)
    return settings


def check_settings(s: CostSettings) -> None:
    """Refuse every value that would make a figure meaningless (NaN fails every test)."""
    for key in ABOVE_ZERO + ZERO_OR_MORE:
        value = attrgetter(key)(s)
        if not (value > 0 or (value == 0 and key in ZERO_OR_MORE)):
            bound = "0 or more" if key in ZERO_OR_MORE else "above 0"
            raise CostError(f"{key}={value} must be {bound}: give it in conf/cost or as {key}=...")
    if s.throughput.utilisation > 1:
        raise CostError(f"throughput.utilisation={s.throughput.utilisation} is a fraction: 0-1")
    if s.hosted.usable_tokens > s.hosted.max_tokens:
        raise CostError(
            f"hosted.usable_tokens={s.hosted.usable_tokens} is more than hosted.max_tokens="
            f"{s.hosted.max_tokens}: give what is left of it after special tokens and overlap"
        )


@dataclass(frozen=True)
class Throughput:
    word_pieces_per_second: float
    source: str  # where the figure came from, printed beside it


def resolve_throughput(settings: ThroughputSettings) -> Throughput:
    """The rate given, or the reading chosen from the JSON file: exactly one of the two."""
    given, path = settings.word_pieces_per_second, settings.json
    if given is not None and path is None:
        if not given > 0:
            raise CostError(f"throughput.word_pieces_per_second={given} must be above 0")
        return Throughput(float(given), "given (throughput.word_pieces_per_second)")
    if path is not None and given is None:
        return read_throughput_json(Path(path), settings.reading)
    both = " (both are set)" if given is not None else ""
    raise CostError(
        "give exactly one of throughput.json=<a python -m bench.throughput --json file> and "
        f"throughput.word_pieces_per_second=<a measured rate>{both}"
    )


def read_throughput_json(path: Path, reading: str) -> Throughput:
    """The fastest engine reading (``best``), or the fastest at precision ``reading``
    (``bf16`` also matches ``bf16+compile``); every reading but the HF pipeline's counts."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise CostError(f"throughput.json={path} cannot be read ({err})") from None
    readings = payload.get("readings") if isinstance(payload, dict) else None
    engine = [r for r in readings or [] if isinstance(r, dict) and r.get("reader") != PIPELINE]
    if reading != "best":
        engine = [r for r in engine if reading in (p := str(r.get("precision")), p.split("+")[0])]
    if not engine:
        at = "" if reading == "best" else f" at {reading} (or set throughput.reading=best)"
        raise CostError(
            f"throughput.json={path} holds no nerkit engine readings{at}: write one with "
            f"python -m bench.throughput --json {path}, or give throughput.word_pieces_per_second"
        )
    chosen = max(engine, key=lambda r: r.get("word_pieces_per_second") or 0)
    rate = chosen.get("word_pieces_per_second")
    if not isinstance(rate, int | float) or not rate > 0:
        raise CostError(f"throughput.json={path}: no engine reading has a word_pieces_per_second")
    what = f"{chosen.get('reader')} {chosen.get('precision')}, {chosen.get('batch_tokens')}"
    return Throughput(float(rate), f"{path}: {what} tokens/batch on {payload.get('device')}")


def requests_per_document(tokens: float, usable_tokens: int) -> int:
    """Hosted requests to read every token of a document, ``usable_tokens`` new ones each."""
    return math.ceil(tokens / usable_tokens)


@dataclass(frozen=True)
class CostModel:
    """Monthly cost of each side as a function of the documents read per month."""

    hours_per_document: float
    machine: MachineSettings
    hosted_per_document: float

    @classmethod
    def of(cls, s: CostSettings, throughput: Throughput) -> CostModel:
        rate = throughput.word_pieces_per_second * s.throughput.utilisation
        requests = requests_per_document(s.tokens_per_document, s.hosted.usable_tokens)
        hosted = requests * s.hosted.price_per_request
        return cls(s.tokens_per_document / rate / 3600, s.machine, hosted)

    def self_hosted(self, documents: float) -> float:
        m = self.machine
        billed = max(documents * self.hours_per_document, m.min_hours_per_month)
        return billed * m.price_per_hour + m.fixed_per_month

    def hosted(self, documents: float) -> float:
        return documents * self.hosted_per_document

    def break_even(self) -> float | None:
        """The volume V where ``self_hosted(V) == hosted(V)``; self-hosting is cheaper above it.

        With s = hours_per_document x price_per_hour, c = hosted_per_document, F the fixed
        cost and m the minimum hours: hosted is c·V; self-hosted is F + price·m up to
        V_m = m / hours_per_document, then F + s·V. If c <= s hosted never costs more (None).
        Else the crossing is (F + price·m) / c when that is at most V_m (in the flat part),
        else F / (c - s). With F = m = 0 it is 0: self-hosting is cheaper at any volume.
        """
        s = self.hours_per_document * self.machine.price_per_hour
        c = self.hosted_per_document
        if c <= s:
            return None
        floor = self.self_hosted(0.0)
        if floor / c <= self.machine.min_hours_per_month / self.hours_per_document:
            return floor / c
        return self.machine.fixed_per_month / (c - s)


def estimate(s: CostSettings, throughput: Throughput) -> dict[str, Any]:
    """The figures printed and written to cost.json, with the settings and throughput used."""
    model, docs = CostModel.of(s, throughput), s.documents_per_month
    self_hosted, hosted = model.self_hosted(docs), model.hosted(docs)
    requests = requests_per_document(s.tokens_per_document, s.hosted.usable_tokens)
    return {
        "settings": asdict(s),
        "throughput": asdict(throughput),
        "requests_per_document": requests,
        "machine_hours_per_month": docs * model.hours_per_document,
        "self_hosted_per_month": self_hosted,
        "hosted_per_month": hosted,
        "self_hosted_per_1000_documents": self_hosted / docs * 1000,
        "hosted_per_1000_documents": hosted / docs * 1000,
        "break_even_documents_per_month": model.break_even(),
    }


def _break_even_text(volume: float | None) -> str:
    if volume is None:
        return "never: a hosted document costs no more than its self-hosted machine time"
    if volume == 0:
        return "0: self-hosting costs less at any volume (no fixed cost, no minimum hours)"
    return f"{volume:,.0f} documents/month (self-hosting costs less above it)"


def format_table(f: dict[str, Any]) -> str:
    """The inputs, then self-hosted against hosted, then the break-even volume."""
    money = "${:,.2f}".format
    s, t, hours = f["settings"], f["throughput"], f["machine_hours_per_month"]
    m, h, minimum = s["machine"], s["hosted"], s["machine"]["min_hours_per_month"]
    billed = f" (billed {minimum:,.0f})" if minimum > hours else ""
    rate = f"{t['word_pieces_per_second']:,.0f} word pieces/s x {s['throughput']['utilisation']:g}"
    requests = f"{f['requests_per_document']} requests/document"
    requests += f" ({h['usable_tokens']} of {h['max_tokens']} tokens each)"
    rows = [
        ("documents/month", f"{s['documents_per_month']:,.0f}"),
        ("tokens/document", f"{s['tokens_per_document']:,.0f} word pieces"),
        ("throughput", f"{rate} utilisation; {t['source']}"),
        ("machine", f"{m['name']} at {money(m['price_per_hour'])}/hour"),
        ("hosted", f"{h['name']} at ${h['price_per_request']:g}/request, {requests}"),
        ("", ""),
        ("", f"{'self-hosted':>18} {'hosted':>18}"),
        ("machine hours/month", f"{f'{hours:,.1f}{billed}':>18} {'-':>18}"),
        ("monthly cost", f"{money(f['self_hosted_per_month']):>18} "
                         f"{money(f['hosted_per_month']):>18}"),
        ("cost per 1,000 documents", f"{money(f['self_hosted_per_1000_documents']):>18} "
                                     f"{money(f['hosted_per_1000_documents']):>18}"),
        ("break-even volume", _break_even_text(f["break_even_documents_per_month"])),
    ]  # fmt: skip
    return "\n".join(f"{label:<26} {value}".rstrip() for label, value in rows)


def plot_costs(model: CostModel, s: CostSettings, path: Path) -> None:
    """Monthly cost against volume for both sides (log-log), break-even and volume marked."""
    import numpy as np

    from nerkit.report import _pyplot

    plt = _pyplot()
    docs, break_even = s.documents_per_month, model.break_even()
    volumes = np.geomspace(min(docs, break_even or docs) / 100, max(docs, break_even or 0) * 100)
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for label, cost in [(f"self-hosted: {s.machine.name}", model.self_hosted),
                        (f"hosted: {s.hosted.name}", model.hosted)]:  # fmt: skip
        ax.plot(volumes, [cost(v) for v in volumes], label=label)
        ax.scatter([docs], [cost(docs)], color="black", zorder=3)
    if break_even:
        ax.axvline(break_even, color="grey", linestyle="--", label=f"break-even {break_even:,.0f}")
    ax.axvline(docs, color="black", linestyle=":", label=f"this volume {docs:,.0f}")
    ax.set(xscale="log", yscale="log", xlabel="documents per month", ylabel="monthly cost ($)")
    ax.set_title(f"Monthly cost, {s.tokens_per_document:,.0f} word pieces per document")
    ax.legend(fontsize=8)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def run(cfg: DictConfig) -> dict[str, Any]:
    """Check, estimate, print the table, write cost.json and cost.png; the figures."""
    settings = to_settings(cfg)
    throughput = resolve_throughput(settings.throughput)
    figures = estimate(settings, throughput)
    print(format_table(figures))
    out = Path(settings.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cost.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    plot_costs(CostModel.of(settings, throughput), settings, out / "cost.png")
    print(f"\nwrote {out / 'cost.json'} and {out / 'cost.png'}")
    return figures


@hydra.main(version_base="1.3", config_path="../conf", config_name="cost")
def main(cfg: DictConfig) -> None:
    try:
        run(cfg)
    except CostError as err:
        print(f"cost error: {err}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_SETTING) from None


if __name__ == "__main__":
    main()
