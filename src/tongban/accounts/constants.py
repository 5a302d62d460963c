"""Vocabularies of accounts: assurance levels and their evidence, grants, consents, limits."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """Identity assurance. L3 (remote face verification) and L4 arrive with a later issue."""

    NONE = 0, _("未认证")
    L1 = 1, _("手机号已验证")
    L2 = 2, _("实名已核验")
    L3 = 3, _("人脸已核验")
    L4 = 4, _("现场或数字证书核验")


class LevelEvidence(models.TextChoices):
    PHONE = "phone", _("短信验证码确认手机号")
    POPULATION_REGISTRY = "population", _("人口库核验姓名与证件号")
    EXIT_ENTRY_REGISTRY = "exit_entry", _("出入境管理信息库核验姓名与证件号")
    IN_PERSON = "in_person", _("窗口当面查验证件原件")


class SmsPurpose(models.TextChoices):
    REGISTER = "register", _("注册")
    LOGIN = "login", _("登录")
    PASSWORD_RESET = "password_reset", _("重置密码")
    PHONE_CHANGE = "phone_change", _("更换手机号")
    CLAIM = "claim", _("认领窗口建立的账户")
    CONFIRM_PROXY = "confirm_proxy", _("确认代办授权")


class GrantKind(models.TextChoices):
    COMPANY_HANDLER = "company_handler", _("企业经办人（授权代理人）")
    RELATIVE = "relative", _("亲属代办")
    GUARDIAN = "guardian", _("监护人")


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("待被代办人确认")
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已撤销")


class ConsentKind(models.TextChoices):
    TERMS = "terms", _("用户服务协议与隐私政策")
    IDENTITY_CHECK = "identity_check", _("向登记机关核验身份信息")
    GUARDIAN = "guardian", _("监护人同意处理不满十四周岁未成年人个人信息")
    PROXY = "proxy", _("同意他人代为办理")


class Position(models.TextChoices):
    """Registered positions of a company: facts of the legal-entity registry."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    CHIEF_REPRESENTATIVE = "chief_representative", _("首席代表")
    DELEGATED_REPRESENTATIVE = "delegated_representative", _("委派代表")


class Permission(models.TextChoices):
    """What a staff member may do; which role gives which: `accounts/permissions.py`."""

    # The work of a department.
    CASES_HANDLE = "cases.handle", _("办理本部门的办件")
    PERSONS_READ = "persons.read", _("查看本部门窗口建档人员的身份信息")
    SUPERVISION_ALL = "supervision.all", _("效能监察：全部部门")
    SUPERVISION_DEPARTMENT = "supervision.department", _("效能监察：本部门")
    # 系统管理员: the platform's resources and how it runs (管理后台).
    CATALOG_VIEW = "catalog.view", _("查看服务目录及其发布记录")
    CALENDAR_MANAGE = "workdays.manage", _("维护工作日历")
    OPERATIONS_VIEW = "operations.view", _("查看定时作业、后台任务与进程状态")
    # 安全管理员: who may do what.
    STAFF_ROLES_MANAGE = "staff.roles", _("分配工作人员角色")
    STAFF_UNLOCK = "staff.unlock", _("解除工作人员账户锁定")
    # 审计管理员: the audit log, and nothing else.
    AUDIT_READ = "audit.read", _("查阅与校验审计日志")


# Consent texts change; a consent records which version was agreed.
CONSENT_VERSION = "2026-11"

SMS_CODE_LENGTH = 6
SMS_CODE_LIFETIME = dt.timedelta(minutes=10)
SMS_CODE_ATTEMPTS = 5
# How often codes may be sent and logins tried: settings (conf/base.py), see
# services/limits.py.

ACCESS_TOKEN_LIFETIME = dt.timedelta(minutes=15)
REFRESH_TOKEN_LIFETIME = dt.timedelta(days=14)
# Access tokens are signed with this salt, so no other signed value can pass for one.
ACCESS_TOKEN_SALT = "tongban.api.access"  # noqa: S105 — a salt, not a secret

IDLE_TIMEOUT_APPLICANT = dt.timedelta(minutes=30)
IDLE_TIMEOUT_STAFF = dt.timedelta(minutes=15)

# PIPL Art. 31: the personal data of a child under fourteen needs a guardian's consent.
GUARDIAN_AGE_LIMIT = 14
