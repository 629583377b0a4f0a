"""The association accounts: sign-up, e-mail confirmation, login (password or e-mailed
link), password reset, the home page of the space and the link to an association."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.core.mail import send_mail
from django.db.models import Q
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from sesame.utils import get_query_string, get_user

from core.views import run_form
from subventions.enums import ApplicationStatus, MembershipStatus
from subventions.memberships import (
    account_confirm_email,
    account_create,
    account_from_token,
    beneficiaries_for_account,
    confirmation_token,
    is_portal_account,
    membership_request,
    subsidies_for_account,
)
from subventions.models import Application, Membership

from .access import portal_account_required, rate_limited
from .forms_accounts import EmailForm, MembershipRequestForm, PortalLoginForm, SignupForm

MAGIC_SCOPE = "portail"
CONFIRM_LINK_INVALID = (
    "Ce lien de confirmation n'est pas valable (il a expiré ou il a été modifié) : "
    "connectez-vous pour en recevoir un nouveau, ou inscrivez-vous de nouveau."
)
MAGIC_LINK_INVALID = (
    "Ce lien de connexion n'est pas valable : il a expiré ou a déjà servi. Demandez-en un nouveau."
)
SIGNUP_DONE = "Votre compte est créé. Ouvrez le lien envoyé à {email} pour confirmer votre adresse."
EMAIL_CONFIRMED = (
    "Votre adresse est confirmée. Rattachez maintenant votre compte à votre association."
)
MAGIC_LINK_SENT = (
    "Si un compte existe pour cette adresse, un lien de connexion vient d'y être envoyé ; "
    "il est valable 15 minutes et ne sert qu'une fois."
)
MEMBERSHIP_REQUESTED = (
    "Votre demande de rattachement à {name} est transmise au service, qui la confirmera "
    "avant que vous ne voyiez les données de l'association."
)


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def send_confirmation(request, user) -> None:
    token = confirmation_token(user)
    link = _absolute(request, reverse("portail:confirm_email", args=[token]))
    body = render_to_string("portail/emails/confirm_email.txt", {"user": user, "link": link})
    send_mail(
        "Confirmez votre adresse — espace association",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


@method_decorator(rate_limited("login", "20/m"), name="dispatch")
class PortalLoginView(auth_views.LoginView):
    template_name = "portail/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return reverse("portail:home")


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("portail:login")


@rate_limited("signup", "5/h")
def signup(request):
    form = SignupForm(request.POST or None)

    def create(data):
        return account_create(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )

    user = run_form(request, form, create)
    if user is not None:
        send_confirmation(request, user)
        messages.success(request, SIGNUP_DONE.format(email=user.email))
        return redirect("portail:signup_done")
    return render(request, "portail/signup.html", {"form": form})


def signup_done(request):
    return render(request, "portail/signup_done.html")


def confirm_email(request, token):
    user = account_from_token(token)
    if user is None:
        return render(
            request,
            "portail/message.html",
            {"title": "Lien non valable", "text": CONFIRM_LINK_INVALID},
            status=400,
        )
    account_confirm_email(user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if beneficiaries_for_account(user).exists():  # invited by a clerk: already linked
        return redirect("portail:home")
    messages.success(request, EMAIL_CONFIRMED)
    return redirect("portail:membership_request")


@rate_limited("magic", "5/h")
def magic_link_request(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        user = (
            get_user_model()
            .objects.filter(Q(email__iexact=email), portal_account__isnull=False, is_staff=False)
            .first()
        )
        if user is not None:
            link = _absolute(request, reverse("portail:magic_login")) + get_query_string(
                user, scope=MAGIC_SCOPE
            )
            body = render_to_string("portail/emails/magic_link.txt", {"user": user, "link": link})
            send_mail(
                "Votre lien de connexion — espace association",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        messages.info(request, MAGIC_LINK_SENT)
        return redirect("portail:login")
    return render(request, "portail/magic_link.html", {"form": form})


def magic_login(request):
    user = get_user(request, scope=MAGIC_SCOPE)
    if user is None or not is_portal_account(user):
        return render(
            request,
            "portail/message.html",
            {"title": "Lien non valable", "text": MAGIC_LINK_INVALID},
            status=400,
        )
    # Following the e-mailed link proves the address too.
    account_confirm_email(user=user)
    login(request, user)
    return redirect("portail:home")


@method_decorator(rate_limited("reset", "5/h"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "portail/password_reset_form.html"
    email_template_name = "portail/emails/password_reset.txt"
    subject_template_name = "portail/emails/password_reset_subject.txt"
    success_url = reverse_lazy("portail:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portail/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portail/password_reset_confirm.html"
    success_url = reverse_lazy("portail:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portail/password_reset_complete.html"


@portal_account_required
def home(request):
    user = request.user
    beneficiaries = beneficiaries_for_account(user)
    return render(
        request,
        "portail/home.html",
        {
            "beneficiaries": beneficiaries,
            "waiting": Membership.objects.filter(user=user)
            .exclude(status=MembershipStatus.CONFIRMED)
            .select_related("beneficiary"),
            "drafts": Application.objects.filter(
                beneficiary__in=beneficiaries, status=ApplicationStatus.DRAFT
            ).select_related("beneficiary"),
            "subsidies": subsidies_for_account(user).select_related("beneficiary")[:5],
        },
    )


@portal_account_required
@rate_limited("membership", "10/h", key="user_or_ip")
def membership_request_view(request):
    form = MembershipRequestForm(request.POST or None)

    def ask(data):
        return membership_request(user=request.user, **data)

    membership = run_form(request, form, ask)
    if membership is not None:
        messages.success(request, MEMBERSHIP_REQUESTED.format(name=membership.beneficiary))
        return redirect("portail:home")
    return render(request, "portail/membership_request.html", {"form": form})


def accessibility(request):
    return render(request, "portail/accessibility.html")
