"""Every write of the site, one function each (``<entity>_<action>``): validate,
write in one transaction under the edition lock, store the standings once, bump
the data version. The admin and the management commands call these; nothing else
writes.

- ``recompute``: the edition lock, the stored standings, the data version;
- ``packages``: a whole race package;
- ``results``: a stage's results and crossings (file, paste);
- ``paste`` and ``leaders``: what a paste would change, computed in memory.
"""
