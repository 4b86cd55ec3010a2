"""Every write of the site, one function each (``<entity>_<action>``, keyword-only
arguments): validate, write in one transaction under the locks of the editions it
touches, recompute the standings once from the first changed stage, bump the data
version. The admin and the management commands call these; nothing else writes.

- ``writes``: the shape of a write (locks, recompute, data version);
- ``recompute``: the edition lock, the engine's input, the stored standings and
  exits, the data version;
- ``packages``: a whole race package (preview, upload, import), and ``identity``:
  which stored rider a start list's rider is (known, new, or for the editor);
- ``setup_paste``, ``setup_paste_startlist``, ``setup_paste_checkpoints``: an
  edition built by pasting its stages, teams, start list and checkpoints;
- ``results``: a stage's whole results and crossings (file, paste);
- ``corrections``: one result, checkpoint or crossing at a time;
- ``stage``: a stage with its checkpoints and results, its status;
- ``reports``: race reports (save, publish, schedule, delete);
- ``startlist``: races, editions, teams, riders, entries;
- ``users``: users as report authors, the Editors group;
- ``paste``, ``crossing_paste`` and ``leaders``: what a paste would change,
  computed in memory, and the editors' words for it.
"""
