"""Vocabularies of the case (办件): statuses, actions, closing types, special procedures."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    RECEIVED = "received", _("已收件，待受理")
    CORRECTION_REQUESTED = "correction_requested", _("待补正材料")
    ACCEPTED = "accepted", _("已受理，审查中")
    REVIEWED = "reviewed", _("已审查，待决定")
    APPROVED = "approved", _("准予许可")
    REFUSED = "refused", _("不予许可")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    CLOSED = "closed", _("已办结")


# Statuses in which the applicant may still withdraw (before a decision).
WITHDRAWABLE = frozenset(
    {
        Status.DRAFT,
        Status.RECEIVED,
        Status.CORRECTION_REQUESTED,
        Status.ACCEPTED,
        Status.REVIEWED,
    }
)


class Action(models.TextChoices):
    """Everything that changes a case, as recorded in its event log."""

    DRAFT = "draft", _("填写申请")
    SUBMIT = "submit", _("提交申请")
    REQUEST_CORRECTION = "request_correction", _("一次性告知补正材料")
    SUPPLEMENT = "supplement", _("补正材料")
    ACCEPT = "accept", _("受理")
    ACCEPT_BY_LAW = "accept_by_law", _("逾期未告知补正，依法自收件之日起受理")
    REFUSE_INTAKE = "refuse_intake", _("不予受理")
    REVIEW = "review", _("审查意见")
    APPROVE = "approve", _("准予许可")
    REFUSE = "refuse", _("不予许可")
    EXTEND = "extend", _("延长审查期限")
    SPECIAL_START = "special_start", _("开始特别程序")
    SPECIAL_END = "special_end", _("结束特别程序")
    WITHDRAW = "withdraw", _("撤回申请")
    CLOSE = "close", _("办结")
    FORWARD = "forward", _("转办")
    VOID = "void", _("作废")
    DELIVER = "deliver", _("送达")
    CLAIM = "claim", _("认领")
    RELEASE = "release", _("释放")
    DEADLINES = "deadlines", _("计算期限")


class ClosingType(models.TextChoices):
    RESULT_ISSUED = "result_issued", _("准予许可，结果已出具")
    REFUSED = "refused", _("不予许可")
    NOT_ACCEPTED = "not_accepted", _("不予受理，退回")
    WITHDRAWN = "withdrawn", _("申请人撤回")
    CORRECTION_NOT_SUPPLIED = "correction_not_supplied", _("逾期未补正")
    FORWARDED = "forwarded", _("转办")
    VOIDED = "voided", _("作废")


class SpecialProcedureKind(models.TextChoices):
    """特别程序 (行政许可法 Art. 45): time excluded from the limit."""

    HEARING = "hearing", _("听证")
    TESTING = "testing", _("检验、检测")
    INSPECTION = "inspection", _("检疫、现场检查")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    SITE_CHECK = "site_check", _("现场核查")
    APPRAISAL = "appraisal", _("鉴定")
    PUBLIC_NOTICE = "public_notice", _("公示")


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("收件凭证")
    ACCEPTANCE = "acceptance", _("受理通知书")
    NON_ACCEPTANCE = "non_acceptance", _("不予受理通知书")
    CORRECTION = "correction", _("补正材料通知书")
    EXTENSION = "extension", _("延长审查期限告知书")
    SPECIAL_PROCEDURE = "special_procedure", _("特别程序告知书")
    APPROVAL = "approval", _("准予许可决定书")
    REFUSAL = "refusal", _("不予许可决定书")


# 行政许可法 Art. 32: a correction notice must go out within 5 working days of receipt,
# else the application counts as accepted from the day it was received.
CORRECTION_WINDOW_WORKING_DAYS = 5
# Art. 42: the head of the department may extend the decision limit once by 10 working days.
EXTENSION_WORKING_DAYS = 10
# Art. 44: the decision is delivered within 10 working days.
DELIVERY_WORKING_DAYS = 10

# Appeal and litigation rights stated in refusals and non-acceptances (行政复议法 2023
# Art. 20: sixty days; 行政诉讼法 Art. 46: six months), naming the review body
# (the department's `review_body` in the catalogue), else without a name.
APPEAL_RIGHTS = _(
    "如不服本决定，可以自收到本文书之日起六十日内依法申请行政复议，"
    "或者自收到本文书之日起六个月内依法向有管辖权的人民法院提起行政诉讼。"
)
APPEAL_RIGHTS_NOTICE = _(
    "如不服本决定，可以自收到本通知书之日起六十日内向%(review_body)s申请行政复议，"
    "或者自收到本通知书之日起六个月内依法向有管辖权的人民法院提起行政诉讼"
    "（《中华人民共和国行政复议法》第二十条、《中华人民共和国行政诉讼法》第四十六条）。"
)
APPEAL_RIGHTS_DECISION = _(
    "如不服本决定，可以自收到本决定书之日起六十日内向%(review_body)s申请行政复议，"
    "或者自收到本决定书之日起六个月内依法向有管辖权的人民法院提起行政诉讼"
    "（《中华人民共和国行政复议法》第二十条、《中华人民共和国行政诉讼法》第四十六条）。"
)


def appeal_rights(kind: str, review_body: str) -> str:
    """The rights paragraph of a refusal or non-acceptance, in the active language."""
    if not review_body:
        return str(APPEAL_RIGHTS)
    text = (
        APPEAL_RIGHTS_NOTICE
        if kind == DocumentKind.NON_ACCEPTANCE
        else APPEAL_RIGHTS_DECISION
    )
    return str(text) % {"review_body": review_body}
