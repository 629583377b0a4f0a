"""The API's exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]).

Apart from core.security because DRF's views import that module for its settings.
"""

from rest_framework import exceptions
from rest_framework.views import exception_handler

from .security import Throttled


def api_exception_handler(exc, context):
    """DRF's handler, with every throttle's 429 worded in French."""
    if isinstance(exc, exceptions.Throttled) and not isinstance(exc, Throttled):
        exc = Throttled(exc.wait)
    return exception_handler(exc, context)
