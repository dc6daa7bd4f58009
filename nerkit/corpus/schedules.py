"""What each contract type attaches after its signatures, by the names its data file
(``data/clauses_<type>.yaml``) gives: forms written from ``data/forms.yaml``, listings from
``data/disclosures.yaml`` and tables computed in :mod:`nerkit.corpus.tables`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from nerkit.corpus.clauses import ContractClauses, contract_clauses
from nerkit.corpus.datafiles import CorpusDataError
from nerkit.corpus.disclosures import listings
from nerkit.corpus.forms import forms
from nerkit.corpus.layout import ScheduleWriter
from nerkit.corpus.tables import TABLES


@dataclass(frozen=True)
class Attachments:
    schedules: tuple[tuple[ScheduleWriter, float], ...]  # with each one's share of the budget
    fillers: tuple[ScheduleWriter, ...]  # attached in order while the contract is short


@functools.cache
def schedule_writers() -> dict[str, ScheduleWriter]:
    """Every schedule by name; a name may not stand for two of them."""
    writers: dict[str, ScheduleWriter] = dict(TABLES)
    _add_writers(writers, "forms.yaml", {name: form.write for name, form in forms().items()})
    listed = {name: listing.write for name, listing in listings().items()}
    _add_writers(writers, "disclosures.yaml", listed)
    return writers


@functools.cache
def attachments(contract_type: str) -> Attachments:
    return resolve_attachments(contract_clauses(contract_type))


def resolve_attachments(clauses: ContractClauses) -> Attachments:
    """The writers a contract type's data file names; an unknown name is an error."""
    return Attachments(
        schedules=tuple(
            (_writer(clauses, "schedules", name), weight)
            for name, weight in clauses.schedules.items()
        ),
        fillers=tuple(_writer(clauses, "fillers", name) for name in clauses.fillers),
    )


def _add_writers(
    writers: dict[str, ScheduleWriter], file: str, more: Mapping[str, ScheduleWriter]
) -> None:
    for name, write in more.items():
        if name in writers:
            problem = "another schedule has this name; rename one"
            raise CorpusDataError(f"nerkit/corpus/data/{file}: {name}: {problem}")
        writers[name] = write


def _writer(clauses: ContractClauses, place: str, name: str) -> ScheduleWriter:
    writers = schedule_writers()
    if name not in writers:
        known = ", ".join(sorted(writers))
        problem = f"no schedule is called {name!r} (the schedules: {known})"
        raise CorpusDataError(f"{clauses.file}: {place}: {problem}")
    return writers[name]
