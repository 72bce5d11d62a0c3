"""Person records → the columns the Splink model compares, without Splink."""
import numpy as np

from pipelines.resolve.persons import FEATURE_COLUMNS, person_features, retrain_reason


def test_names_are_folded_sorted_and_sounded_and_dates_split():
    rows = person_features([
        {"record_id": "a", "given_names": "Juan Carlos", "family_name": "Pérez de la Gómez",
         "date_of_birth": "1979-03-14", "sex": "male", "nationalities": np.array(["AR"]),
         "identifiers": np.array(["phone:+1", "identity_document:X"])},
        {"record_id": "b", "full_name": "JUAN C. PERES GOMES", "date_of_birth": "1979", "sex": None,
         "nationalities": None, "identifiers": None},
    ]).to_dict("records")
    a, b = rows
    assert list(person_features([]).columns) == FEATURE_COLUMNS
    assert (a["given"], a["family"], a["initial"]) == ("JUAN", "PEREZ", "J")
    assert a["name_sorted"] == "CARLOS GOMEZ JUAN PEREZ"  # particles aside, order-free
    assert (a["dob"], a["birth_year"], a["sex"], a["nationality"]) == ("1979-03-14", "1979", "M", "AR")
    assert a["identifiers"] == ["identity_document:X", "phone:+1"] and a["id_key"] == "identity_document:X"
    assert (b["given"], b["family"], b["dob"], b["birth_year"]) == ("JUAN", "GOMES", None, "1979")
    assert b["identifiers"] == [] and b["id_key"] is None and b["nationality"] is None
    sounds = person_features([{"record_id": "c", "full_name": "JUAN PEREZ GOMEZ"},
                              {"record_id": "d", "full_name": "Juan Peres Gomes"},
                              {"record_id": "e", "full_name": "JUAN PAREDES GOMEZ"}])["name_sound"].tolist()
    assert sounds[0] == sounds[1] != sounds[2]


def test_a_kept_model_is_trained_again_only_when_asked_nightly_or_stale():
    card = {"definition": "d1", "model": "abc"}
    assert retrain_reason(card, "d1") is None  # an increment scores with the model kept
    assert retrain_reason(card, "d1", asked=True) == "asked for"
    assert retrain_reason(card, "d1", full=True) == "full refresh"
    assert retrain_reason(None, "d1") == "none kept"
    assert retrain_reason(card, "d2") == "its code or engine changed"
    assert retrain_reason({"definition": "d1", "model": "none"}, "d1") == "none could be trained before"
