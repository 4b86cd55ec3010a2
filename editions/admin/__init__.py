"""The admin of races, editions and start lists (``edition``, ``startlist``) and of
setting an edition up (``upload``, ``build``)."""

from editions.admin import edition, startlist

__all__ = ["edition", "startlist"]
