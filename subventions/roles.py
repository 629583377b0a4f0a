"""Who may do what: the one role map of the project (DESIGN.md §1).

Everything that checks a role reads it:

- the staff pages, through `subventions.permissions.check` (and the `can_…` rules of each
  app, which add what the object's state allows);
- the state machines: each transition's `permission=transition_permission("…")`;
- the services, which refuse a write with their French reason (`allowed`);
- the admin and the read API, through the roles' model permissions, which
  `sync_role_permissions` derives from `MODEL_ACTIONS` after every forward `migrate` (a
  change made by hand to a role's permission on one of these models is put back).

A role is a Django group of the role's name; a superuser holds every role. The actions of
the higher layers (sessions, votes, agreements, signatures) and their models' permissions
are declared by those apps (`subventions.permissions.declare`), so that this module names
nothing above it.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from core.workflow import has_role

from .enums import Role

ALL_ROLES = tuple(Role)
# DESIGN.md §1: the instructors and their heads of service record beneficiaries and files.
FILE_EDITORS = (Role.INSTRUCTOR, Role.HEAD_OF_SERVICE)
HEAD = (Role.HEAD_OF_SERVICE,)
SECRETARIAT = (Role.ASSEMBLY_SECRETARIAT,)
SIGNATORIES = (Role.SIGNATORY,)
FINANCE = (Role.FINANCE,)

ROLE_MAP: dict[str, tuple[Role, ...]] = {
    # Reading: every role reads everything (the Lecteur does nothing else).
    "view": ALL_ROLES,
    "export": ALL_ROLES,
    # Reference data, beneficiaries and files (subventions)
    "edit_policy_areas": HEAD,
    "edit_funding_partners": FILE_EDITORS,
    "create_beneficiary": FILE_EDITORS,
    "edit_beneficiary": FILE_EDITORS,
    # The association space: who confirms a person acting for a beneficiary, or invites one.
    "manage_memberships": FILE_EDITORS,
    "create_subsidy": FILE_EDITORS,
    "edit_subsidy": FILE_EDITORS,
    # The lifecycle of a file (subventions.models.Subsidy)
    "subsidy.submit": FILE_EDITORS,
    "subsidy.send_back": HEAD,
    "subsidy.propose": HEAD,
    "subsidy.unschedule": (Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT),
    "subsidy.vote": SECRETARIAT,
    "subsidy.reject": SECRETARIAT,
    "subsidy.sign_agreement": SIGNATORIES,
    "subsidy.mark_paid": FINANCE,
    "subsidy.close": FINANCE,
    "subsidy.withdraw": FILE_EDITORS,
    # Asking the association for missing documents or information, writing to it (issue 16)
    "ask_information": FILE_EDITORS,
    # Money: budget lines, schedules, payments, financial reports, clawbacks
    "edit_budget_lines": FINANCE,
    "record_money": FINANCE,
    # The higher layers declare their own actions (`declare`): deliberations.permissions
    # (sessions, votes, the act's text), conventions.permissions (agreements, signatures).
}

# The roles that sign or pay, and superusers, log in with a second factor (TOTP) when
# settings.SUBVENTIONS_2FA_REQUIRED is on (production): subventions.twofactor.
TWO_FACTOR_ROLES = (Role.SIGNATORY, Role.FINANCE)


def requires_two_factor(user) -> bool:
    """Whether the user must log in with a second factor (superusers hold every role)."""
    return bool(user and user.is_authenticated and has_role(user, *TWO_FACTOR_ROLES))


# The model permissions of the admin and the API, derived from the actions above: every
# role views every model named here; add, change and delete go to the roles of the action.
MODEL_ACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "core.transitionlog": {},
    "subventions.authority": {},
    "subventions.policyarea": {
        "add": ("edit_policy_areas",),
        "change": ("edit_policy_areas",),
        "delete": ("edit_policy_areas",),
    },
    "subventions.fundingpartner": {
        "add": ("edit_funding_partners",),
        "change": ("edit_funding_partners",),
        "delete": ("edit_funding_partners",),
    },
    "subventions.beneficiary": {
        "add": ("create_beneficiary",),
        "change": ("edit_beneficiary",),
        "delete": ("edit_beneficiary",),
    },
    "subventions.budgetline": {
        "add": ("edit_budget_lines",),
        "change": ("edit_budget_lines",),
        "delete": ("edit_budget_lines",),
    },
    "subventions.subsidy": {
        "add": ("create_subsidy",),
        "change": ("edit_subsidy",),
        "delete": ("edit_subsidy",),
    },
    **{
        f"subventions.{model}": {
            "add": ("edit_subsidy",),
            "change": ("edit_subsidy",),
            "delete": ("edit_subsidy",),
        }
        for model in ("actionaxis", "cofunding", "cofundingpartner")
    },
    "subventions.paymentinstalment": {
        "add": ("record_money",),
        "change": ("record_money",),
        "delete": ("record_money",),
    },
    **{
        f"subventions.{model}": {"add": ("record_money",), "change": ("record_money",)}
        for model in ("payment", "financialreport", "clawback")
    },
    "subventions.reminderlog": {},
    # Written through the services only (subventions.exchanges): read in the admin.
    "subventions.informationrequest": {},
    "subventions.filemessage": {},
    # The association space and the background exports: written by their services and
    # pages only; the admin shows them read-only (core.admin.FrozenAdmin).
    **{
        f"subventions.{model}": {}
        for model in (
            "portalaccount",
            "membership",
            "application",
            "vaultdocument",
            "reportstatement",
            "reportline",
            "exportjob",
        )
    },
}


def declare(*, actions: dict[str, tuple[Role, ...]], models: dict) -> None:
    """Add a higher layer's actions and the model permissions they give to the map (called
    on import of that app's permissions module, from its AppConfig.ready()). An action or
    a model declared twice is a mistake, refused."""
    for name, table in ((actions, ROLE_MAP), (models, MODEL_ACTIONS)):
        twice = set(name) & set(table)
        if twice:
            raise ImproperlyConfigured(f"Déclaré deux fois dans la carte des rôles : {twice}.")
    ROLE_MAP.update(actions)
    MODEL_ACTIONS.update(models)


def roles_of(action: str) -> tuple[Role, ...]:
    """The roles allowed to run `action`; an action missing from the map has none."""
    return ROLE_MAP.get(action, ())


def allowed(user, action: str) -> bool:
    """Whether the user holds one of the roles of `action` (superusers hold them all)."""
    if action not in ROLE_MAP:
        return False
    return has_role(user, *roles_of(action))


class transition_permission:  # noqa: N801 — used as a function, in declarations
    """The django-fsm `permission=` of a transition: the roles the map gives `action`, read
    when it is asked (the higher layers declare theirs once the apps are loaded); `.roles`
    names them for the refusal's message."""

    def __init__(self, action: str):
        self.action = action

    @property
    def roles(self) -> tuple[Role, ...]:
        return roles_of(self.action)

    def __call__(self, instance, user) -> bool:
        return has_role(user, *self.roles)


class AccountOfBeneficiary:
    """The django-fsm `permission=` of a transition an association runs from its space
    (issue 16): an account with a confirmed membership of the beneficiary of the object's
    file (`instance.subsidy`). Staff roles do not count: they act through their own
    transitions. `.roles` names it for the refusal's message."""

    roles = ("compte de l'association",)

    def __call__(self, instance, user) -> bool:
        # Imported when asked: the memberships read the models, which read this module.
        from .account_checks import account_acts_for

        if instance is None:
            return False
        return account_acts_for(user, instance.subsidy.beneficiary)


def model_permissions(role: Role) -> set[tuple[str, str]]:
    """(app_label, codename) of every model permission `role` holds, from MODEL_ACTIONS."""
    granted = set()
    for label, kinds in MODEL_ACTIONS.items():
        app_label, model = label.split(".")
        granted.add((app_label, f"view_{model}"))
        for kind, actions in kinds.items():
            if any(role in roles_of(action) for action in actions):
                granted.add((app_label, f"{kind}_{model}"))
    return granted


def sync_role_permissions(*, using: str = "default", verbosity: int = 0, **kwargs) -> None:
    """Give each role's group exactly the model permissions the map derives (post_migrate).

    Only the permissions of the models named in MODEL_ACTIONS are managed here; the
    groups keep whatever else an administrator gave them.
    """
    plan = kwargs.get("plan") or []
    if any(backwards for _migration, backwards in plan):
        # Unapplying migrations: the models of this code are not those of the database
        # any more; the permissions are derived again at the next forward migrate.
        return
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    models = Q()
    for label in MODEL_ACTIONS:
        app_label, model = label.split(".")
        models |= Q(content_type__app_label=app_label, content_type__model=model)
    managed = Permission.objects.using(using).filter(models)
    by_key = {
        (app_label, codename): pk
        for pk, app_label, codename in managed.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = {by_key[key] for key in model_permissions(role) if key in by_key}
        held = set(group.permissions.filter(pk__in=managed).values_list("pk", flat=True))
        if held - wanted:
            group.permissions.remove(*(held - wanted))
        if wanted - held:
            group.permissions.add(*(wanted - held))
        if verbosity >= 2:
            print(f"Rôle « {role} » : {len(wanted)} permissions de modèle.")
