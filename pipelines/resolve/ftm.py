"""The entity graph as FollowTheMoney entities, the format Aleph and OpenSanctions tools read.

Persons become ``Person`` (every name seen, date of birth, gender, nationality, and the phones
and e-mails linked to them); identity documents ``Identification`` (with their holder);
plates and VINs ``Vehicle`` (with their operator); IBANs ``BankAccount`` and wallets
``CryptoWallet`` (owned through ``Ownership``); places ``Address``. Persons associated with each
other become ``Associate``; every other link an ``UnknownLink`` whose role is the relation.
Each link keeps the documents that evidence it in ``recordId``. Phones and e-mails have no
schema of their own in FollowTheMoney: they are properties of the persons using them.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from pipelines.resolve.relations import ASSOCIATED_WITH, CO_MENTIONED

SCHEMA_OF = {"person": "Person", "identity_document": "Identification", "plate": "Vehicle", "vehicle": "Vehicle",
             "account": "BankAccount", "crypto_wallet": "CryptoWallet", "location": "Address",
             "organization": "Organization"}
HOLDER = {"Identification": "holder", "Vehicle": "operator"}  # a person's link to them is a property


def ftm_id(entity_id: str) -> str:
    """A FollowTheMoney id for an Insight entity id: stable, and safe in any tool."""
    return "insight-" + hashlib.sha1(entity_id.encode()).hexdigest()[:24]


def _properties(value: Any) -> dict[str, str]:
    """One dict from a map, a list of maps (one per access group) or DuckDB's (key, value) pairs."""
    if not value:
        return {}
    if isinstance(value, dict):
        return value
    if all(isinstance(v, tuple) for v in value):
        return dict(value)
    merged: dict[str, str] = {}
    for part in value:
        for key, text in _properties(part).items():
            merged[key] = ", ".join(sorted({*merged.get(key, "").split(", "), *text.split(", ")} - {""}))
    return merged


def _node(row: dict[str, Any]) -> EntityProxy | None:
    kind = row["entity_type"]
    schema = SCHEMA_OF.get(kind)
    if schema is None:
        return None
    proxy = model.make_entity(schema)
    proxy.id = ftm_id(row["entity_id"])
    name = row["name"]
    properties = _properties(row.get("properties"))
    if kind == "person":
        proxy.add("name", name)
        proxy.add("alias", [n for n in row.get("names") or [] if n != name])
        proxy.add("birthDate", [d.strip() for d in (properties.get("date_of_birth") or "").split(",")])
        proxy.add("gender", {"M": "male", "F": "female"}.get(properties.get("sex", ""), None))
        proxy.add("nationality", [c.strip().lower() for c in (properties.get("nationalities") or "").split(",")])
    elif kind == "identity_document":
        proxy.add("number", name)
        proxy.add("country", (properties.get("country") or "").split(",")[0].strip().lower() or None)
    elif kind == "plate":
        proxy.add("registrationNumber", name)
        proxy.add("name", name)
    elif kind == "vehicle":
        proxy.add("name", name)
        proxy.add("description", f"VIN {name}")
    elif kind == "account":
        proxy.add("iban", name)
        proxy.add("accountNumber", name)
    elif kind == "crypto_wallet":
        proxy.add("publicKey", name)
    elif kind == "location":
        proxy.add("full", name)
    else:
        proxy.add("name", name)
    return proxy


def ftm_entities(types: Mapping[str, str], entities: Iterable[dict[str, Any]],
                 links: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """FollowTheMoney entity dicts (``id``, ``schema``, ``properties``), streamed: links first, then
    the entities with what the links said of them (phones, e-mails, holders), so that memory holds
    only those additions and ``types`` (entity id → type), never the graph.

    ``entities`` has one row per entity (``names`` every name, ``properties`` a map or one map per
    access group) and ``links`` one row per (source, target, relation) with every evidence
    document: both read from the views, so only what the user may see.
    """
    extra: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for link in links:
        src, dst, relation = link["src_entity_id"], link["dst_entity_id"], link["relation"]
        person, other = (src, dst) if types.get(src) == "person" else (dst, src)
        if types.get(person) == "person" and types.get(other) in ("phone", "email"):
            extra[person].append((types[other], _value(other)))  # a phone or e-mail the person uses
            continue
        if types.get(src) not in SCHEMA_OF or types.get(dst) not in SCHEMA_OF:
            continue
        holder = HOLDER.get(SCHEMA_OF[types[other]])
        if types[person] == "person" and holder and relation != CO_MENTIONED:
            extra[other].append((holder, ftm_id(person)))
            continue
        if relation == ASSOCIATED_WITH and types[src] == types[dst] == "person":
            edge = model.make_entity("Associate")
            edge.add("person", ftm_id(src))
            edge.add("associate", ftm_id(dst))
            edge.add("relationship", "associated")
        elif types[person] == "person" and relation == "pays_account":
            edge = model.make_entity("Ownership")
            edge.add("owner", ftm_id(person))
            edge.add("asset", ftm_id(other))
            edge.add("role", "account holder")
        else:
            edge = model.make_entity("UnknownLink")
            edge.add("subject", ftm_id(src))
            edge.add("object", ftm_id(dst))
            edge.add("role", relation.replace("_", " "))
        edge.id = ftm_id(f"{src}|{relation}|{dst}")
        edge.add("recordId", sorted(set(link["doc_ids"] or [])))
        yield edge.to_dict()
    for row in entities:
        node = _node(row)
        if node is not None:
            for prop, value in extra.pop(row["entity_id"], ()):
                node.add(prop, value)
            yield node.to_dict()


def _value(entity_id: str) -> str:
    return entity_id.split(":", 1)[1]
