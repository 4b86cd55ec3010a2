"""Two editors at once, in the tests: a body run in its own thread (and its own
database connection), its exception kept for the test to report."""

import threading

from django.db import connection


def run_in_thread(target, errors: list) -> threading.Thread:
    def body():
        try:
            target()
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=body)
    thread.start()
    return thread
