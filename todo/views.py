from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def todo_list(request):
    groups = selectors.todo_groups(request.user)
    total = sum(group.count for group in groups)
    return render(request, "todo/todo_list.html", {"groups": groups, "total": total})


@login_required
def todo_badge(request):
    """The count on the header's 待办 link, loaded by htmx once the page is shown: every page renders without
    computing it (one query, and the sources' querysets built in Python, about 20 ms)."""
    return render(request, "todo/_badge.html", {"count": selectors.todo_total(request.user)})
