"""What every app's staff pages share: a service's refusal shown on the form, pagination,
the filtered lists and their exports."""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.safestring import mark_safe

from . import dataversion, exports, formatting
from .confirm import asks_confirmation

PAGE_SIZE = 25
EXPORT_BAD_FILTERS = (
    "Export non réalisé : corrigez d'abord les filtres signalés ci-dessous (l'export "
    "reprend les lignes filtrées)."
)


def apply_service_error(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has it; a warning
    to confirm (core.confirm) shows the form's checkbox and reason field."""
    if asks_confirmation(error) and hasattr(form, "ask_confirmation"):
        form.ask_confirmation()
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def run_form(request, form, run):
    """On POST, validate `form` and run the service `run(cleaned_data)`; its refusal is
    shown on the form (nothing saved). Returns what the service returned, or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return run(form.cleaned_data)
    except ValidationError as error:
        apply_service_error(form, error)
        return None


class EdgePaginator(Paginator):
    """Pages of an ordered queryset, the pages of its second half read from the end (the
    order reversed, a small OFFSET, the rows put back in order): the last page costs what
    the first costs, whatever the table's size, and page links stay plain numbers.

    The order must be total: `paginate` adds the primary key when the order lacks it, so
    that the reversed order is exactly the mirror of the order.

    The count and the page's primary keys are cached under the version of the data they
    were read at (core.dataversion): the count is read once for every page of the same
    filters, and a page asked again before anything changed is not sorted again; its
    rows are read again by key (`rows_by_key`), always fresh.

    `object_list` may also be a function making the queryset (with `key`, which then
    identifies it): it is called only when the count or the page's keys must be read,
    not when both are cached (a list's filters are then neither validated nor built)."""

    def __init__(
        self,
        object_list,
        per_page,
        *,
        rows_by_key: QuerySet | Callable[[], QuerySet] | None = None,
        key: str | None = None,
        using: str = DEFAULT_DB_ALIAS,
        **kwargs,
    ):
        self._source = None
        if callable(object_list) and not isinstance(object_list, QuerySet):
            if key is None:
                raise ValueError("A queryset made on demand needs the key that identifies it.")
            self._source, object_list = object_list, None
        super().__init__(object_list, per_page, **kwargs)
        self.using = using
        # The same rows unfiltered (annotations, related rows and prefetches alike): the
        # page's primary keys are cached, its rows are read again by key from this.
        self.rows_by_key = rows_by_key
        if key is not None:
            # What determines the query as surely as its SQL (`request_key`), cheaper.
            self.__dict__["key"] = key

    @property
    def object_list(self):
        if self._source is not None:
            self._object_list = total_order(self._source())
            self._source = None
        return self._object_list

    @object_list.setter
    def object_list(self, value):
        self._object_list = value

    @property
    def of_queryset(self) -> bool:
        """Whether the rows are a queryset's (made on demand or given)."""
        return self._source is not None or isinstance(self._object_list, QuerySet)

    def _check_object_list_is_ordered(self):
        if self._source is None:  # a queryset made on demand is ordered by total_order
            super()._check_object_list_is_ordered()

    @cached_property
    def version(self) -> str | None:
        """Read once: the count and the page's keys are stored under it."""
        if not self.of_queryset:
            return None
        return dataversion.current_version(
            self.using if self._source is not None else self.object_list.db
        )

    @cached_property
    def count(self):
        if not self.of_queryset:
            return super().count
        return self._remember("count", lambda: self.object_list.count())

    @cached_property
    def key(self) -> str:
        """The rows' identity: their query (compiled once for the count and the page)."""
        return dataversion.queryset_key(self.object_list)

    def page(self, number):
        number = self.validate_number(number)
        if not self.of_queryset:
            return super().page(number)
        if self.rows_by_key is None or self.version is None:
            return self._get_page(self._rows(number), number, self)
        keys = self._remember(
            f"page|{number}|{self.per_page}",
            lambda: list(self._ordered(number).values_list("pk", flat=True)),
        )
        return self._get_page(RowsByKey(self.rows_by_key, keys), number, self)

    def _remember(self, what: str, compute):
        if self.version is None:
            return compute()
        return dataversion.remember(self.version, f"{self.key}|{what}", compute)

    def _rows(self, number) -> list:
        rows = list(self._ordered(number))
        return rows[::-1] if self._from_the_end(number) else rows

    def _from_the_end(self, number) -> bool:
        return (number - 1) * self.per_page > self.count // 2

    def _ordered(self, number) -> QuerySet:
        """The page's rows, in reverse order when read from the end."""
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if not self._from_the_end(number):
            return self.object_list[bottom:top]
        return self.object_list.reverse()[self.count - top : self.count - bottom]


class RowsByKey(Sequence):
    """A page's rows read by primary key, in the page's order, when first used: a page
    whose rows' HTML is cached (`{% cached_rows %}`, core.templatetags.lists) reads none.
    `queryset` may be a function making it (called then)."""

    def __init__(self, queryset: QuerySet | Callable[[], QuerySet], keys: list):
        self.queryset, self.keys = queryset, keys

    @cached_property
    def rows(self) -> list:
        queryset = self.queryset if isinstance(self.queryset, QuerySet) else self.queryset()
        found = queryset.in_bulk(self.keys) if self.keys else {}
        return [found[key] for key in self.keys if key in found]

    def __getitem__(self, index):
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)


def total_order(queryset: QuerySet) -> QuerySet:
    """`queryset` with the primary key last in its order, when the order lacks it."""
    ordering = list(queryset.query.order_by) or (
        list(queryset.model._meta.ordering) if queryset.query.default_ordering else []
    )
    names = {str(field).lstrip("-") for field in ordering}
    if names & {"pk", "id", queryset.model._meta.pk.name}:
        return queryset
    return queryset.order_by(*ordering, "pk")


def request_key(request) -> str:
    """A list's query as its request determines it: the view, the query string, the day
    (filters such as « en retard » read it) and the release's code. The rest the query
    depends on (the choices a filter validates against) is in the data version."""
    params = sorted((name, values) for name, values in request.GET.lists() if name != "page")
    text = repr((request.path, params, timezone.localdate(), dataversion.CODE_SALT))
    return hashlib.sha256(text.encode()).hexdigest()


def paginate(
    request,
    queryset,
    rows_by_key: QuerySet | Callable[[], QuerySet] | None = None,
    *,
    key: str | None = None,
):
    """The requested page; `queryset` (or a function making it), `rows_by_key`: the same
    rows unfiltered, `key`: what identifies the query (see EdgePaginator)."""
    if isinstance(queryset, QuerySet):
        queryset = total_order(queryset)
    paginator = EdgePaginator(queryset, PAGE_SIZE, rows_by_key=rows_by_key, key=key)
    return paginator.get_page(request.GET.get("page"))


FILTERS_TEMPLATE = "includes/list_filters_form.html"


def filters_html(request, values: dict) -> str:
    """The list's filter form and its count, rendered once for each query string under the
    data version (core.dataversion): its choices (years, policy areas, budget lines …)
    and the count are read from the database, everything else from the query string."""
    page = values["page"]

    def render_filters():
        return str(render_to_string(FILTERS_TEMPLATE, {**values, "request": request}))

    key = repr(
        (
            FILTERS_TEMPLATE,
            request.path,
            sorted(request.GET.lists()),
            values["export_url"],
            dataversion.CODE_SALT,
        )
    )
    return mark_safe(dataversion.remember(page.paginator.version, key, render_filters))  # noqa: S308


def filtered_list(request, *, filterset, template: str, context: dict):
    """The list's page; `filterset` may be lazy (SimpleLazyObject): it is built, with its
    base queryset, and validated only for what the cache does not hold (EdgePaginator,
    `filters_html`, `{% cached_rows %}`)."""
    page = paginate(
        request,
        lambda: filterset.qs,
        rows_by_key=lambda: filterset.queryset,
        key=request_key(request),
    )
    values = {
        "filter": filterset,
        "page": page,
        "rows": page.object_list,
        "filtered": any(
            value for name, value in request.GET.items() if name not in ("page", "tri")
        ),
        **context,
    }
    if isinstance(page.paginator, EdgePaginator) and "export_url" in values:
        values["filters_html"] = filters_html(request, values)
    return render(request, template, values)


@dataclass(frozen=True)
class Listing:
    """A staff list and its CSV / XLSX export: the same filters give the same rows.

    The app's views wrap `page` and `export` in their permission checks.
    """

    filterset: type
    rows: Callable[[], QuerySet]
    template: str
    export_url: str
    filename: str
    title: str
    columns: Sequence[exports.Column]
    # The rows as the page shows them, when it shows less of each than the export writes
    # (e.g. a deliberation's first subsidies only): same order and filters as `rows`.
    page_rows: Callable[[], QuerySet] | None = None

    def filtered(self, request, rows: Callable[[], QuerySet] | None = None):
        return self.filterset(request.GET, queryset=(rows or self.rows)())

    def page(self, request):
        return filtered_list(
            request,
            filterset=SimpleLazyObject(lambda: self.filtered(request, self.page_rows)),
            template=self.template,
            context={"export_url": self.export_url},
        )

    def __post_init__(self):
        LISTINGS[self.filename] = self

    def export(self, request, fmt: str):
        """The filtered rows as a download, streamed (core.exports). Filters that do not
        validate export nothing: the list comes back with their errors (400)."""
        filterset = self.filtered(request)
        if fmt in exports.FORMATS and filterset.is_bound and not filterset.is_valid():
            messages.error(request, EXPORT_BAD_FILTERS)
            response = self.page(request)
            response.status_code = 400
            return response
        return exports.export_response(fmt, self.filename, self.title, self.columns, filterset.qs)


# Every Listing by its file name: a background export (subventions.exports) finds the
# list it was asked from again. The apps' views modules define them (imported with the URLs).
LISTINGS: dict[str, Listing] = {}


# A job built in the background (templates/includes/job_progress.html, static/js/job-progress.js)

JOB_FAILED = "La préparation a échoué : l'erreur est indiquée sur la page."


def job_status(
    job, *, ready: bool, summary: str, bar_label: str, ready_message: str, detail: str = ""
) -> dict:
    """Where a background job stands, as its JSON status view sends it and its page shows
    it (`job`: status with its display, done, total, percent, is_finished, error;
    `summary`: « En cours : 4 lignes écrites sur 10 »)."""
    failed = job.is_finished and not ready
    return {
        "status": job.status,
        "summary": formatting.typography(f"{job.get_status_display()} : {summary}."),
        "percent": job.percent,
        "bar_label": bar_label,
        "finished": job.is_finished,
        "ready": ready,
        "failed": failed,
        "error": formatting.typography(job.error) if failed else "",
        "message": formatting.typography(ready_message if ready else JOB_FAILED if failed else ""),
        "detail": formatting.typography(detail) if ready else "",
    }
