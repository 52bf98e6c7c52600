"""A small, fully known world for service tests: plans, projects, units, households covering every rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from stdnum.cn import ric

from kiosk.services.auth import AuthService
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core.model import Role

NOW = datetime(2026, 11, 24, 10, 0, 0)
CLERK = ("clerk1", "clerk-pass-1")
SUPERVISOR = ("super1", "super-pass-1")


def id_number(region: str = "110105", born: str = "19500101", seq: int = 123) -> str:
    body = f"{region}{born}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class World:
    quick_plan: int
    realtime_plan: int
    upcoming_plan: int
    one_room: int  # unit type 一居室 (1–2 people) in the quick plan
    two_room: int  # unit type 两居室 (2–4 people) in the quick plan
    rt_type: int  # 两居室 (1–4) in the real-time plan
    free_units: list[int]
    taken_unit: int
    households: dict[str, tuple[str, str]]  # purpose → (filing_no, applicant id_number)
    household_ids: dict[str, int]


def build_world(uow_factory: UnitOfWorkFactory, auth: AuthService) -> World:
    auth.create_operator(CLERK[0], "王晓梅", Role.CLERK, CLERK[1])
    auth.create_operator(SUPERVISOR[0], "李建国", Role.SUPERVISOR, SUPERVISOR[1])
    with uow_factory() as uow:
        s = uow.session
        q = _plan(s, "Q2611", "快速配租测试计划", "quick", ["朝阳区", "海淀区"], NOW - timedelta(days=3))
        r = _plan(s, "R2611", "实时配租测试计划", "realtime", [], NOW - timedelta(days=3))
        u = _plan(s, "Q2612", "下一期快速配租", "quick", [], NOW + timedelta(days=20))
        pq = _project(s, q, "P-Q-01", "朝阳")
        pr = _project(s, r, "P-R-01", "丰台")
        pu = _project(s, u, "P-U-01", "昌平")
        one = _unit_type(s, pq, "UT-Q-1", "一居室", 40.0, 1500, 1, 2)
        two = _unit_type(s, pq, "UT-Q-2", "两居室", 55.0, 2100, 2, 4)
        rt = _unit_type(s, pr, "UT-R-2", "两居室", 56.0, 2200, 1, 4)
        _unit_type(s, pu, "UT-U-1", "一居室", 38.0, 1400, 1, 2)
        units = [_unit(s, pr, rt, "1", floor, f"{floor}01", "南") for floor in (3, 5, 7)]
        taken = _unit(s, pr, rt, "2", 9, "0902", "北", status="taken")
        shared = id_number("110105", "19900505", 555)
        spec = {
            "ok": ("BA2024000001", id_number("110105", "19500101", 123), "朝阳区", "valid", 1, []),
            "expired": ("BA2024000002", id_number("110105", "19520202", 124), "朝阳区", "expired", 1, []),
            "revoked": ("BA2024000003", id_number("110105", "19530303", 125), "朝阳区", "revoked", 1, []),
            "far": ("BA2024000004", id_number("110101", "19540404", 126), "东城区", "valid", 1, []),
            "big": ("BA2024000005", id_number("110108", "19550505", 127), "海淀区", "valid", 5, []),
            "clash_a": ("BA2024000006", id_number("110105", "19560606", 128), "朝阳区", "valid", 0, [shared]),
            "clash_b": ("BA2024000007", id_number("110105", "19570707", 129), "朝阳区", "valid", 0, [shared]),
            "late": ("BA2024000008", id_number("110105", "19580808", 130), "朝阳区", "valid", 1, []),
        }
        ids = {}
        for purpose, (filing_no, applicant, district, status, extra, shared_ids) in spec.items():
            valid_until = date(2025, 1, 1) if status == "expired" else date(2028, 1, 1)
            h = t.Household(
                filing_no=filing_no,
                applicant_name=f"测试{purpose}",
                applicant_id_number=applicant,
                district=district,
                status="expired" if status == "expired" else status,
                valid_until=valid_until,
                phone="13800138000",
            )
            for i in range(extra):
                h.members.append(
                    t.Member(
                        relation="子女", name=f"成员{i}", id_number=id_number("110105", "20000101", 200 + i)
                    )
                )
            for n in shared_ids:
                h.members.append(t.Member(relation="子女", name="共同成员", id_number=n))
            s.add(h)
            s.flush()
            ids[purpose] = h.id
        uow.commit()
        return World(
            quick_plan=q.id,
            realtime_plan=r.id,
            upcoming_plan=u.id,
            one_room=one.id,
            two_room=two.id,
            rt_type=rt.id,
            free_units=[x.id for x in units],
            taken_unit=taken.id,
            households={k: (v[0], v[1]) for k, v in spec.items()},
            household_ids=ids,
        )


def _plan(s, code, name, kind, districts, start):  # type: ignore[no-untyped-def]
    plan = t.Plan(
        code=code,
        name=name,
        kind=kind,
        announcement=f"{name}公告",
        window_start=start,
        window_end=start + timedelta(days=14),
        cancel_deadline=start + timedelta(days=10),
        allowed_districts=districts,
        max_registrations_per_household=1,
    )
    s.add(plan)
    s.flush()
    s.add(
        t.Notice(
            plan_id=plan.id, version=2, title=f"{name}告知书", text="一、所填信息真实。二、每户限登记一次。"
        )
    )
    return plan


def _project(s, plan, code, area):  # type: ignore[no-untyped-def]
    p = t.Project(
        plan_id=plan.id,
        code=code,
        name=f"{area}家园",
        district=f"{area}区",
        address=f"{area}路1号",
        description="测试项目",
        photos=[],
    )
    s.add(p)
    s.flush()
    return p


def _unit_type(s, project, code, name, area, rent, lo, hi):  # type: ignore[no-untyped-def]
    ut = t.UnitType(
        project_id=project.id,
        code=code,
        name=name,
        area=area,
        rent=rent,
        unit_count=4,
        min_family=lo,
        max_family=hi,
    )
    s.add(ut)
    s.flush()
    return ut


def _unit(s, project, ut, building, floor, number, orientation, status="free"):  # type: ignore[no-untyped-def]
    u = t.Unit(
        project_id=project.id,
        unit_type_id=ut.id,
        code=f"{project.code}-{building}-{number}",
        building=building,
        floor=floor,
        number=number,
        orientation=orientation,
        area=56.0,
        rent=2200,
        status=status,
    )
    s.add(u)
    s.flush()
    return u
