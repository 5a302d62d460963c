"""English is English: punctuation between translated pieces follows the reader's language,
and a department issuing a material is named in English on English pages."""

import pytest
from django.template import Context, Template
from django.utils import translation

from tongban.catalog.models import Department

PIECES = (
    "{% load i18n catalog %}{% translate '出具单位' %}{% colon %}X"
    "|{{ roles|joined }}|A{{ note|parenthesized }}"
    "|{% for r in roles %}{{ r }}{% if not forloop.last %}{% list_comma %}{% endif %}"
    "{% endfor %}"
)


def _render(language: str) -> str:
    with translation.override(language):
        return Template(PIECES).render(Context({"roles": ["甲", "乙"], "note": "<b>"}))


def test_punctuation_between_pieces_is_full_width_in_chinese_and_ascii_in_english() -> (
    None
):
    assert _render("zh-hans") == "出具单位：X|甲、乙|A（&lt;b&gt;）|甲、乙"
    with translation.override("en"):
        issued_by = translation.gettext("出具单位")
    assert _render("en") == f"{issued_by}: X|甲, 乙|A (&lt;b&gt;)|甲, 乙"


@pytest.mark.django_db
def test_a_department_issuing_a_material_is_named_in_english_on_english_pages() -> None:
    Department.objects.create(
        code="11310000002420033N",
        name="上海市市场监督管理局",
        name_en="Shanghai Administration for Market Regulation",
        region="310000",
        level="city",
    )
    template = Template("{% load catalog %}{{ issuer|issuer_name }}")
    for issuer, language, shown in [
        ("上海市市场监督管理局", "en", "Shanghai Administration for Market Regulation"),
        ("上海市市场监督管理局", "zh-hans", "上海市市场监督管理局"),
        ("国籍国警察机关", "en", "国籍国警察机关"),  # not a department: as given
    ]:
        with translation.override(language):
            assert template.render(Context({"issuer": issuer})) == shown
