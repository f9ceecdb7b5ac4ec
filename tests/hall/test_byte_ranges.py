"""A byte range of a file the hall serves itself: what a player asks for, what it gets back."""

import pytest

from hall.byte_ranges import Unsatisfiable, requested_range


@pytest.mark.parametrize(
    "header, expected",
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=900-5000", (900, 999)),  # a last byte past the end is the end
        ("bytes=-200", (800, 999)),  # the last 200 bytes: where an MP4 keeps its index
        ("bytes=-5000", (0, 999)),
        ("bytes=999-999", (999, 999)),
    ],
)
def test_a_single_range_is_the_bytes_asked_for_within_the_file(header, expected):
    assert requested_range(header, 1000) == expected


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "bytes=-",
        "bytes=5-2",  # reversed
        "bytes=0-1,5-6",  # several ranges: the whole file is a lawful answer
        "items=0-10",
        "bytes=０-１０",  # full-width digits are not a range
        "bytes=0-" + "9" * 40,  # a number no file of this hall reaches
        "bytes=abc-",
    ],
)
def test_anything_but_one_well_formed_range_is_the_whole_file(header):
    assert requested_range(header, 1000) is None


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_past_the_end_cannot_be_served(header):
    with pytest.raises(Unsatisfiable):
        requested_range(header, 1000)


def test_an_empty_file_is_sent_whole_whatever_is_asked():
    assert requested_range("bytes=0-10", 0) is None
