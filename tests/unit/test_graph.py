"""The two-hop walk of a hit's linked entities, on edges as ``search_edges`` gives them."""
from insight.graph import name_closest, walk


def edge(a: str, b: str, relation: str, *docs: str) -> dict:
    return {"entity_id": a, "other_id": b, "relation": relation, "doc_ids": list(docs)}


def reached(links: list[dict]) -> dict[str, int]:
    return {link["entity_id"]: link["hops"] for link in links}


def test_a_walk_reaches_two_links_out_nearest_first_and_shows_an_entity_once():
    first = [edge("passport", "juan", "holds_document", "sltd:1", "notice:2"),
             edge("passport", "phone", "co_mentioned", "notice:2")]
    second = [edge("juan", "maria", "associated_with", "report:3"), edge("juan", "phone", "uses_phone", "notice:2"),
              edge("juan", "passport", "holds_document", "sltd:1")]
    links = walk(first, second)
    assert reached(links) == {"juan": 1, "phone": 1, "maria": 2}
    assert [link["entity_id"] for link in links][:2] == ["juan", "phone"]  # more evidence first among as near


def test_a_possible_identity_leads_to_what_that_name_did_but_not_to_its_other_namesakes():
    # JUAN PEREZ (a record) may be the "Juan Pérez" of a report, who may also be two other namesakes.
    first = [edge("juan_record", "juan_in_report", "possibly_same_as", "report:1")]
    second = [edge("juan_in_report", "partner", "associated_with", "report:1"),
              edge("juan_in_report", "namesake_1", "possibly_same_as", "report:1"),
              edge("juan_in_report", "namesake_2", "possibly_same_as", "report:1")]
    assert reached(walk(first, second)) == {"juan_in_report": 1, "partner": 2}


def test_names_are_looked_up_for_what_is_shown_and_a_hidden_entity_gives_its_place_to_the_next():
    visible = {f"e{i}": {"entity_type": "person", "name": f"NAME {i}"} for i in range(10) if i != 1}
    asked: list[set[str]] = []

    def lookup(ids: set[str]) -> dict:
        asked.append(set(ids))
        return {i: visible[i] for i in ids if i in visible}

    lists = [[{"entity_id": f"e{i}"} for i in range(10)], [{"entity_id": "e0"}, {"entity_id": "e9"}]]
    shown, names = name_closest(lookup, lists, 3, also={"e8"})
    assert [[link["entity_id"] for link in links] for links in shown] == [["e0", "e2", "e3"], ["e0", "e9"]]
    assert [link["value"] for link in shown[1]] == ["NAME 0", "NAME 9"]
    assert asked == [{"e0", "e1", "e2", "e8", "e9"}, {"e3"}]  # e1 hidden: one more, and nothing asked twice
    assert "e8" in names and "e1" not in names
