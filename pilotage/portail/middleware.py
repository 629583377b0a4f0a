"""Association accounts never reach the admin: a plain 403 rather than the admin's login
page (which would invite them to try another password)."""

from django.core.exceptions import PermissionDenied

from subventions.memberships import is_portal_account

CLOSED_PREFIXES = ("/admin/",)
STAFF_ONLY = (
    "Cette page est réservée aux agents de la collectivité : votre espace est "
    "l'espace association (/association/)."
)


class PortalAccountIsolationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path.startswith(CLOSED_PREFIXES)
            and user is not None
            and user.is_authenticated
            and not user.is_staff
            and is_portal_account(user)
        ):
            raise PermissionDenied(STAFF_ONLY)
        return self.get_response(request)
