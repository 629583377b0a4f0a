"""The agreement templates' check at save time (issue 14, item 15): an unknown variable in
« with » is a French error, not a crash; a template that would render millions of
characters or loop for seconds is refused with its reason, fast."""

import time

import pytest
from django.core.exceptions import ValidationError

from conventions import templating
from core.formatting import amount


def test_with_on_an_unknown_variable_is_a_french_error_not_a_crash():
    errors = templating.source_errors("{% with x=inconnue %}{{ x }}{% endwith %}", "Article 3")
    assert errors == [templating.UNKNOWN_VARIABLE.format(part="Article 3", line=1, name="inconnue")]


def test_with_on_a_filter_of_an_unknown_variable_is_a_french_error():
    source = "{% with x=inconnue.champ|default:'a' %}{{ x }}{% endwith %}"
    errors = templating.source_errors(source, "Visas")
    assert errors and errors[0].startswith("Visas, ligne 1 : variable inconnue")


LOOPS = "{% for a in s %}{% for b in s %}{% for c in s %}x{% endfor %}{% endfor %}{% endfor %}"
HUGE = {
    "nested_loops_over_a_long_string": "{% with s='" + "a" * 300 + "' %}" + LOOPS + "{% endwith %}",
    "ljust": '{{ title|ljust:"999999999" }}',
    "stringformat": '{{ amount|stringformat:"0999999999d" }}',
    "add_doubling": "".join("{% with title=title|add:title %}" for _ in range(40))
    + "{{ title }}"
    + "{% endwith %}" * 40,
    "lorem": "{% lorem 99999999 w %}",
}


@pytest.mark.parametrize("kind", list(HUGE))
def test_a_template_rendering_too_much_or_too_long_is_refused_in_french_and_fast(kind):
    started = time.monotonic()
    errors = templating.source_errors(HUGE[kind], "Article 2")
    assert time.monotonic() - started < 5
    assert len(errors) == 1 and errors[0].startswith("Article 2")


def test_the_output_size_is_bounded():
    source = "{% for a in s %}{{ t }}{% endfor %}"
    context = {"s": "a" * 1000, "t": "x" * 1000}
    with pytest.raises(ValidationError) as refused:
        templating.render(source, context, "Préambule")
    assert refused.value.messages == [
        templating.TOO_LONG.format(part="Préambule", limit=amount(templating.MAX_OUTPUT_CHARS))
    ]


def test_a_normal_loop_still_renders():
    assert templating.render("{% for a in axes %}{{ a }};{% endfor %}", {"axes": [1, 2]}) == "1;2;"
