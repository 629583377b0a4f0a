"""Forms of the agreement pages: the signatures (paper, electronic, the beneficiary's) and
the check of any PDF's signatures. They check the input's shape; the services decide."""

from django import forms
from django.utils import timezone

from core.confirm import ConfirmationMixin


class PaperSignatureForm(ConfirmationMixin, forms.Form):
    scan = forms.FileField(label="Original signé numérisé (PDF, 20 Mo au plus)")
    signed_on = forms.DateField(label="Signée par la collectivité le", initial=timezone.localdate)
    beneficiary_signed_on = forms.DateField(label="Signée par le bénéficiaire le", required=False)


class ElectronicSignatureForm(ConfirmationMixin, forms.Form):
    p12 = forms.FileField(label="Certificat de signature (fichier PKCS#12 .p12 / .pfx)")
    password = forms.CharField(label="Mot de passe du certificat", widget=forms.PasswordInput)


class BeneficiarySignatureForm(forms.Form):
    signed_on = forms.DateField(label="Signée par le bénéficiaire le")
    scan = forms.FileField(label="Exemplaire signé numérisé (PDF, facultatif)", required=False)
    name = forms.CharField(label="Nom du signataire", required=False)
    title = forms.CharField(label="Qualité du signataire", required=False)


class VerifyForm(forms.Form):
    file = forms.FileField(label="PDF à vérifier (20 Mo au plus)")
