"""The public pages of 双随机、一公开: the draws' results, open to anyone without logging in.

The portal's pages ask for a login view by view (``login_required``); these two deliberately do not. They show
names only (the drawn enterprises and inspectors as recorded at the draw), never phone numbers or accounts."""

from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from core.views import paginate

from .models import Draw
from .selectors import draw_view, enterprise_type_label


def _cacheable(request, response):
    """Shared caches may keep the page for an anonymous visitor; a logged-in user's copy carries their name and a
    CSRF token, so it is theirs only."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    return response


def public_draw_list(request):
    draws = Draw.objects.published()
    page_obj = paginate(request, draws)
    for draw in page_obj:
        draw.enterprise_type_label = enterprise_type_label(draw.enterprise_type)
    return _cacheable(request, render(request, "public/draw_list.html", {"page_obj": page_obj}))


def public_draw_detail(request, seed):
    draw = get_object_or_404(Draw.objects.published(), seed=seed)
    return _cacheable(request, render(request, "public/draw_detail.html", draw_view(draw)))
