"""Forms of the account pages. Validation of substance lives in services; these only parse."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from tongban.accounts.countries import (
    NATIONALITY_ASKED,
    NATIONALITY_IN_NUMBER,
    country_options,
)
from tongban.catalog.constants import StaffRole
from tongban.core.documents import DocumentType


@dataclass(frozen=True)
class CodeSent:
    """What the page says under the phone field after a code was sent."""

    phone: str  # masked
    resend_seconds: int


class _Form(forms.Form):
    """Bootstrap classes on every input, and phone-friendly keyboards where they help.

    `sms_button_for` names the phone field that the "获取验证码" button sits beside
    (`_fields.html` draws them as one input group); `code_sent` is set by the view once
    a code went to it.
    """

    sms_button_for = ""
    code_sent: CodeSent | None = None

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, field in self.fields.items():
            widget = field.widget
            if field.help_text:
                widget.attrs.setdefault("aria-describedby", f"id_{name}_help")
            if isinstance(widget, forms.CheckboxInput | forms.Select):
                continue
            widget.attrs.setdefault("class", "form-control")
            if name.endswith("sms_code") or name in ("totp", "code"):
                widget.attrs.update(inputmode="numeric", autocomplete="one-time-code")
            elif name.endswith("phone"):
                widget.attrs.update(inputmode="tel", autocomplete="tel")


class CountryInput(forms.TextInput):
    """A country typed by name with the browser's suggestions: an `<input list>` and its
    `<datalist>` of country names in the page's language (`accounts.countries`). On the
    Chinese page each name carries its English one as the option's label, shown beside
    it. The server maps a name in either language, or the ISO code, to ISO alpha-3.

    `web/static/web/accounts.js` shows the field only for the document types in
    `data-asked-for` (the select named by `data-document-field`), and takes it out of
    the form (disabled) for the others; without the script it is always there, and the
    server ignores it where the document says the nationality.
    """

    template_name = "accounts/widgets/country_input.html"

    def __init__(self, document_field: str = "doc_type") -> None:
        super().__init__(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "data-document-field": document_field,
                "data-asked-for": " ".join(sorted(NATIONALITY_ASKED)),
                "data-in-number-for": " ".join(sorted(NATIONALITY_IN_NUMBER)),
            }
        )

    def get_context(
        self, name: str, value: object, attrs: dict[str, object] | None
    ) -> dict[str, object]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"]["list"] = f"{widget['attrs'].get('id', name)}_countries"
        language = get_language()
        widget["countries"] = [
            (country.name(language), "" if language == "en" else country.english)
            for country in country_options(language)
        ]
        return context


def _nationality_field() -> forms.CharField:
    return forms.CharField(
        label=_("国籍"),
        help_text=_(
            "仅外国护照需要填写：输入国家名称并从列表中选择，如“英国”“美国”。"
            "永久居留身份证号码已含国籍，无需填写。"
        ),
        max_length=100,
        required=False,
        widget=CountryInput(),
    )


def _policy_link(url: str, text: str) -> str:
    """A policy link from the form: it opens in a new tab, so nothing typed is lost."""
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}'
        '<span class="visually-hidden">{}</span></a>',
        url,
        text,
        gettext("（在新窗口打开）"),
    )


class RegisterForm(_Form):
    sms_button_for = "phone"

    name = forms.CharField(label=_("姓名（与证件一致）"), max_length=100)
    doc_type = forms.ChoiceField(
        label=_("证件类型"), choices=DocumentType.choices, initial="resident_id"
    )
    doc_number = forms.CharField(label=_("证件号码"), max_length=40)
    nationality = _nationality_field()
    phone = forms.CharField(
        label=_("手机号（境外号码请加国家代码，如 +44）"), max_length=32
    )
    sms_code = forms.CharField(label=_("短信验证码"), max_length=6, required=False)
    password = forms.CharField(
        label=_("密码"), widget=forms.PasswordInput(render_value=True), required=False
    )
    agree = forms.BooleanField(required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Both open in a new tab, so reading them loses nothing typed here.
        self.fields["agree"].label = format_html(
            gettext("我已阅读并同意{terms}和{privacy}"),
            terms=_policy_link(reverse("web:terms"), gettext("《用户服务协议》")),
            privacy=_policy_link(reverse("web:privacy"), gettext("《隐私政策》")),
        )
        self.fields["agree"].help_text = gettext(
            "两个链接均在新窗口打开，已填写的内容不会丢失。"
        )
        self.fields["agree"].widget.attrs["aria-describedby"] = "id_agree_help"


class ClaimForm(_Form):
    sms_button_for = "phone"

    name = forms.CharField(label=_("姓名"), max_length=100)
    doc_type = forms.ChoiceField(
        label=_("证件类型"), choices=DocumentType.choices, initial="resident_id"
    )
    doc_number = forms.CharField(label=_("证件号码"), max_length=40)
    phone = forms.CharField(label=_("窗口登记的手机号"), max_length=32)
    sms_code = forms.CharField(label=_("短信验证码"), max_length=6, required=False)
    password = forms.CharField(
        label=_("设置密码"),
        widget=forms.PasswordInput(render_value=True),
        required=False,
    )


class PasswordLoginForm(_Form):
    login = forms.CharField(label=_("手机号或证件号码"), max_length=40)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)


class SmsLoginForm(_Form):
    sms_button_for = "phone"

    phone = forms.CharField(label=_("手机号"), max_length=32)
    sms_code = forms.CharField(label=_("短信验证码"), max_length=6, required=False)


class PasswordResetForm(_Form):
    sms_button_for = "phone"

    phone = forms.CharField(label=_("注册手机号"), max_length=32)
    doc_number = forms.CharField(label=_("证件号码"), max_length=40)
    sms_code = forms.CharField(label=_("短信验证码"), max_length=6, required=False)
    new_password = forms.CharField(
        label=_("新密码"), widget=forms.PasswordInput(render_value=True), required=False
    )


class PhoneChangeForm(_Form):
    sms_button_for = "new_phone"

    name = forms.CharField(label=_("姓名"), max_length=100)
    doc_type = forms.ChoiceField(
        label=_("证件类型"), choices=DocumentType.choices, initial="resident_id"
    )
    doc_number = forms.CharField(label=_("证件号码"), max_length=40)
    password = forms.CharField(
        label=_("密码"), widget=forms.PasswordInput(render_value=True)
    )
    new_phone = forms.CharField(label=_("新手机号"), max_length=32)
    sms_code = forms.CharField(
        label=_("新手机号收到的验证码"), max_length=6, required=False
    )


class EmailForm(_Form):
    email = forms.CharField(label=_("电子邮箱"), max_length=254)


class LanguageForm(_Form):
    """The language a person is written to in (one of settings.LANGUAGES)."""

    language = forms.ChoiceField(
        label=_("短信、邮件和消息的语言"),
        choices=lambda: settings.LANGUAGES,
        help_text=_("通知书和决定书以中文为准；选择英文时另附英文译本。"),
    )


class CompanyForm(_Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=24)


class GrantForm(_Form):
    agent_name = forms.CharField(label=_("经办人姓名"), max_length=100)
    agent_doc_type = forms.ChoiceField(
        label=_("经办人证件类型"), choices=DocumentType.choices, initial="resident_id"
    )
    agent_doc_number = forms.CharField(label=_("经办人证件号码"), max_length=40)
    all_services = forms.BooleanField(
        label=_("授权办理全部事项"), required=False, initial=True
    )
    service_codes = forms.CharField(
        label=_("或仅以下事项（实施编码，每行一个）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    valid_from = forms.DateField(
        label=_("有效期起"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    valid_until = forms.DateField(
        label=_("有效期止"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ProxyForm(_Form):
    principal_name = forms.CharField(label=_("被代办人姓名"), max_length=100)
    principal_doc_type = forms.ChoiceField(
        label=_("被代办人证件类型"), choices=DocumentType.choices, initial="resident_id"
    )
    principal_doc_number = forms.CharField(label=_("被代办人证件号码"), max_length=40)
    relation = forms.CharField(label=_("关系（如 子女、配偶）"), max_length=40)
    valid_until = forms.DateField(
        label=_("有效期止"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ChildForm(_Form):
    child_name = forms.CharField(label=_("儿童姓名"), max_length=100)
    child_doc_number = forms.CharField(label=_("儿童居民身份证号码"), max_length=18)
    consent = forms.BooleanField(
        label=_("我作为监护人，同意平台为办理事项处理该儿童的个人信息"), required=False
    )


class StaffLoginForm(_Form):
    username = forms.CharField(label=_("工号"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)
    totp = forms.CharField(label=_("动态口令（6 位）"), max_length=6, required=False)


class TotpForm(_Form):
    code = forms.CharField(label=_("验证器显示的 6 位动态口令"), max_length=6)


class CounterPersonForm(_Form):
    name = forms.CharField(label=_("姓名"), max_length=100)
    doc_type = forms.ChoiceField(
        label=_("证件类型"), choices=DocumentType.choices, initial="resident_id"
    )
    doc_number = forms.CharField(label=_("证件号码"), max_length=40)
    nationality = _nationality_field()
    phone = forms.CharField(
        label=_("手机号（供本人认领账户）"), max_length=32, required=False
    )


class ReasonForm(_Form):
    reason = forms.CharField(label=_("查看事由"), max_length=200)
    reveal = forms.BooleanField(label=_("显示完整证件号码"), required=False)


class AuditFilterForm(_Form):
    """What the audit administrator searches the log for; every field may stay empty."""

    action = forms.CharField(
        label=_("动作"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"list": "audit-actions", "autocomplete": "off"}),
    )
    actor = forms.CharField(
        label=_("操作者"),
        max_length=150,
        required=False,
        help_text=_("工作人员用户名，或 user:编号、system、anonymous"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    subject_type = forms.CharField(label=_("对象类型"), max_length=64, required=False)
    subject_id = forms.CharField(label=_("对象编号"), max_length=64, required=False)
    since = forms.DateField(
        label=_("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    older_than = forms.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, widget=forms.HiddenInput
    )


class StaffRolesForm(_Form):
    roles = forms.MultipleChoiceField(
        label=_("角色"),
        choices=StaffRole.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,  # none at all is the service's refusal, said in its words
    )
