"""Plans, projects, unit types and units of the demo; times are days relative to when the data is loaded."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from kiosk.demo import texts

ORIENTATIONS_BY_POSITION = {
    1: ("东南", "南北", "东"),
    2: ("南", "南", "东南"),
    3: ("北", "西", "南"),
    4: ("南北", "西南", "西"),
}
UNIT_TYPE_SHAPES = {  # name: (area m², min family, max family)
    "一居室": (40.2, 1, 2),
    "两居室": (55.6, 2, 4),
    "三居室": (70.4, 3, 5),
}
# Four flats a floor: the smaller type in the middle (positions 2, 3), the larger at the ends (1, 4).
POSITIONS = ((2, 3), (1, 4))
_ROOMS = {"一居室": 1, "两居室": 2, "三居室": 3}


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    name: str
    district: str
    address: str
    description: str
    rent_per_m2: float  # yuan per m² and month, set by the centre per estate
    buildings: int
    top_floor: int
    unit_types: tuple[tuple[str, int], ...]  # (unit type name, how many units)
    taken: int  # units already chosen before the demo starts
    photos: int


PROJECTS = {
    "Q2611": (
        ProjectSpec(
            "P-CY-01",
            "东坝嘉园",
            "朝阳区",
            "北京市朝阳区东坝乡驹子房路18号",
            "东坝嘉园位于朝阳区东坝乡，东五环外，距地铁3号线东坝站约800米，周边有东坝中心小学、"
            "社区卫生服务中心和大型超市。项目共4栋高层住宅，精装修交付，配有电梯、集中供暖和地下停车场，"
            "小区内设有健身步道、儿童游乐场和社区食堂，适合上班族家庭及老年人居住。",
            42.0,
            4,
            18,
            (("一居室", 30), ("两居室", 30)),
            0,
            3,
        ),
        ProjectSpec(
            "P-HD-01",
            "永丰润园",
            "海淀区",
            "北京市海淀区西北旺镇永丰路66号",
            "永丰润园位于海淀区永丰高新技术产业基地，临近地铁16号线永丰站，周边聚集众多科技企业，"
            "通勤便利。项目由3栋板楼和1栋塔楼组成，南北通透，精装修交付，小区内配建幼儿园、"
            "社区服务站和便民菜站，绿化率35%，适合在海淀北部就业的家庭。",
            45.0,
            4,
            18,
            (("两居室", 25), ("三居室", 25)),
            0,
            2,
        ),
    ),
    "R2611": (
        ProjectSpec(
            "P-FT-01",
            "郭庄和畅家园",
            "丰台区",
            "北京市丰台区花乡郭公庄路9号",
            "和畅家园位于丰台区花乡，紧邻地铁9号线、房山线郭公庄站，步行约6分钟。项目共4栋住宅，"
            "全部房源精装修并配置基本家具家电，拎包入住。小区周边有中小学、花乡社区卫生服务中心和"
            "商业综合体；本次实时配租房源可在现场直接选定具体楼层和房号，先到先得。",
            38.0,
            4,
            18,
            (("一居室", 40), ("两居室", 30)),
            8,
            3,
        ),
    ),
    "Q2612": (
        ProjectSpec(
            "P-CP-01",
            "回龙观北郊和园",
            "昌平区",
            "北京市昌平区回龙观镇北农路2号",
            "北郊和园位于昌平区回龙观地区，距地铁8号线、13号线换乘站约1.5公里，有公交接驳。"
            "项目为2栋小高层住宅，户型以一居室和两居室为主，精装修交付，周边有医院、"
            "龙旗广场等生活配套，适合小型家庭及单身职工。",
            32.0,
            2,
            11,
            (("一居室", 12), ("两居室", 8)),
            0,
            2,
        ),
    ),
}

PLANS: tuple[dict[str, Any], ...] = (
    {
        "code": "Q2611",
        "name": "2026年第四批公共租赁住房快速配租",
        "kind": "quick",
        "announcement": texts.Q2611_ANNOUNCEMENT,
        "window_start_days": -3,
        "window_end_days": 14,
        "cancel_deadline_days": 10,
        "allowed_districts": ["朝阳区", "海淀区", "丰台区"],
        "max_registrations_per_household": 1,
        "notices": [{"version": 2, "title": "快速配租登记告知书", "text": texts.Q2611_NOTICE}],
    },
    {
        "code": "R2611",
        "name": "2026年第四批公共租赁住房实时配租",
        "kind": "realtime",
        "announcement": texts.R2611_ANNOUNCEMENT,
        "window_start_days": -1,
        "window_end_days": 10,
        "cancel_deadline_days": 7,
        "allowed_districts": [],
        "max_registrations_per_household": 1,
        "notices": [{"version": 1, "title": "实时配租登记告知书", "text": texts.R2611_NOTICE}],
    },
    {
        "code": "Q2612",
        "name": "2026年第五批公共租赁住房快速配租",
        "kind": "quick",
        "announcement": texts.Q2612_ANNOUNCEMENT,
        "window_start_days": 20,
        "window_end_days": 34,
        "cancel_deadline_days": 30,
        "allowed_districts": [],
        "max_registrations_per_household": 1,
        "notices": [{"version": 1, "title": "快速配租登记告知书", "text": texts.Q2612_NOTICE}],
    },
)

# Demo accounts for the counter; the passwords are printed in kiosk_resources/demo/README.md.
OPERATORS = (
    {"username": "clerk1", "display_name": "王晓梅", "role": "clerk", "password": "kiosk-demo-1"},
    {"username": "super1", "display_name": "李建国", "role": "supervisor", "password": "kiosk-demo-2"},
    {"username": "clerk2", "display_name": "刘洋", "role": "clerk", "password": "kiosk-demo-3"},
)


def photo_names(spec: ProjectSpec) -> list[str]:
    return [f"{spec.code}-{k}.png" for k in range(1, spec.photos + 1)]


def build_catalog(seed: int) -> dict[str, Any]:
    rng = random.Random(f"catalog-{seed}")
    plans = []
    for plan in PLANS:
        projects = [_project(rng, spec) for spec in PROJECTS[plan["code"]]]
        plans.append({**plan, "projects": projects})
    realtime = [u for p in plans if p["kind"] == "realtime" for pr in p["projects"] for u in pr["units"]]
    taken = next(u["code"] for u in realtime if u["status"] == "taken")
    free = next(u["code"] for u in realtime if u["status"] == "free")
    return {
        "plans": plans,
        "operators": list(OPERATORS),
        "showcase": {"taken_unit": taken, "free_unit": free, "upcoming_plan": "Q2612"},
    }


def _project(rng: random.Random, spec: ProjectSpec) -> dict[str, Any]:
    unit_types = []
    units: list[dict[str, Any]] = []
    for (type_name, count), positions in zip(spec.unit_types, POSITIONS, strict=True):
        area, lo, hi = UNIT_TYPE_SHAPES[type_name]
        code = f"{spec.code}-{_ROOMS[type_name]}R"
        unit_types.append(
            {
                "code": code,
                "name": type_name,
                "area": area,
                "rent": round(area * spec.rent_per_m2),
                "unit_count": count,
                "min_family": lo,
                "max_family": hi,
            }
        )
        slots = [
            (b, f, p)
            for b in range(1, spec.buildings + 1)
            for f in range(2, spec.top_floor + 1)
            for p in positions
        ]
        for building, floor, pos in sorted(rng.sample(slots, count)):
            unit_area = round(area + rng.uniform(-0.8, 1.2), 2)
            number = f"{floor}{pos:02d}"
            units.append(
                {
                    "code": f"{spec.code}-{building}-{number}",
                    "unit_type": code,
                    "building": str(building),
                    "floor": floor,
                    "number": number,
                    "orientation": rng.choice(ORIENTATIONS_BY_POSITION[pos]),
                    "area": unit_area,
                    "rent": round(unit_area * spec.rent_per_m2),
                    "status": "free",
                }
            )
    units.sort(key=lambda u: (int(u["building"]), u["floor"], u["number"]))
    for unit in rng.sample(units, spec.taken):
        unit["status"] = "taken"
    return {
        "code": spec.code,
        "name": spec.name,
        "district": spec.district,
        "address": spec.address,
        "description": spec.description,
        "photos": photo_names(spec),
        "unit_types": unit_types,
        "units": units,
    }
