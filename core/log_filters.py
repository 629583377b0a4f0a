"""Logging filters of the project's LOGGING configuration."""

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
