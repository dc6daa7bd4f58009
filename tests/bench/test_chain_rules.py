"""bench.chain_rules: the recorded chain, then the chain less each rule."""

from __future__ import annotations

from bench.chain_rules import chains_without_each_rule

THRESHOLD = {"_target_": "nerkit.postprocess.ScoreThreshold", "default": 0.0}
ALIASES = {"_target_": "nerkit.aliases.DefinedTermAliases", "labels": None}


def test_each_rule_is_left_out_once_in_order():
    chains = chains_without_each_rule([THRESHOLD, ALIASES])
    assert chains == {
        "as recorded": [THRESHOLD, ALIASES],
        "without ScoreThreshold": [ALIASES],
        "without DefinedTermAliases": [THRESHOLD],
    }


def test_an_empty_chain_is_read_as_recorded_only():
    assert chains_without_each_rule([]) == {"as recorded": []}


def test_recorded_rules_take_the_settings_shipped_today():
    from bench.chain_rules import with_shipped_settings

    today = {**ALIASES, "labels": ["ORG"], "ignore_terms": []}
    threshold_today = {**THRESHOLD, "default": 0.5}
    shipped = [threshold_today, today]
    names = {"DefinedTermAliases"}
    assert with_shipped_settings([THRESHOLD, ALIASES], shipped, names) == [THRESHOLD, today]
    assert with_shipped_settings([THRESHOLD], shipped, names) == [THRESHOLD]
