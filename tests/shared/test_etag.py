"""If-Match against the stored version: what matches, what is a 412."""

from __future__ import annotations

import pytest

from shared.errors import PreconditionFailed
from shared.etag import check_if_match, etag, if_match_versions


def test_an_etag_is_the_quoted_version_with_its_prefix() -> None:
    assert etag(12) == '"12"'
    assert etag(12, "i") == '"i12"'


def test_a_list_a_weak_tag_and_star_are_understood() -> None:
    assert if_match_versions('"3", W/"5"') == [3, 5]
    assert if_match_versions('"3", *') is None


def test_a_tag_of_another_kind_matches_nothing() -> None:
    assert if_match_versions('"t7"', prefix="i") == []


def test_no_if_match_or_the_current_version_passes() -> None:
    check_if_match(None, 4)
    check_if_match('"4"', 4)
    check_if_match("*", 4)


def test_a_stale_version_is_412() -> None:
    with pytest.raises(PreconditionFailed):
        check_if_match('"3"', 4)


def test_if_match_on_a_resource_that_does_not_exist_is_412() -> None:
    with pytest.raises(PreconditionFailed):
        check_if_match("*", None)
