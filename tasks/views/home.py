"""The role-based home page: one entry per workspace the person may use."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..access import access_for


@login_required
def home(request):
    return render(request, "tasks/home.html", {"access": access_for(request.user)})
