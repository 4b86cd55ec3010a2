"""The live desk's editor for ``make bench-live``: one Django process posting ticker
entries on command, through the service the desk uses, so that a post costs no
start-up.

``python bench/editor.py RACE YEAR STAGE`` (in the benchmark's environment) prints
``ready``, then reads commands on stdin, one a line:

``post TEXT``  posts TEXT on the stage's ticker; prints ``posted <time>``, the wall
               clock (``time.time()``) once the write has committed, or
               ``refused <why>`` (e.g. the stage is not live).
``quit``       (or end of input) exits.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toursite.settings")

import django  # noqa: E402

django.setup()

from stages import queries  # noqa: E402
from stages.services.live import LiveRefused, ticker_post  # noqa: E402


def answer(line: str) -> None:
    sys.stdout.write(line.replace("\n", " ") + "\n")
    sys.stdout.flush()


def post(stage, text: str) -> str:
    try:
        # ticker_post writes in one transaction, committed when it returns.
        ticker_post(stage=stage, text=text, kind="other", km_to_go=None, bibs=())
    except LiveRefused as exc:
        return f"refused {' '.join(exc.messages)}"
    return f"posted {time.time():.6f}"


def main() -> int:
    race, year, number = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    stage = queries.stage_of(race, year, number, drafts=True)
    if stage is None:
        answer(f"error no stage {number} of {race} {year}")
        return 1
    answer("ready")
    for line in sys.stdin:
        command, _, text = line.rstrip("\n").partition(" ")
        if command == "quit":
            break
        if command == "post" and text.strip():
            answer(post(stage, text))
        else:
            answer(f"error unknown command {line.strip()!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
