"""Schedules and exhibits written from ``data/forms.yaml`` alone: forms of notes,
guaranties, certificates, opinions and agreements, and the fixed schedules. Long
contracts carry several, as real ones do.

A form is a heading and a body of blocks (the data file's header says what each block
writes); the blocks that reuse the clause library's articles name them by key, and a
signature block names its signer alone: the lines under it are the file's ``signature``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from nerkit.corpus.clauses import CLAUSE_PLACEHOLDERS, Article, Section, all_articles
from nerkit.corpus.datafiles import DataNode, data_file
from nerkit.corpus.layout import heading, numbered_paragraphs, numbered_sections, pick
from nerkit.corpus.writer import ContractWriter


@dataclass(frozen=True)
class Paragraph:
    template: str
    when_budget_over: int | None = None  # written only where the budget exceeds this


@dataclass(frozen=True)
class Lines:
    templates: tuple[str, ...]


@dataclass(frozen=True)
class Numbered:
    templates: tuple[str, ...]


@dataclass(frozen=True)
class Sections:
    """Sections of clause-library articles, numbered, as many as the budget allows."""

    sections: tuple[Section, ...]
    reserve: int  # tokens kept for the rest of the form


Block = Paragraph | Lines | Numbered | Sections


@dataclass(frozen=True)
class Form:
    labels: tuple[str, ...]  # one is chosen at random
    titles: tuple[str, ...]
    body: tuple[Block, ...]

    def write(self, writer: ContractWriter, budget: int) -> None:
        heading(writer, pick(writer, self.labels), pick(writer, self.titles))
        for block in self.body:
            write_block(writer, block, budget)


@functools.cache
def forms() -> dict[str, Form]:
    fields = data_file("forms.yaml").fields(("signature", "forms"))
    signature = read_signature(fields["signature"])
    return {name: read_form(node, signature) for name, node in fields["forms"].entries()}


def write_block(writer: ContractWriter, block: Block, budget: int) -> None:
    if isinstance(block, Paragraph):
        if block.when_budget_over is None or budget > block.when_budget_over:
            writer.paragraph(block.template)
    elif isinstance(block, Lines):
        writer.lines([writer.deal.render(template) for template in block.templates])
    elif isinstance(block, Numbered):
        numbered_paragraphs(writer, block.templates)
    else:
        numbered_sections(writer, block.sections, budget - block.reserve)


# -- reading the data file ------------------------------------------------------------


def read_signature(node: DataNode) -> tuple[str, ...]:
    """The lines every signature block writes under its signer ("By: ____", "Name: ...")."""
    lines = node.templates(CLAUSE_PLACEHOLDERS)
    if not lines:
        node.fail("give the lines written under a signer, e.g. ['By: ____', 'Name: [●]']")
    return lines


def read_form(node: DataNode, signature: tuple[str, ...]) -> Form:
    """A form; ``signature`` is what its signature blocks write under the signer."""
    fields = node.fields(("label", "title", "body"))
    return Form(
        labels=fields["label"].one_or_more(),
        titles=fields["title"].one_or_more(),
        body=tuple(read_block(element, signature) for element in fields["body"].elements()),
    )


def read_block(node: DataNode, signature: tuple[str, ...]) -> Block:
    kinds = ("paragraph", "lines", "signature", "numbered", "sections")
    fields = node.fields((), (*kinds, "when_budget_over"))
    given = [kind for kind in kinds if kind in fields]
    if len(given) != 1:
        node.fail(f"a block is one of {', '.join(kinds)}")
    kind, value = given[0], fields[given[0]]
    if "when_budget_over" in fields and kind != "paragraph":
        node.fail("only a paragraph may be written when_budget_over")
    if kind == "paragraph":
        limit = fields.get("when_budget_over")
        return Paragraph(value.template(CLAUSE_PLACEHOLDERS), limit.integer() if limit else None)
    if kind == "lines":
        return read_lines(value, signature)
    if kind == "signature":
        return Lines((read_signer(value), *signature))
    if kind == "numbered":
        return Numbered(value.templates(CLAUSE_PLACEHOLDERS))
    return read_sections(value)


def read_lines(node: DataNode, signature: tuple[str, ...]) -> Lines:
    templates = node.templates(CLAUSE_PLACEHOLDERS)
    if len(templates) > 1 and templates[1:] == signature:
        signer = f"signature: {templates[0]!r}"
        node.fail(f"these lines are the shared signature block: write {signer} instead")
    return Lines(templates)


def read_signer(node: DataNode) -> str:
    """A signature block's one line of its own, the signer's."""
    if isinstance(node.value, list):
        first = f"{node.value[0]!r}" if node.value else "'{A_CAPS}'"
        node.fail(
            f"a signature block names its signer alone (signature: {first}); "
            "the lines under it are the file's top-level signature"
        )
    return node.template(CLAUSE_PLACEHOLDERS)


def read_sections(node: DataNode) -> Sections:
    fields = node.fields(("from",), ("skip", "as_guarantor", "reserve"))
    articles = all_articles()
    sections: list[Section] = []
    for element in fields["from"].elements():
        key = element.text()
        if key not in articles:
            element.fail(f"no article of the clause library has the key {key!r}")
        if not all(". " in item for item in articles[key].items):
            element.fail(f"every item of {key!r} must open with a heading sentence")
        sections += article_sections(articles[key])
    skip = fields["skip"].integer() if "skip" in fields else 0
    if "as_guarantor" in fields and fields["as_guarantor"].flag():
        sections = [as_guarantor(section) for section in sections]
    reserve = fields["reserve"].integer() if "reserve" in fields else 0
    return Sections(tuple(sections[skip:]), reserve)


def article_sections(article: Article) -> list[Section]:
    """An article's sections, then its lettered items as sections headed by their first
    sentence ("Conformity. Conform to ..." is headed "Conformity")."""
    items = [Section(item.split(".")[0], (item.split(". ", 1)[1],)) for item in article.items]
    return [*article.sections, *items]


def as_guarantor(section: Section) -> Section:
    """The section as a guaranty signed by the guarantor alone words it."""
    return Section(section.heading, tuple(v.replace("{C}", "Guarantor") for v in section.variants))
