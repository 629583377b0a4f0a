"""Forms of the agreement pages: the signatures (paper, electronic, the beneficiary's) and
the check of any PDF's signatures. They check the input's shape; the services decide."""

from django import forms
from django.utils import timezone

from core.confirm import ConfirmationMixin
from core.files import UploadField
from core.forms import DateField
from core.text import one_line


class PaperSignatureForm(ConfirmationMixin, forms.Form):
    scan = UploadField(label="Original signé numérisé (PDF, 20 Mo au plus)")
    signed_on = DateField(label="Signée par la collectivité le", initial=timezone.localdate)
    beneficiary_signed_on = DateField(label="Signée par le bénéficiaire le", required=False)


class ElectronicSignatureForm(ConfirmationMixin, forms.Form):
    p12 = UploadField(label="Certificat de signature (fichier PKCS#12 .p12 / .pfx)")
    password = forms.CharField(label="Mot de passe du certificat", widget=forms.PasswordInput)


class BeneficiarySignatureForm(forms.Form):
    signed_on = DateField(label="Signée par le bénéficiaire le")
    scan = UploadField(label="Exemplaire signé numérisé (PDF, facultatif)", required=False)
    name = forms.CharField(label="Nom du signataire", required=False, validators=[one_line])
    title = forms.CharField(label="Qualité du signataire", required=False, validators=[one_line])


class VerifyForm(forms.Form):
    file = UploadField(label="PDF à vérifier (20 Mo au plus)")
