"""The public pages of 双随机、一公开: the draws' results, open to anyone without logging in.

The portal's pages ask for a login view by view (``login_required``); these two deliberately do not. They show
names only (the drawn enterprises and inspectors as recorded at the draw), never phone numbers or accounts."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from core.views import paginate

from .models import Draw
from .selectors import draw_view, enterprise_type_label


@cache_control(public=True, max_age=300)
def public_draw_list(request):
    draws = Draw.objects.published()
    page_obj = paginate(request, draws)
    for draw in page_obj:
        draw.enterprise_type_label = enterprise_type_label(draw.enterprise_type)
    return render(request, "public/draw_list.html", {"page_obj": page_obj})


@cache_control(public=True, max_age=300)
def public_draw_detail(request, pk):
    draw = get_object_or_404(Draw.objects.published(), pk=pk)
    return render(request, "public/draw_detail.html", draw_view(draw))
