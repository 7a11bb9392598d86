"""Each role's menus offer only what the role may open (issue 15): every link in the header answers the role with
the page, never a refusal."""

import re

import pytest
from django.urls import reverse

LINK = re.compile(r'<a class="(?:dropdown-item|nav-link)[^"]*"[^>]*href="([^"#]+)"')


def header_links(client) -> list[str]:
    page = client.get(reverse("plans:measure_list")).content.decode()
    nav = page[page.index('id="mainNav"') : page.index('id="todo-link"')]
    return sorted(set(LINK.findall(nav)))


@pytest.mark.parametrize("persona", ["alice", "carol", "bob", "leo", "admin_user"])
def test_every_menu_link_of_a_role_opens_for_that_role(request, login, persona):
    user = request.getfixturevalue(persona)
    client = login(user)
    links = header_links(client)
    assert len(links) >= 12
    refused = {link: client.get(link.replace("&amp;", "&"), follow=True).status_code for link in links}
    assert {link: code for link, code in refused.items() if code != 200} == {}


def test_menus_differ_by_role_as_the_rules_do(login, alice, carol, leo, admin_user):
    staff, head, leader, admin = (set(header_links(login(user))) for user in (alice, carol, leo, admin_user))
    review = reverse("plans:review_queue")
    assert review in head and review in admin and review not in staff
    assert reverse("dashboard:dashboard") in leader and reverse("dashboard:dashboard") not in staff
    assert reverse("safety:hazard_import") in staff and reverse("safety:hazard_import") not in leader
    assert reverse("plans:plan_import_text") in admin and reverse("plans:plan_import_text") not in head
