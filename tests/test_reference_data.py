import pytest
from django.db import IntegrityError
from django.db.models import Count

from organisation.models import Township

pytestmark = pytest.mark.django_db


def test_liuyangs_32_divisions_are_loaded_by_the_migration():
    kinds = dict(Township.objects.values_list("kind").annotate(n=Count("id")).order_by())
    assert Township.objects.count() == 32
    assert kinds == {Township.Kind.SUBDISTRICT: 4, Township.Kind.TOWN: 25, Township.Kind.TOWNSHIP: 3}
    assert Township.objects.get(code="430181201").name == "小河乡"
    # the 2015 merger folded these away
    assert not Township.objects.filter(name__in=["杨花乡", "七宝山乡", "三口镇", "溪江乡", "太平桥镇"]).exists()


def test_division_codes_are_unique_when_given():
    Township.objects.create(name="测试镇", kind=Township.Kind.TOWN)  # a blank code clashes with nothing
    with pytest.raises(IntegrityError):
        Township.objects.create(name="另一个镇", kind=Township.Kind.TOWN, code="430181201")
