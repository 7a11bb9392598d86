"""The registry's ``blocker`` filter: projects whose counted progress (submitted or accepted) names a blocker of a
category in the registry's year — the projects the dashboard's blockers by category count."""

import datetime

import pytest
from django.urls import reverse

from projects import selectors
from projects.filters import ProjectFilter
from projects.models import Project

from .factories import BlockerFactory, MonthlyProgressFactory, ProjectFactory


@pytest.fixture
def blocked(project_a, project_b):
    """project_a: land blocker in May 2020 (accepted) and a funding one in its July 2020 draft (not counted);
    project_b: land blocker in 2019 (submitted) and an environment one in March 2020 (submitted);
    another project: two land blockers in one month of 2020 (counted once as a project)."""
    other = ProjectFactory(name="沙市互通")
    progress = MonthlyProgressFactory(project=project_a, month=datetime.date(2020, 5, 1), accepted=True)
    BlockerFactory(progress=progress, category="land")
    draft = MonthlyProgressFactory(project=project_a, month=datetime.date(2020, 7, 1))
    BlockerFactory(progress=draft, category="funding")
    BlockerFactory(
        progress=MonthlyProgressFactory(project=project_b, month=datetime.date(2019, 11, 1), submitted=True),
        category="land",
    )
    BlockerFactory(
        progress=MonthlyProgressFactory(project=project_b, month=datetime.date(2020, 3, 1), submitted=True),
        category="environment",
    )
    twice = MonthlyProgressFactory(project=other, month=datetime.date(2020, 2, 1), accepted=True)
    BlockerFactory(progress=twice, category="land")
    BlockerFactory(progress=twice, category="land")
    return {"a": project_a, "b": project_b, "other": other}


def names(data, year=None) -> set[str]:
    return {project.name for project in ProjectFilter(data, queryset=Project.objects.all(), year=year).qs}


def test_projects_with_a_blocker_of_the_category_in_the_year(blocked):
    assert names({"blocker": "land"}, year=2020) == {"金阳大道三期", "沙市互通"}
    assert names({"blocker": "land"}, year=2019) == {"东南旅游干线"}
    assert names({"blocker": "environment"}, year=2020) == {"东南旅游干线"}


def test_a_draft_s_blocker_does_not_count(blocked):
    assert names({"blocker": "funding"}, year=2020) == set()


def test_without_a_year_every_year_counts(blocked):
    assert names({"blocker": "land"}) == {"金阳大道三期", "东南旅游干线", "沙市互通"}


def test_the_filter_finds_the_projects_the_blockers_by_category_count(blocked):
    for row in selectors.blockers_by_category(2020):
        assert len(names({"blocker": row.key}, year=2020)) == row.projects, row.key


def test_the_registry_page_filters_by_blocker_in_its_year(login, alice, blocked):
    client = login(alice)
    response = client.get(reverse("projects:project_list"), {"year": "2020", "blocker": "land"})
    assert response.status_code == 200
    assert {project.name for project in response.context["page_obj"]} == {"金阳大道三期", "沙市互通"}
    response = client.get(reverse("projects:project_list"), {"year": "2019", "blocker": "land"})
    assert [project.name for project in response.context["page_obj"]] == ["东南旅游干线"]


def test_the_export_filters_by_blocker_in_its_year(login, alice, blocked):
    response = login(alice).get(
        reverse("projects:project_export"), {"year": "2019", "blocker": "land", "format": "csv"}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    assert "东南旅游干线" in content and "金阳大道三期" not in content
