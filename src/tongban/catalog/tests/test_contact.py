"""A department's phone and opening hours: which are well-formed, and how they are said."""

import pytest
from django.utils import translation

from tongban.catalog.contact import hours_lines, hours_parse, phone_is_valid


@pytest.mark.parametrize(
    "phone",
    [
        "021-12345678",  # Shanghai: a three-character area code, eight digits
        "010-87654321",
        "0571-1234567",  # a four-character area code, seven or eight digits
        "0571-12345678",
        "12345",  # government service hotlines
        "12333",
        "021-12345",  # a hotline dialled from outside Shanghai
        "962222",  # Shanghai's six-digit public-service numbers
        "400-820-5114",
        "800-820-5114",
    ],
)
def test_phone_numbers_as_dialled_in_china(phone):
    assert phone_is_valid(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "12345678",  # no area code
        "021-1234567",  # seven digits after a three-character area code
        "0571-123456",
        "021 12345678",
        "(021)12345678",
        "+86-21-12345678",
        "13812345678",  # a mobile is not a department's consultation line
        "1234",
        "9622222",
        "4008205114",
    ],
)
def test_phone_numbers_that_are_refused(phone):
    assert not phone_is_valid(phone)


def test_hours_are_said_in_chinese_one_line_a_rule():
    with translation.override("zh-hans"):
        assert hours_lines("Mo-Fr 09:00-11:30,13:30-17:00; Sa 09:00-12:00; PH off") == [
            "周一至周五 9:00–11:30、13:30–17:00",
            "周六 9:00–12:00",
            "法定节假日休息",
        ]
        assert hours_lines("Mo,We,Fr-Su 08:30-24:00") == [
            "周一、周三、周五至周日 8:30–24:00"
        ]
        assert hours_lines("Mo-Fr 09:00-17:00; Sa-Su off") == [
            "周一至周五 9:00–17:00",
            "周六至周日休息",
        ]


def test_hours_not_in_the_syntax_are_shown_as_written():
    # Stored before the loader checked them; the loader refuses such a line.
    assert hours_lines("工作日 9:00-17:00") == ["工作日 9:00-17:00"]
    assert hours_lines("") == []
    with pytest.raises(ValueError, match="not a day"):
        hours_parse("工作日 9:00-17:00")


def test_hours_rules_keep_their_days_and_spans():
    weekdays, saturday, holidays = hours_parse(
        "Mo-Fr 09:00-11:30,13:30-17:00; Sa 09:00-12:00; PH off"
    )
    assert weekdays.days == (0, 1, 2, 3, 4)
    assert weekdays.spans == ((540, 690), (810, 1020))
    assert (saturday.days, saturday.spans) == ((5,), ((540, 720),))
    assert holidays.public_holidays and not holidays.days
