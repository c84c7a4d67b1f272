"""Reading articles from disk.

Files are decoded as UTF-8 from their bytes, with no newline translation, so that
character offsets computed here are offsets into exactly the text a reader gets from
``path.read_bytes().decode("utf-8")``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import InputError, NoArticlesError

ARTICLE_SUFFIXES = (".txt", ".md")
DEFAULT_MAX_BYTES = 10 * 2**20


@dataclass(frozen=True)
class Article:
    """One article as read from disk.

    Attributes:
        root: Absolute folder that ``source`` is relative to (the folder that was ingested).
        source: The file's path relative to ``root``, with forward slashes.
        title: The first non-empty line (Markdown heading marks removed).
        text: The whole file decoded as UTF-8.
        sha256: Hash of the file's bytes; a changed hash means the article changed.

    """

    root: Path
    source: str
    title: str
    text: str
    sha256: str

    @property
    def path(self) -> Path:
        """Absolute path of the file."""
        return self.root / self.source


@dataclass
class ReadResult:
    """Articles read, files skipped (with reasons) and the folders that were listed."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    listed_roots: list[Path] = field(default_factory=list)


MAX_TITLE = 200  # characters of a title kept


def title_of(text: str) -> str:
    """Return the first non-empty line of ``text``, without Markdown heading marks.

    A first line longer than :data:`MAX_TITLE` (an article that is one long line) is
    cut at a word with "…": every chunk stores its title, so a whole-article title made
    ingest quadratic in the article's length.
    """
    start = 0
    for brk in _LINE_BREAK.finditer(text + "\n"):
        line = text[start : min(brk.start(), start + 4 * MAX_TITLE)]
        stripped = line.replace("\ufeff", "").strip().lstrip("#").strip()
        if stripped:
            if len(stripped) <= MAX_TITLE and brk.start() - start <= 4 * MAX_TITLE:
                return stripped
            cut = stripped[:MAX_TITLE].rsplit(" ", 1)[0] or stripped[:MAX_TITLE]
            return cut.rstrip() + "…"
        start = brk.end()
    return ""


# Whatever str.splitlines() breaks on: CR-only and CRLF files have titles too.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def decode_article(data: bytes) -> str:
    """Decode article bytes as UTF-8.

    Raises:
        UnicodeDecodeError: The bytes are not UTF-8 text.
        ValueError: The bytes look binary (contain NUL bytes).

    """
    if b"\x00" in data:
        raise ValueError("looks like a binary file")
    return data.decode("utf-8")


def read_source_text(path: Path) -> str:
    """Read a source file exactly as it was ingested (UTF-8, no newline translation)."""
    return decode_article(path.read_bytes())


def printable_path(path: Path | str) -> str:
    r"""``path`` as text that can be printed: bytes that are not UTF-8 shown as ``\xNN``.

    Python keeps such bytes of a file name as lone surrogates, which no UTF-8 terminal
    or JSON encoder accepts.
    """
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _walk(root: Path, skipped: list[tuple[Path, str]]) -> list[Path]:
    """Every article file under ``root``, hidden folders left out, in path order.

    Iterative, so a tree 1,000+ folders deep costs no recursion (``Path.rglob`` recurses
    once per level and fails with RecursionError); a folder that cannot be listed (no
    permission, a path too long for the OS) is skipped with a reason.
    """
    files: list[Path] = []
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
            # Hidden folders and files (.git, .venv, ...) are never articles.
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                # Links to folders are not followed, as rglob did not follow them.
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif path.suffix.lower() in ARTICLE_SUFFIXES and entry.is_file():
                    files.append(path)
            except OSError as exc:
                skipped.append((path, f"cannot read it ({exc.strerror or exc})"))
    return sorted(files)


def _candidates(
    paths: Iterable[Path], missing: list[Path], skipped: list[tuple[Path, str]]
) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """Expand the given paths into (root, file) pairs, and the folders that were listed.

    Paths that do not exist are appended to ``missing``, folders that cannot be listed
    to ``skipped``.
    """
    pairs: list[tuple[Path, Path]] = []
    roots: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            missing.append(Path(raw))
            continue
        path = path.resolve()
        if path.is_dir():
            roots.append(path)
            pairs.extend((path, file) for file in _walk(path, skipped))
        else:
            pairs.append((path.parent, path))
    return pairs, roots


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
) -> ReadResult:
    """Read every ``.txt``/``.md`` article under ``paths``.

    Folders are searched recursively. A path that does not exist, and an unreadable,
    binary, non-UTF-8, empty or oversized file, or a link to a file outside its folder,
    is skipped (reported through ``on_skip`` and in the result); the rest are read.

    Args:
        paths: Files or folders.
        on_skip: Called with (path, reason) for each skipped file, e.g. to print a warning.
        max_bytes: Files larger than this are skipped without being read, so memory
            stays bounded whatever is in the folder.

    Returns:
        The articles, the skipped files and the folders that were listed.

    Raises:
        InputError: No path exists.
        NoArticlesError: No readable article was found.

    """
    paths = list(paths)
    missing: list[Path] = []
    unlisted: list[tuple[Path, str]] = []
    pairs, roots = _candidates(paths, missing, unlisted)
    if missing and len(missing) == len(paths):
        where = ", ".join(printable_path(p) for p in missing)
        raise InputError(f"path does not exist: {where}")
    result = ReadResult(listed_roots=roots)
    for path, why in [*((p, "does not exist") for p in missing), *unlisted]:
        shown = Path(printable_path(path))
        result.skipped.append((shown, why))
        if on_skip is not None:
            on_skip(shown, why)
    seen: set[Path] = set()
    for root, file in pairs:
        if file in seen:
            continue
        seen.add(file)
        reason: str | None = None
        text = ""
        if file.suffix.lower() not in ARTICLE_SUFFIXES:
            reason = "not a .txt or .md file"
        elif (problem := _name_problem(root, file)) is not None:
            reason = problem
        elif not is_within(root, file.relative_to(root)):
            reason = f"links to a file outside {root}"
        else:
            try:
                size = file.stat().st_size
                if size > max_bytes:
                    reason = (
                        f"{size / 2**20:.1f} MB is over the {max_bytes / 2**20:g} MB limit "
                        "(FACTCHECK_MAX_FILE_MB)"
                    )
                else:
                    data = file.read_bytes()
                    text = decode_article(data)
            except UnicodeDecodeError:
                reason = "not UTF-8 text"
            except ValueError as exc:
                reason = str(exc)
            except OSError as exc:
                reason = f"cannot read it ({exc.strerror or exc})"
            else:
                if reason is None and not text.strip():
                    reason = "empty file"
        if reason is not None:
            # A name that is not UTF-8 is shown with its odd bytes escaped: printing it
            # raw would fail on a UTF-8 terminal.
            shown = Path(printable_path(file))
            result.skipped.append((shown, reason))
            if on_skip is not None:
                on_skip(shown, reason)
            continue
        result.articles.append(
            Article(
                root=root,
                source=file.relative_to(root).as_posix(),
                title=title_of(text),
                text=text,
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
    if not result.articles:
        where = ", ".join(printable_path(p) for p in paths) or "."
        raise NoArticlesError(f"no readable .txt or .md articles found in {where}")
    return result
