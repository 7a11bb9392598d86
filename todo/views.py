from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def todo_list(request):
    groups = selectors.todo_groups(request.user)
    total = sum(group.count for group in groups)
    request._todo_count = total  # the header's count (templatetags/todo.py) is the page's sum, not asked again
    return render(request, "todo/todo_list.html", {"groups": groups, "total": total})
