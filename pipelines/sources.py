"""The sources Insight lands, each defined once: its contract, its kind of document, how it
conforms, how the orchestrator describes it and where trends read its offence.

Everything that names or lists sources derives from :data:`SOURCES` — the landing, conform,
the suites' parameters, trends, extraction and evaluation, the Dagster assets and jobs. Adding a
source is adding one :class:`Source` here (see the README, "Adding a source").

The contract's field lists stay in ``pipelines/land/sources.py``: the landing runs them on the
executors and must not import conform; this module composes them with conform's builders.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pyspark.sql import DataFrame

from pipelines import conform
from pipelines.land import sources as contract
from pipelines.land.fields import SourceSpec

Builder = Callable[[DataFrame, "Source"], DataFrame]


@dataclass(frozen=True)
class Source:
    """One source of the drop zone, everything about it in one place.

    Args:
        spec: its contract: raw folder (``spec.name``), file format, fields, required fields, id field.
        kind: the ``source`` of the documents its records become (``silver.documents``, ``doc_id`` prefix).
        description: what the Dagster asset of its bronze table shows.
        document_builder: bronze → ``silver.documents`` rows (``conform.DOCUMENT_COLUMNS``).
        record_builder: bronze → ``silver.records`` rows, for a source with structured facts.
        part_kind: the kind of the documents a record holds inside it (a message's attachments).
        offence_fields: the fields that name its offence, ``field.member`` inside a list of
            objects; trends read them, else the document's title and text.
        offence_category: the one category every record of it is about (a stolen vehicle).
        coordinates: its latitude and longitude fields, which hotspots place its records by.
        free_text: its documents are text an author wrote (after a header block rendered from its
            fields), which extraction scores apart from text rendered from fields.
        watchlist: its subjects are wanted or sought: alerts watch for them.
    """

    spec: SourceSpec
    kind: str
    description: str
    document_builder: Builder
    record_builder: Builder | None = None
    part_kind: str | None = None
    offence_fields: tuple[str, ...] = ()
    offence_category: str | None = None
    coordinates: tuple[str, str] | None = None
    free_text: bool = False
    watchlist: bool = False

    @property
    def name(self) -> str:
        """Its raw folder and bronze table: ``raw/<name>/``, ``bronze/<name>``."""
        return self.spec.name

    @property
    def id_field(self) -> str:
        return self.spec.id_field

    @property
    def document_kinds(self) -> tuple[str, ...]:
        return (self.kind, self.part_kind) if self.part_kind else (self.kind,)

    def documents(self, bronze: DataFrame) -> DataFrame:
        return self.document_builder(bronze, self)

    def records(self, bronze: DataFrame) -> DataFrame:
        if self.record_builder is None:
            raise ValueError(f"{self.name} has no structured records")
        return self.record_builder(bronze, self)


@dataclass(frozen=True)
class Sources:
    """The registry: the sources in their order, and the lists every caller derives from them."""

    sources: tuple[Source, ...]

    def __post_init__(self) -> None:
        for what, values in (("name", [s.name for s in self]), ("document kind", self.document_kinds)):
            if len(set(values)) != len(values):
                raise ValueError(f"two sources share a {what}: {values}")

    def __iter__(self) -> Iterator[Source]:
        return iter(self.sources)

    def __getitem__(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)

    def adding(self, *sources: Source) -> Sources:
        """This registry and ``sources`` after it: how a new source is tried before it is added here."""
        return Sources((*self.sources, *sources))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self)

    @property
    def landed(self) -> tuple[str, ...]:
        """Every folder of ``raw/`` the landing reads: the sources, then the owners' withdrawals."""
        return (*self.names, contract.WITHDRAWALS)

    @property
    def document_kinds(self) -> tuple[str, ...]:
        return tuple(kind for s in self for kind in s.document_kinds)

    @property
    def withdrawals(self) -> SourceSpec:
        return contract.withdrawals_spec(self.names)

    def spec(self, name: str) -> SourceSpec:
        """The contract of a folder of ``raw/`` (a source or the withdrawals)."""
        return self.withdrawals if name == contract.WITHDRAWALS else self[name].spec


SOURCES = Sources((
    Source(contract.NOTICES, "notice",
           "Published notices (red, yellow, blue, …) as landed from raw/notices/*.jsonl.",
           conform.notice_documents, conform.notice_records,
           offence_fields=("arrest_warrants.charge",), watchlist=True),
    Source(contract.DIFFUSIONS, "diffusion",
           "Diffusions sent by a country to chosen others, from raw/diffusions/*.jsonl.",
           conform.diffusion_documents, conform.diffusion_records,
           offence_fields=("arrest_warrants.charge", "summary"), watchlist=True),
    Source(contract.MESSAGES, "message",
           "Messages between National Central Bureaus with their attachments' text, from raw/messages/*.eml.",
           conform.message_documents, part_kind="attachment", free_text=True),
    Source(contract.REPORTS, "report", "Police reports in en/es/pt/fr, from raw/reports/*.jsonl.",
           conform.report_documents, offence_fields=("offence",), coordinates=("lat", "lon"),
           free_text=True),
    Source(contract.SLTD, "sltd", "Stolen and lost travel documents, from raw/sltd/*.csv.",
           conform.sltd_documents, conform.sltd_records, offence_category="travel_document"),
    Source(contract.SMV, "smv", "Stolen motor vehicles, from raw/smv/*.csv.",
           conform.smv_documents, conform.smv_records, offence_category="vehicle_theft"),
    Source(contract.NOMINALS, "nominal", "Persons known to police, from raw/nominals/*.csv.",
           conform.nominal_documents, conform.nominal_records, offence_fields=("offences",)),
))
