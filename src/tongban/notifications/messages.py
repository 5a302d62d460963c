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
    "case.forward": (
        _("申请已转办：%(service)s"),
        _(
            "您的申请 %(number)s 已转至%(department)s办理，新的办件编号 %(new_number)s，"
            "办理期限从该部门收件之日起计算。"
        ),
    ),
    "case.void": (
        _("办件已作废：%(service)s"),
        _("办件 %(number)s 已作废，原因：%(reason)s。如有疑问请联系办理部门。"),
    ),
}

# Messages to staff, on their workbench (and by email for STAFF_EMAIL_EVENTS).
STAFF_TEMPLATES = {
    "staff.supplement": (
        _("补正材料已提交：%(number)s"),
        _(
            "“%(service)s”办件 %(number)s 的申请人已补正，请在 5 个工作日内作出受理决定。"
        ),
    ),
    "staff.reviewed": (
        _("待审批：%(number)s"),
        _(
            "“%(service)s”办件 %(number)s 已有审查意见，等待审批决定（法定期限 %(legal_deadline)s）。"
        ),
    ),
    "staff.accept_by_law": (
        _("逾期未告知补正，已依法受理：%(number)s"),
        _(
            "“%(service)s”办件 %(number)s 收件后 5 个工作日内未发出补正通知，"
            "已依《行政许可法》第三十二条自收件之日起受理，请尽快审查（法定期限 %(legal_deadline)s）。"
        ),
    ),
    "staff.withdraw": (
        _("申请人已撤回：%(number)s"),
        _("“%(service)s”办件 %(number)s 已由申请人撤回，无需继续办理。"),
    ),
    "staff.forwarded_in": (
        _("收到转办件：%(number)s"),
        _("%(from_department)s转来“%(service)s”办件 %(number)s，请受理审查。"),
    ),
}
STAFF_EMAIL_EVENTS = frozenset({"staff.accept_by_law", "staff.forwarded_in"})
