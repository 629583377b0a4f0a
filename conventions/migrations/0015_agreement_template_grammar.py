"""A new version of « Convention annuelle d'objectifs » whose sentences agree with the names.

A copy of the version in force (title, visas, dated visas, preamble, articles) in which
the beneficiary's verbs, possessives and pronouns agree with its name (« les Jardins
partagés … mènent », « s'engagent », « leurs comptes annuels »), and « de », « à » and
« que » contract with the names they precede (« au compte des Jardins … », « du
Département », « qu'Emmaüs Connect »). Only the phrases below change: whatever else the
legal department wrote in the version in force is kept. The earlier versions are left as
they are: the agreements generated from them keep their text.
"""

import re

from django.db import migrations
from django.db.models import Max

NAME = "Convention annuelle d'objectifs"
B = "beneficiary.name_with_article"


def agreeing(forms: str) -> str:
    """The beneficiary's name filtered by `accord` (« mène,mènent »)."""
    return f'{{{{ {B}|accord:"{forms}" }}}}'


ENGAGES = agreeing("s'engage,s'engagent")
# (old, new): exact phrases of version 1, which later versions copied.
PHRASES = [
    (
        f"Considérant que {{{{ {B} }}}} mène, de sa propre initiative,",
        f"Considérant {{{{ {B}|que }}}} {agreeing('mène,mènent')}, de "
        f"{agreeing('sa,leur')} propre initiative,",
    ),
    (
        f"{{{{ {B}|capfirst }}}} s'engage à mettre",
        f"{{{{ {B}|capfirst }}}} {ENGAGES} à mettre",
    ),
    (
        f"{{{{ {B}|capfirst }}}} transmet à",
        f"{{{{ {B}|capfirst }}}} {agreeing('transmet,transmettent')} à",
    ),
    (
        f"{{{{ {B}|capfirst }}}} transmet également ses comptes annuels approuvés et son "
        "rapport d'activité de l'exercice, et informe",
        f"{{{{ {B}|capfirst }}}} {agreeing('transmet,transmettent')} également "
        f"{agreeing('ses,leurs')} comptes annuels approuvés et {agreeing('son,leur')} "
        f"rapport d'activité de l'exercice, et {agreeing('informe,informent')}",
    ),
    (
        "de toute modification de ses statuts, de sa direction ou de sa situation financière.",
        f"de toute modification de {agreeing('ses,leurs')} statuts, de "
        f"{agreeing('sa,leur')} direction ou de {agreeing('sa,leur')} situation financière.",
    ),
    (
        f"{{{{ {B}|capfirst }}}} a souscrit",
        f"{{{{ {B}|capfirst }}}} {agreeing('a souscrit,ont souscrit')}",
    ),
    (
        "Elle s'engage à le respecter et à en informer ses membres.",
        f"{agreeing('Il,Elle,Ils,Elles')} {ENGAGES} à respecter ce "
        f"contrat et à en informer {agreeing('ses,leurs')} membres.",
    ),
    (
        f"{{{{ {B}|capfirst }}}} fait mention",
        f"{{{{ {B}|capfirst }}}} {agreeing('fait,font')} mention",
    ),
    (
        f"{{{{ {B}|capfirst }}}} tient à sa disposition",
        f"{{{{ {B}|capfirst }}}} {agreeing('tient,tiennent')} à sa disposition",
    ),
]
# « de {{ name }} » and « à {{ name }} » before a name stored with its article: « de le … »
# and « à les … » become « du … », « aux … » (prep_de, prep_a of core.templatetags.grammar).
CONTRACTIONS = [
    (
        re.compile(r"\bde \{\{ (authority|beneficiary)\.name_with_article \}\}"),
        r"{{ \1.name_with_article|prep_de }}",
    ),
    (
        re.compile(r"(?<![\w'])à \{\{ (authority|beneficiary)\.name_with_article \}\}"),
        r"{{ \1.name_with_article|prep_a }}",
    ),
]


def with_grammar(text: str) -> str:
    for old, new in PHRASES:
        text = text.replace(old, new)
    for pattern, replacement in CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def install(apps, schema_editor):
    AgreementTemplate = apps.get_model("conventions", "AgreementTemplate")
    AgreementArticle = apps.get_model("conventions", "AgreementArticle")
    AgreementVisa = apps.get_model("conventions", "AgreementVisa")
    active = AgreementTemplate.objects.filter(name=NAME, is_active=True).first()
    if active is None:
        return
    articles = list(active.articles.order_by("position"))
    changed = [with_grammar(active.preamble)] + [with_grammar(a.body) for a in articles]
    if changed == [active.preamble] + [a.body for a in articles]:
        return  # nothing to say differently: no new version
    last = AgreementTemplate.objects.filter(name=NAME).aggregate(last=Max("version"))["last"]
    AgreementTemplate.objects.filter(pk=active.pk).update(is_active=False)
    template = AgreementTemplate.objects.create(
        name=NAME,
        version=last + 1,
        is_active=True,
        title=active.title,
        visas=with_grammar(active.visas),
        preamble=changed[0],
        change_note="Accords avec le nom du bénéficiaire (« les Jardins … mènent », "
        "« s'engagent », « leurs comptes ») et contractions « du », « des », « au », « aux ».",
    )
    for article, body in zip(articles, changed[1:], strict=True):
        AgreementArticle.objects.create(
            template=template, position=article.position, heading=article.heading, body=body
        )
    for visa in active.dated_visas.order_by("position"):
        AgreementVisa.objects.create(
            template=template,
            position=visa.position,
            text=with_grammar(visa.text),
            applies_from=visa.applies_from,
            applies_until=visa.applies_until,
            authority_kind=visa.authority_kind,
        )


def uninstall(apps, schema_editor):
    AgreementTemplate = apps.get_model("conventions", "AgreementTemplate")
    for template in AgreementTemplate.objects.filter(
        name=NAME, is_active=True, change_note__startswith="Accords avec le nom"
    ).filter(agreements__isnull=True):
        previous = (
            AgreementTemplate.objects.filter(name=NAME, version__lt=template.version)
            .order_by("-version")
            .first()
        )
        template.delete()
        if previous is not None:
            AgreementTemplate.objects.filter(pk=previous.pk).update(is_active=True)
    if schema_editor.connection.vendor == "postgresql":
        # The deferred foreign-key checks of the deletion run now, before any later
        # (backward) step alters these tables.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE;")


class Migration(migrations.Migration):
    dependencies = [("conventions", "0014_agreement_visas_by_date")]

    operations = [migrations.RunPython(install, uninstall)]
