"""The random draw: reproducible from its record, conflicts excluded, at least two inspectors, clear refusals,
and never changed after it is made."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from inspections import draws, services
from inspections.choices import InspectionKind
from inspections.models import Draw, Inspection
from inspections.selectors import draw_numbered
from tests.inspections.factories import ConflictFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enterprises", "pool")]


def make(user, **changes):
    data = {"user": user, "title": "2020年第二季度双随机抽查", "enterprise_count": 3, "inspectors_per_enterprise": 2}
    return services.draw_make(**{**data, **changes})


class TestReproducible:
    def test_a_draw_re_runs_to_exactly_its_recorded_result(self, eve):
        draw = make(eve)
        assert re.fullmatch(r"[0-9a-f]{32}", draw.seed)
        assert services.draw_rerun(draw) == draw.pairs
        assert services.draw_verify(draw)
        fresh = Draw.objects.get(pk=draw.pk)  # from the database: the JSON record alone is enough
        assert services.draw_rerun(fresh) == fresh.pairs
        assert len(fresh.pairs) == 3 and all(len(chosen) == 2 for _e, chosen in fresh.pairs)

    def test_the_record_holds_seed_filter_and_input_lists_in_order(self, eve, enterprises, pool, township):
        draw = make(eve, enterprise_type="passenger", township=township)
        assert draw.enterprise_ids == sorted(e.pk for e in enterprises[:6])
        assert draw.inspector_ids == sorted(i.pk for i in pool)  # the inactive inspector is not in the pool
        assert draw.enterprise_type == "passenger" and draw.township == township
        assert {e for e, _chosen in draw.pairs} <= set(draw.enterprise_ids)

    def test_the_same_seed_and_inputs_give_the_same_result_and_another_seed_another(self, eve, enterprises):
        seed = "0123456789abcdef0123456789abcdef"
        draw = make(eve, seed=seed, enterprise_count=6)
        inputs = {
            "enterprise_ids": list(reversed(draw.enterprise_ids)),  # any order: the method sorts them
            "inspector_ids": draw.inspector_ids,
            "excluded_pairs": draw.excluded_pairs,
            "enterprise_count": 6,
            "inspectors_per_enterprise": 2,
        }
        assert draws.compute(seed=seed, **inputs) == draw.pairs
        others = {repr(draws.compute(seed=f"{n:032x}", **inputs)) for n in range(20)}
        assert len(others) > 1

    def test_a_tampered_record_does_not_verify(self, eve):
        draw = make(eve)
        enterprise, chosen = draw.pairs[0]
        draw.result[0]["inspectors"] = list(reversed(chosen))
        assert not services.draw_verify(draw)

    def test_the_published_verification_code_reproduces_the_result(self, eve, client):
        import contextlib
        import html
        import io

        draw = make(eve)
        page = client.get(draw.get_public_url()).content.decode()
        code = html.unescape(re.search(r'<pre[^>]*id="draw-verify-code">(.*?)</pre>', page, re.S).group(1))
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(code, {})  # noqa: S102  the code the public page asks citizens to run
        printed = [line.split(" ", 1) for line in output.getvalue().strip().splitlines()]
        # the page names the candidates by number (their place in the order of their ids), not by database id
        numbered = [(row["enterprise_no"], row["inspector_nos"]) for row in draw_numbered(draw)["rows"]]
        assert [(int(e), eval(chosen)) for e, chosen in printed] == numbered  # noqa: S307


class TestFilterAndConflicts:
    def test_only_enterprises_matching_the_filter_are_drawn(self, eve, enterprises):
        draw = make(eve, enterprise_type="freight", enterprise_count=2)
        assert {e for e, _c in draw.pairs} == {enterprises[6].pk, enterprises[7].pk}

    def test_an_inspector_with_a_declared_conflict_is_never_drawn_for_that_enterprise(self, eve, enterprises, pool):
        target = enterprises[0]
        ConflictFactory(enterprise=target, inspector=pool[0])
        for n in range(25):
            draw = make(eve, title=f"抽查{n}", enterprise_count=6, enterprise_type="passenger")
            chosen = dict(draw.pairs)[target.pk]
            assert pool[0].pk not in chosen
            assert [target.pk, pool[0].pk] in draw.excluded_pairs

    def test_nobody_from_a_unit_with_a_declared_conflict_is_drawn(self, eve, enterprises, pool):
        target = enterprises[1]
        ConflictFactory(enterprise=target, unit=pool[0].user.unit)  # the brigade: four of the six
        for n in range(25):
            draw = make(eve, title=f"抽查{n}", enterprise_count=6, enterprise_type="passenger")
            assert set(dict(draw.pairs)[target.pk]) == {pool[4].pk, pool[5].pk}
            others = [chosen for e, chosen in draw.pairs if e != target.pk]
            assert any(set(chosen) & {p.pk for p in pool[:4]} for chosen in others)

    def test_not_enough_eligible_inspectors_is_refused_clearly(self, eve, enterprises, pool):
        ConflictFactory(enterprise=enterprises[6], unit=pool[0].user.unit)
        ConflictFactory(enterprise=enterprises[6], inspector=pool[4])
        with pytest.raises(ValidationError, match="Not enough eligible inspectors for 浏阳货运0公司"):
            make(eve, enterprise_type="freight", enterprise_count=2)
        assert not Draw.objects.exists()

    def test_more_enterprises_than_match_is_refused(self, eve):
        with pytest.raises(ValidationError, match="Only 2 enterprises match"):
            make(eve, enterprise_type="freight", enterprise_count=3)

    def test_at_least_two_inspectors_per_enterprise(self, eve, enterprises):
        with pytest.raises(ValidationError, match="at least two"):
            make(eve, inspectors_per_enterprise=1)
        draw = make(eve)
        with pytest.raises(IntegrityError), transaction.atomic():
            Draw.objects.create(
                **{f.attname: getattr(draw, f.attname) for f in Draw._meta.concrete_fields if f.name != "id"}
                | {"seed": "f" * 32, "inspectors_per_enterprise": 1}
            )


class TestImmutable:
    def test_the_database_refuses_to_change_a_draw(self, eve):
        draw = make(eve)
        draw.title = "改过的标题"
        with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
            draw.save()
        with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
            Draw.objects.filter(pk=draw.pk).update(seed="0" * 32)
        assert Draw.objects.get(pk=draw.pk).title == "2020年第二季度双随机抽查"

    def test_the_admin_shows_a_draw_read_only(self, eve, admin_user, client):
        draw = make(eve)
        client.force_login(admin_user)
        url = reverse("admin:inspections_draw_change", args=[draw.pk])
        page = client.get(url)
        assert page.status_code == 200 and 'type="submit" value="Save"' not in page.content.decode()
        assert client.post(url, {"title": "改"}).status_code == 403
        assert client.get(reverse("admin:inspections_draw_add")).status_code == 403
        assert client.post(reverse("admin:inspections_draw_delete", args=[draw.pk]), {"post": "yes"}).status_code == 403

    def test_there_is_no_page_to_edit_a_draw(self):
        from django.urls import NoReverseMatch

        with pytest.raises(NoReverseMatch):
            reverse("inspections:draw_edit", args=[1])


class TestPermissions:
    @pytest.mark.parametrize("who", ["alice", "carol", "leo"])
    def test_only_law_enforcement_units_draw(self, request, who, login):
        user = request.getfixturevalue(who)
        with pytest.raises(PermissionDenied):
            make(user)
        client = login(user)
        assert client.get(reverse("inspections:draw_create")).status_code == 403
        assert client.post(reverse("inspections:draw_create"), {"title": "x"}).status_code == 403
        assert not Draw.objects.exists()

    def test_eve_draws_through_the_page(self, login, eve):
        response = login(eve).post(
            reverse("inspections:draw_create"),
            {"title": "页面抽查", "enterprise_type": "", "enterprise_count": "2", "inspectors_per_enterprise": "2"},
        )
        draw = Draw.objects.get()
        assert response.status_code == 302 and draw.lead_unit == eve.unit and draw.made_by == eve
        page = login(eve).get(draw.get_absolute_url()).content.decode()
        assert "结果与此完全一致" in page

    def test_the_page_refuses_m_below_two(self, login, eve):
        response = login(eve).post(
            reverse("inspections:draw_create"),
            {"title": "页面抽查", "enterprise_count": "2", "inspectors_per_enterprise": "1"},
        )
        assert response.status_code == 200 and not Draw.objects.exists()

    def test_an_administrator_names_the_lead_unit(self, admin_user, brigade):
        with pytest.raises(ValidationError, match="lead unit"):
            make(admin_user)
        assert make(admin_user, lead_unit=brigade).lead_unit == brigade


class TestToInspections:
    def test_a_draw_becomes_one_random_inspection_per_enterprise(self, eve, login):
        draw = make(eve)
        response = login(eve).post(
            reverse("inspections:draw_to_inspections", args=[draw.pk]), {"date": "2020-06-12", "summary": "抽查"}
        )
        assert response.status_code == 302
        inspections = Inspection.objects.filter(draw=draw).prefetch_related("enterprises", "inspectors")
        assert len(inspections) == 3
        by_enterprise = {i.enterprises.get().pk: i for i in inspections}
        from inspections.models import Inspector

        for enterprise, chosen in draw.pairs:
            inspection = by_enterprise[enterprise]
            assert inspection.kind == InspectionKind.RANDOM and inspection.date == datetime.date(2020, 6, 12)
            expected = set(Inspector.objects.filter(pk__in=chosen).values_list("user_id", flat=True))
            assert {u.pk for u in inspection.inspectors.all()} == expected

    def test_only_once(self, eve):
        draw = make(eve)
        services.draw_create_inspections(user=eve, draw=draw, date=datetime.date(2020, 6, 12))
        with pytest.raises(ValidationError, match="already"):
            services.draw_create_inspections(user=eve, draw=draw, date=datetime.date(2020, 6, 12))
        assert Inspection.objects.count() == 3

    def test_alice_may_not_use_a_draw(self, eve, alice, login):
        draw = make(eve)
        with pytest.raises(PermissionDenied):
            services.draw_create_inspections(user=alice, draw=draw, date=datetime.date(2020, 6, 12))
        response = login(alice).post(reverse("inspections:draw_to_inspections", args=[draw.pk]), {"date": "2020-06-12"})
        assert response.status_code == 404 and not Inspection.objects.exists()

    def test_a_drawn_inspection_keeps_its_inspectors(self, eve, alice):
        draw = make(eve)
        inspection = services.draw_create_inspections(user=eve, draw=draw, date=datetime.date(2020, 6, 12))[0]
        with pytest.raises(ValidationError, match="set by the draw"):
            services.inspection_update(
                user=eve,
                inspection=inspection,
                kind=InspectionKind.RANDOM,
                date=inspection.date,
                inspectors=[alice],
                enterprises=list(inspection.enterprises.all()),
            )
