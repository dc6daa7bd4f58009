"""Knowledge base: normalisers (including what they must refuse), organisation linking,
enrichment and mention grouping. No network; dateparser is imported once per session."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nerkit.documents import DataError, Entity
from nerkit.kb import (
    Enricher,
    KBConfig,
    OrganisationKB,
    group_mentions,
    load_organisations,
    normalise_date,
    normalise_jurisdiction,
    normalise_money,
    normalise_name,
)
from nerkit.settings import REPO_ROOT, resolve_path

DEFAULT_KB = REPO_ROOT / "conf" / "kb" / "organisations.csv"


def entity(text: str, fragment: str, label: str, score: float = 0.9, after: int = 0) -> Entity:
    start = text.index(fragment, after)
    return Entity(label, start, start + len(fragment), fragment, score)


@pytest.fixture(scope="module")
def default_kb() -> OrganisationKB:
    return OrganisationKB.from_file(DEFAULT_KB)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.from_config({})


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("the 5th day of January, 2024", "2024-01-05"),
        ("this first day of March, 2024", "2024-03-01"),
        ("the thirty-first day of December, 2023", "2023-12-31"),
        ("January 5, 2024", "2024-01-05"),
        ("5 January 2024", "2024-01-05"),
        ("2024-03-15", "2024-03-15"),
        ("01/02/2024", "2024-01-02"),
    ],
)
def test_dates_become_iso(text: str, iso: str) -> None:
    assert normalise_date(text) == {"status": "ok", "iso": iso}


def test_date_order_settles_numeric_dates() -> None:
    assert normalise_date("01/02/2024", date_order="DMY")["iso"] == "2024-02-01"
    with pytest.raises(ValueError, match="date_order"):
        normalise_date("01/02/2024", date_order="XYZ")


@pytest.mark.parametrize(
    ("text", "reason_start"),
    [
        ("the 5th day", "no month"),
        ("March 2024", "no day"),
        ("garbage text", "not a date"),
        ("tomorrow", "not a date"),
        ("January 32, 2024", "not a valid date"),
    ],
)
def test_dates_it_must_refuse(text: str, reason_start: str) -> None:
    result = normalise_date(text)
    assert result["status"] == "unparsed"
    assert result["reason"].startswith(reason_start)
    assert repr(text) in result["reason"]


def test_cached_results_are_copies() -> None:
    first = normalise_date("June 1, 2024")
    first["iso"] = "changed"
    assert normalise_date("June 1, 2024")["iso"] == "2024-06-01"


# ----------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("Two Million Dollars", 2_000_000, "USD"),
        ("Seventy-Five Thousand Pounds Sterling", 75_000, "GBP"),
        ("EUR 4.5 million", 4_500_000, "EUR"),
        ("USD 1,250,000.00", 1_250_000, "USD"),
        ("€350,000", 350_000, "EUR"),
        ("£75,000", 75_000, "GBP"),
        ("$2,000,000", 2_000_000, "USD"),
        ("CHF 10,000", 10_000, "CHF"),
        ("Two Million Dollars ($2,000,000)", 2_000_000, "USD"),
        ("One Hundred and Fifty Thousand Swiss Francs", 150_000, "CHF"),
        ("One Hundred Thousand and 50/100 Dollars ($100,000.50)", "100000.5", "USD"),
        ("$2.5m", 2_500_000, "USD"),
    ],
)
def test_money_becomes_amount_and_iso_currency(text: str, amount: object, currency: str) -> None:
    assert normalise_money(text) == {"status": "ok", "amount": amount, "currency": currency}


def test_money_amounts_are_json_friendly() -> None:
    result = normalise_money("£1,234.56")
    assert result["amount"] == "1234.56"
    json.dumps(result)


@pytest.mark.parametrize(
    ("text", "reason_start"),
    [
        ("Two Million Dollars ($3,000,000)", "words say 2000000 but figures say 3000000"),
        ("Two Million Euros ($2,000,000)", "several currencies (EUR, USD)"),
        ("no money here", "no amount"),
    ],
)
def test_money_it_must_refuse(text: str, reason_start: str) -> None:
    result = normalise_money(text)
    assert result["status"] == "unparsed"
    assert result["reason"].startswith(reason_start)


def test_money_without_currency_is_not_guessed() -> None:
    result = normalise_money("2,000,000")
    assert result["status"] == "partial"
    assert result["amount"] == 2_000_000
    assert result["currency"] is None
    assert "no currency" in result["reason"]


# ----------------------------------------------------------------------------- jurisdictions


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("the State of Delaware", ["US-DE"]),
        ("Delaware", ["US-DE"]),
        ("State of New York", ["US-NY"]),
        ("England and Wales", ["GB-ENG", "GB-WLS"]),
        ("Switzerland", ["CH"]),
        ("the Province of Ontario", ["CA-ON"]),
        ("Commonwealth of Massachusetts", ["US-MA"]),
        ("Bosnia and Herzegovina", ["BA"]),
        ("the laws of the State of New York", ["US-NY"]),
        ("State of Georgia", ["US-GA"]),
    ],
)
def test_jurisdictions_become_iso_3166(text: str, codes: list[str]) -> None:
    result = normalise_jurisdiction(text)
    assert result["status"] == "ok"
    assert result["codes"] == codes
    assert len(result["names"]) == len(codes)
    assert "ambiguous" not in result


def test_england_and_wales_names() -> None:
    assert normalise_jurisdiction("England and Wales")["names"] == ["England", "Wales"]


def test_ambiguous_jurisdiction_follows_preference_and_says_so() -> None:
    us = normalise_jurisdiction("Georgia")
    assert us["codes"] == ["US-GA"]
    assert us["ambiguous"][0]["alternatives"] == ["GE", "US-GA"]
    assert normalise_jurisdiction("Georgia", country_preference="GE")["codes"] == ["GE"]


@pytest.mark.parametrize(
    ("text", "reason_start"),
    [("Atlantis", "unknown jurisdiction 'Atlantis'"), ("Punjab", "ambiguous 'Punjab'")],
)
def test_jurisdictions_it_must_refuse(text: str, reason_start: str) -> None:
    result = normalise_jurisdiction(text)
    assert result["status"] == "unparsed"
    assert result["reason"].startswith(reason_start)


# ----------------------------------------------------------------------------- organisations


def test_legal_suffixes_are_equivalent() -> None:
    assert normalise_name("Acme Holdings, Inc.") == normalise_name("ACME HOLDINGS INC")
    assert normalise_name("Goldman Sachs & Co. LLC") == normalise_name("Goldman Sachs")
    assert normalise_name("Citibank, N.A.") == "citibank"
    assert normalise_name("Company") == "company"  # nothing but a legal form: kept


def test_default_kb_loads(default_kb: OrganisationKB) -> None:
    assert len(default_kb) >= 30


@pytest.mark.parametrize(
    ("mention", "org_id"),
    [
        ("ACME HOLDINGS INC", "acme-holdings"),
        ("Acme Holdings, Inc.", "acme-holdings"),
        ("JPMorgan Chase Bank, N.A.", "jpmorgan-chase-bank"),
        ("Wells Fargo Bank, National Association", "wells-fargo-bank"),
        ("Deutsche Bank AG", "deutsche-bank"),
        ("the Bank of New York Mellon", "bny-mellon"),
    ],
)
def test_exact_alias_linking(default_kb: OrganisationKB, mention: str, org_id: str) -> None:
    link = default_kb.link(mention)
    assert link["status"] == "ok"
    assert (link["id"], link["method"], link["score"]) == (org_id, "exact", 100.0)


def test_fuzzy_linking_above_threshold(default_kb: OrganisationKB) -> None:
    link = default_kb.link("Barclay Bank PLC")
    assert link["method"] == "fuzzy"
    assert link["canonical"] == "Barclays Bank PLC"
    assert 90 <= link["score"] < 100


def test_not_found_below_threshold(default_kb: OrganisationKB) -> None:
    link = default_kb.link("Widget Manufacturing Co")
    assert link["status"] == "not_found"
    assert "<" in link["reason"]


def test_threshold_is_configurable() -> None:
    strict = OrganisationKB(load_organisations(DEFAULT_KB), threshold=99)
    assert strict.link("Barclay Bank PLC")["status"] == "not_found"


def test_jsonl_kb_with_identifier(tmp_path: Path) -> None:
    path = tmp_path / "orgs.jsonl"
    rows = [
        {
            "id": "x1",
            "name": "Example Widgets Ltd.",
            "aliases": ["ExWid"],
            "lei": "ABCDEFGHIJ1234567890",
        },
        {"id": "x2", "name": "Other Things GmbH", "aliases": "Other|OT", "country": "de"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    kb = OrganisationKB.from_file(path)
    assert kb.link("exwid")["id"] == "x1"
    assert kb.link("ABCDEFGHIJ1234567890")["method"] == "identifier"
    assert kb.link("Other Things")["country"] == "DE"


def test_loading_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,name,aliases,lei,country\n"
        "a,Alpha Corp,,,US\n"
        "a,Again,,,\n"
        "b,,,,\n"
        "c,Gamma,Alpha Inc,,\n"
        "d,Delta,,,ZZ\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_organisations(path)
    message = str(caught.value)
    assert f"{path}, line 3: duplicate id 'a' (first on line 2)" in message
    assert f"{path}, line 4: empty 'name'" in message
    assert "line 5: name 'Alpha Inc' normalises to 'alpha', already used by id 'a'" in message
    assert "line 6: country 'ZZ'" in message


def test_loading_errors_in_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "name": "A"}\n{not json\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2: invalid JSON"):
        load_organisations(path)


def test_missing_columns_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("name,aliases\nAlpha,\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 1: missing column\(s\): id"):
        load_organisations(path)


# ----------------------------------------------------------------------------- enrichment

CONTRACT = (
    "This Agreement is made on the 5th day of January, 2024 between Acme Holdings, Inc. "
    '("Acme") and Jane Doe. ACME HOLDINGS INC shall pay Two Million Dollars ($2,000,000) '
    "under the laws of the State of Delaware. Payment is due on the 5th day."
)


def contract_entities() -> list[Entity]:
    return [
        entity(CONTRACT, "the 5th day of January, 2024", "DATE"),
        entity(CONTRACT, "Acme Holdings, Inc.", "ORG"),
        entity(CONTRACT, "Jane Doe", "PERSON"),
        entity(CONTRACT, "ACME HOLDINGS INC", "ORG"),
        entity(CONTRACT, "Two Million Dollars ($2,000,000)", "MONEY"),
        entity(CONTRACT, "the State of Delaware", "JURISDICTION"),
        entity(CONTRACT, "the 5th day", "DATE", after=CONTRACT.index("Payment")),
    ]


def test_enrich_links_every_label(enricher: Enricher) -> None:
    given = contract_entities()
    out = enricher.enrich(CONTRACT, given)
    links = [e.extra.get("link", {}) for e in out]
    assert links[0] == {"status": "ok", "iso": "2024-01-05"}
    assert links[1]["id"] == "acme-holdings"
    assert "link" not in out[2].extra  # PERSON untouched
    assert out[2] is given[2]
    assert links[3]["canonical"] == "Acme Holdings, Inc."
    assert links[4] == {"status": "ok", "amount": 2_000_000, "currency": "USD"}
    assert links[5]["codes"] == ["US-DE"]
    assert links[6]["status"] == "unparsed"
    assert all(not e.extra for e in given)  # the input is not changed
    assert all(CONTRACT[e.start : e.end] == e.text for e in out)
    json.dumps([e.to_dict() for e in out])


def test_enrich_rejects_entities_from_another_text(enricher: Enricher) -> None:
    with pytest.raises(ValueError, match="does not match the text"):
        enricher.enrich("something else entirely", contract_entities())


def test_group_mentions_counts_repeats(enricher: Enricher) -> None:
    groups = group_mentions(enricher.enrich(CONTRACT, contract_entities()))
    by_id = {g["id"]: g for g in groups}
    acme = by_id["acme-holdings"]
    assert acme["count"] == 2
    assert acme["label"] == "ORG"
    assert acme["first_offset"] == CONTRACT.index("Acme Holdings, Inc.")
    assert acme["texts"] == ["Acme Holdings, Inc.", "ACME HOLDINGS INC"]
    assert by_id["2024-01-05"]["count"] == 1
    assert by_id["US-DE"]["canonical"] == "Delaware"
    # unparsed and untouched mentions have no identity to group by
    assert {g["label"] for g in groups} == {"ORG", "DATE", "MONEY", "JURISDICTION"}
    assert [g["first_offset"] for g in groups] == sorted(g["first_offset"] for g in groups)


def test_org_links_are_cached(enricher: Enricher) -> None:
    enricher.link("ORG", "Citibank, N.A.")
    enricher.link("ORG", "Citibank, N.A.")
    assert enricher._link_org.cache_info().hits >= 1  # type: ignore[attr-defined]


def test_from_config_reads_the_default_yaml() -> None:
    import yaml

    cfg = yaml.safe_load((REPO_ROOT / "conf" / "kb" / "default.yaml").read_text())
    enricher = Enricher.from_config(cfg)
    assert enricher.date_order == "MDY"
    assert enricher.country_preference == ("US",)
    assert enricher.organisations is not None and len(enricher.organisations) >= 30


def test_from_config_accepts_a_dictconfig_and_overrides(tmp_path: Path) -> None:
    from omegaconf import OmegaConf

    cfg = OmegaConf.create(
        {"organisations": None, "date_order": "DMY", "country_preference": ["GE"]}
    )
    enricher = Enricher.from_config(cfg)
    assert enricher.link("DATE", "01/02/2024") == {"status": "ok", "iso": "2024-02-01"}
    assert enricher.link("JURISDICTION", "Georgia") == {
        "status": "ok",
        "codes": ["GE"],
        "names": ["Georgia"],
        "ambiguous": [
            {
                "text": "Georgia",
                "chosen": "GE",
                "alternatives": ["GE", "US-GA"],
                "preference": ["GE"],
            }
        ],
    }
    assert enricher.link("ORG", "Acme") == {
        "status": "not_found",
        "reason": "no organisations knowledge base configured",
    }


def test_from_config_rejects_unknown_keys() -> None:
    with pytest.raises(ValueError, match=r"unknown kb setting.*fuzzy_treshold"):
        KBConfig.from_mapping({"fuzzy_treshold": 80})


def test_relative_paths_resolve_from_the_repo_root(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_path("conf/kb/organisations.csv") == DEFAULT_KB
    assert resolve_path("conf/kb/organisations.csv", must_exist=True) == DEFAULT_KB
    # Found nowhere: as given for its reader to name, or an error naming it.
    assert resolve_path("conf/kb/nowhere.csv") == Path("conf/kb/nowhere.csv")
    with pytest.raises(FileNotFoundError, match=r"nowhere\.csv"):
        resolve_path("conf/kb/nowhere.csv", must_exist=True)
    with pytest.raises(FileNotFoundError, match=r"nowhere\.csv"):
        Enricher.from_config({"organisations": "conf/kb/nowhere.csv"})


def test_nerkit_kb_does_not_import_hydra() -> None:
    code = "import sys, nerkit.kb, nerkit.postprocess; assert 'hydra' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
