"""The tagger's tokens, features, labels and decoding, and the labelled texts it learns from."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from generator.prose import (
    FAMILIES,
    HELD_OUT_FAMILY,
    HELD_OUT_SEED,
    TEMPLATES,
    TRAINING_FAMILIES,
)
from generator.training import TRAINING_SEED, held_out, labelled_text, training_example
from pipelines.extract.tagger import Tagger, _viterbi
from pipelines.extract.tokens import FEATURES, TAGS, features, labels, lexicon, tokens


def test_tokens_keep_their_offsets_and_the_lexicon_knows_names_of_the_four_languages():
    text = "O suspeito, Rui Carvalho Nunes, foi visto em Faro."
    toks = tokens(text)
    assert [t.text for t in toks][:5] == ["O", "suspeito", ",", "Rui", "Carvalho"]
    assert all(text[t.start:t.end] == t.text for t in toks)
    assert {"RUI", "JEAN", "JOHN", "JOSE"} <= lexicon().given and {"CARVALHO", "SMITH", "MARTIN"} <= lexicon().family
    assert "G" in toks[3].flags and "F" in toks[4].flags


def test_features_are_buckets_and_labels_follow_the_spans():
    text = "Interrogé, Paul Durand a reconnu les faits devant la Gendarmerie nationale."
    toks = tokens(text)
    assert all(0 <= b < FEATURES for f in features(toks) for b in f) and features(toks) == features(tokens(text))
    org = text.index("Gendarmerie")
    spans = [(11, 22, "person"), (org, org + len("Gendarmerie nationale"), "organization"), (0, 9, "date")]
    tags = [TAGS[i] for i in labels(toks, spans)]
    assert tags == ["O", "O", "B-PER", "I-PER", "O", "O", "O", "O", "O", "O", "B-ORG", "I-ORG", "O"]


def test_decoding_never_continues_an_entity_it_did_not_begin():
    log_p = np.log(np.full((3, len(TAGS)), 0.01))
    log_p[:, TAGS.index("I-PER")] = np.log(0.9)  # the classifier alone would say I-PER everywhere
    path = [TAGS[i] for i in _viterbi(log_p)]
    assert path[0] != "I-PER" and all(not b.startswith("I-") or a[2:] == b[2:] for a, b in itertools.pairwise(path))


def test_a_model_round_trips_and_a_foreign_one_is_refused(tmp_path):
    weights = np.zeros((FEATURES, len(TAGS)), dtype=np.float32)
    Tagger(weights, np.zeros(len(TAGS), dtype=np.float32), {"key": "k"}).save(tmp_path / "m")
    loaded = Tagger.load(tmp_path / "m")
    assert loaded.card == {"key": "k"} and loaded.tag("Juan Pérez") == []  # all weights zero: every tag ties at O
    np.savez(tmp_path / "m" / "model.npz", weights=weights[:10], intercept=weights[0], tags=np.array(TAGS[:3]),
             features=np.array(10))
    with pytest.raises(ValueError, match="other tags or features"):
        Tagger.load(tmp_path / "m")
    with pytest.raises(FileNotFoundError, match="INSIGHT_EXTRACTOR=rules"):
        Tagger.load(tmp_path / "nothing")


@pytest.mark.parametrize("number", range(40))
def test_labelled_texts_mark_what_they_say(number):
    text = labelled_text(TRAINING_SEED, FAMILIES, number)
    assert text.spans and all(text.text[s.start:s.end] == s.text for s in text.spans)
    assert text.text == labelled_text(TRAINING_SEED, FAMILIES, number).text  # a function of its number


def test_training_never_sees_the_held_out_family_nor_its_seed():
    assert HELD_OUT_FAMILY not in TRAINING_FAMILIES and HELD_OUT_SEED != TRAINING_SEED
    held_out_openings = {t.split("{")[0].strip() for lang in TEMPLATES[HELD_OUT_FAMILY].values() for t in lang}
    trained = " ".join(training_example(n)[0] for n in range(300))
    assert not [o for o in held_out_openings if len(o) > 12 and o in trained]
    assert any(o in " ".join(held_out(n).text for n in range(60)) for o in held_out_openings if len(o) > 12)


def test_a_name_never_runs_across_a_line_and_one_unknown_word_is_no_person():
    from pipelines.extract.tagger import _spans

    text = "Rui Nunes\nElementos Cuenta"
    toks = tokens(text)
    path = [TAGS.index(t) for t in ("B-PER", "I-PER", "I-PER", "B-PER")]
    found = _spans(text, toks, path, np.ones((len(toks), len(TAGS))))
    assert [(text[s.start:s.end], s.entity) for s in found] == [("Rui Nunes", "person")]
