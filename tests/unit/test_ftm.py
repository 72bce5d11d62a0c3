"""Entity and link rows → FollowTheMoney entities that the followthemoney library accepts."""
from followthemoney import model

from pipelines.resolve.ftm import ftm_entities, ftm_id

ENTITIES = [  # one row per entity, properties one map per access group (DuckDB gives maps as pairs)
    {"entity_id": "person:1", "entity_type": "person", "name": "JUAN PEREZ",
     "names": ["JUAN PEREZ", "Juan Peres", "JUAN PÉREZ"],
     "properties": [[("date_of_birth", "1979-03-14"), ("sex", "M")], [("nationalities", "AR")]]},
    {"entity_id": "person:2", "entity_type": "person", "name": "MARIA COSTA", "names": ["MARIA COSTA"],
     "properties": {}},
    {"entity_id": "identity_document:AAB123456", "entity_type": "identity_document", "name": "AAB123456",
     "names": ["AAB-123456"], "properties": {"country": "AR"}},
    {"entity_id": "phone:+5491155551234", "entity_type": "phone", "name": "+5491155551234", "names": [],
     "properties": {}},
    {"entity_id": "plate:BRA2E19", "entity_type": "plate", "name": "BRA2E19", "names": [], "properties": {}},
]
LINKS = [  # one row per link, every evidence document
    {"src_entity_id": "person:1", "dst_entity_id": "identity_document:AAB123456", "relation": "holds_document",
     "doc_ids": ["notice:1"]},
    {"src_entity_id": "person:1", "dst_entity_id": "phone:+5491155551234", "relation": "uses_phone",
     "doc_ids": ["notice:1"]},
    {"src_entity_id": "person:1", "dst_entity_id": "person:2", "relation": "associated_with",
     "doc_ids": ["d:3", "d:2"]},
    {"src_entity_id": "person:2", "dst_entity_id": "plate:BRA2E19", "relation": "co_mentioned", "doc_ids": ["d:4"]},
]


def test_persons_documents_and_links_become_valid_followthemoney_entities():
    types = {e["entity_id"]: e["entity_type"] for e in ENTITIES}
    proxies = {p.id: p for p in (model.get_proxy(d) for d in ftm_entities(types, iter(ENTITIES), iter(LINKS)))}
    juan = proxies[ftm_id("person:1")]
    assert juan.schema.name == "Person"
    assert juan.get("name") == ["JUAN PEREZ"] and set(juan.get("alias")) == {"Juan Peres", "JUAN PÉREZ"}
    assert (juan.get("birthDate"), juan.get("gender"), juan.get("nationality")) == (["1979-03-14"], ["male"], ["ar"])
    assert juan.get("phone") == ["+5491155551234"]
    passport = proxies[ftm_id("identity_document:AAB123456")]
    assert passport.get("holder") == [juan.id] and passport.get("number") == ["AAB123456"]
    associate = next(p for p in proxies.values() if p.schema.name == "Associate")
    assert associate.get("person") == [juan.id] and sorted(associate.get("recordId")) == ["d:2", "d:3"]
    unknown = next(p for p in proxies.values() if p.schema.name == "UnknownLink")
    assert unknown.get("role") == ["co mentioned"] and unknown.get("object") == [ftm_id("plate:BRA2E19")]
    assert not any(p.schema.name == "Phone" for p in proxies.values())
