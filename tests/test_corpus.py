"""Reading articles from disk: what is read, what is skipped and why."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.errors import InputError, NoArticlesError
from assistant.index.corpus import decode_article, read_articles, read_source_text, title_of

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    _write(root / "a.txt", "Plain title\n\nBody of a.\n")
    _write(root / "nested" / "deeper" / "b.md", "\n\n# Markdown Title\n\nBody of b.\n")
    _write(root / "nested" / "c.TXT", "  Upper-case suffix  \nBody.\n")
    _write(root / "notes.pdf", "%PDF-1.4 not an article")
    _write(root / "data.json", '{"title": "not an article"}')
    _write(root / "README", "No suffix at all.")
    _write(root / ".git" / "x.txt", "Hidden folder article.")
    _write(root / "nested" / ".cache" / "y.md", "# Hidden too")
    _write(root / ".hidden.txt", "A hidden file.")
    _write(root / "latin1.txt", b"\xff\xfeCaf\xe9 au lait\n")
    _write(root / "binary.txt", b"Title\x00\x01\x02 binary")
    _write(root / "empty.md", b"")
    _write(root / "blank.txt", " \n\t\r\n  \n")
    return root


def test_reads_txt_and_md_recursively_and_skips_the_rest(folder: Path) -> None:
    skipped: list[tuple[Path, str]] = []
    result = read_articles([folder], on_skip=lambda p, r: skipped.append((p, r)))

    assert sorted(a.source for a in result.articles) == [
        "a.txt",
        "nested/c.TXT",
        "nested/deeper/b.md",
    ]
    by_source = {a.source: a for a in result.articles}
    assert by_source["a.txt"].title == "Plain title"
    assert by_source["nested/deeper/b.md"].title == "Markdown Title"
    assert by_source["nested/c.TXT"].title == "Upper-case suffix"
    assert result.listed_roots == [folder.resolve()]
    for a in result.articles:
        assert a.root == folder.resolve()
        assert a.path == folder.resolve() / a.source
        assert a.path.is_file()
        assert "\\" not in a.source

    reasons = {p.name: r for p, r in skipped}
    assert reasons.pop("notes.pdf").startswith("damaged, or not a PDF")
    assert reasons.pop("data.json").startswith("not a type read here: a .json file (reads .txt")
    assert reasons.pop("README").startswith("not a type read here: a file with no suffix")
    assert reasons == {
        "latin1.txt": "not UTF-8 text",
        "binary.txt": "looks like a binary file",
        "empty.md": "empty file",
        "blank.txt": "empty file",
    }
    # on_skip and the result agree.
    assert sorted(result.skipped) == sorted(skipped)
    assert all(p.is_absolute() for p, _ in skipped)


def test_hidden_files_and_folders_are_counted_not_read(folder: Path) -> None:
    skipped: list[Path] = []
    result = read_articles([folder], on_skip=lambda p, r: skipped.append(p))
    names = {p.name for p in skipped} | {Path(a.source).name for a in result.articles}
    for ignored in ("x.txt", "y.md", ".hidden.txt"):
        assert ignored not in names
    # .git, nested/.cache and .hidden.txt: left out, and said to be.
    assert result.hidden == 3


def test_a_fetched_pages_companion_is_not_counted_as_hidden(tmp_path: Path) -> None:
    from assistant.index.companion import companion_of

    page = _write(tmp_path / "in" / "page.txt", "Title\n\nBody.")
    _write(companion_of(page), '{"url": "https://example.org/page"}')
    result = read_articles([tmp_path / "in"])
    assert result.hidden == 0
    assert [a.document.url for a in result.articles] == ["https://example.org/page"]


def test_skipping_works_without_on_skip(folder: Path) -> None:
    result = read_articles([folder])
    assert len(result.articles) == 3
    assert len(result.skipped) == 7  # 4 unreadable, 3 of types not read


def test_a_single_file_is_relative_to_its_folder(tmp_path: Path) -> None:
    path = _write(tmp_path / "one" / "story.md", "## Deep heading\nText.")
    result = read_articles([path])
    (article,) = result.articles
    assert article.source == "story.md"
    assert article.root == path.parent.resolve()
    assert article.title == "Deep heading"
    assert result.listed_roots == []


def test_a_file_given_explicitly_with_another_extension_is_skipped_with_a_reason(
    tmp_path: Path,
) -> None:
    good = _write(tmp_path / "in" / "good.txt", "Good.")
    other = _write(tmp_path / "in" / "notes.pdf", "Not an article.")
    skipped: list[tuple[Path, str]] = []
    result = read_articles([good, other], on_skip=lambda p, r: skipped.append((p, r)))
    assert [a.source for a in result.articles] == ["good.txt"]
    assert skipped == [(other.resolve(), "damaged, or not a PDF (PdfStreamError)")]


def test_a_file_listed_twice_is_read_once(tmp_path: Path) -> None:
    root = tmp_path / "in"
    path = _write(root / "a.txt", "Title\n")
    result = read_articles([root, path, root])
    assert [a.source for a in result.articles] == ["a.txt"]


def test_missing_path_alone_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_articles([tmp_path / "nope"])


def test_a_missing_path_beside_good_ones_is_skipped_with_a_reason(tmp_path: Path) -> None:
    _write(tmp_path / "in" / "a.txt", "Title")
    skipped: list[tuple[Path, str]] = []
    result = read_articles(
        [tmp_path / "in", tmp_path / "missing.txt"], on_skip=lambda p, r: skipped.append((p, r))
    )
    assert [a.source for a in result.articles] == ["a.txt"]
    assert skipped == result.skipped == [(tmp_path / "missing.txt", "does not exist")]


def test_a_folder_without_articles_raises_no_articles_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NoArticlesError):
        read_articles([empty])
    _write(tmp_path / "junk" / "bad.txt", b"\xff\xfe\x80")
    _write(tmp_path / "junk" / "other.pdf2", "x")
    _write(tmp_path / "junk" / ".hidden" / "a.txt", "Hidden")
    skipped: list[str] = []
    with pytest.raises(NoArticlesError) as info:
        read_articles([tmp_path / "junk"], on_skip=lambda p, r: skipped.append(r))
    assert isinstance(info.value, InputError)
    # The message says which types are read.
    assert ".html" in str(info.value) and ".pdf" in str(info.value)
    assert skipped == [
        "not UTF-8 text",
        "not a type read here: a .pdf2 file (reads .txt, .md, .html, .htm, .pdf, .docx)",
    ]
    with pytest.raises(NoArticlesError):
        read_articles([])


def test_sha256_is_of_the_bytes_and_changes_with_the_content(tmp_path: Path) -> None:
    root = tmp_path / "in"
    path = _write(root / "a.txt", "Title\nFive were killed.\n")
    first = read_articles([root]).articles[0]
    assert first.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert read_articles([root]).articles[0].sha256 == first.sha256
    _write(path, "Title\nSix were killed.\n")
    second = read_articles([root]).articles[0]
    assert second.sha256 != first.sha256
    assert second.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_crlf_content_is_kept_byte_exact(tmp_path: Path) -> None:
    root = tmp_path / "in"
    raw = "Title\r\n\r\nFirst line.\r\nSecond “line”.\r\n".encode()
    path = _write(root / "crlf.txt", raw)
    article = read_articles([root]).articles[0]
    assert "\r\n" in article.text
    assert article.text.encode("utf-8") == raw
    assert article.text == path.read_bytes().decode("utf-8")
    assert read_source_text(path) == article.text
    assert article.title == "Title"


def test_seed_articles_read_exactly() -> None:
    result = read_articles([SEEDS])
    assert len(result.articles) == len(list(SEEDS.glob("*.txt")))
    for a in result.articles:
        assert a.text == (SEEDS / a.source).read_bytes().decode("utf-8")
        assert a.title == a.text.splitlines()[0].strip()
    assert result.skipped == []


# --- Helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Title\nBody", "Title"),
        ("\n\n   \n  Title  \nBody", "Title"),
        ("# Heading\nBody", "Heading"),
        ("### Heading ###\n", "Heading ###"),
        ("#\n# \nReal title", "Real title"),
        ("\r\nWindows title\r\nBody", "Windows title"),
        ("", ""),
        (" \n\t\n", ""),
    ],
)
def test_title_of(text: str, title: str) -> None:
    assert title_of(text) == title


def test_decode_article() -> None:
    assert decode_article("Café “quoted”\r\n".encode()) == "Café “quoted”\r\n"
    with pytest.raises(UnicodeDecodeError):
        decode_article(b"\xff\xfeCaf\xe9")
    with pytest.raises(ValueError, match="binary"):
        decode_article(b"abc\x00def")
    # UTF-16 text has NUL bytes: it is reported as binary, not silently mis-decoded.
    with pytest.raises(ValueError):
        decode_article("Title".encode("utf-16"))


def test_a_one_line_article_gets_a_short_title_cut_at_a_word():
    """Issue 12, row 13: every chunk stores its title, so it must not be the whole article."""
    from assistant.index.corpus import MAX_TITLE, title_of

    title = title_of("Ann Lee spoke in Dayton " * 20_000)
    assert len(title) <= MAX_TITLE + 1 and title.endswith("…")
    assert (
        title[:-1].split() == ("Ann Lee spoke in Dayton " * 20).split()[: len(title[:-1].split())]
    )


@pytest.mark.parametrize(
    "text", ["Flood in Dayton\rBody.\r", "Flood in Dayton\r\nBody.", "\n# Flood in Dayton\n"]
)
def test_the_title_is_the_first_line_whatever_the_line_breaks(text):
    from assistant.index.corpus import title_of

    assert title_of(text) == "Flood in Dayton"
