"""Item text (trimming, headings, credits), phases by event and timing, and the diversity picker."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from cupola.galleries.items import clean_caption, credit, heading, make_item, publishable, trim
from cupola.galleries.phases import phase_of, timing
from cupola.galleries.rank import pick
from cupola.model import Record

# Real captions and titles from tests/fixtures/galleries/records.jsonl
AS11 = Record("as11-40-5903", "nasa", title="Astronaut Edwin Aldrin walks on lunar surface near leg of Lunar Module",
              caption='AS11-40-5903 (20 July 1969) --- Astronaut Edwin E. Aldrin Jr., lunar module pilot, walks on '
                      'the surface of the moon near the leg of the Lunar Module (LM) "Eagle" during the Apollo 11 '
                      "extravehicular activity (EVA).", center="JSC",
              assets=[{"role": "orig", "href": "http://images-assets.nasa.gov/image/as11-40-5903/as11-40-5903~orig.jpg"}])
KSC = Record("ksc-93pc1449", "nasa", title="ksc-93pc1449", center="KSC",
             caption='KENNEDY SPACE CENTER, FLA. -- The Space Shuttle Endeavour is being "rolled around" from Launch '
                     "Pad 39A to Launch Pad 39B. The rare pad switch was deemed necessary after contamination was "
                     "discovered in the Payload Changeout Room at pad A.")
CAPS = Record("S81-30734", "nasa", title="LANDING - STS-1 - EDWARDS AFB (EAFB), CA", credit="NASA",
              caption="S81-30734 (14 April 1981) --- The rear wheels of the space shuttle orbiter Columbia (STS-1) "
                      "touch down on Rogers dry lake at Edwards Air Force Base in southern California.")
FISHEYE = ("Fisheye view of astronauts James A. McDivitt and Edward H. White II inside the Gemini-4 spacecraft "
           "during simulated exercises at pad 19, Cape Kennedy, Florida. NASA Headquarters alternative photo number "
           "is 65-H-274.")


def test_caption_prefix_and_dateline_are_cut():
    assert clean_caption(AS11).startswith("Astronaut Edwin E. Aldrin Jr., lunar module pilot")
    assert clean_caption(KSC).startswith("The Space Shuttle Endeavour")


def test_trim_ends_at_a_sentence_not_at_initials():
    assert trim(FISHEYE, 180) == FISHEYE.split(" NASA Headquarters")[0]
    short = trim(FISHEYE, 90)
    assert short.endswith("…") and len(short) <= 91
    assert FISHEYE.startswith(short[:-1])
    assert FISHEYE[len(short) - 1] == " "  # cut between words


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400), st.integers(10, 300))
def test_trim_never_cuts_inside_a_word(text, limit):
    out = trim(text, limit)
    assert len(out) <= limit + 1
    body = out[:-1] if out.endswith("…") else out
    normal = " ".join(text.split())
    assert normal.startswith(body)
    if out.endswith("…") and " " in normal[int(limit * 0.5): limit + 1]:  # a word boundary was there to use
        assert normal[len(body)] in " ,;:-—("


def test_headings_use_real_titles_and_fall_back_to_the_first_sentence():
    assert heading(AS11, clean_caption(AS11)) == AS11.title
    assert heading(KSC, clean_caption(KSC)).startswith("The Space Shuttle Endeavour is being")
    assert heading(CAPS, clean_caption(CAPS)).startswith("The rear wheels of the space shuttle orbiter Columbia")


def test_credits_name_third_party_holders_and_nasa_centers():
    assert credit(AS11) == "NASA/JSC"
    apod = Record("apod-2011-07-21", "apod", credit="John Sarkissian (CSIRO Parkes Observatory)", rights="third_party",
                  assets=[{"role": "orig", "href": "https://apod.nasa.gov/apod/image/1107/x.jpg"}])
    assert credit(apod) == "© John Sarkissian (CSIRO Parkes Observatory)"
    assert publishable(apod)
    anonymous = Record("apod-x", "apod", rights="third_party", assets=apod.assets)
    assert not publishable(anonymous)  # a third-party photo we cannot credit is never exported
    wrong = Record("S65-29766", "nasa", center="JSC", credit="NASA EDITOR'S NOTE: Astronaut Edward H. White II died "
                   "in the Apollo/Saturn 204 fire at Cape Kennedy on Jan. 27, 1967")
    assert credit(wrong) == "NASA/JSC"


def test_items_without_an_image_or_not_images_are_not_publishable():
    assert not publishable(Record("a", "nasa", title="t"))
    assert not publishable(Record("v", "nasa", media_type="video", assets=AS11.assets))
    item = make_item(AS11)
    assert item.image.endswith("~orig.jpg") and item.link == "https://images.nasa.gov/details/as11-40-5903"


FLIGHT = (date(1969, 7, 16), date(1969, 7, 24))


def test_timing_and_phases():
    assert timing(date(1969, 7, 1), date(1969, 7, 31), FLIGHT) == "unknown"
    assert timing(date(1969, 7, 20), date(1969, 7, 20), FLIGHT) == "during"
    assert phase_of("ceremony_or_media", "before") == "crew"
    assert phase_of("ceremony_or_media", "after", 20) == "homecoming"
    assert phase_of("landing_or_splashdown", "during", days_left=0, days_in=8) == "landing"
    assert phase_of("landing_or_splashdown", "during", days_left=4, days_in=4, on_surface=True) == "eva"  # the Moon
    assert phase_of("landing_or_splashdown", "during", days_left=3, days_in=3) == "flight"  # Apollo 13: no landing
    assert phase_of("launch", "during", days_left=3, days_in=5) == "departure"  # lunar lift-off
    assert phase_of("other", "during", days_left=8, days_in=0) == "launch"  # launch-day preparations
    assert phase_of("crew_portrait", "unknown") == "crew"
    assert phase_of("facility_or_hardware", "after", 30) == "homecoming"
    assert phase_of("facility_or_hardware", "after", 3) == "landing"


def test_picker_spreads_over_groups_then_avoids_lookalikes_and_clusters():
    groups = {
        "a": [("a1", 9.0, {"moon", "walk"}, "c1"), ("a2", 8.9, {"moon", "walk"}, "c2"), ("a3", 8.0, {"flag"}, "c3")],
        "b": [("b1", 1.0, {"earth"}, "c1"), ("b2", 0.5, {"ocean"}, "c4")],
    }
    chosen = pick(groups, 3, score=lambda x: x[1], words=lambda x: frozenset(x[2]), key=lambda x: x[3],
                  caption=lambda x: x[0])
    assert [x[0] for x in chosen["a"]] == ["a1", "a3"]  # a2 looks like a1: the flag goes first
    assert [x[0] for x in chosen["b"]] == ["b2"]  # b1 shares a1's cluster


def test_crew_lists_each_person_once_but_matches_every_spelling():
    from cupola.galleries.subject import resolve_mission

    subject = resolve_mission("STS-61")
    surnames = [name.split()[-1] for name in subject.crew]
    assert len(surnames) == len(set(surnames)) == 8  # the KB lists Musgrave twice (Story, Franklin)
    assert {"Story Musgrave", "Franklin Musgrave"} <= set(subject.matching_crew())


def test_caption_repeats_no_heading_but_keeps_a_sentence_whole():
    caption = ("The prime crew of the Apollo 11 lunar landing mission relaxes on the deck of the NASA Motor Vessel "
               "Retriever prior to participating in water egress training in the Gulf of Mexico. Left to right, are "
               "astronauts Edwin E. Aldrin Jr., Neil A. Armstrong and Michael Collins.")
    long_first = make_item(Record("S69-34882", "nasa", title="S69-34882", caption=caption, assets=AS11.assets))
    assert long_first.heading == "The prime crew of the Apollo 11 lunar landing mission relaxes"
    assert long_first.caption.startswith("The prime crew")  # a heading cut mid-sentence leaves the caption whole
    short = "Liftoff of Apollo 11 from Pad 39A. " + caption
    item = make_item(Record("S69-39957", "nasa", title="S69-39957", caption=short, assets=AS11.assets))
    assert item.heading == "Liftoff of Apollo 11 from Pad 39A"
    assert item.caption.startswith("The prime crew")  # the sentence used as heading is not printed twice
