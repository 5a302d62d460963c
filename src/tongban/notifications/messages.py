"""What each event says, per channel. `%(...)s` fields come from the case."""

from django.utils.translation import gettext_lazy as _

# event → (title, text); SMS and email use the text, email the title as subject.
TEMPLATES = {
    "case.submit": (
        _("申请已收到：%(service)s"),
        _(
            "您的“%(service)s”申请已收到，办件编号 %(number)s。我们将在 5 个工作日内告知是否受理。"
        ),
    ),
    "case.request_correction": (
        _("请补正材料：%(service)s"),
        _("您的申请 %(number)s 需要补正材料，请登录通办查看补正通知并一次补齐。"),
    ),
    "case.accept": (
        _("申请已受理：%(service)s"),
        _("您的申请 %(number)s 已受理，法定期限至 %(legal_deadline)s。"),
    ),
    "case.accept_by_law": (
        _("申请已依法受理：%(service)s"),
        _("您的申请 %(number)s 未在 5 个工作日内收到补正通知，依法自收件之日起受理。"),
    ),
    "case.refuse_intake": (
        _("申请不予受理：%(service)s"),
        _("您的申请 %(number)s 不予受理，请登录通办查看理由和救济途径。"),
    ),
    "case.extend": (
        _("审查期限延长：%(service)s"),
        _("您的申请 %(number)s 审查期限延长至 %(legal_deadline)s，理由见延期告知书。"),
    ),
    "case.special_start": (
        _("特别程序告知：%(service)s"),
        _("您的申请 %(number)s 进入特别程序，所需时间不计入审查期限，详见告知书。"),
    ),
    "case.approve": (
        _("准予许可：%(service)s"),
        _("您的申请 %(number)s 已准予许可，请登录通办查看决定书。"),
    ),
    "case.refuse": (
        _("不予许可：%(service)s"),
        _("您的申请 %(number)s 不予许可，请登录通办查看理由和救济途径。"),
    ),
    "case.withdraw": (
        _("申请已撤回：%(service)s"),
        _("您的申请 %(number)s 已撤回。"),
    ),
}
