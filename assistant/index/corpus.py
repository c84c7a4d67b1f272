"""Reading articles from disk.

Files are decoded as UTF-8 from their bytes, with no newline translation, so that
character offsets computed here are offsets into exactly the text a reader gets from
``path.read_bytes().decode("utf-8")``.
"""

from __future__ import annotations

import hashlib
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


def title_of(text: str) -> str:
    """Return the first non-empty line of ``text``, without Markdown heading marks."""
    for line in text.splitlines():
        stripped = line.replace("\ufeff", "").strip().lstrip("#").strip()
        if stripped:
            return stripped
    return ""


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


def _candidates(
    paths: Iterable[Path], missing: list[Path]
) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """Expand the given paths into (root, file) pairs, and the folders that were listed.

    Paths that do not exist are appended to ``missing``.
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
            for file in sorted(path.rglob("*")):
                rel_parts = file.relative_to(path).parts
                # Hidden folders (.git, .venv, ...) are never articles.
                if any(part.startswith(".") for part in rel_parts):
                    continue
                if file.is_file() and file.suffix.lower() in ARTICLE_SUFFIXES:
                    pairs.append((path, file))
        else:
            pairs.append((path.parent, path))
    return pairs, roots


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
    pairs, roots = _candidates(paths, missing)
    if missing and len(missing) == len(paths):
        raise InputError(f"path does not exist: {', '.join(str(p) for p in missing)}")
    result = ReadResult(listed_roots=roots)
    for path in missing:
        result.skipped.append((path, "does not exist"))
        if on_skip is not None:
            on_skip(path, "does not exist")
    seen: set[Path] = set()
    for root, file in pairs:
        if file in seen:
            continue
        seen.add(file)
        reason: str | None = None
        text = ""
        if file.suffix.lower() not in ARTICLE_SUFFIXES:
            reason = "not a .txt or .md file"
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
            result.skipped.append((file, reason))
            if on_skip is not None:
                on_skip(file, reason)
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
        where = ", ".join(str(p) for p in paths) or "."
        raise NoArticlesError(f"no readable .txt or .md articles found in {where}")
    return result
