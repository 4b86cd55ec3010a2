"""Production settings with the preview URL map (``bench/run.py --preview-caching``)."""

from toursite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.preview_urls"
