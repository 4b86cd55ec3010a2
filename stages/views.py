from django.shortcuts import render
from django.views.decorators.http import require_GET

from stages.models import Edition


@require_GET
def home(request):
    editions = Edition.objects.select_related("race")
    return render(request, "stages/home.html", {"editions": editions})
