"""The restricted template language of agreement templates, and its check at save time.

The legal department writes visas, preamble and articles in the Django template
language. They are rendered by a dedicated Engine that knows the built-in tags and
filters plus the French ones (euros, amount_in_words, percent, date_text, prep_a …), with
a context of plain values (`sample_context()` shows its shape). `{% load %}`,
`{% include %}`, `{% extends %}` and `{% debug %}` are refused, and so is any variable
the context does not hold: each error names the part (visas, article 3 …) and the line.
"""

import datetime
import time
from decimal import Decimal
from functools import cache, lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError, Variable, VariableDoesNotExist
from django.template.base import FilterExpression, Lexer, Node, TokenType, VariableNode
from django.template.defaulttags import ForNode, IfNode, WithNode

from core.formatting import amount

from .template_limits import LimitExceeded

# « lorem » writes any number of words from one short tag.
FORBIDDEN_TAGS = ("load", "include", "extends", "debug", "ssi", "lorem")
FORBIDDEN_TAG = "{part}, ligne {line} : la balise « {{% {tag} %}} » n'est pas permise."
UNKNOWN_VARIABLE = "{part}, ligne {line} : variable inconnue « {name} »."
SYNTAX_ERROR = "{part}, ligne {line} : erreur de syntaxe ({error})."
RENDER_ERROR = "{part} : le texte ne se rend pas ({error})."
TOO_LONG = (
    "{part} : le texte rendu dépasserait {limit} caractères ; raccourcissez-le ou retirez la "
    "boucle qui le répète."
)
TOO_SLOW = (
    "{part} : le rendu dépasse {seconds} s ou {steps} tours de boucle ; simplifiez les "
    "boucles du texte."
)
# What one part (visas, an article…) may render to, and what it may cost: far above any
# legal text, far below what blocks a server.
MAX_OUTPUT_CHARS = 200_000
MAX_LOOP_STEPS = 20_000
MAX_SECONDS = 2.0

# Shown instead of a variable the context lacks; a rendered text never contains it.
MISSING = "\u2047INCONNU:%s\u2047"


@cache
def engine() -> Engine:
    """The agreement templates' engine: no template folders, no loadable libraries."""
    return Engine(
        dirs=[],
        app_dirs=False,
        libraries={},
        builtins=[
            "django.template.defaulttags",
            "django.template.defaultfilters",
            "django.template.loader_tags",
            "core.templatetags.fr",
            "core.templatetags.grammar",
            "conventions.template_limits",
        ],
        autoescape=True,
        string_if_invalid=MISSING,
    )


class RenderLimitExceeded(ValueError):
    """A part took too many loop turns or too long, or rendered too much (French message)."""


class BoundedContext(Context):
    """A Context that counts the loop turns: every « for » sets its variable on each turn
    (`__setitem__`, `update`), so each turn checks the turn count and the clock."""

    def __init__(self, dict_=None, *, part: str = "Le texte", **kwargs):
        super().__init__(dict_, **kwargs)
        self.part = part
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def _step(self) -> None:
        self.steps += 1
        if self.steps > MAX_LOOP_STEPS or time.monotonic() > self.deadline:
            raise RenderLimitExceeded(
                TOO_SLOW.format(
                    part=self.part,
                    seconds=f"{MAX_SECONDS:g}".replace(".", ","),
                    steps=amount(MAX_LOOP_STEPS),
                )
            )

    def __setitem__(self, key, value):
        self._step()
        super().__setitem__(key, value)

    def update(self, other_dict):
        self._step()
        return super().update(other_dict)


def _render_bounded(template, context: dict, part: str) -> str:
    """The template rendered within MAX_LOOP_STEPS, MAX_SECONDS and MAX_OUTPUT_CHARS."""
    rendered = template.render(BoundedContext(context, part=part))
    if len(rendered) > MAX_OUTPUT_CHARS:
        limit = amount(MAX_OUTPUT_CHARS)
        raise RenderLimitExceeded(TOO_LONG.format(part=part, limit=limit))
    return rendered


@lru_cache(maxsize=512)
def _compiled(source: str):
    """`source` compiled once per process: a batch renders the same articles for every
    agreement, and a compiled Django template renders any number of contexts."""
    return engine().from_string(source)


def render(source: str, context: dict, part: str = "Le texte") -> str:
    """`source` rendered with the plain `context` (HTML-escaped values), bounded in loop
    turns, time and size: past them, a ValidationError with the French reason."""
    try:
        return _render_bounded(_compiled(source), context, part)
    except (RenderLimitExceeded, LimitExceeded) as error:
        raise ValidationError(str(error), code="template_limits") from error


def sample_context(kind: str = "convention") -> dict:
    """A context of the shape `agreement_context()` builds (plus, for an amendment
    template, what `amendment_context()` adds), with fictitious values.

    Used to check templates at save time; tests compare its keys with a real context.
    """
    context = _agreement_sample()
    if kind == "avenant":
        context.update(
            number="CONV-2021-0001-A1",
            agreement={"number": "CONV-2021-0001", "signed_on": datetime.date(2021, 5, 3)},
            amendment={
                "number": 1,
                "reason": "Objet de l'avenant.",
                "amount_change": Decimal("5000"),
                "amount_change_abs": Decimal("5000"),
                "new_amount": Decimal("40000"),
                "new_end_date": datetime.date(2022, 6, 30),
            },
        )
    if kind == "notification":
        context.update(
            number="NOTIF-2021-0001",
            letter={
                "date": datetime.date(2021, 4, 6),
                "contact_name": "Prénom Nom",
                "contact_email": "instructeur@collectivite.example",
            },
        )
    return context


def _agreement_sample() -> dict:
    party = {
        "name": "Association exemple",
        "name_with_article": "l'Association exemple",
        "siret": "12345678900011",
        "address": "1 rue Exemple",
        "address_lines": ["1 rue Exemple"],
        "postal_code": "59000",
        "city": "Lille",
    }
    axis = {"position": 1, "title": "Axe", "description": "Description."}
    instalment = {
        "position": 1,
        "label": "Versement unique",
        "amount": Decimal("35000"),
        "condition": "À la signature",
        "due_date": None,
    }
    return {
        "number": "CONV-2021-0001",
        "year": 2021,
        "title": "Titre",
        "object": "Objet",
        "authority": {
            **party,
            "legal_name": "Métropole",
            "president_name": "Prénom Nom",
            "president_title": "Président",
            "seat_city": "Lille",
            "administrative_court": "Tribunal administratif de Lille",
            "kind": "epci",
            "executive": "le Président",
            "executive_title": "Président",
            "executive_gender": "m",
            "name_gender": "f",
            "name_number": "s",
            "designated": "dénommée",
            "represented": "représentée",
            "represented_by": "son Président, Prénom Nom",
            "empowered": "habilité",
        },
        "beneficiary": {
            **party,
            "legal_name": "Association exemple",
            "short_name": "AE",
            "legal_form": "Association loi 1901",
            "rna": "W591234567",
            "representative_name": "Prénom Nom",
            "representative_title": "Présidente",
            "iban": "FR76 3000 6000 0112 3456 7890 189",
            "bic": "AGRIFRPP",
            "republican_commitment_date": datetime.date(2022, 1, 10),
        },
        "deliberation": {
            "number": "21 B 0110",
            "body": "Bureau",
            "body_name": "le Bureau",
            "session_date": datetime.date(2021, 4, 2),
            "executory_date": datetime.date(2021, 4, 2),
            "title": "Titre de la délibération",
        },
        "signatories": {
            "authority": {"name": "Prénom Nom", "title": "Président"},
            "beneficiary": {"name": "Prénom Nom", "title": "Présidente"},
        },
        "amount": Decimal("35000"),
        "projected_budget": Decimal("753091"),
        "budget_share": Decimal("4.6"),
        "section": "fonctionnement",
        "payment_terms": "Versement unique",
        "instalments": [instalment],
        "axes": [axis],
        "start_date": datetime.date(2021, 1, 1),
        "end_date": datetime.date(2021, 12, 31),
        "request_date": datetime.date(2021, 1, 15),
        "republican_commitment": True,
        "report_due_date": datetime.date(2022, 6, 30),
        "threshold": settings.AGREEMENT_THRESHOLD,
    }


def _expressions(node: Node) -> list[FilterExpression]:
    """The expressions a node evaluates itself (not those of its children)."""
    if isinstance(node, VariableNode):
        return [node.filter_expression]
    if isinstance(node, ForNode):
        return [node.sequence]
    if isinstance(node, WithNode):
        return list(node.extra_context.values())
    if isinstance(node, IfNode):
        found = []

        def walk(condition):
            if condition is None:
                return
            value = getattr(condition, "value", None)
            if isinstance(value, FilterExpression):
                found.append(value)
            walk(getattr(condition, "first", None))
            walk(getattr(condition, "second", None))

        for condition, _nodelist in node.conditions_nodelists:
            walk(condition)
        return found
    return []


def _variables(expression: FilterExpression) -> list[Variable]:
    variables = [expression.var] if isinstance(expression.var, Variable) else []
    for _function, arguments in expression.filters:
        variables += [arg for lookup, arg in arguments if lookup and isinstance(arg, Variable)]
    return variables


def _check_nodes(nodelist, scope: dict, part: str, errors: list[str]) -> None:
    for node in nodelist:
        line = node.token.lineno if getattr(node, "token", None) else 1
        for expression in _expressions(node):
            for variable in _variables(expression):
                try:
                    variable.resolve(Context(scope))
                except VariableDoesNotExist:
                    errors.append(UNKNOWN_VARIABLE.format(part=part, line=line, name=variable))
        if isinstance(node, ForNode):
            try:
                items = list(node.sequence.resolve(Context(scope), ignore_failures=True) or [])
            except TypeError:
                items = []
            item = items[0] if items else None
            inner = {**scope, "forloop": {"counter": 1, "first": True, "last": True}}
            if len(node.loopvars) == 1:
                inner[node.loopvars[0]] = item
            else:
                for position, name in enumerate(node.loopvars):
                    inner[name] = item[position] if item else None
            _check_nodes(node.nodelist_loop, inner, part, errors)
            _check_nodes(node.nodelist_empty, scope, part, errors)
            continue
        if isinstance(node, WithNode):
            inner = dict(scope)
            for name, value in node.extra_context.items():
                # An unknown variable was reported above; resolve it as the engine would.
                try:
                    inner[name] = value.resolve(BoundedContext(scope), ignore_failures=True)
                except Exception:  # a filter's own failure: reported when rendering
                    inner[name] = None
            _check_nodes(node.nodelist, inner, part, errors)
            continue
        if isinstance(node, IfNode):
            for _condition, branch in node.conditions_nodelists:
                _check_nodes(branch, scope, part, errors)
            continue
        for attribute in node.child_nodelists:
            _check_nodes(getattr(node, attribute, None) or [], scope, part, errors)


def source_errors(source: str, part: str, context: dict | None = None) -> list[str]:
    """What is wrong with one template source, in French; an empty list when nothing is."""
    context = sample_context() if context is None else context
    errors = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            tag = token.contents.split()[0] if token.contents.split() else ""
            if tag in FORBIDDEN_TAGS:
                errors.append(FORBIDDEN_TAG.format(part=part, line=token.lineno, tag=tag))
    if errors:
        return errors
    try:
        template = engine().from_string(source)
    except TemplateSyntaxError as error:
        token = getattr(error, "token", None)
        line = token.lineno if token is not None else 1
        return [SYNTAX_ERROR.format(part=part, line=line, error=error)]
    _check_nodes(template.nodelist, context, part, errors)
    if errors:
        return errors
    try:
        rendered = _render_bounded(template, context, part)
    except RenderLimitExceeded as error:
        return [str(error)]
    except Exception as error:  # a filter's own failure: the text cannot be used as is
        return [RENDER_ERROR.format(part=part, error=error)]
    if MISSING.split("%")[0] in rendered:
        name = rendered.split(MISSING.split("%")[0], 1)[1].split("\u2047", 1)[0]
        errors.append(UNKNOWN_VARIABLE.format(part=part, line=1, name=name))
    return errors


def check_template(
    *, title: str, visas: str, preamble: str, articles, kind: str = "convention"
) -> None:
    """Refuse, with every reason at once, a template version that would not render.

    `articles`: (position, heading, body) triples; `kind`: convention or avenant (an
    amendment template also knows `agreement` and `amendment`).
    """
    context = sample_context(kind)
    errors = source_errors(title, "Titre", context) + source_errors(visas, "Visas", context)
    errors += source_errors(preamble, "Préambule", context)
    for position, heading, body in articles:
        errors += source_errors(heading, f"Article {position} (intitulé)", context)
        errors += source_errors(body, f"Article {position}", context)
    if errors:
        raise ValidationError(errors, code="template")
