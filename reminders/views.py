from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import paginate

from . import services
from .choices import ReminderKind
from .forms import PreferencesForm
from .models import Notification


@login_required
def notification_list(request):
    notifications = Notification.objects.restrict(request.user)
    unread_only = request.GET.get("show") != "all"
    if unread_only:
        notifications = notifications.unread()
    return render(
        request,
        "reminders/notification_list.html",
        {"page_obj": paginate(request, notifications), "unread_only": unread_only, "kinds": ReminderKind},
    )


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
def preferences(request):
    form = PreferencesForm(request.POST or None, initial_email=services.preferences_of(request.user))
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
