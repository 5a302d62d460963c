"""Phone numbers: E.164 normalisation, masking, mainland detection."""

import pytest

from tongban.core.errors import InvalidInput
from tongban.core.phones import phone_is_mainland, phone_mask, phone_normalise


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("138 1234 5678", "+8613812345678"),
        ("13812345678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("0086 138 1234 5678", "+8613812345678"),
        ("021 6123 4567", "+862161234567"),  # Shanghai landline
        ("+852 5123 4567", "+85251234567"),  # Hong Kong mobile
        ("+853 6612 3456", "+85366123456"),  # Macao mobile
        ("+44 7911 123456", "+447911123456"),  # UK mobile
        ("+1 (415) 555-2671", "+14155552671"),  # US
        ("+49 1512 3456789", "+4915123456789"),  # German mobile
    ],
)
def test_valid_numbers_are_normalised(raw, e164):
    assert phone_normalise(raw) == e164


def test_default_region_reads_numbers_without_country_code():
    assert phone_normalise("07911 123456", default_region="GB") == "+447911123456"
    assert phone_normalise("5123 4567", default_region="HK") == "+85251234567"


@pytest.mark.parametrize(
    "raw", ["12345", "+86 123", "", "   ", "not a phone", "+86 138 1234 567", "+999 1"]
)
def test_invalid_numbers_are_refused(raw):
    with pytest.raises(InvalidInput) as caught:
        phone_normalise(raw)
    assert caught.value.code == "invalid_phone"
    assert caught.value.status == 422
    assert caught.value.fields == {"phone": "invalid"}


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+8613812345678", "+86 138****5678"),
        ("+862161234567", "+86 216***4567"),
        ("+85251234567", "+852 51**4567"),
        ("+447911123456", "+44 79****3456"),
        ("+14155552671", "+1 41****2671"),
    ],
)
def test_masks(e164, masked):
    assert phone_mask(e164) == masked


def test_masks_never_show_the_whole_number():
    assert phone_mask("garbage 123456") == "**3456"
    assert "*" in phone_mask("+8612345")


def test_mainland():
    assert phone_is_mainland("+8613812345678")
    assert phone_is_mainland(phone_normalise("021 6123 4567"))
    assert not phone_is_mainland("+85251234567")
    assert not phone_is_mainland("+853 6612 3456")
    assert not phone_is_mainland("+14155552671")
    assert not phone_is_mainland("nonsense")
