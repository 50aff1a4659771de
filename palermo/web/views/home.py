from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """The start page: who you are acting as, and where you can go."""
    return render(request, "web/home.html")
