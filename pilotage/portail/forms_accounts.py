"""The forms of the association accounts: sign-up, login, login link, link to an
association. French labels, the errors on their fields."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q

from subventions import validators

PASSWORDS_DIFFER = "Les deux mots de passe ne sont pas identiques."
LOGIN_INVALID = (
    "Adresse électronique (ou identifiant) ou mot de passe incorrect. Vérifiez-les, en "
    "respectant les majuscules et minuscules du mot de passe."
)
LOGIN_INACTIVE = (
    "Ce compte n'est pas encore activé : ouvrez le lien reçu par courriel pour confirmer "
    "votre adresse."
)


class PortalLoginForm(AuthenticationForm):
    """Log in with the e-mail address (or the identifier, such as the demo's « apes »)."""

    username = forms.CharField(
        label="Adresse électronique ou identifiant",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {"invalid_login": LOGIN_INVALID, "inactive": LOGIN_INACTIVE}

    def clean_username(self):
        typed = self.cleaned_data["username"].strip()
        if "@" in typed:
            match = (
                get_user_model()
                .objects.filter(Q(email__iexact=typed) | Q(username__iexact=typed))
                .order_by("pk")
                .first()
            )
            if match is not None:
                return match.get_username()
        return typed


class SignupForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=150,
        help_text="Un lien de confirmation y sera envoyé.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 8 caractères, pas uniquement des chiffres, ni trop courant.",
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", PASSWORDS_DIFFER)
        elif first:
            user = get_user_model()(
                username=data.get("email", ""),
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class MembershipRequestForm(forms.Form):
    siret = forms.CharField(
        label="SIRET",
        required=False,
        max_length=20,
        help_text="14 chiffres. Indiquez le SIRET ou le numéro RNA (ou les deux).",
    )
    rna = forms.CharField(
        label="Numéro RNA",
        required=False,
        max_length=10,
        help_text="La lettre W suivie de 9 chiffres, par exemple W595012345.",
    )
    legal_name = forms.CharField(
        label="Nom de l'association",
        required=False,
        max_length=250,
        help_text="Utile si l'association n'a encore jamais demandé de subvention.",
    )
    role_in_association = forms.CharField(
        label="Votre qualité dans l'association",
        max_length=100,
        help_text="Par exemple « présidente », « trésorier », « salariée chargée du dossier ».",
    )
    is_representative = forms.BooleanField(
        label="Je suis le représentant légal de l'association", required=False
    )

    def clean_siret(self):
        value = validators.compact_siret(self.cleaned_data["siret"])
        if value:
            validators.validate_siret(value)
        return value

    def clean_rna(self):
        value = self.cleaned_data["rna"].strip().upper()
        if value:
            validators.validate_rna(value)
        return value

    def clean(self):
        data = super().clean()
        if not data.get("siret") and not data.get("rna") and not self.errors:
            self.add_error("siret", "Indiquez le SIRET ou le numéro RNA de l'association.")
        return data
