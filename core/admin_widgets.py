"""Admin widgets of the project, and the mixin that puts them on every admin.

Django's autocomplete widgets re-render a submitted value by filtering the related
queryset with it as typed: « subsidy=abc » on a form with errors raises ValueError
(« Field 'id' expected a number ») and the clerk gets a 500 instead of the form's error.
Every admin of the project takes `AutocompleteFieldsMixin` (tests/subventions/test_admin.py
checks it).
"""

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError


class ParsableValuesMixin:
    """Re-render only the values the related model's key can parse and the database can
    hold (an integer key beyond 64 bits overflows SQLite); the form field has already
    refused the others with its own (French) error."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._parses(v)], attr)

    def _parses(self, value) -> bool:
        remote = self.field.remote_field
        opts = remote.model._meta
        # The field the foreign key points to: the primary key unless `to_field` says.
        target = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        try:
            target.run_validators(target.to_python(value))
        except ValidationError:
            return False
        return True


class AutocompleteSelect(ParsableValuesMixin, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(ParsableValuesMixin, widgets.AutocompleteSelectMultiple):
    pass


class AutocompleteFieldsMixin:
    """For every ModelAdmin and inline of the project: `autocomplete_fields` get the
    widgets above instead of Django's."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
