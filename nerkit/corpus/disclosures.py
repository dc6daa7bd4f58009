"""Schedules that list rows: insurers, contracts, proceedings, property, debt and
subcontractors, each row naming parties, dates and amounts.

What each lists lives in ``data/disclosures.yaml``: heading, intro, how many rows its
budget buys, and the row as a template (:func:`nerkit.corpus.template.render_row`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from nerkit.corpus.builder import Piece
from nerkit.corpus.clauses import CLAUSE_PLACEHOLDERS
from nerkit.corpus.datafiles import DataNode, data_file
from nerkit.corpus.layout import heading, rows_for
from nerkit.corpus.template import render_row
from nerkit.corpus.writer import ContractWriter

RowWriter = Callable[[ContractWriter], list[Piece]]


def real_property_row(writer: ContractWriter) -> list[Piece]:
    """An address, owned or leased: a coin toss the row templates have no mark for."""
    address = ", ".join(writer.deal.people.address(writer.deal.any_home()))
    if writer.rng.random() < 0.5:
        return [f"{address} — owned in fee simple"]
    return [
        f"{address} — leased from ",
        *writer.deal.fill("ORG"),
        " until ",
        *writer.deal.fill("FUTURE_DATE"),
    ]


# Listings whose data file gives no row: their rows are written here.
ROWS_IN_CODE: dict[str, RowWriter] = {"real_property": real_property_row}


@dataclass(frozen=True)
class RowCount:
    """How many rows a budget buys: ``(budget - reserve) // tokens_each``, within bounds."""

    fewest: int
    most: int
    tokens_each: int
    reserve: int  # tokens for the heading and intro

    def for_budget(self, budget: int) -> int:
        return rows_for(budget - self.reserve, self.fewest, self.most, self.tokens_each)


@dataclass(frozen=True)
class Listing:
    label: str
    title: str
    intro: str | None
    rows: RowCount
    numbered: bool
    row: RowWriter

    def write(self, writer: ContractWriter, budget: int) -> None:
        heading(writer, self.label, self.title)
        if self.intro is not None:
            writer.paragraph(self.intro)
        rows = [self.row(writer) for _ in range(self.rows.for_budget(budget))]
        if self.numbered:
            rows = [[f"{number}. ", *row] for number, row in enumerate(rows, start=1)]
        writer.lines(rows)


@functools.cache
def listings() -> dict[str, Listing]:
    node = data_file("disclosures.yaml")
    entries = dict(node.entries())
    if "lists" not in entries:
        node.fail("missing lists (the named lists rows draw from)")
    lists = {name: values.texts() for name, values in entries.pop("lists").entries()}
    return {name: read_listing(name, entry, lists) for name, entry in entries.items()}


def read_listing(name: str, node: DataNode, lists: Mapping[str, tuple[str, ...]]) -> Listing:
    fields = node.fields(("label", "title", "rows"), ("intro", "numbered", "row"))
    intro = fields.get("intro")
    numbered = fields.get("numbered")
    return Listing(
        label=fields["label"].text(),
        title=fields["title"].text(),
        intro=intro.template(CLAUSE_PLACEHOLDERS) if intro else None,
        rows=read_row_count(fields["rows"]),
        numbered=numbered.flag() if numbered else True,
        row=_row_writer(name, node, fields.get("row"), lists),
    )


def read_row_count(node: DataNode) -> RowCount:
    fields = node.fields(("fewest", "most", "tokens_each", "reserve"))
    count = RowCount(**{key: value.integer() for key, value in fields.items()})
    if not 0 < count.fewest <= count.most or count.tokens_each < 1:
        node.fail("rows need 0 < fewest <= most and tokens_each of at least 1")
    return count


def _row_writer(
    name: str, node: DataNode, row: DataNode | None, lists: Mapping[str, tuple[str, ...]]
) -> RowWriter:
    if row is None:
        if name not in ROWS_IN_CODE:
            node.fail("missing row (only the listings of ROWS_IN_CODE write theirs in Python)")
        return ROWS_IN_CODE[name]
    if name in ROWS_IN_CODE:
        row.fail(f"{name}'s rows are written in Python (ROWS_IN_CODE); drop this row")
    template = row.row(CLAUSE_PLACEHOLDERS, lists)
    return lambda writer: render_row(template, writer.deal.fill, writer.rng, lists)
