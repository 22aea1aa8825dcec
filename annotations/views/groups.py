from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from annotations.permissions import visible_groups


@login_required
def my_groups(request):
    groups = visible_groups(request.user).filter(memberships__user=request.user)
    return render(request, "annotations/my_groups.html", {"groups": groups})
