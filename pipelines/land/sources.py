"""The contract of each source of ``contracts/raw-sources.md`` and of the owners' withdrawals, as field lists.

A source's whole definition (its kind of document, builders, description) is ``pipelines.sources``;
this module holds only what the landing needs, so that it imports nothing of conform.
"""
from __future__ import annotations

import pyarrow as pa

from pipelines.land.fields import (
    ACCESS_FIELDS,
    COUNTRY,
    DATE,
    FLOAT,
    INT,
    OWNER,
    PARTIAL_DATE,
    TIMESTAMP,
    Field,
    SourceSpec,
    arrow_fields,
    enum,
)

NOTICE_TYPES = ("red", "yellow", "blue", "black", "green", "orange", "purple", "silver")
DIFFUSION_TYPES = ("wanted", "missing", "information", "warning")

_PERSON_FIELDS: tuple[Field, ...] = (
    Field("forename"),
    Field("name"),
    Field("date_of_birth", PARTIAL_DATE),
    Field("sex_id", enum("M", "F", "U", upper=True)),
    Field("nationalities", COUNTRY, many=True),
    Field("country_of_birth_id", COUNTRY),
    Field("place_of_birth"),
    Field("aliases", members=(Field("forename"), Field("name"))),
    Field(
        "identity_documents",
        members=(Field("type"), Field("number", required=True), Field("issuing_country", COUNTRY)),
    ),
    Field("phones", many=True),
    Field("arrest_warrants", members=(Field("issuing_country_id", COUNTRY), Field("charge"))),
    Field("distinguishing_marks"),
    Field("languages_spoken_ids", many=True),
)

NOTICES = SourceSpec(
    name="notices",
    fmt="jsonl",
    id_field="notice_id",
    fields=(
        Field("notice_id", required=True),
        Field("notice_type", enum(*NOTICE_TYPES), required=True),
        Field("date_published", DATE),
        *_PERSON_FIELDS,
        *ACCESS_FIELDS,
    ),
)

DIFFUSIONS = SourceSpec(
    name="diffusions",
    fmt="jsonl",
    id_field="diffusion_id",
    fields=(
        Field("diffusion_id", required=True),
        Field("diffusion_type", enum(*DIFFUSION_TYPES), required=True),
        Field("issuing_country", COUNTRY, required=True),
        Field("date_sent", DATE),
        *_PERSON_FIELDS,
        Field("summary"),
        *ACCESS_FIELDS,
    ),
)

REPORTS = SourceSpec(
    name="reports",
    fmt="jsonl",
    id_field="report_id",
    fields=(
        Field("report_id", required=True),
        Field("country", COUNTRY, required=True),
        Field("agency"),
        Field("reported_at", TIMESTAMP, required=True),
        Field("language", enum("en", "es", "pt", "fr")),
        Field("offence"),
        Field("title"),
        Field("narrative", required=True),
        Field("place"),
        Field("lat", FLOAT),
        Field("lon", FLOAT),
        *ACCESS_FIELDS,
    ),
)

SLTD = SourceSpec(
    name="sltd",
    fmt="csv",
    id_field="document_number",
    list_separator=";",
    fields=(
        Field("document_number", required=True),
        Field("document_type", enum("passport", "id_card", "visa", "residence_permit"), required=True),
        Field("issuing_country", COUNTRY, required=True),
        Field("status", enum("stolen", "lost", "revoked", "invalidated"), required=True),
        Field("reported_date", DATE),
        Field("reporting_country", COUNTRY),
        Field("holder_family_name"),
        Field("holder_given_names"),
        Field("holder_date_of_birth", PARTIAL_DATE),
        *ACCESS_FIELDS,
    ),
)

SMV = SourceSpec(
    name="smv",
    fmt="csv",
    id_field="vin",
    list_separator=";",
    fields=(
        Field("vin", required=True),
        Field("plate"),
        Field("plate_country", COUNTRY),
        Field("make"),
        Field("model"),
        Field("year", INT),
        Field("colour"),
        Field("theft_date", DATE),
        Field("reporting_country", COUNTRY),
        *ACCESS_FIELDS,
    ),
)

NOMINALS = SourceSpec(
    name="nominals",
    fmt="csv",
    id_field="person_id",
    list_separator=";",
    fields=(
        Field("person_id", required=True),
        Field("family_name", required=True),
        Field("given_names"),
        Field("aliases", many=True),
        Field("date_of_birth", PARTIAL_DATE),
        Field("sex", enum("M", "F", "U", upper=True)),
        Field("nationalities", COUNTRY, many=True),
        Field("passport_numbers", many=True),
        Field("id_numbers", many=True),
        Field("phones", many=True),
        Field("emails", many=True),
        Field("addresses", many=True),
        Field("offences", many=True),
        Field("reporting_country", COUNTRY),
        *ACCESS_FIELDS,
    ),
)

ATTACHMENT_FIELDS: tuple[Field, ...] = (
    Field("part", INT),
    Field("filename"),
    Field("content_type"),
    Field("size", INT),
    Field("sha256"),
    Field("text"),
)

MESSAGES = SourceSpec(
    name="messages",
    fmt="eml",
    id_field="message_id",
    fields=(
        Field("message_id", required=True),
        Field("sent_at", TIMESTAMP),
        Field("from_address"),
        Field("to_addresses", many=True),
        Field("cc_addresses", many=True),
        Field("subject"),
        Field("in_reply_to"),
        Field("references", many=True),
        Field("case_ref"),
        Field("body"),
        Field("attachments", members=ATTACHMENT_FIELDS),
        *ACCESS_FIELDS,
    ),
)

WITHDRAWALS = "withdrawals"  # raw/withdrawals/: lists that act on the records of the sources


def withdrawals_spec(sources: tuple[str, ...]) -> SourceSpec:
    """The withdrawals' contract: ``source`` names one of ``sources``, so it follows the registry."""
    return SourceSpec(
        name=WITHDRAWALS,
        fmt="csv",
        id_field="source_id",
        fields=(
            Field("source", enum(*sources), required=True),
            Field("source_id", required=True),
            Field("withdrawn_by", OWNER, required=True),
            Field("withdrawn_at", DATE, required=True),
            Field("withdrawal_reason"),  # not "reason": that is the quarantine's column
        ),
    )


# Where each landed row came from; every bronze and quarantine row carries these.
LINEAGE_FIELDS: list[pa.Field] = [
    pa.field("src_file", pa.string()),
    pa.field("src_sha256", pa.string()),
    pa.field("src_line", pa.int64()),
    pa.field("src_part", pa.string()),
    pa.field("src_encoding", pa.string()),
    pa.field("landed_at", pa.timestamp("us", tz="UTC")),
]

EXTRA_FIELD = pa.field("extra_fields", pa.map_(pa.string(), pa.string()))


def bronze_schema(spec: SourceSpec) -> pa.Schema:
    """Contract fields, then unknown fields kept as JSON text, then lineage."""
    return pa.schema([*arrow_fields(spec.fields), EXTRA_FIELD, *LINEAGE_FIELDS])


QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string()),
        *LINEAGE_FIELDS,
        pa.field("record_id", pa.string()),
        pa.field("reason", pa.string()),
        pa.field("raw", pa.string()),
    ]
)

LANDED_FILES_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string()),
        pa.field("src_file", pa.string()),
        pa.field("src_sha256", pa.string()),
        pa.field("size", pa.int64()),
        pa.field("rows_read", pa.int64()),
        pa.field("rows_landed", pa.int64()),
        pa.field("rows_quarantined", pa.int64()),
        pa.field("landed_at", pa.timestamp("us", tz="UTC")),
        # How the file's columns differ from the contract (new, missing, renamed, retyped); empty if not.
        pa.field("schema_drift", pa.list_(pa.string())),
    ]
)
