from django.apps import AppConfig
from django.db.backends.signals import connection_created


class RidersConfig(AppConfig):
    name = "riders"

    def ready(self) -> None:
        # SQLite folds names for the site search with a Python function.
        from riders import search

        connection_created.connect(search.register_sqlite_function)
