"""Query parameters with one name on every page."""

from django.http import HttpResponsePermanentRedirect

# Every staff page filters by year with `?year=` (the lists' filters, the dashboard, the
# API); the names used before are still accepted, redirected to the one name.
YEAR_PARAMETER = "year"
OLD_YEAR_PARAMETERS = ("exercice", "annee")


class YearParameterMiddleware:
    """`/?exercice=2021` → `/?year=2021` (301): old links and bookmarks keep working."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and any(name in request.GET for name in OLD_YEAR_PARAMETERS):
            query = request.GET.copy()
            for name in OLD_YEAR_PARAMETERS:
                values = query.pop(name, [])
                if values and YEAR_PARAMETER not in query:
                    query.setlist(YEAR_PARAMETER, values)
            return HttpResponsePermanentRedirect(f"{request.path}?{query.urlencode()}")
        return self.get_response(request)
