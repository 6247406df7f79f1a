"""Series text rules on real caption shapes: id removal, boilerplate, templates of different missions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cupola.dedupe.minhash import band_keys
from cupola.dedupe.text import (
    _DAMAGED_APOSTROPHE,
    _FILLER,
    _WORD,
    GENERIC,
    _without_id,
    id_form,
    series_tokens,
    similar,
    words_of,
)
from cupola.model import Record

ARMSTRONG = ("{id} (18 April 1969) --- Suited astronaut Neil A. Armstrong, wearing an Extravehicular Mobility Unit "
             "(EMU), participates in lunar surface simulation training on April 18, 1969.")
LAUNCH = ("KENNEDY SPACE CENTER, FLA. -- The Space Shuttle Columbia soars from Launch Pad 39B at 2:19 p.m. EDT "
          "Apr. 17 to begin the nearly 17-day STS-90 Neurolab mission. The launch was delayed 24 hours.")


def _record(record_id: str, caption: str, title: str = "") -> Record:
    return Record(id=record_id, source="nasa", title=title, caption=caption)


def test_own_photo_id_is_not_part_of_the_caption():
    a = series_tokens(_record("S69-31075", ARMSTRONG.format(id="S69-31075")))
    b = series_tokens(_record("s69-31080", ARMSTRONG.format(id="S69-31080")))
    assert a == b and "31075" not in a
    assert similar(a, b) == 1.0


def test_id_forms_ignore_case_dashes_and_leading_zeros():
    assert id_form("AST-05-298") == id_form("ast-005-298")
    assert id_form("62-MA7-169") == id_form("62-ma7-169")
    assert id_form("S61-1-23") != id_form("S61-12-3")


def test_boilerplate_is_not_a_series_text():
    for caption, title in [("", "KSC-69PC-0316"), ("KSC-69PC-0316", "KSC-69PC-0316"), ("NASA image", "x"),
                           ("NASA 2071129 83.3F", "ISS042-E-104437"), ("Image", "")]:
        assert series_tokens(_record("KSC-69PC-0316", caption, title)) is None, caption


def test_different_missions_in_one_template_are_not_a_series():
    ninety = series_tokens(_record("a", LAUNCH))
    ninety_one = series_tokens(_record("b", LAUNCH.replace("STS-90", "STS-91")))
    assert similar(ninety, ninety_one) == 0.0
    shorter = series_tokens(_record("c", LAUNCH.replace("the nearly 17-day ", "the ")))
    assert similar(ninety, shorter) > 0.75  # one side merely adds words: still the same launch


def test_one_typo_in_a_short_caption_is_forgiven_but_other_subjects_are_not():
    base = "N-258 NAS (Numerical Aerodynamic Simulation) Facility, Roof Top Aerials of construction site, framing"
    typo = base.replace("Aerials", "Aerial")
    other = ("Life from other Worlds with McNair Middle School TROV robot explores under Antarctic ice - "
             "image of Bob Hines controlling the TROV")
    other2 = other.replace("of Bob Hines controlling the TROV", "of Eric James and Jay Schiebe")
    assert similar(series_tokens(_record("a", base)), series_tokens(_record("b", typo))) > 0
    assert similar(series_tokens(_record("c", other)), series_tokens(_record("d", other2))) == 0.0


words = st.lists(st.sampled_from("apollo launch crew moon lunar module pad 39a the of sts 95 96 astronaut".split()),
                 min_size=0, max_size=40)


@given(words, words)
def test_similarity_is_symmetric_and_bounded(a, b):
    assert similar(a, b) == similar(b, a)
    assert 0.0 <= similar(a, b) <= 1.0
    if len(a) >= 10:
        assert similar(a, list(a)) == 1.0


@given(st.lists(words.filter(lambda w: len(w) >= 4), min_size=1, max_size=5))
def test_band_keys_are_deterministic_and_equal_for_equal_texts(texts):
    first, second = band_keys(texts), band_keys([list(t) for t in texts])
    assert first == second
    assert all(isinstance(k, int) and -(2**63) <= k < 2**63 for keys in first for k in keys)


ids = st.sampled_from(["S69-31075", "s69-031075", "KSC-69PC-0316", "ksc", "ISS042-E-104437", "a", "AS11-40-5903"])
text = st.text(alphabet=st.sampled_from(list("s69-31075 kc0PC_./?'’éİKS\t")), max_size=60)


@given(text)
def test_words_of_splits_like_the_word_pattern(value):
    assert words_of(value) == _WORD.findall(value)
    assert words_of(value.lower()) == _WORD.findall(value.lower())


@given(ids, text)
def test_the_fast_path_drops_no_token_when_the_id_cannot_be_named(record_id, value):
    """series_tokens keeps every word when some part of the id is missing from the text: dropping tokens
    naming the id (``_without_id``) then finds nothing to drop."""
    lowered, own = value.lower(), id_form(record_id)
    if not all(part in lowered for part in own.split(".")):
        assert _without_id(lowered, own, record_id) == words_of(lowered)
    assert series_tokens(_record(record_id, value)) == _reference_series_tokens(record_id, value)


def _reference_series_tokens(record_id: str, caption: str) -> list[str] | None:
    """series_tokens as it read token by token before the fast path (same record, no title)."""
    lowered = _DAMAGED_APOSTROPHE.sub("'", caption.strip().lower())
    if not lowered:
        return None
    words = _without_id(lowered, id_form(record_id), record_id) if id_form(record_id) else _WORD.findall(lowered)
    if len(words) < 4 or " ".join(words) in GENERIC or sum(w.isalpha() and w not in _FILLER for w in words) < 3:
        return None
    words = words[:150]
    own = id_form(record_id)
    if own and len(words) <= 12 and id_form(" ".join(words)) == own:
        return None
    return words
