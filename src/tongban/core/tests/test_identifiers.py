"""Unified social credit codes (GB 32100) against real published codes."""

import pytest

from tongban.core.identifiers import uscc_check_character, uscc_is_valid


@pytest.mark.parametrize(
    "code",
    [
        "91350200MA2YJ1XR9G",
        "91350200776049653A",
        "91440101MA5CJQ4N59",
        "913502000728319549",
    ],
)
def test_real_codes_pass(code):
    assert uscc_is_valid(code)
    assert uscc_check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    "code",
    [
        "91350200MA2YJ1XR9H",  # wrong check character
        "91350200MA2YJ1XR9",  # 17 characters
        "9135020OMA2YJ1XR9G",  # letter O in the area code
        "91350100M0001TGQXM",  # an early pilot code that fails the check
    ],
)
def test_malformed_codes_fail(code):
    assert not uscc_is_valid(code)
