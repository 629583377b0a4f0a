"""Every staff page of the demo data, found by walking the URL resolver: the accessibility
test and `make screenshots` visit them all, so a page another helper adds is covered as
soon as its URL name is in the permission table (tests/subventions/test_permissions.py).

Each page is visited as the first demo user who may open it (the administrator first),
and only if it answers an HTML page: exports, PDFs and downloads are not pages.
"""

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from deliberations.models import Deliberation
from subventions.models import Subsidy
from tests.subventions.test_permissions import POST_ONLY, demo_values, kwargs_for, url_names

# The demo users, the one who sees the most first.
USERS = ("admin", "secretariat", "responsable", "instructeur", "finances", "signataire")

# Pages outside the walk (the admin and the API have their own permission systems).
# Extend this list for a page the walk cannot reach (a page with a query string, say).
EXTRA_PAGES = {
    "admin-accueil": lambda: reverse("admin:index"),
    "admin-dossier": lambda: reverse(
        "admin:subventions_subsidy_change",
        args=[Subsidy.objects.get(year=2021, beneficiary__short_name="APES").pk],
    ),
    "admin-deliberation": lambda: reverse(
        "admin:deliberations_deliberation_change",
        args=[Deliberation.objects.get(number="21 B 0110").pk],
    ),
    "api-docs": lambda: "/api/docs/",
}


def staff_pages() -> list[tuple[str, str, str]]:
    """(name, url, username) of every HTML page of the loaded demo data."""
    values = demo_values()
    users = {user.username: user for user in get_user_model().objects.filter(username__in=USERS)}
    client = Client()
    urls = [
        (
            name.replace(":", "-").replace("_", "-"),
            reverse(name, kwargs=kwargs_for(name, pattern, values)),
        )
        for name, pattern in url_names()
        # The health probe answers JSON/plain text to load balancers, and django-health-check
        # runs its checks through asyncio, which the browser's event loop forbids here.
        if name not in POST_ONLY and name != "health"
    ]
    urls += [(name, url()) for name, url in EXTRA_PAGES.items()]
    pages = []
    for name, url in urls:
        for username in USERS:
            client.force_login(users[username])
            response = client.get(url)
            if response.status_code == 200:
                if response.get("Content-Type", "").startswith("text/html"):
                    pages.append((name, url, username))
                break
    return pages
