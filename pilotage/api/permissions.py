"""Who may read the API: staff accounts holding the model's view permission."""

from rest_framework.permissions import DjangoModelPermissions


class StaffWithViewPermission(DjangoModelPermissions):
    """A staff account with `<app>.view_<model>` on the viewset's model; read only."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        return super().has_permission(request, view)
