"""Logging filters (and the JSON logs' encoder) of the project's LOGGING configuration."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A refused request (403, 404, 400 …) is the client's error, not a bug: log its one
    line (« Forbidden (Permission denied): /dossiers/… ») without Django's traceback.
    Server errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


def json_default(value) -> str:
    """What a JSON log line writes for an extra field JSON cannot hold (Django's request
    logger adds the request object): its text, so that the line is always valid JSON."""
    if hasattr(value, "get_full_path") and hasattr(value, "method"):
        return f"{value.method} {value.get_full_path()}"
    return str(value)
