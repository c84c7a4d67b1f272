"""An ingest in its own process, for tests of crashes and concurrent writers.

    python -m tests.ingest_worker STORE CORPUS [--kill-after N] [--batch B]
        [--ready FILE --go FILE]

Uses the instant hash embeddings of the test suite. ``--kill-after N`` sends the process
SIGKILL (no clean-up of any kind runs) when the embedding model is called for the
(N+1)th batch, i.e. after N batches were embedded and written. ``--ready``/``--go``
hold the first embedding call (made with the store locked): the worker creates the
ready file, then waits until the go file exists.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from assistant.app import FactCheck
from assistant.index import ingest as ingest_module
from assistant.settings import Settings
from tests.conftest import HashEmbeddings


class _Dying(HashEmbeddings):
    def __init__(self, kill_after: int | None, ready: Path | None, go: Path | None) -> None:
        super().__init__()
        self.kill_after = kill_after
        self.ready, self.go = ready, go

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.kill_after is not None and self.calls >= self.kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        if self.calls == 0 and self.ready and self.go:
            self.ready.touch()
            deadline = time.monotonic() + 60
            while not self.go.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
        return super().embed_documents(texts)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--kill-after", type=int)
    parser.add_argument("--batch", type=int, default=ingest_module.EMBED_BATCH)
    parser.add_argument("--ready", type=Path)
    parser.add_argument("--go", type=Path)
    args = parser.parse_args()
    ingest_module.EMBED_BATCH = args.batch
    model = _Dying(args.kill_after, args.ready, args.go)
    fc = FactCheck(Settings(store=args.store), embeddings=model)
    report = fc.ingest([args.corpus], on_wait=lambda: print("waiting", file=sys.stderr))
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
