"""Python's garbage collector tuned for barometre's own processes (`barometre`, `barometre-dbt`):
short-lived, and holding over a million objects from their imports (Dagster, dbt, Great
Expectations, pandas) and dbt's manifest before they do any work.

CPython collects the youngest objects every 700 allocations, and walks every object each time
the old ones have grown by a quarter: in a sample run about a sixth of the main process's time,
and, as the interpreter exits, a last walk of 2 to 3 s whose memory the system takes back
anyway. Collecting far more rarely and skipping the last walk cut a sample run by about a tenth
(README, Performance); the published marts are the same. Objects in no reference cycle are
freed as soon as unused, as before.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# gc.set_threshold's three thresholds: CPython's defaults are (700, 10, 10)
THRESHOLDS = (20_000, 20, 100)


@contextmanager
def short_lived_process() -> Iterator[None]:
    """The whole life of a command, with collections far apart and none as it exits."""
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        # every object still tracked is left out of the interpreter's last collections
        gc.freeze()
