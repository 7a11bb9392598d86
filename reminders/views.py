from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.views import paginate

from . import selectors, services
from .choices import ReminderKind
from .forms import PreferencesForm
from .models import Notification


@login_required
def notification_list(request):
    """The bell: every group's first lines and its summary of resting lines; ``?group=<key>`` every line of one
    group (``&resting=1``: those its summary line folds), a page at a time."""
    today = clock.today()
    context = {"kinds": ReminderKind, "today": today}
    key = request.GET.get("group")
    if key is None:
        context["groups"] = selectors.bell_groups(request.user, today=today)
        return render(request, "reminders/notification_list.html", context)
    found = _group(key)
    resting = request.GET.get("resting") == "1"
    page_obj = paginate(request, selectors.group_lines(request.user, found, resting=resting, today=today))
    page_obj.object_list = [selectors.BellLine(notification, today) for notification in page_obj.object_list]
    context.update(group=found, resting=resting, page_obj=page_obj)
    return render(request, "reminders/notification_group.html", context)


@login_required
def notification_open(request, pk):
    """Follow a notification to its item, marking it read."""
    notification = get_object_or_404(Notification.objects.restrict(request.user, "change"), pk=pk)
    services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("reminders:notification_list")


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(Notification.objects.restrict(request.user, "change"), pk=pk)
    services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect(_back(request))


@login_required
@require_POST
def notification_group_read(request, group):
    count = services.notification_group_mark_read(user=request.user, group=_group(group))
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect(_back(request))


def _group(key: str) -> selectors.BellGroup:
    found = selectors.group(key)
    if found is None:
        raise Http404
    return found


@login_required
def preferences(request):
    form = PreferencesForm(
        request.POST or None, kinds=services.preference_kinds(), initial_email=services.preferences_of(request.user)
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_save(user=request.user, email=form.email_choices())
        messages.success(request, _("Your reminder preferences are saved."))
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"form": form})


def _back(request) -> str:
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    return "reminders:notification_list"
