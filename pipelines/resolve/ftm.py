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
from typing import Any, Iterable, Iterator

from followthemoney import model
from followthemoney.proxy import EntityProxy

SCHEMA_OF = {"person": "Person", "identity_document": "Identification", "plate": "Vehicle", "vehicle": "Vehicle",
             "account": "BankAccount", "crypto_wallet": "CryptoWallet", "location": "Address",
             "organization": "Organization"}
HOLDER = {"Identification": "holder", "Vehicle": "operator"}  # a person's link to them is a property


def ftm_id(entity_id: str) -> str:
    """A FollowTheMoney id for an Insight entity id: stable, and safe in any tool."""
    return "insight-" + hashlib.sha1(entity_id.encode()).hexdigest()[:24]


def _merge(rows: Iterable[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _node(entity_id: str, rows: list[dict[str, Any]]) -> EntityProxy | None:
    kind = rows[0]["entity_type"]
    schema = SCHEMA_OF.get(kind)
    if schema is None:
        return None
    proxy = model.make_entity(schema)
    proxy.id = ftm_id(entity_id)
    name = rows[0]["name"]
    properties: dict[str, str] = {}
    for row in rows:
        properties.update(dict(row.get("properties") or {}))
    if kind == "person":
        proxy.add("name", name)
        proxy.add("alias", [n for row in rows for n in row.get("names") or [] if n != name])
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


def ftm_entities(entities: Iterable[dict[str, Any]], links: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """FollowTheMoney entity dicts (``id``, ``schema``, ``properties``) for visible entities and links.

    ``entities`` and ``links`` are rows of the ``entities`` and ``entity_links`` views: only what
    the user may see, possibly several rows per entity or link (one per access group).
    """
    nodes: dict[str, EntityProxy] = {}
    types: dict[str, str] = {}
    for entity_id, rows in _merge(entities, "entity_id").items():
        types[entity_id] = rows[0]["entity_type"]
        node = _node(entity_id, rows)
        if node is not None:
            nodes[entity_id] = node
    edges: list[EntityProxy] = []
    for (src, dst, relation), rows in _merge(
            ({**r, "key": (r["src_entity_id"], r["dst_entity_id"], r["relation"])} for r in links), "key").items():
        evidence = sorted({d for row in rows for d in row["doc_ids"] or []})
        person, other = (src, dst) if types.get(src) == "person" else (dst, src)
        if types.get(person) == "person" and types.get(other) in ("phone", "email") and person in nodes:
            nodes[person].add(types[other], _value(other))  # a phone or e-mail the person uses
            continue
        if src not in nodes or dst not in nodes:
            continue
        if relation == "associated_with" and types[src] == types[dst] == "person":
            edge = model.make_entity("Associate")
            edge.add("person", ftm_id(src))
            edge.add("associate", ftm_id(dst))
            edge.add("relationship", "associated")
        elif types.get(person) == "person" and nodes[other].schema.name in HOLDER and relation != "co_mentioned":
            nodes[other].add(HOLDER[nodes[other].schema.name], ftm_id(person))
            continue
        elif types.get(person) == "person" and relation == "pays_account":
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
        edge.add("recordId", evidence)
        edges.append(edge)
    for proxy in [*nodes.values(), *edges]:
        yield proxy.to_dict()


def _value(entity_id: str) -> str:
    return entity_id.split(":", 1)[1]
