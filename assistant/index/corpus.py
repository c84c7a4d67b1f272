"""Reading articles from disk: every file of an ingested folder is read or named with a reason.

Each file becomes a :class:`~assistant.index.formats.Document` by the reader for its
kind (:mod:`assistant.index.formats`): a ``.txt``/``.md`` file's text is its bytes
decoded as UTF-8, with no newline translation, so offsets are offsets into exactly the
text a reader gets from ``path.read_bytes().decode("utf-8")``; a web page's, PDF's or
Word file's is derived from its bytes, the same way every time.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import InputError, NoArticlesError
from assistant.index.companion import COMPANION_SUFFIX, read_companion
from assistant.index.formats import (
    Document,
    UnreadableError,
    kind_of,
    read_document,
    readable_types,
)
from assistant.index.formats.cache import DocumentCache
from assistant.index.formats.common import MAX_TITLE, decode_article, title_of

DEFAULT_MAX_BYTES = 10 * 2**20
__all__ = [
    "MAX_TITLE",
    "Article",
    "ReadResult",
    "decode_article",
    "read_articles",
    "read_source_text",
    "title_of",
]


@dataclass(frozen=True)
class Article:
    """One article as read from disk.

    Attributes:
        root: Absolute folder that ``source`` is relative to (the folder that was ingested).
        source: The file's path relative to ``root``, with forward slashes.
        document: The article's citable text and who published it when.
        sha256: Hash of the file's bytes; a changed hash means the article changed.

    """

    root: Path
    source: str
    document: Document
    sha256: str

    @property
    def path(self) -> Path:
        """Absolute path of the file."""
        return self.root / self.source

    @property
    def title(self) -> str:
        """The headline."""
        return self.document.title

    @property
    def text(self) -> str:
        """The citable text (the file's own text for ``.txt`` and ``.md``)."""
        return self.document.text


@dataclass
class ReadResult:
    """Articles read, files skipped (with reasons) and the folders that were listed.

    ``hidden`` counts the hidden files and folders (names starting with ".") that were
    not read, so that leaving them out is said, not silent.
    """

    articles: list[Article] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    listed_roots: list[Path] = field(default_factory=list)
    hidden: int = 0


def read_source_text(path: Path) -> str:
    """The citable text of a source file as it is now (for a text file: its UTF-8 text).

    Raises:
        UnreadableError: The file is not an article this can read.
    """
    return read_document(path, path.read_bytes()).text


def printable_path(path: Path | str) -> str:
    r"""``path`` as text that can be printed: bytes that are not UTF-8 shown as ``\xNN``.

    Python keeps such bytes of a file name as lone surrogates, which no UTF-8 terminal
    or JSON encoder accepts.
    """
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _walk(root: Path, skipped: list[tuple[Path, str]]) -> tuple[list[Path], int]:
    """Every file under ``root`` in path order, and how many hidden entries were left out.

    Every regular file is listed, whatever its type, so that one the assistant cannot
    read is named with a reason rather than passed over. Hidden files and folders
    (.git, .venv, .DS_Store) are not articles: they are counted, not listed. The
    companion a fetched page keeps beside it (:mod:`assistant.index.fetch`) is part of
    that page and not counted. Iterative, so a tree 1,000+ folders deep costs no
    recursion (``Path.rglob`` recurses once per level and fails with RecursionError);
    a folder that cannot be listed (no permission, a path too long for the OS) is
    skipped with a reason.
    """
    files: list[Path] = []
    hidden = 0
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError as exc:
            skipped.append((folder, f"cannot list this folder ({exc.strerror or exc})"))
            continue
        for entry in listed:
            if entry.name.startswith("."):
                hidden += not _is_companion(entry.name)
                continue
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_file():
                    files.append(path)  # a link to a file is judged when it is read
                elif (why := _not_listed(root, path, entry)) is not None:
                    skipped.append((path, why))
            except OSError as exc:
                skipped.append((path, f"cannot read it ({exc.strerror or exc})"))
    return sorted(files), hidden


_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def _not_listed(root: Path, path: Path, entry: os.DirEntry[str]) -> str | None:
    """Why an entry that is neither a folder nor a file is not read (None: said elsewhere).

    A link to a folder is not followed (as ``rglob`` did not follow one): one outside
    ``root`` would read files the user did not ask for, and one inside it names files
    that are read under their own path anyway, so only the first is a skip to report.
    A broken link and a pipe, socket or device are named too: no file is left out
    without a word.
    """
    if entry.is_symlink():
        if not path.exists():
            return "a link to nothing (its target does not exist)"
        if path.is_dir():
            if is_within(root, path.relative_to(root)):
                return None
            return f"links to a folder outside {root} (not followed)"
    mode = entry.stat().st_mode  # follows a link: a link to a pipe is named as a pipe
    what = next((name for test, name in _SPECIAL if test(mode)), "an entry of an unknown kind")
    return f"not a regular file ({what})"


def _is_companion(name: str) -> bool:
    return name.endswith(COMPANION_SUFFIX)


def _candidates(
    paths: Iterable[Path], missing: list[Path], skipped: list[tuple[Path, str]]
) -> tuple[list[tuple[Path, Path]], list[Path], int]:
    """Expand the given paths into (root, file) pairs, the folders listed, hidden entries.

    Paths that do not exist are appended to ``missing``, folders that cannot be listed
    to ``skipped``.
    """
    pairs: list[tuple[Path, Path]] = []
    roots: list[Path] = []
    hidden = 0
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            missing.append(Path(raw))
            continue
        path = path.resolve()
        if path.is_dir():
            roots.append(path)
            files, hid = _walk(path, skipped)
            pairs.extend((path, file) for file in files)
            hidden += hid
        else:
            pairs.append((path.parent, path))
    return pairs, roots, hidden


def _name_problem(root: Path, file: Path) -> str | None:
    """Why a file's name cannot be stored and cited, if it cannot."""
    try:
        file.relative_to(root).as_posix().encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not valid UTF-8 (rename it to ingest it)"
    return None


def is_within(root: Path, relative: str | Path) -> bool:
    """Whether ``root / relative`` really is inside ``root``, links and ``..`` resolved."""
    try:
        (root / relative).resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def read_articles(
    paths: Iterable[Path],
    *,
    on_skip: Callable[[Path, str], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    cache: DocumentCache | None = None,
    on_read: Callable[[int, int], None] | None = None,
) -> ReadResult:
    """Read every article under ``paths``: text, Markdown, web pages, PDFs, Word files.

    Folders are searched recursively. Every file found is read or skipped with a reason
    (reported through ``on_skip`` and in the result): a path that does not exist; a
    file of a type not read here; an unreadable, binary, non-UTF-8, empty or oversized
    file; an encrypted PDF or one with no text layer; a page with no article text; a
    link to a file outside its folder.

    Args:
        paths: Files or folders.
        on_skip: Called with (path, reason) for each skipped file, e.g. to print a warning.
        max_bytes: Files larger than this are skipped without being read, so memory
            stays bounded whatever is in the folder.
        cache: Where derived texts (web pages, PDFs, Word files) are kept by hash, so
            that answers check citations against the text that was ingested.
        on_read: Called after each file found, read or skipped, with (files done, files
            found): reading a pile of PDFs and web pages can take minutes.

    Returns:
        The articles, the skipped files and the folders that were listed.

    Raises:
        InputError: No path exists.
        NoArticlesError: No readable article was found.

    """
    paths = list(paths)
    missing: list[Path] = []
    unlisted: list[tuple[Path, str]] = []
    pairs, roots, hidden = _candidates(paths, missing, unlisted)
    if missing and len(missing) == len(paths):
        where = ", ".join(printable_path(p) for p in missing)
        raise InputError(f"path does not exist: {where}")
    result = ReadResult(listed_roots=roots, hidden=hidden)
    for path, why in [*((p, "does not exist") for p in missing), *unlisted]:
        shown = Path(printable_path(path))
        result.skipped.append((shown, why))
        if on_skip is not None:
            on_skip(shown, why)
    seen: set[Path] = set()
    found = len({file for _, file in pairs})
    for root, file in pairs:
        if file in seen:
            continue
        seen.add(file)
        article, reason = _read_one(root, file, max_bytes, cache)
        if on_read is not None:
            on_read(len(seen), found)
        if article is None:
            # A name that is not UTF-8 is shown with its odd bytes escaped: printing it
            # raw would fail on a UTF-8 terminal.
            shown = Path(printable_path(file))
            result.skipped.append((shown, reason))
            if on_skip is not None:
                on_skip(shown, reason)
            continue
        result.articles.append(article)
    if not result.articles:
        where = ", ".join(printable_path(p) for p in paths) or "."
        raise NoArticlesError(
            f"no readable articles found in {where} (reads {readable_types()} files)"
        )
    return result


def _read_one(
    root: Path, file: Path, max_bytes: int, cache: DocumentCache | None
) -> tuple[Article | None, str]:
    """The article in ``file``, or None and why it cannot be read."""
    kind = kind_of(file)
    if kind is None:
        what = f"a {file.suffix} file" if file.suffix else "a file with no suffix"
        return None, f"not a type read here: {what} (reads {readable_types()})"
    if (problem := _name_problem(root, file)) is not None:
        return None, problem
    if not is_within(root, file.relative_to(root)):
        return None, f"links to a file outside {root}"
    try:
        size = file.stat().st_size
        if size > max_bytes:
            return None, (
                f"{size / 2**20:.1f} MB is over the {max_bytes / 2**20:g} MB limit "
                "(FACTCHECK_MAX_FILE_MB)"
            )
        data = file.read_bytes()
    except OSError as exc:
        return None, f"cannot read it ({exc.strerror or exc})"
    if not data.strip():
        return None, "empty file"
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        if cache is None:
            document = read_document(file, data, url=companion_url(file))
        else:
            document = cache.document(file, data, sha256, url=companion_url(file))
    except UnreadableError as exc:
        return None, str(exc)
    return Article(root, file.relative_to(root).as_posix(), document, sha256), ""


def companion_url(file: Path) -> str:
    """The URL a fetched file came from (its companion record), or ""."""
    record = read_companion(file)
    url = (record or {}).get("final_url") or (record or {}).get("url") or ""
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else ""
