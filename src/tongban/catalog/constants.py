"""The catalogue's vocabularies, shared by every later app (cases, accounts, reviews, …).

One name each, everywhere: the YAML, the database, the API and the code use these values.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApprovalMode(models.TextChoices):
    STANDARD = "standard", _("一般程序")
    COMMITMENT = "commitment", _("告知承诺")
    TOLERATE_MISSING = "tolerate_missing", _("容缺受理")


class Channel(models.TextChoices):
    WEB = "web", _("网上办")
    MOBILE = "mobile", _("掌上办")
    COUNTER = "counter", _("窗口办")
    EXPRESS = "express", _("快递办")
    KIOSK = "kiosk", _("自助办")


class ResultDelivery(models.TextChoices):
    ELECTRONIC = "electronic", _("电子证照推送")
    PICKUP = "pickup", _("窗口领取")
    EXPRESS = "express", _("快递送达")


class SubjectType(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人和其他组织")


class CaseType(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("即办件")
    PROMISED = "promised", _("承诺件")


class ItemType(models.TextChoices):
    """事项类型 of the national catalogue."""

    ADMINISTRATIVE_LICENCE = "administrative_licence", _("行政许可")
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("行政处罚")
    ADMINISTRATIVE_ENFORCEMENT = "administrative_enforcement", _("行政强制")
    ADMINISTRATIVE_LEVY = "administrative_levy", _("行政征收")
    ADMINISTRATIVE_PAYMENT = "administrative_payment", _("行政给付")
    ADMINISTRATIVE_INSPECTION = "administrative_inspection", _("行政检查")
    ADMINISTRATIVE_CONFIRMATION = "administrative_confirmation", _("行政确认")
    ADMINISTRATIVE_REWARD = "administrative_reward", _("行政奖励")
    ADMINISTRATIVE_ADJUDICATION = "administrative_adjudication", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class Level(models.TextChoices):
    """行使层级: the level of government that implements an item."""

    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县级")
    STREET = "street", _("乡镇街道级")


class BodyNature(models.TextChoices):
    """实施主体性质."""

    STATUTORY = "statutory", _("法定机关")
    AUTHORISED = "authorised", _("法律法规授权组织")
    ENTRUSTED = "entrusted", _("受委托组织")


class CrossRegionScope(models.TextChoices):
    """通办范围."""

    NONE = "none", _("不通办")
    CITY = "city", _("全市通办")
    PROVINCE = "province", _("全省通办")
    NATIONWIDE = "nationwide", _("跨省通办")


class PauseReason(models.TextChoices):
    """Reasons that pause or precede the clock (特别程序 and correction)."""

    CORRECTION = "correction", _("补正材料")
    HEARING = "hearing", _("听证")
    TESTING = "testing", _("检验检测")
    INSPECTION = "inspection", _("检疫")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    SITE_CHECK = "site_check", _("现场核查")
    TENDERING = "tendering", _("招标、拍卖")
    PUBLIC_NOTICE = "public_notice", _("公示")


class StaffRole(models.TextChoices):
    INTAKE_CLERK = "intake_clerk", _("受理人员")
    REVIEWER = "reviewer", _("审查人员")
    APPROVER = "approver", _("审批人员")
    DEPARTMENT_HEAD = "department_head", _("行政机关负责人")
    LICENCE_OFFICER = "licence_officer", _("制证人员")
    INSPECTOR = "inspector", _("核查人员")
    EXPERT = "expert", _("评审专家")
    DEPARTMENT_ADMIN = "department_admin", _("部门管理员")
    SUPERVISOR = "supervisor", _("效能监察")
    # 三员: the platform's three administrators, in the words of GB/T 22239-2019 (等保 2.0:
    # 8.1.5 安全管理中心 — 系统管理, 审计管理, 安全管理; 8.1.7.2 配备系统管理员、审计管理员和
    # 安全管理员). "安全审计员" and "安全保密管理员" are the words of classified systems
    # (分级保护, BMB 17), not of 等保. What each may do: `accounts/permissions.py`; no
    # account holds two of them, and the audit administrator holds no other role at all.
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# The three administrators of 三员分立, who never take part in a case's workflow.
ADMINISTRATOR_ROLES = frozenset(
    {StaffRole.SYSTEM_ADMIN, StaffRole.SECURITY_ADMIN, StaffRole.AUDIT_ADMIN}
)


class WorkflowStep(models.TextChoices):
    RECEIVE = "receive", _("收件")
    ACCEPT = "accept", _("受理")
    REVIEW = "review", _("审查")
    DECIDE = "decide", _("决定")
    ISSUE = "issue", _("制证")
    DELIVER = "deliver", _("送达")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    ORIGINAL_AND_COPY = "original_and_copy", _("原件和复印件")


class Medium(models.TextChoices):
    ELECTRONIC = "electronic", _("电子")
    PAPER = "paper", _("纸质")
    EITHER = "either", _("纸质或电子")


class MaterialSource(models.TextChoices):
    """Where a material comes from: the applicant, or a government dataset that holds it."""

    APPLICANT = "applicant", _("申请人提供")
    # The item's application form itself (申请表/申请书), filled in online: nothing to
    # upload, the form's answers are the material.
    ONLINE_FORM = "online_form", _("在线填写")
    POPULATION_REGISTRY = "population_registry", _("人口库")
    LEGAL_ENTITY_REGISTRY = "legal_entity_registry", _("法人库")
    EXIT_ENTRY_REGISTRY = "exit_entry_registry", _("出入境管理信息库")
    SOCIAL_SECURITY = "social_security", _("社保信息库")
    MEDICAL_INSURANCE = "medical_insurance", _("医保信息库")
    VEHICLE_AND_DRIVER = "vehicle_and_driver", _("机动车和驾驶人信息库")
    REAL_ESTATE_REGISTRY = "real_estate_registry", _("不动产登记库")
    CREDIT_REGISTRY = "credit_registry", _("公共信用信息库")
    INVESTMENT_PROJECT = "investment_project", _("投资项目在线审批监管平台")
    FOREIGN_EXPERTS = "foreign_experts", _("外国人来华工作管理服务系统")
