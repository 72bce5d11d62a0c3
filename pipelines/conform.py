"""Conform: bronze tables → ``silver.documents`` (one searchable text per record, message and
attachment) and ``silver.records`` (structured facts in one model across sources).

Every function here is a pure ``DataFrame -> DataFrame`` transformation.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import reduce
from typing import TYPE_CHECKING

import pandas as pd
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from pipelines.config import ACCESS
from pipelines.identifiers import canonical_identifier
from pipelines.vocabulary import SECRETARIAT

if TYPE_CHECKING:  # pipelines.sources imports the builders below; they receive their Source
    from pipelines.sources import Source, Sources


def access_group() -> list[Column]:
    """The access fields, ``restricted_to`` sorted and never null, so equal groups group and join."""
    restricted = F.array_sort(F.coalesce(F.col("restricted_to"), F.array().cast("array<string>")))
    return [F.col("owner_country"), restricted.alias("restricted_to"), F.col("classification")]

# What trends and hotspots read of a document's record, kept in silver so that no gold table
# reads bronze: the offences its fields name (null: read its text), where it happened.
PATTERN_COLUMNS = ["offences", "lat", "lon"]
DOCUMENT_COLUMNS = [
    "doc_id", "source", "source_id", "parent_doc_id", "subtype", "title", "body", "language",
    "country", "event_date", "case_ref", *ACCESS, "src_file", "landed_at", *PATTERN_COLUMNS,
]

RECORD_COLUMNS = [
    "record_id", "doc_id", "source", "source_id", "record_type", "role", "related_record_id",
    "full_name", "given_names", "family_name", "aliases", "date_of_birth", "sex", "nationalities",
    "place_of_birth", "value", "canonical", "value_country", "properties", "event_date", *ACCESS,
]

def document_root() -> Column:
    """The record of the raw source a document comes from, as a document id (``notice:2024/123``):
    its own, or its message's for an attachment. What an increment recomputes is every row of the
    records that new bronze rows and withdrawals touch."""
    return F.coalesce(F.col("parent_doc_id"), F.col("doc_id"))


def record_root() -> Column:
    """The record of the raw source a ``silver.records`` row comes from: its document (see :func:`document_root`)."""
    return F.col("doc_id")


def touched_ids(new_bronze: Mapping[str, DataFrame], new_withdrawals: DataFrame | None,
                sources: Sources) -> dict[str, DataFrame]:
    """Per source, the ids (one column, ``id``) whose current record may differ after new bronze
    rows (a new record, or a version re-sent) and new withdrawals: every other record's silver
    rows stay as they are."""
    touched = {}
    for source, rows in new_bronze.items():
        ids = rows.select(F.col(sources[source].id_field).cast("string").alias("id"))
        if new_withdrawals is not None:
            ids = ids.unionByName(new_withdrawals.where(F.col("source") == source)
                                  .select(F.col("source_id").cast("string").alias("id")))
        touched[source] = ids.distinct()
    return touched


def only_ids(bronze: Mapping[str, DataFrame], ids: Mapping[str, DataFrame], sources: Sources) -> dict[str, DataFrame]:
    """Every bronze row (all versions) of the touched ids: what their current records are made of."""
    return {source: df.join(F.broadcast(ids[source]), F.col(sources[source].id_field).cast("string") == F.col("id"),
                            "left_semi")
            for source, df in bronze.items()}


def touched_roots(ids: Mapping[str, DataFrame], sources: Sources) -> DataFrame:
    """The document ids (one column, ``root``) of the touched records (see :func:`document_root`)."""
    roots = [df.select(F.concat(F.lit(f"{sources[source].kind}:"), F.col("id")).alias("root"))
             for source, df in ids.items()]
    return reduce(DataFrame.unionByName, roots).distinct()


def latest_version(bronze: DataFrame, id_field: str) -> DataFrame:
    """One row per id: a record re-sent in a later file replaces the earlier one."""
    order = Window.partitionBy(id_field).orderBy(
        F.col("landed_at").desc(), F.col("src_file").desc(), F.col("src_line").desc_nulls_last()
    )
    return bronze.withColumn("_rank", F.row_number().over(order)).where("_rank = 1").drop("_rank")


def current_records(bronze: Mapping[str, DataFrame], sources: Sources,
                    withdrawals: DataFrame | None = None) -> dict[str, DataFrame]:
    """Per source, the latest version of each record, less those its owner withdrew.

    A withdrawal counts when its ``withdrawn_by`` owns the record (or is the General Secretariat)
    and it landed no earlier than the record's version: a record the owner sends again afterwards
    is back. A withdrawal by anyone else changes nothing (the silver/documents suite flags it).
    """
    current = {}
    for source, df in bronze.items():
        id_field = sources[source].id_field
        latest = latest_version(df, id_field)
        if withdrawals is not None:
            theirs = withdrawals.where(F.col("source") == source).select(
                F.col("source_id").alias("_withdrawn_id"), F.col("withdrawn_by").alias("_withdrawn_by"),
                F.col("landed_at").alias("_withdrawn_landed_at"))
            withdrawn = ((F.col(id_field) == F.col("_withdrawn_id"))
                         & ((F.col("_withdrawn_by") == F.col("owner_country"))
                            | (F.col("_withdrawn_by") == SECRETARIAT))
                         & (F.col("landed_at") <= F.col("_withdrawn_landed_at")))
            latest = latest.join(theirs, withdrawn, "left_anti")
        current[source] = latest
    return current


def _header_then(header: Column, text: Column) -> Column:
    """A header block and the text its author wrote, a blank line apart (extraction tells them apart)."""
    return F.concat_ws("\n\n", F.when(header != "", header), text)


def _line(label: str, value: Column) -> Column:
    """``label: value``, or null (dropped by ``concat_ws``) when the value is empty."""
    return F.when(value.isNotNull() & (F.length(value) > 0), F.concat(F.lit(f"{label}: "), value))


def _joined(values: Column, sep: str = "; ") -> Column:
    return F.when(F.size(values) > 0, F.array_join(values, sep))


def _person_name(forename: str, family: str) -> Column:
    return F.nullif(F.trim(F.concat_ws(" ", F.col(forename), F.col(family))), F.lit(""))


def _person_lines() -> list[Column]:
    """Rendered lines of the person fields shared by notices and diffusions."""
    return [
        _line("Name", F.concat_ws(", ", F.col("name"), F.col("forename"))),
        _line("Aliases", _joined(F.transform("aliases", lambda a: F.trim(F.concat_ws(" ", a["forename"], a["name"]))))),
        _line("Born", F.concat_ws(" ", F.col("date_of_birth"), F.concat(F.lit("in "), F.col("place_of_birth")),
                                  F.concat(F.lit("("), F.col("country_of_birth_id"), F.lit(")")))),
        _line("Sex", F.col("sex_id")),
        _line("Nationalities", _joined(F.col("nationalities"), ", ")),
        _line("Identity documents", _joined(F.transform(
            "identity_documents",
            lambda d: F.concat_ws(" ", d["type"], d["number"], F.concat(F.lit("("), d["issuing_country"], F.lit(")"))),
        ))),
        _line("Phones", _joined(F.col("phones"))),
        _line("Arrest warrants", _joined(F.transform(
            "arrest_warrants", lambda w: F.concat_ws(": ", w["issuing_country_id"], w["charge"])))),
        _line("Distinguishing marks", F.col("distinguishing_marks")),
        _line("Languages spoken", _joined(F.col("languages_spoken_ids"), ", ")),
    ]


def document_rows(df: DataFrame, kind: str, source_id: Column, *, title: Column, body: Column, country: Column,
                  event_date: Column, subtype: Column | None = None, language: Column | None = None,
                  parent_doc_id: Column | None = None, case_ref: Column | None = None) -> DataFrame:
    """``silver.documents`` rows of kind ``kind``: what a source's document builder returns. ``df``
    carries the ``PATTERN_COLUMNS`` (prefixed ``_``) :func:`conform_documents` added to its records."""
    return df.select(
        F.concat(F.lit(f"{kind}:"), source_id).alias("doc_id"),
        F.lit(kind).alias("source"),
        source_id.alias("source_id"),
        (parent_doc_id if parent_doc_id is not None else F.lit(None).cast("string")).alias("parent_doc_id"),
        (subtype if subtype is not None else F.lit(None).cast("string")).alias("subtype"),
        title.alias("title"),
        body.alias("body"),
        (language if language is not None else F.lit(None).cast("string")).alias("language"),
        country.alias("country"),
        event_date.cast("date").alias("event_date"),
        (case_ref if case_ref is not None else F.lit(None).cast("string")).alias("case_ref"),
        *ACCESS,
        "src_file",
        "landed_at",
        *[F.col(f"_{name}").alias(name) for name in PATTERN_COLUMNS],
    )


def notice_documents(notices: DataFrame, source: Source) -> DataFrame:
    kind = F.concat(F.initcap("notice_type"), F.lit(" Notice"))
    return document_rows(
        notices, source.kind, F.col(source.id_field),
        title=F.concat_ws(" ", kind, F.col("notice_id"), F.lit("—"), _person_name("forename", "name")),
        body=F.concat_ws("\n", F.concat_ws(" ", kind, F.col("notice_id")), *_person_lines()),
        country=F.col("owner_country"), event_date=F.col("date_published"), subtype=F.col("notice_type"),
    )


def diffusion_documents(diffusions: DataFrame, source: Source) -> DataFrame:
    kind = F.concat(F.lit("Diffusion ("), F.col("diffusion_type"), F.lit(")"))
    return document_rows(
        diffusions, source.kind, F.col(source.id_field),
        title=F.concat_ws(" ", kind, F.col("diffusion_id"), F.lit("—"), _person_name("forename", "name")),
        body=F.concat_ws("\n", F.concat_ws(" ", kind, F.col("diffusion_id"), F.lit("from"), F.col("issuing_country")),
                         *_person_lines(), F.col("summary")),
        country=F.col("issuing_country"), event_date=F.col("date_sent"), subtype=F.col("diffusion_type"),
    )


def report_documents(reports: DataFrame, source: Source) -> DataFrame:
    return document_rows(
        reports, source.kind, F.col(source.id_field),
        title=F.coalesce(F.col("title"), F.col("offence"), F.col("report_id")),
        body=_header_then(F.concat_ws("\n", _line("Offence", F.col("offence")), _line("Agency", F.col("agency")),
                                      _line("Place", F.col("place"))), F.col("narrative")),
        country=F.col("country"), event_date=F.to_date("reported_at"), language=F.col("language"),
    )


def message_documents(messages: DataFrame, source: Source) -> DataFrame:
    """A message and each of its attachments; attachments inherit the message's access fields."""
    header = F.concat_ws("\n", _line("From", F.col("from_address")), _line("To", _joined(F.col("to_addresses"), ", ")),
                         _line("Cc", _joined(F.col("cc_addresses"), ", ")), _line("Subject", F.col("subject")))
    message = document_rows(
        messages, source.kind, F.col(source.id_field),
        title=F.coalesce(F.col("subject"), F.col("message_id")), body=_header_then(header, F.col("body")),
        country=F.col("owner_country"), event_date=F.to_date("sent_at"), case_ref=F.col("case_ref"),
    )
    exploded = messages.select("*", F.explode("attachments").alias("att"))
    assert source.part_kind, f"{source.name} holds attachments: its Source names their kind"
    attachment = document_rows(
        exploded, source.part_kind, F.concat_ws("/", F.col(source.id_field), F.col("att.filename")),
        title=F.col("att.filename"), body=F.col("att.text"), country=F.col("owner_country"),
        event_date=F.to_date("sent_at"), subtype=F.col("att.content_type"),
        parent_doc_id=F.concat(F.lit(f"{source.kind}:"), F.col(source.id_field)), case_ref=F.col("case_ref"),
    )
    return message.unionByName(attachment)


def sltd_documents(sltd: DataFrame, source: Source) -> DataFrame:
    holder = _person_name("holder_given_names", "holder_family_name")
    return document_rows(
        sltd, source.kind, F.col(source.id_field),
        title=F.concat_ws(" — ", F.concat_ws(" ", F.initcap("status"), F.regexp_replace("document_type", "_", " "),
                                             F.col("document_number"),
                                             F.concat(F.lit("("), F.col("issuing_country"), F.lit(")"))), holder),
        body=F.concat_ws("\n",
                         F.concat_ws(" ", F.lit("Travel document"), F.col("document_number"), F.lit("reported"),
                                     F.col("status"), F.lit("by"), F.col("reporting_country")),
                         _line("Type", F.col("document_type")), _line("Issuing country", F.col("issuing_country")),
                         _line("Reported", F.col("reported_date").cast("string")),
                         _line("Holder", F.concat_ws(", ", F.col("holder_family_name"), F.col("holder_given_names"))),
                         _line("Holder born", F.col("holder_date_of_birth"))),
        country=F.col("issuing_country"), event_date=F.col("reported_date"), subtype=F.col("status"),
    )


def smv_documents(smv: DataFrame, source: Source) -> DataFrame:
    vehicle = F.concat_ws(" ", F.col("make"), F.col("model"), F.col("year").cast("string"), F.col("colour"))
    return document_rows(
        smv, source.kind, F.col(source.id_field),
        title=F.concat_ws(" ", F.lit("Stolen vehicle"), vehicle, F.col("plate")),
        body=F.concat_ws("\n", F.concat_ws(" ", F.lit("Stolen motor vehicle reported by"), F.col("reporting_country")),
                         _line("VIN", F.col("vin")),
                         _line("Plate", F.concat_ws(" ", F.col("plate"),
                                                    F.concat(F.lit("("), F.col("plate_country"), F.lit(")")))),
                         _line("Vehicle", vehicle), _line("Theft date", F.col("theft_date").cast("string"))),
        country=F.coalesce(F.col("plate_country"), F.col("reporting_country")), event_date=F.col("theft_date"),
    )


def nominal_documents(nominals: DataFrame, source: Source) -> DataFrame:
    return document_rows(
        nominals, source.kind, F.col(source.id_field),
        title=F.concat_ws(" ", F.lit("Nominal"), F.col("person_id"), F.lit("—"),
                          _person_name("given_names", "family_name")),
        body=F.concat_ws("\n",
                         F.concat_ws(" ", F.lit("Person known to police"), F.col("person_id"), F.lit("reported by"),
                                     F.col("reporting_country")),
                         _line("Name", F.concat_ws(", ", F.col("family_name"), F.col("given_names"))),
                         _line("Aliases", _joined(F.col("aliases"))), _line("Born", F.col("date_of_birth")),
                         _line("Sex", F.col("sex")), _line("Nationalities", _joined(F.col("nationalities"), ", ")),
                         _line("Passports", _joined(F.col("passport_numbers"))),
                         _line("Identity numbers", _joined(F.col("id_numbers"))),
                         _line("Phones", _joined(F.col("phones"))),
                         _line("E-mails", _joined(F.col("emails"))), _line("Addresses", _joined(F.col("addresses"))),
                         _line("Offences", _joined(F.col("offences")))),
        country=F.col("reporting_country"), event_date=F.lit(None),
    )


def conform_documents(current: Mapping[str, DataFrame], sources: Sources) -> DataFrame:
    """``silver.documents``: every current record of every source (``current_records``), as text,
    with the offences and coordinates its record gives (``PATTERN_COLUMNS``)."""
    parts = [sources[s].documents(_with_pattern_columns(df, sources[s])) for s, df in current.items()]
    return reduce(DataFrame.unionByName, parts).select(*DOCUMENT_COLUMNS)


def _offence_field(source: Source, path: str) -> Column:
    """The texts of one offence field: a list as it is, a value as a list of one, ``field.member`` of
    every object of a list of objects."""
    name, _, member = path.partition(".")
    if member:
        return F.transform(F.coalesce(F.col(name), F.array()), lambda item: item[member])
    field = next(f for f in source.spec.fields if f.name == name)
    return F.col(name) if field.many else F.array(name)


def _with_pattern_columns(records: DataFrame, source: Source) -> DataFrame:
    """``records`` of ``source`` with the offences and coordinates they give (null where the source
    has none), for :func:`document_rows` to carry: ``_offences``, ``_lat``, ``_lon``, apart from the
    records' own fields. A part of a record (an attachment) carries its record's: null, since
    messages name neither."""
    columns = {"offences": F.lit(None).cast("array<string>"), "lat": F.lit(None).cast("double"),
               "lon": F.lit(None).cast("double")}
    if source.offence_fields:
        columns["offences"] = F.concat(*[_offence_field(source, path) for path in source.offence_fields])
    if source.coordinates:
        columns["lat"], columns["lon"] = (F.col(field).cast("double") for field in source.coordinates)
    return records.withColumns({f"_{name}": column for name, column in columns.items()})


# ------------------------------------------------------------------------------------- records


def _record(df: DataFrame, record_type: str, role: str, key: Column, **columns: Column) -> DataFrame:
    """One fact row; unset person or identifier columns are null."""
    typed = {
        "related_record_id": "string", "full_name": "string", "given_names": "string", "family_name": "string",
        "aliases": "array<string>", "date_of_birth": "string", "sex": "string", "nationalities": "array<string>",
        "place_of_birth": "string", "value": "string", "value_country": "string",
        "properties": "map<string,string>",
    }
    values = {name: columns.get(name, F.lit(None)).cast(kind).alias(name) for name, kind in typed.items()}
    return df.select(
        F.concat(F.col("doc_id"), F.lit("#"), key).alias("record_id"),
        "doc_id", "source", "source_id",
        F.lit(record_type).alias("record_type"), F.lit(role).alias("role"),
        *values.values(), "event_date", *ACCESS,
        F.col("_regions"),
    )


def _with_doc(df: DataFrame, source: Source, event_date: Column, regions: Column) -> DataFrame:
    """The columns that tie a fact to its document: the same ``doc_id`` its document builder writes."""
    kind, source_id = source.kind, source.id_field
    return df.withColumns({
        "doc_id": F.concat(F.lit(f"{kind}:"), F.col(source_id)), "source": F.lit(kind), "source_id": F.col(source_id),
        "event_date": event_date.cast("date"), "_regions": regions,
    })


def _wanted_person_records(df: DataFrame) -> DataFrame:
    """Subject, documents and phones of a notice or diffusion (same person fields)."""
    subject_id = F.concat(F.col("doc_id"), F.lit("#subject"))
    person = _record(
        df, "person", "subject", F.lit("subject"),
        full_name=_person_name("forename", "name"), given_names=F.col("forename"), family_name=F.col("name"),
        aliases=F.transform("aliases", lambda a: F.trim(F.concat_ws(" ", a["forename"], a["name"]))),
        date_of_birth=F.col("date_of_birth"), sex=F.col("sex_id"), nationalities=F.col("nationalities"),
        place_of_birth=F.col("place_of_birth"),
    )
    docs = df.select("*", F.posexplode("identity_documents").alias("_i", "_d"))
    documents = _record(
        docs, "identity_document", "held_by_subject", F.concat(F.lit("document"), F.col("_i")),
        related_record_id=subject_id, value=F.col("_d.number"), value_country=F.col("_d.issuing_country"),
        properties=F.create_map(F.lit("document_type"), F.col("_d.type")),
    )
    phones = df.select("*", F.posexplode("phones").alias("_i", "_p"))
    phone_records = _record(phones, "phone", "used_by_subject", F.concat(F.lit("phone"), F.col("_i")),
                            related_record_id=subject_id, value=F.col("_p"))
    return person.unionByName(documents).unionByName(phone_records)


def notice_records(notices: DataFrame, source: Source) -> DataFrame:
    regions = F.concat(F.col("nationalities"), F.array("owner_country", "country_of_birth_id"))
    return _wanted_person_records(_with_doc(notices, source, F.col("date_published"), regions))


def diffusion_records(diffusions: DataFrame, source: Source) -> DataFrame:
    regions = F.concat(F.col("nationalities"), F.array("issuing_country", "owner_country"), F.col("restricted_to"))
    return _wanted_person_records(_with_doc(diffusions, source, F.col("date_sent"), regions))


def sltd_records(sltd: DataFrame, source: Source) -> DataFrame:
    df = _with_doc(sltd, source, F.col("reported_date"),
                   F.array("issuing_country", "reporting_country", "owner_country"))
    holder_id = F.concat(F.col("doc_id"), F.lit("#holder"))
    has_holder = F.col("holder_family_name").isNotNull() | F.col("holder_given_names").isNotNull()
    document = _record(
        df, "identity_document", "reported", F.lit("document"),
        related_record_id=F.when(has_holder, holder_id), value=F.col("document_number"),
        value_country=F.col("issuing_country"),
        properties=F.create_map(F.lit("document_type"), F.col("document_type"), F.lit("status"), F.col("status")),
    )
    holder = _record(
        df.where(has_holder), "person", "holder", F.lit("holder"),
        full_name=_person_name("holder_given_names", "holder_family_name"), given_names=F.col("holder_given_names"),
        family_name=F.col("holder_family_name"), date_of_birth=F.col("holder_date_of_birth"),
        aliases=F.array(), nationalities=F.array("issuing_country"),
    )
    return document.unionByName(holder)


def smv_records(smv: DataFrame, source: Source) -> DataFrame:
    df = _with_doc(smv, source, F.col("theft_date"), F.array("plate_country", "reporting_country"))
    vehicle_id = F.concat(F.col("doc_id"), F.lit("#vehicle"))
    vehicle = _record(
        df, "vehicle", "reported_stolen", F.lit("vehicle"), value=F.col("vin"), value_country=F.col("plate_country"),
        properties=F.create_map(
            F.lit("make"), F.col("make"), F.lit("model"), F.col("model"), F.lit("year"), F.col("year").cast("string"),
            F.lit("colour"), F.col("colour"), F.lit("plate"), F.col("plate"),
        ),
    )
    plate = _record(df.where(F.col("plate").isNotNull()), "plate", "plate_of_vehicle", F.lit("plate"),
                    related_record_id=vehicle_id, value=F.col("plate"), value_country=F.col("plate_country"))
    return vehicle.unionByName(plate)


def nominal_records(nominals: DataFrame, source: Source) -> DataFrame:
    regions = F.concat(F.col("nationalities"), F.array("reporting_country", "owner_country"))
    df = _with_doc(nominals, source, F.lit(None), regions)
    subject_id = F.concat(F.col("doc_id"), F.lit("#subject"))
    person = _record(
        df, "person", "subject", F.lit("subject"),
        full_name=_person_name("given_names", "family_name"), given_names=F.col("given_names"),
        family_name=F.col("family_name"), aliases=F.col("aliases"), date_of_birth=F.col("date_of_birth"),
        sex=F.col("sex"), nationalities=F.col("nationalities"),
    )
    single_nationality = F.when(F.size("nationalities") == 1, F.col("nationalities")[0])
    facts = [  # column, record key, record type, role, country of the value, properties
        ("passport_numbers", "passport", "identity_document", "held_by_subject", single_nationality,
         {"document_type": "passport"}),
        ("id_numbers", "id_number", "identity_document", "held_by_subject", F.col("reporting_country"),
         {"document_type": "national_id"}),
        ("phones", "phone", "phone", "used_by_subject", None, {}),
        ("emails", "email", "email", "used_by_subject", None, {}),
        ("addresses", "address", "address", "lives_at", F.col("reporting_country"), {}),
    ]
    parts = [person]
    for column, key, record_type, role, country, props in facts:
        exploded = df.select("*", F.posexplode(column).alias("_i", "_v"))
        properties = F.create_map(*[F.lit(x) for kv in props.items() for x in kv]) if props else F.lit(None)
        parts.append(_record(
            exploded, record_type, role, F.concat(F.lit(key), F.col("_i")),
            related_record_id=subject_id, value=F.col("_v"),
            value_country=country if country is not None else F.lit(None), properties=properties,
        ))
    return reduce(DataFrame.unionByName, parts)


@F.pandas_udf(StringType())
def _canonical(record_type: pd.Series, value: pd.Series, regions: pd.Series) -> pd.Series:
    return pd.Series(
        [canonical_identifier(t, v, list(r) if r is not None else []) for t, v, r in zip(record_type, value, regions)]
    )


def conform_records(current: Mapping[str, DataFrame], sources: Sources) -> DataFrame:
    """``silver.records``: persons and their identifiers, documents and vehicles, one model.

    Messages and reports carry no structured facts; what their text names comes from extraction.
    """
    parts = [sources[s].records(df) for s, df in current.items() if sources[s].record_builder]
    records = reduce(DataFrame.unionByName, parts)
    regions = F.filter(F.concat(F.array("value_country"), F.col("_regions")), lambda r: r.isNotNull())
    canonical = _canonical(F.col("record_type"), F.col("value"), regions)
    return records.withColumn("canonical", canonical).select(*RECORD_COLUMNS)
