"""Demo transport enterprises and vehicles of Liuyang (invented names, valid credit codes and plates), all marked
as demo. Idempotent: a second run writes nothing.

Expiry dates are set relative to the day the demo is first loaded (so that some licences and certificates are
expiring or expired) and are never moved afterwards."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from core import clock
from core.demo import upsert
from organisation.models import Township, Unit

from .choices import CreditRating, EnterpriseType, ListStatus, VehicleClass, VehicleStatus
from .models import Enterprise, Vehicle
from .validators import credit_code_check_character

# GB 11714 organisation code check: weights and character values (0–9, A=10 … Z=35).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def organisation_code(body8: str) -> str:
    """An 8-character organisation code body with its GB 11714 check character (9 characters)."""
    total = sum(_ORG_VALUES.index(char) * weight for char, weight in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(body8: str, prefix: str = "91430181") -> str:
    """A valid unified social credit code of a Liuyang (430181) enterprise (91: 工商, 企业)."""
    first17 = prefix + organisation_code(body8)
    return first17 + credit_code_check_character(first17)


@dataclass(frozen=True)
class DemoEnterprise:
    body: str  # organisation code body (8 characters from the credit code alphabet)
    name: str
    kind: str
    township: str
    address: str
    contact: str
    phone: str
    rating: str
    unit: str  # supervising unit, short name
    licence_days: int | None  # licence expiry, days from the first load (None: no licence recorded)
    vehicles: tuple = ()  # (class, count, seats or tonnage)


T = EnterpriseType
V = VehicleClass
ENTERPRISES = [
    DemoEnterprise(
        "MA4L0A1B",
        "浏阳市汽车运输有限公司",
        T.PASSENGER,
        "淮川街道",
        "浏阳市淮川街道白沙西路88号",
        "刘建平",
        "0731-83611201",
        CreditRating.AAA,
        "运输科",
        400,
        ((V.SCHEDULED_BUS, 10, 45), (V.CHARTER_BUS, 4, 39)),
    ),
    DemoEnterprise(
        "MA4L0A2C",
        "浏阳市公共交通有限公司",
        T.BUS,
        "集里街道",
        "浏阳市集里街道金沙北路268号",
        "陈国华",
        "0731-83622302",
        CreditRating.AA,
        "运输科",
        720,
        ((V.OTHER, 14, 70),),
    ),
    DemoEnterprise(
        "MA4L0A3D",
        "浏阳市危险货物运输有限公司",
        T.DANGEROUS_GOODS,
        "荷花街道",
        "浏阳市荷花街道花炮大道16号",
        "周志强",
        "0731-83633403",
        CreditRating.AA,
        "安全科",
        18,
        ((V.DANGEROUS_GOODS, 10, "18.00"),),
    ),
    DemoEnterprise(
        "MA4L0A4E",
        "浏阳市花炮物流运输有限公司",
        T.DANGEROUS_GOODS,
        "大瑶镇",
        "浏阳市大瑶镇花炮路56号",
        "李红卫",
        "0731-83644504",
        CreditRating.A,
        "安全科",
        -12,
        ((V.DANGEROUS_GOODS, 8, "10.50"),),
    ),
    DemoEnterprise(
        "MA4L0A5F",
        "浏阳市金阳旅游客运有限公司",
        T.PASSENGER,
        "关口街道",
        "浏阳市关口街道金阳大道199号",
        "张晓燕",
        "0731-83655605",
        CreditRating.AAA,
        "运输科",
        560,
        ((V.CHARTER_BUS, 8, 49),),
    ),
    DemoEnterprise(
        "MA4L0A6G",
        "浏阳市大围山旅游客运有限公司",
        T.PASSENGER,
        "大围山镇",
        "浏阳市大围山镇白沙村",
        "黄建军",
        "0731-83666706",
        CreditRating.A,
        "运输科",
        25,
        ((V.CHARTER_BUS, 5, 35), (V.SCHEDULED_BUS, 3, 19)),
    ),
    DemoEnterprise(
        "MA4L0A7H",
        "浏阳市城乡客运有限公司",
        T.PASSENGER,
        "永安镇",
        "浏阳市永安镇永安大道8号",
        "罗海波",
        "0731-83677807",
        CreditRating.AA,
        "运输科",
        300,
        ((V.SCHEDULED_BUS, 9, 31),),
    ),
    DemoEnterprise(
        "MA4L0A8J",
        "浏阳市出租汽车有限公司",
        T.TAXI,
        "淮川街道",
        "浏阳市淮川街道人民中路45号",
        "吴敏",
        "0731-83688908",
        CreditRating.A,
        "运输科",
        610,
        ((V.OTHER, 12, 5),),
    ),
    DemoEnterprise(
        "MA4L0A9K",
        "浏阳市恒通出租车有限公司",
        T.TAXI,
        "荷花街道",
        "浏阳市荷花街道沿河南路120号",
        "彭丽",
        "0731-83699009",
        CreditRating.B,
        "运输科",
        -40,
        ((V.OTHER, 6, 5),),
    ),
    DemoEnterprise(
        "MA4L0B1L",
        "湖南捷行网约车服务有限公司浏阳分公司",
        T.RIDE_HAILING,
        "集里街道",
        "浏阳市集里街道浏阳大道3号",
        "唐俊",
        "0731-83611310",
        "",
        "运输科",
        365,
        (),
    ),
    DemoEnterprise(
        "MA4L0B2M",
        "浏阳市通达货运有限公司",
        T.FREIGHT,
        "北盛镇",
        "浏阳市北盛镇经济开发区康宁路9号",
        "邓永红",
        "0731-83622411",
        CreditRating.AA,
        "运输中心",
        200,
        ((V.OTHER, 8, "31.00"),),
    ),
    DemoEnterprise(
        "MA4L0B3N",
        "浏阳市洞阳物流有限公司",
        T.FREIGHT,
        "洞阳镇",
        "浏阳市洞阳镇长沙经开区浏阳片区",
        "孙立新",
        "0731-83633512",
        CreditRating.A,
        "运输中心",
        9,
        ((V.OTHER, 6, "25.00"),),
    ),
    DemoEnterprise(
        "MA4L0B4P",
        "浏阳市沙市货运站有限公司",
        T.FREIGHT,
        "沙市镇",
        "浏阳市沙市镇沙市街",
        "曾国平",
        "0731-83644613",
        CreditRating.B,
        "运输中心",
        150,
        ((V.OTHER, 4, "12.00"),),
    ),
    DemoEnterprise(
        "MA4L0B5Q",
        "浏阳市永和客运有限公司",
        T.PASSENGER,
        "永和镇",
        "浏阳市永和镇永和街22号",
        "何志明",
        "0731-83655714",
        CreditRating.A,
        "运输科",
        480,
        ((V.SCHEDULED_BUS, 6, 25),),
    ),
    DemoEnterprise(
        "MA4L0B6R",
        "浏阳市文家市客运有限公司",
        T.PASSENGER,
        "文家市镇",
        "浏阳市文家市镇秋收起义路6号",
        "胡建华",
        "0731-83666815",
        CreditRating.AA,
        "运输科",
        -5,
        ((V.SCHEDULED_BUS, 5, 23),),
    ),
    DemoEnterprise(
        "MA4L0B7T",
        "浏阳市顺安驾驶员培训有限公司",
        T.DRIVER_TRAINING,
        "集里街道",
        "浏阳市集里街道永安路18号",
        "谢文",
        "0731-83677916",
        CreditRating.A,
        "运输中心",
        700,
        (),
    ),
    DemoEnterprise(
        "MA4L0B8U",
        "浏阳市交通驾驶员培训学校有限公司",
        T.DRIVER_TRAINING,
        "荷花街道",
        "浏阳市荷花街道道吾路66号",
        "郭芳",
        "0731-83688017",
        CreditRating.AA,
        "运输中心",
        27,
        (),
    ),
    DemoEnterprise(
        "MA4L0B9W",
        "浏阳市鑫达汽车维修有限公司",
        T.REPAIR,
        "关口街道",
        "浏阳市关口街道北正南路101号",
        "袁强",
        "0731-83699118",
        CreditRating.A,
        "运输中心",
        330,
        (),
    ),
    DemoEnterprise(
        "MA4L0C1X",
        "浏阳市宏发汽车维修服务有限公司",
        T.REPAIR,
        "官桥镇",
        "浏阳市官桥镇官桥街",
        "钟平",
        "0731-83611219",
        CreditRating.B,
        "运输中心",
        -90,
        (),
    ),
    DemoEnterprise(
        "MA4L0C2Y",
        "浏阳市镇头化工物流有限公司",
        T.DANGEROUS_GOODS,
        "镇头镇",
        "浏阳市镇头镇金田村",
        "邱海燕",
        "0731-83622320",
        CreditRating.A,
        "安全科",
        210,
        ((V.DANGEROUS_GOODS, 6, "15.00"),),
    ),
    DemoEnterprise(
        "MA4L0C3A",
        "浏阳市古港客运有限公司",
        T.PASSENGER,
        "古港镇",
        "浏阳市古港镇古港街",
        "林国强",
        "0731-83633421",
        CreditRating.A,
        "运输科",
        15,
        ((V.SCHEDULED_BUS, 4, 19),),
    ),
    DemoEnterprise(
        "MA4L0C4B",
        "浏阳市社港公交客运有限公司",
        T.BUS,
        "社港镇",
        "浏阳市社港镇社港街",
        "曹勇",
        "0731-83644522",
        CreditRating.AA,
        "运输科",
        640,
        ((V.OTHER, 5, 40),),
    ),
    DemoEnterprise(
        "MA4L0C5C",
        "浏阳市中和运输服务有限公司",
        T.FREIGHT,
        "中和镇",
        "浏阳市中和镇中和街",
        "蒋丽华",
        "0731-83655623",
        "",
        "运输中心",
        None,
        ((V.OTHER, 3, "8.00"),),
    ),
    DemoEnterprise(
        "MA4L0C6D",
        "浏阳市枨冲汽车客运站有限公司",
        T.OTHER,
        "枨冲镇",
        "浏阳市枨冲镇枨冲街",
        "熊伟",
        "0731-83666724",
        CreditRating.A,
        "运输科",
        260,
        (),
    ),
    DemoEnterprise(
        "MA4L0C7E",
        "浏阳市达浒烟花爆竹运输有限公司",
        T.DANGEROUS_GOODS,
        "达浒镇",
        "浏阳市达浒镇达浒街",
        "汤建新",
        "0731-83677825",
        CreditRating.B,
        "安全科",
        60,
        ((V.DANGEROUS_GOODS, 4, "8.50"),),
    ),
]

# One red-listed and one black-listed enterprise: (name, status, reason, days from first load to start).
LISTINGS = {
    "浏阳市汽车运输有限公司": (ListStatus.RED, "连续三年服务质量信誉考核AAA级，全年无责任事故。", -120),
    "浏阳市恒通出租车有限公司": (ListStatus.BLACK, "多次拒载、议价被投诉，道路运输经营许可证逾期未换证。", -30),
}

# Plate letters (no I or O) used to vary the demo plates.
_PLATE_LETTERS = "BCEGHJKLMNPQRSTUWXYZ"


def _plate(index: int, vehicle_class: str) -> str:
    """A valid 湘A plate; every seventh bus or taxi is new-energy (湘AD…… small, 湘A……D large)."""
    if vehicle_class in (V.SCHEDULED_BUS, V.OTHER) and index % 7 == 3:
        if vehicle_class == V.OTHER and index % 2:
            return f"湘AD{_PLATE_LETTERS[index % len(_PLATE_LETTERS)]}{index * 37 % 10000:04d}"
        return f"湘A{index * 53 % 100000:05d}D"
    letter = _PLATE_LETTERS[index % len(_PLATE_LETTERS)]
    return f"湘A{letter}{(index * 7919) % 10000:04d}"


def load() -> None:
    today = clock.today()
    units = {unit.short_name: unit for unit in Unit.objects.all()}
    townships = {township.name: township for township in Township.objects.all()}
    plate_index = 0
    for number, demo in enumerate(ENTERPRISES, start=1):
        dates = {}
        if demo.licence_days is not None:
            dates["licence_expires_on"] = today + datetime.timedelta(days=demo.licence_days)
        listing = LISTINGS.get(demo.name)
        values = {
            "name": demo.name,
            "enterprise_type": demo.kind,
            "licence_number": f"湘交运管许可长字430181{number:06d}号" if demo.licence_days is not None else "",
            "address": demo.address,
            "township": townships[demo.township],
            "contact_person": demo.contact,
            "contact_phone": demo.phone,
            "credit_rating": demo.rating,
            "supervising_unit": units[demo.unit],
            "is_demo": True,
        }
        if listing:
            status, reason, start_days = listing
            values.update(list_status=status, list_reason=reason)
            dates["list_start"] = today + datetime.timedelta(days=start_days)
        enterprise, _ = upsert(Enterprise, {"credit_code": credit_code(demo.body)}, values, dates)
        for vehicle_class, count, capacity in demo.vehicles:
            for _n in range(count):
                plate_index += 1
                seats = capacity if isinstance(capacity, int) else None
                tonnage = Decimal(capacity) if isinstance(capacity, str) else None
                status = VehicleStatus.OPERATING
                if plate_index % 23 == 0:
                    status = VehicleStatus.SUSPENDED
                elif plate_index % 41 == 0:
                    status = VehicleStatus.SCRAPPED
                expiry_days = (plate_index * 97) % 760 - 60  # from 60 days expired to about two years ahead
                upsert(
                    Vehicle,
                    {"plate": _plate(plate_index, vehicle_class)},
                    {
                        "enterprise": enterprise,
                        "vehicle_class": vehicle_class,
                        "seats": seats,
                        "tonnage": tonnage,
                        "certificate_number": f"湘交运管长字430181{plate_index:06d}号",
                        "status": status,
                        "is_demo": True,
                    },
                    {"certificate_expires_on": today + datetime.timedelta(days=expiry_days)},
                )
