"""Dates with precision: the formats NASA captions use, and the things that are not dates."""

from __future__ import annotations

import pytest

from cupola.enrich.dates import find_dates


@pytest.mark.parametrize("text, value", [
    ("Jan. 13, 2018", "2018-01-13"),
    ("(05/11/2016)", "2016-05-11"),
    ("22 April 2011", "2011-04-22"),
    ("Friday, March 26, 2021", "2021-03-26"),
    ("July 16, 1969 at 9:32 a.m.", "1969-07-16"),
    ("in 1963", "1963"),
    ("March 1969", "1969-03"),
    ("in August of 1965", "1965-08"),
    ("(31 August - 1 September 1985)", "1985"),
    ("(30 Oct.-6 Nov. 1985)", "1985"),
    ("(12-07-98)", "1998-12-07"),
    ("22-31 Jan 1998", "1998-01"),
    ("July-September 1973", "1973"),
    ("spring 2010", "2010"),
    ("15 Sept. 1966", "1966-09-15"),
])
def test_formats(text, value):
    found = find_dates(text)
    assert [d.value for d in found] == [value]


def test_day_without_year_takes_the_captions_year():
    found = find_dates("S88-E-5049 (12-07-98) --- plucked Zarya at 5:47 p.m., Dec. 6.")
    assert [(d.text, d.value) for d in found] == [("12-07-98", "1998-12-07"), ("Dec. 6", "1998-12-06")]


def test_day_without_any_year_is_left_out():
    assert find_dates("targeted for liftoff on Dec. 3") == []


def test_not_dates():
    text = "a 50-ft.-long arm, 16 days, 1,900 miles, 2 1/2 times, at 10:41 a.m., Apollo 11, STS-107"
    assert find_dates(text) == []


def test_invalid_calendar_dates_are_dropped():
    # no February 30 and no month 13: only the year that is stated survives
    assert [d.value for d in find_dates("on February 30, 1999 and 13/45/2001")] == ["1999"]
