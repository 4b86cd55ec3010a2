"""Logging filters named in ``LOGGING`` (settings)."""

import logging


class OneLine(logging.Filter):
    """Drops the traceback of a record, keeping its message: for errors that are the
    client's (a bad ``Host``), where the traceback says nothing new."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
