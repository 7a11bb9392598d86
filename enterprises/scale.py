"""Scale data for the enterprises app: per county about 100 enterprises and 2,000 vehicles (see
``manage.py generate_scale_data``).

Reserved ranges, so that scale rows can be told apart and removed:
- credit codes ``91430181Y`` + county (3 digits) + enterprise number (4 digits) + the two check characters: real
  organisation code bodies are not issued in the ``Y`` range we use, and no demo or test code starts so;
- plates ``湘W`` + county (2 characters) + vehicle number (3 characters), in the 34 plate symbols (digits and letters
  without I and O): ``湘W`` is no Hunan prefecture's letter. That is 34² = 1,156 counties of 34³ = 39,304 vehicles.
"""

import datetime
import random
from decimal import Decimal

from core.imports.copy_insert import insert_instances
from core.scale import random_date, raw_delete
from organisation.scale import County

from .choices import CreditRating, EnterpriseType, ListStatus, VehicleClass, VehicleStatus
from .demo import credit_code
from .models import Enterprise, Vehicle

ENTERPRISES = 100
VEHICLES = 2000
CREDIT_CODE_PREFIX = "91430181"
CREDIT_CODE_MARK = CREDIT_CODE_PREFIX + "Y"
PLATE_MARK = "湘W"
PLATE_SYMBOLS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MAX_VEHICLES = len(PLATE_SYMBOLS) ** 3
KINDS = (
    (EnterpriseType.PASSENGER, "客运", 20),
    (EnterpriseType.FREIGHT, "货运", 35),
    (EnterpriseType.DANGEROUS_GOODS, "危险货物运输", 15),
    (EnterpriseType.BUS, "公共交通", 5),
    (EnterpriseType.TAXI, "出租汽车", 10),
    (EnterpriseType.REPAIR, "汽车维修", 15),
)
# The vehicles an enterprise of each type runs: (class, seats or tonnage range).
FLEETS = {
    EnterpriseType.PASSENGER: (VehicleClass.SCHEDULED_BUS, VehicleClass.CHARTER_BUS),
    EnterpriseType.BUS: (VehicleClass.OTHER,),
    EnterpriseType.DANGEROUS_GOODS: (VehicleClass.DANGEROUS_GOODS,),
}
RATINGS = ("", CreditRating.AAA, CreditRating.AA, CreditRating.AA, CreditRating.A, CreditRating.B)


def scale_credit_code(county_index: int, number: int) -> str:
    return credit_code(f"Y{county_index:03d}{number:04d}", prefix=CREDIT_CODE_PREFIX)


def _symbols(value: int, width: int) -> str:
    digits = []
    for _ in range(width):
        value, digit = divmod(value, len(PLATE_SYMBOLS))
        digits.append(PLATE_SYMBOLS[digit])
    if value:
        raise ValueError("out of the reserved plate range")
    return "".join(reversed(digits))


def scale_plate(county_index: int, number: int) -> str:
    return PLATE_MARK + _symbols(county_index, 2) + _symbols(number, 3)


def generate(county: County, rng: random.Random) -> dict[str, int]:
    year = county.year
    vehicles_wanted = county.count(VEHICLES)
    if vehicles_wanted > MAX_VEHICLES:
        raise ValueError(f"at most {MAX_VEHICLES} vehicles per county fit the reserved plate range")
    kinds, names, weights = zip(*KINDS, strict=True)
    enterprises = []
    for n in range(county.count(ENTERPRISES)):
        position = rng.choices(range(len(kinds)), weights)[0]
        township = rng.choice(county.townships)
        enterprise = Enterprise(
            name=f"{county.prefix}{township.name}第{n + 1}{names[position]}有限公司",
            credit_code=scale_credit_code(county.index, n + 1),
            enterprise_type=kinds[position],
            licence_number=f"湘交运管许可{county.index:03d}{n + 1:06d}号",
            licence_expires_on=random_date(rng, datetime.date(year, 1, 1), datetime.date(year + 4, 12, 31)),
            address=f"{county.prefix}{township.name}交通路{rng.randint(1, 300)}号",
            township=township,
            contact_person=f"联系人{n + 1}",
            contact_phone=f"0731-8{rng.randint(1000000, 9999999)}",
            credit_rating=rng.choice(RATINGS),
            supervising_unit=county.units["transport"],
        )
        if rng.random() < 0.03:
            enterprise.list_status = rng.choice((ListStatus.RED, ListStatus.BLACK))
            enterprise.list_reason = "年度信用考核结果"
            enterprise.list_start = datetime.date(year, 3, 1)
        enterprises.append(enterprise)
    insert_instances(Enterprise, enterprises)

    # Carriers (not repair shops) share the vehicles.
    carriers = [e for e in enterprises if e.enterprise_type != EnterpriseType.REPAIR] or enterprises
    vehicles = []
    for n in range(vehicles_wanted):
        enterprise = carriers[n % len(carriers)]
        vehicle_class = rng.choice(FLEETS.get(enterprise.enterprise_type, (VehicleClass.OTHER,)))
        vehicle = Vehicle(
            plate=scale_plate(county.index, n),
            enterprise=enterprise,
            vehicle_class=vehicle_class,
            certificate_number=f"湘交运管{county.index:03d}{n:06d}号",
            certificate_expires_on=random_date(rng, datetime.date(year, 1, 1), datetime.date(year + 3, 12, 31)),
            status=VehicleStatus.OPERATING if rng.random() < 0.9 else rng.choice(VehicleStatus.values),
        )
        if vehicle_class in VehicleClass.passenger() or enterprise.enterprise_type == EnterpriseType.TAXI:
            vehicle.seats = rng.choice((5, 7, 19, 35, 45, 53))
        else:
            vehicle.tonnage = Decimal(rng.randint(200, 4000)) / 100
        vehicles.append(vehicle)
    insert_instances(Vehicle, vehicles)
    county.enterprises, county.vehicles = enterprises, vehicles
    return {"enterprises": len(enterprises), "vehicles": len(vehicles)}


def clear() -> dict[str, int]:
    return {
        "vehicles": raw_delete(Vehicle.objects.filter(plate__startswith=PLATE_MARK)),
        "enterprises": raw_delete(Enterprise.objects.filter(credit_code__startswith=CREDIT_CODE_MARK)),
    }
