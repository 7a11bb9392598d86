"""Validators of an enterprise's unified social credit code (GB 32100-2015) and of a vehicle's number plate
(GA 36-2018, including new-energy plates)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the 31 characters of the code, in the order of their values 0..30 (no I, O, Z, S, V).
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**(i-1) mod 31

# Registration authority (登记管理部门, first character) → the organisation type codes (机构类别, second character)
# it may issue.
CREDIT_CODE_TYPES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直管群众团体, 其他
    "2": "19",  # 外交
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商 / 市场监管: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

_CREDIT_CODE_SHAPE = re.compile(rf"^[{CREDIT_CODE_CHARSET}]{{18}}$")


def normalise_credit_code(value: str) -> str:
    """Upper case, without spaces."""
    return re.sub(r"\s+", "", value or "").upper()


def credit_code_check_character(first17: str) -> str:
    """The 18th character of a code whose first 17 characters are given."""
    weighted = zip(first17, CREDIT_CODE_WEIGHTS, strict=True)  # ValueError unless 17 characters
    total = sum(CREDIT_CODE_CHARSET.index(char) * weight for char, weight in weighted)
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Refuse anything but a well-formed unified social credit code with the right check character."""
    code = value or ""
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="credit_code_length",
            params={"length": len(code)},
        )
    if not _CREDIT_CODE_SHAPE.match(code):
        raise ValidationError(
            _("A unified social credit code uses only digits and the capital letters A–Y without I, O, S, V and Z."),
            code="credit_code_characters",
        )
    types = CREDIT_CODE_TYPES.get(code[0])
    if types is None or code[1] not in types:
        raise ValidationError(
            _("“%(prefix)s” is not a valid registration authority and organisation type (characters 1–2)."),
            code="credit_code_prefix",
            params={"prefix": code[:2]},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3–8 of a unified social credit code are the administrative division code (digits)."),
            code="credit_code_division",
        )
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong: please check the code."),
            code="credit_code_check",
        )


# Plates: the 31 provincial abbreviations of mainland China.
PROVINCE_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"  # A–Z without I and O
_ORDINARY = rf"[{_LETTER}0-9]{{5}}"
_NEW_ENERGY_SMALL = rf"[DF][{_LETTER}0-9][0-9]{{4}}"  # D: battery electric, F: other new energy
_NEW_ENERGY_LARGE = r"[0-9]{5}[DF]"
_PLATE = re.compile(rf"^[{PROVINCE_ABBREVIATIONS}][{_LETTER}](?:{_ORDINARY}|{_NEW_ENERGY_SMALL}|{_NEW_ENERGY_LARGE})$")


def normalise_plate(value: str) -> str:
    """Upper case without spaces, dots or middle dots (湘a·12345 → 湘A12345)."""
    return re.sub(r"[\s.·•・\-]+", "", value or "").upper()


def is_new_energy_plate(plate: str) -> bool:
    return len(plate) == 8


def validate_plate(value: str) -> None:
    if not _PLATE.match(value or ""):
        raise ValidationError(
            _(
                "“%(plate)s” is not a valid number plate: a province abbreviation, a letter, then 5 letters or "
                "digits (6 for new-energy vehicles, starting or ending with D or F); no I or O."
            ),
            code="plate",
            params={"plate": value},
        )
