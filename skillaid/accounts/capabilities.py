"""Who may do what: one table of capabilities to the roles that hold them.

Services call `require(actor, capability, obj)` before they change anything; pages and
the API call `can(...)` with the same arguments to show or hide an action, so what a
page offers is what the service accepts.

Given an object, a capability also asks whether the object lies in the user's scope:
an object says so itself with a `within(scope)` method (an institution of the user's
region, a class of the officer's institution). Apps above this one define `within` on
their models; this module knows none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import PermissionDenied

from .models import Role
from .scope import Scope

if TYPE_CHECKING:
    from .models import User

COUNTY, OFFICER, CITY, PROVINCE, ADMIN = (
    Role.COUNTY_CLERK,
    Role.SCHOOL_OFFICER,
    Role.CITY_REVIEWER,
    Role.PROVINCE_REVIEWER,
    Role.ADMIN,
)
EMPLOYER, AGENCY = Role.EMPLOYER, Role.AGENCY
INSPECTOR = Role.INSPECTOR
OUTSIDE_EMPLOYERS = frozenset({EMPLOYER, AGENCY})
BUREAUS = frozenset({COUNTY, CITY, PROVINCE, ADMIN})
REVIEWERS = frozenset({CITY, PROVINCE, ADMIN})


class Capability:
    """One thing a user may do: the roles that may, and what is said to those who may not."""

    def __init__(
        self, name: str, roles: frozenset[str] | set[str], refusal: str, outside: str = ""
    ) -> None:
        self.name, self.roles, self.refusal = name, frozenset(roles), refusal
        # Said to a role that may, about an object outside its scope; {obj} names the object.
        self.outside = outside or refusal + "：{obj}不在您的管辖范围内"

    def __repr__(self) -> str:
        return f"Capability({self.name!r})"


_TABLE = [
    # The ledger (people and households): kept by the county bureaus, read by those above.
    Capability("ledger.read", BUREAUS, "您的角色不能查看台账"),
    Capability("ledger.edit", {COUNTY, ADMIN}, "您的角色不能修改台账"),
    Capability("ledger.import", {COUNTY, ADMIN}, "您的角色不能导入台账"),
    Capability("ledger.reveal_id", BUREAUS, "您的角色不能查看完整身份证号"),
    # Registering someone met on another record (a roster, an imported certificate) who is
    # not yet in the ledger: whoever may keep that record.
    Capability("person.register", BUREAUS | {OFFICER}, "您的角色不能登记人员"),
    # Recording a check of a person's papers (or a registry's accepted result) as a fact.
    Capability("person.verify", BUREAUS, "您的角色不能记录核实结果"),
    # The demand catalogue (需求指导目录).
    Capability("catalogue.edit", {PROVINCE, ADMIN}, "需求指导目录由省级审核人员维护"),
    # Institutions, the institution catalogue and the capacity registry.
    Capability("institution.create", BUREAUS, "您的角色不能登记院校/机构"),
    Capability(
        "institution.edit",
        BUREAUS | {OFFICER},
        "您不能修改该院校/机构",
        "您不能修改该院校/机构：院校/机构的信息由其所在地区的人社部门维护",
    ),
    Capability(
        "institution.set_status",
        REVIEWERS,
        "您不能变更该机构的目录状态",
        "您不能变更该机构的目录状态：院校/机构的信息由其所在地区的人社部门维护",
    ),
    Capability(
        "institution.occupations",
        BUREAUS,
        "您不能登记该机构的可培训职业",
        "您不能登记该机构的可培训职业：院校/机构的信息由其所在地区的人社部门维护",
    ),
    Capability("capacity.edit", BUREAUS, "您的角色不能登记或修改能力建设项目"),
    # Pairings: set up and ended by city and region bureaus; plans and summaries filed by
    # the school; the agreement recorded by either side.
    Capability("pairing.manage", REVIEWERS, "结对关系由市、自治区人力资源社会保障部门建立和结束"),
    Capability("pairing.report", {OFFICER, ADMIN}, "年度工作计划和结对工作总结由结对院校报送"),
    Capability("pairing.agreement", {OFFICER, COUNTY, ADMIN}, "只有结对双方可以登记结对协议"),
    # Classes: run by the institution's officer, reviewed by the bureaus of the place.
    Capability("class.declare", {OFFICER, ADMIN}, "只有本机构的管理员可以办理此事项"),
    Capability("class.review", BUREAUS, "您的角色不能审核培训班"),
    Capability("roster.edit", {OFFICER, ADMIN}, "只有本机构的管理员可以调整花名册"),
    Capability("attendance.record", {OFFICER, ADMIN}, "只有本机构的管理员可以登记考勤"),
    # A flagged sign-in (many trainees from one phone) is reviewed by the bureau of the
    # class's county, never by the institution whose session it was.
    Capability(
        "attendance.settle",
        BUREAUS,
        "待核查的签到由培训地县（区）人社部门核查，本机构不能核查自己的签到",
        "您不能核查该签到：该培训班不在您的管辖范围内",
    ),
    Capability("completion.record", {OFFICER, ADMIN}, "只有本机构的管理员可以登记结业"),
    # Certificates.
    Capability("certificate.issue", {OFFICER, ADMIN}, "只有本机构的管理员可以为本班学员发证"),
    Capability("certificate.import", BUREAUS, "您的角色不能导入证书"),
    Capability(
        "certificate.revoke",
        BUREAUS | {OFFICER},
        "只有发证机构或持证人所在地的人社部门可以注销该证书",
    ),
    # Technical-school students (学籍): the school keeps its roll and asks for its students'
    # aid; the county bureau of the student's household and the reviewers above read it.
    Capability("student.read", BUREAUS | {OFFICER}, "您的角色不能查看技工院校学生"),
    Capability(
        "student.edit",
        {OFFICER, ADMIN},
        "学籍由就读院校登记和变更，县（区）人社部门查看",
        "您不能办理该学生的学籍：{obj}不是您所在院校的学生",
    ),
    # Subsidy policy rules (补贴政策规则): read by the bureaus, changed by the province's
    # reviewers (a nationwide default by administrators only); each change a new version.
    Capability("policy.read", BUREAUS, "您的角色不能查看补贴政策规则"),
    Capability(
        "policy.edit",
        {PROVINCE, ADMIN},
        "补贴政策规则由省级审核人员维护",
        "您不能修改该规则：{obj}不在您的管辖范围内（全国默认标准由系统管理员维护）",
    ),
    # Subsidy claims (补贴申领): computed when a class closes, submitted by the institution
    # (or the county clerk for a person's application), checked by the county, approved
    # by the city or province as the region's rule says; read by all of them.
    Capability("claim.read", BUREAUS | {OFFICER}, "您的角色不能查看补贴申领"),
    Capability(
        "claim.submit",
        {OFFICER, COUNTY, ADMIN},
        "只有申领机构的管理员或人员所在县（区）人社部门可以提交补贴申领",
        "您不能办理该补贴申领：{obj}不在您的管辖范围内",
    ),
    # A person's skill-upgrading application and an enterprise's apprenticeship claim are
    # recorded by the county bureau where the person (or the enterprise) is.
    Capability(
        "claim.record",
        {COUNTY, ADMIN},
        "个人和企业的补贴申领由县（区）人社部门登记",
        "您不能登记该申领：{obj}不在您的管辖范围内",
    ),
    Capability("claim.check", {COUNTY, ADMIN}, "补贴申领由县（区）人社部门初审"),
    Capability("claim.city_check", {CITY, ADMIN}, "补贴申领由市级审核人员复核"),
    Capability("claim.approve", {CITY, PROVINCE, ADMIN}, "补贴申领由市级或省级审核人员审批"),
    Capability("claim.approve_final", {PROVINCE, ADMIN}, "补贴申领由省级审核人员审批"),
    # Publication (补贴公示) of approved claim lines and the objections raised against them:
    # a county's bureau (or one above it) publishes and resolves, within its regions.
    Capability("publication.read", BUREAUS, "您的角色不能查看补贴公示"),
    Capability(
        "publication.create",
        BUREAUS,
        "补贴公示由县（区）及以上人社部门发布",
        "您不能发布该公示：{obj}不在您的管辖范围内",
    ),
    Capability(
        "objection.resolve",
        BUREAUS,
        "公示异议由县（区）及以上人社部门处理",
        "您不能处理该异议：{obj}不在您的管辖范围内",
    ),
    # The statutory calendar (节假日安排) that working days are counted from: read by the
    # bureaus, a year's holidays and make-up working days entered by administrators.
    Capability("calendar.read", BUREAUS, "您的角色不能查看节假日安排"),
    Capability("calendar.edit", {ADMIN}, "节假日安排由系统管理员录入"),
    # Payment (发放) and budgets (资金). The county clerk, who keeps the ledger, records the
    # payees' bank accounts (an institution's officer its own institution's); the city or province bureau that approves the claims sets
    # the budgets of its regions and pays: builds and locks a batch, has the bank file
    # written, imports the bank's result and reverses a payment. The county bureau sees
    # its county's batches and budgets (and who still lacks an account).
    Capability("payment.read", BUREAUS, "您的角色不能查看补贴发放"),
    Capability(
        "payee_account.edit",
        {COUNTY, OFFICER, ADMIN},
        "收款账户由人员（机构）所在县（区）人社部门或机构本身登记",
        "您不能登记该收款账户：{obj}不在您的管辖范围内",
    ),
    Capability("budget.edit", {CITY, PROVINCE, ADMIN}, "补贴资金预算由市级或省级人社部门设定"),
    Capability(
        "batch.make",
        {CITY, PROVINCE, ADMIN},
        "补贴发放批次由市级或省级人社部门生成、锁定和导出",
        "您不能办理该发放批次：{obj}不在您的管辖范围内",
    ),
    Capability(
        "batch.reconcile",
        {CITY, PROVINCE, ADMIN},
        "银行结果文件由市级或省级人社部门导入对账",
        "您不能为该批次对账：{obj}不在您的管辖范围内",
    ),
    Capability(
        "payment.reverse",
        {CITY, PROVINCE, ADMIN},
        "已发放的补贴只能由市级或省级人社部门冲回",
        "您不能冲回该笔发放：{obj}不在您的管辖范围内",
    ),
    # Recruitment (招生/生源动员) of the young people of a school's paired counties and sites
    # who want a technical-school place, and the monthly monitoring (每月监测) of its
    # assisted-household students: the school records, the bureaus of the place read.
    Capability("recruitment.read", BUREAUS | {OFFICER}, "您的角色不能查看招生动员名单"),
    Capability(
        "recruitment.contact",
        {OFFICER, ADMIN},
        "招生联系记录由结对院校登记",
        "您不能以{obj}的名义登记联系记录：招生联系记录只能由本校登记",
    ),
    Capability(
        "recruitment.reveal_phone",
        BUREAUS | {OFFICER},
        "您的角色不能查看联系电话",
        "您不能查看该联系电话：{obj}不在您的招生动员名单中",
    ),
    Capability("monitoring.read", BUREAUS | {OFFICER}, "您的角色不能查看每月监测"),
    Capability(
        "monitoring.record",
        {OFFICER, ADMIN},
        "每月监测由学生所在院校的帮扶责任人登记",
        "您不能登记该学生的监测记录：{obj}不在本校",
    ),
    # The audit log: a person's history for the bureaus, the whole log for administrators.
    Capability("audit.read", BUREAUS, "您的角色不能查看变更记录"),
    Capability("audit.read_all", {ADMIN}, "只有系统管理员可以查看全部审计日志"),
    # A person's own account (本人账户): opened, or an opening code issued, by the county
    # clerk who keeps the person in the ledger or the officer who has them on a roster.
    # The person role itself holds no capability at all.
    Capability(
        "person_account.open",
        {COUNTY, OFFICER, ADMIN},
        "您的角色不能为人员开通本人账户",
        "您不能为该人员开通账户：{obj}不在您的管辖范围内",
    ),
    # 精准比对 (matching): registry snapshots and comparison runs by the bureaus (a county
    # clerk for their county's people); near matches and differences decided by the
    # county clerk for their county's people and the reviewers above, never by the run's
    # starter; exchange keys made by the province; schools read the feedback on theirs.
    Capability("matching.run", BUREAUS, "您的角色不能导入比对名单或发起比对"),
    Capability(
        "matching.review",
        BUREAUS,
        "您的角色不能确认比对结果",
        "您不能确认该比对结果：{obj}不在您的管辖范围内",
    ),
    Capability(
        "matching.exchange_key", {PROVINCE, ADMIN}, "交换密钥由省级审核人员或系统管理员创建"
    ),
    Capability("matching.exchange", BUREAUS, "您的角色不能导出或导入密文交换文件"),
    Capability("matching.feedback", {OFFICER, ADMIN}, "比对反馈只向院校提供"),
    # Employment services (就业服务): the county bureau registers job seekers, refers them
    # to postings and follows them up; employers and agencies (their own accounts) post
    # jobs, answer the referrals made to them and report placements, which the county
    # bureau confirms (the insurance months an agency's subsidy rests on) before any
    # subsidy line is made. Schools read how their trainees and graduates fared.
    Capability("seeker.read", BUREAUS, "您的角色不能查看求职登记"),
    Capability(
        "seeker.edit",
        {COUNTY, ADMIN},
        "求职登记、就业状态和回访由人员所在县（区）人社部门办理",
        "您不能办理该求职登记：{obj}不在您的管辖范围内",
    ),
    Capability("employer.read", BUREAUS, "您的角色不能查看用人单位"),
    Capability(
        "employer.edit",
        BUREAUS | OUTSIDE_EMPLOYERS,
        "用人单位和人力资源服务机构由所在地人社部门登记",
        "您不能修改该单位：{obj}不在您的管辖范围内",
    ),
    Capability(
        "employer.account",
        BUREAUS,
        "用人单位和人力资源服务机构的账户由所在地人社部门开通",
        "您不能为该单位开通账户：{obj}不在您的管辖范围内",
    ),
    Capability("posting.read", BUREAUS | OUTSIDE_EMPLOYERS, "您的角色不能查看招聘岗位"),
    Capability(
        "posting.edit",
        BUREAUS | OUTSIDE_EMPLOYERS,
        "招聘岗位由用人单位、人力资源服务机构或所在地人社部门登记",
        "您不能修改该岗位：{obj}不是本单位或本地区的岗位",
    ),
    Capability(
        "referral.record",
        {COUNTY, ADMIN},
        "岗位推荐由求职人员所在县（区）人社部门登记",
        "您不能为该人员推荐岗位：{obj}不在您的管辖范围内",
    ),
    Capability(
        "referral.outcome",
        {COUNTY, ADMIN} | OUTSIDE_EMPLOYERS,
        "推荐结果由接收推荐的用人单位或求职人员所在县（区）人社部门登记",
        "您不能登记该推荐的结果：{obj}不是推荐给本单位的，或不在您的管辖范围内",
    ),
    Capability(
        "placement.record",
        {COUNTY, ADMIN} | OUTSIDE_EMPLOYERS,
        "就业登记由用人单位、人力资源服务机构或人员所在县（区）人社部门办理",
        "您不能登记该就业：{obj}不是本单位的，或不在您的管辖范围内",
    ),
    Capability(
        "placement.confirm",
        {COUNTY, ADMIN},
        "劳动合同和社会保险缴纳月数由人员所在县（区）人社部门核实",
        "您不能核实该就业登记：{obj}不在您的管辖范围内",
    ),
    Capability("funnel.read", BUREAUS | {OFFICER}, "您的角色不能查看培训就业情况"),
    Capability(
        "fair.edit",
        BUREAUS,
        "招聘会由举办地人社部门登记",
        "您不能登记该招聘会：{obj}不在您的管辖范围内",
    ),
    # Targets, progress, desks and report packs (reports). Figures are read within scope:
    # a school officer reads their own school's.
    Capability("figures.read", BUREAUS | {OFFICER}, "您的角色不能查看统计指标"),
    Capability(
        "target.edit",
        REVIEWERS,
        "目标任务由市级、省级审核人员设定和分解",
        "您不能设定该目标任务：{obj}不在您的管辖范围内",
    ),
    Capability("report.pack", BUREAUS, "您的角色不能生成报表"),
    Capability(
        "report.submit",
        BUREAUS,
        "您的角色不能报送报表",
        "您不能报送该报表：{obj}不在您的管辖范围内",
    ),
    Capability("deadline.edit", {PROVINCE, ADMIN}, "报送时限由省级审核人员设定"),
    # Random inspections (双随机、一公开): reviewers draw and publish; inspectors record.
    Capability(
        "inspection.draw",
        REVIEWERS,
        "双随机抽查由市级、省级审核人员组织",
        "您不能组织该抽查：{obj}不在您的管辖范围内",
    ),
    Capability(
        "inspector.manage",
        REVIEWERS,
        "检查人员名录由市级、省级审核人员维护",
        "您不能维护该检查人员：{obj}不在您的管辖范围内",
    ),
    Capability(
        "inspection.record",
        {INSPECTOR},
        "检查结果由抽取到的检查人员登记",
        "您不能登记该检查结果：该检查对象不是抽取给您的",
    ),
    # Users and their tokens.
    Capability("users.manage", {ADMIN}, "只有系统管理员可以管理用户。"),
    Capability("tokens.manage", {ADMIN}, "只能为自己签发或吊销令牌"),
]
CAPABILITIES: dict[str, Capability] = {c.name: c for c in _TABLE}


class InScope(Protocol):
    def within(self, scope: Scope) -> bool: ...


def roles_with(capability: str) -> frozenset[str]:
    return CAPABILITIES[capability].roles


def capabilities_of(role: str) -> set[str]:
    return {c.name for c in _TABLE if role in c.roles}


def can(user: User | None, capability: str, obj: InScope | None = None) -> bool:
    """Whether `user` holds `capability`, and, given `obj`, whether `obj` is in their scope."""
    cap = CAPABILITIES[capability]  # an unknown name is a bug: KeyError
    if user is None or not user.is_authenticated or not user.acts:
        return False
    if user.role not in cap.roles:
        return False
    return obj is None or obj.within(Scope.of(user))


def require(user: User | None, capability: str, obj: InScope | None = None) -> None:
    """`can`, or PermissionDenied saying why, in Chinese."""
    if not can(user, capability, obj):
        cap = CAPABILITIES[capability]
        if obj is not None and user is not None and getattr(user, "role", None) in cap.roles:
            raise PermissionDenied(cap.outside.format(obj=obj))
        raise PermissionDenied(cap.refusal)


def may(user: User | None, *capabilities: str) -> dict[str, bool]:
    """The answers a page puts in its context to show or hide actions: {"ledger_edit": True}."""
    return {c.replace(".", "_"): can(user, c) for c in capabilities}
