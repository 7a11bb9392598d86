"""Demo organisation of the bureau: plausible units, leaders and users, all marked as demo.

The names are invented; the structure follows a county transport bureau (科室 and 二级单位, each overseen by a
bureau leader)."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from core.demo import upsert

from .models import Unit, User

DEMO_PASSWORD = "Liuyang-2020"


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    short_name: str
    kind: str
    leader: str  # username of the overseeing leader
    head: str  # full name of the unit head
    staff: str  # full name of one staff member
    responsibilities: tuple[str, ...] = ()  # of Unit.RESPONSIBILITIES; the others are cleared


# The demo units' responsibilities (organisation.Unit flags).
SAFETY = ("supervises_safety", "keeps_duty_roster")
ENFORCEMENT = ("enforces_law",)


LEADERS = [
    # username, full name, phone
    ("ldr_zhou", "周建国", "0731-83612001"),
    ("ldr_li", "李卫东", "0731-83612002"),
    ("ldr_chen", "陈志刚", "0731-83612003"),
    ("ldr_wang", "王丽华", "0731-83612004"),
]

UNITS = [
    DemoUnit("office", "办公室", "办公室", Unit.Kind.SECTION, "ldr_zhou", "刘晓明", "张敏"),
    DemoUnit("planning", "规划建设科", "规建科", Unit.Kind.SECTION, "ldr_li", "赵国强", "孙磊"),
    DemoUnit("transport", "运输服务科", "运输科", Unit.Kind.SECTION, "ldr_chen", "黄志勇", "吴芳"),
    DemoUnit("safety", "安全应急科", "安全科", Unit.Kind.SECTION, "ldr_wang", "杨建华", "周婷", SAFETY),
    DemoUnit("legal", "政策法规科", "法规科", Unit.Kind.SECTION, "ldr_chen", "徐立新", "何静"),
    DemoUnit("finance", "财务审计科", "财审科", Unit.Kind.SECTION, "ldr_wang", "郭红", "林峰"),
    DemoUnit("party", "机关党委", "机关党委", Unit.Kind.SECTION, "ldr_zhou", "罗文斌", "谢丹"),
    DemoUnit("roads", "公路建设养护中心", "公路中心", Unit.Kind.SUBORDINATE, "ldr_li", "邓永平", "唐亮"),
    DemoUnit(
        "quality", "交通建设质量安全监督站", "质监站", Unit.Kind.SUBORDINATE, "ldr_li", "彭志华", "曾琳", ENFORCEMENT
    ),
    DemoUnit(
        "services", "道路运输服务中心", "运输中心", Unit.Kind.SUBORDINATE, "ldr_chen", "蒋海波", "袁媛", ENFORCEMENT
    ),
    DemoUnit(
        "enforcement",
        "交通运输综合行政执法大队",
        "执法大队",
        Unit.Kind.SUBORDINATE,
        "ldr_chen",
        "钟伟",
        "邱明",
        ENFORCEMENT,
    ),
]


def _user(username: str, **values) -> tuple[User, bool]:
    """A demo user; the demo password is set when the user is created, never reset afterwards."""
    return upsert(User, {"username": username}, {"is_demo": True, **values}, {"password": make_password(DEMO_PASSWORD)})


def load() -> list[tuple[str, str]]:
    """Create or check the demo organisation. Returns the demo logins as (username, description)."""
    logins = []
    _user("admin", full_name="系统管理员", role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    logins.append(("admin", "系统管理员 administrator"))
    leaders = {}
    for username, full_name, phone in LEADERS:
        leaders[username], _ = _user(username, full_name=full_name, role=User.Role.LEADER, phone=phone)
        logins.append((username, f"{full_name} 局领导 bureau leader"))
    for order, demo in enumerate(UNITS, start=1):
        unit, _ = upsert(
            Unit,
            {"name": demo.name},
            {
                "short_name": demo.short_name,
                "kind": demo.kind,
                "overseeing_leader": leaders[demo.leader],
                "sort_order": order,
                **{flag: flag in demo.responsibilities for flag in Unit.RESPONSIBILITIES},
                "is_demo": True,
            },
        )
        _user(f"head_{demo.code}", full_name=demo.head, role=User.Role.UNIT_HEAD, unit=unit)
        _user(f"staff_{demo.code}", full_name=demo.staff, role=User.Role.STAFF, unit=unit)
        logins.append((f"head_{demo.code}", f"{demo.head} {demo.name} 负责人 unit head"))
        logins.append((f"staff_{demo.code}", f"{demo.staff} {demo.name} 工作人员 staff"))
    return logins
