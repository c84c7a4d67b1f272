"""The ``factcheck`` command: parses arguments, calls the library, renders the result.

No logic lives here. Errors from the library carry a message for the user: it is
printed as one line on stderr with exit code 1 (``FACTCHECK_DEBUG=1`` shows the
traceback instead). Heavy libraries are imported inside commands so ``--help`` is fast.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar, cast

import typer
import typer.core

# typer vendors its own click (typer._click) since 0.26; its exceptions and Context are
# those classes, not the click package's.
from typer import _click as click

from assistant.errors import FactCheckError, InputError
from assistant.escape import csv_cell, terminal_text
from assistant.wording import plural

if TYPE_CHECKING:
    from rich.console import Console

    from assistant.app import FactCheck
    from assistant.reasoning.answer_types import Answer
    from assistant.settings import Mode, Settings

T = TypeVar("T")

# typer 0.29 prints each argument's Python type in help ("QUESTION <str>", "PATH
# <list[Path]>"), which means nothing to a reader; the metavar and help already say it.
if hasattr(typer.core.TyperArgument, "display_type_rich"):
    typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]


def _tolerant_streams() -> None:
    """Let stdout and stderr write what their encoding cannot hold as '?', not crash.

    With PYTHONIOENCODING=ascii (or a terminal set to Latin-1) a curly quote in an
    article would otherwise end the command with UnicodeEncodeError half-way through.
    JSON is written with ASCII escapes on such a stream instead (see _print_json).
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or getattr(stream, "errors", None) != "strict":
            continue
        with contextlib.suppress(ValueError, OSError):  # closed or detached: nothing to do
            reconfigure(errors="replace")


def _unicode_stdout() -> bool:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return encoding.startswith(("utf", "gb18030"))


class _UsageLine(click.exceptions.UsageError):
    """A usage error shown as one line on stderr (exit code 2), like every other error."""

    def show(self, file: Any = None) -> None:
        """Print ``error: <message>`` instead of click's usage block."""
        _echo(f"error: {' '.join(self.format_message().split())}", err=True)


def _bad_value(exc: click.exceptions.BadParameter) -> str | None:
    """A rejected option value in the product's words: the option and what it allows.

    The toolkit's own wording comes from its validation library ("Input should be
    greater than or equal to 1", "Value error, 'foo' is not one of ...").
    """
    param = exc.param
    if param is None or not getattr(param, "opts", None):
        return None
    name = "/".join(param.opts)
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    given = errors()[0].get("input") if callable(errors) and errors() else None
    shown = f" (not {given!r})" if isinstance(given, str) else ""
    bare = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(bare, type) and issubclass(bare, StrEnum):
        return f"{name} must be one of {', '.join(m.value for m in bare)}{shown}"
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None or high is not None:
        if low is not None and high is not None:
            span = f"from {low} to {high}"
        else:
            span = f"at least {low}" if low is not None else f"at most {high}"
        return f"{name} must be a whole number {span}{shown}"
    return None


def _subcommand(ctx: click.core.Context | None) -> click.core.Context | None:
    """The context of the command being parsed when an error left only the group's."""
    name = ctx.meta.get(_COMMAND_KEY) if ctx is not None else None
    get = getattr(ctx.command, "get_command", None) if ctx is not None else None
    command = get(ctx, name) if name and get is not None else None
    if command is None:
        return ctx
    return click.core.Context(command, info_name=name, parent=ctx)


# Options of the whole line that may also follow the command ("factcheck ask -q ...", as gh
# and ripgrep take flags anywhere), and options of every command that may also come
# before it ("factcheck --store DIR ask ...").
_GLOBAL_FLAGS = frozenset({"-q", "--quiet", "-v", "--verbose"})
_COMMAND_FLAGS = frozenset({"--json"})
_COMMAND_VALUED = frozenset({"--store"})
_COMMAND_KEY = "factcheck.command"


def _options_anywhere(args: list[str], commands: set[str]) -> tuple[list[str], str | None]:
    """``args`` with the global flags before the command and the command's options after it.

    Nothing after ``--`` moves: `factcheck ask -- -q` asks "-q". Returns the new
    arguments and the command's name (None when there is none).
    """
    before: list[str] = []
    after_command: list[str] = []
    i = 0
    while i < len(args) and args[i] not in commands:
        arg = args[i]
        if arg == "--":
            return args, None
        if arg in _COMMAND_FLAGS or arg.startswith("--store="):
            after_command.append(arg)
        elif arg in _COMMAND_VALUED and i + 1 < len(args):
            after_command += [arg, args[i + 1]]
            i += 1
        else:
            before.append(arg)
        i += 1
    if i == len(args):
        return args, None
    command, rest = args[i], args[i + 1 :]
    flags: list[str] = []
    kept: list[str] = []
    for j, arg in enumerate(rest):
        if arg == "--":
            kept += rest[j:]
            break
        (flags if arg in _GLOBAL_FLAGS else kept).append(arg)
    return [*before, *flags, command, *after_command, *kept], command


def _usage_line(exc: click.exceptions.UsageError, ctx: click.core.Context | None) -> _UsageLine:
    """Click's usage error as one line, keeping its hint on where help is.

    The hint names the command's own help (`factcheck summary -h`), not the group's,
    also when the error came from parsing the command's options.
    """
    where = exc.ctx or _subcommand(ctx)
    worded = _bad_value(exc) if isinstance(exc, click.exceptions.BadParameter) else None
    message = worded or exc.format_message().rstrip(".")
    # `factcheck ask "-5 degrees?"`: click reads the question as options. A mistyped long
    # option ("--stor") gets click's suggestions, not this hint.
    if (
        isinstance(exc, click.exceptions.NoSuchOption)
        and not exc.option_name.startswith("--")
        and where is not None
    ):
        params = where.command.params
        if any(isinstance(p, typer.core.TyperArgument) for p in params):
            example = "-5 degrees?" if where.info_name != "ingest" else "-folder"
            message += (
                f" (text that starts with '-' goes after '--': "
                f'{where.command_path} -- "{example}")'
            )
    if where is not None:
        message += f"; see '{where.command_path} -h'"
    return _UsageLine(message, ctx=where)


class _Group(typer.core.TyperGroup):
    """The command group, with one-line usage errors and tolerant output streams."""

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        """Run the command line (see click.Command.main)."""
        _tolerant_streams()
        # Kept as given, for a warm process to run the same line (see _via_warm).
        _ARGV[:] = list(args) if args is not None else sys.argv[1:]
        return super().main(args, *rest, **kwargs)

    def parse_args(self, ctx: click.core.Context, args: list[str]) -> list[str]:
        """Parse the global options, wherever on the line they stand."""
        args, command = _options_anywhere(args, set(self.list_commands(ctx)))
        ctx.meta[_COMMAND_KEY] = command
        return super().parse_args(ctx, args)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.core.Context | None = None,
        **extra: Any,
    ) -> click.core.Context:
        """Parse the global options; a usage error is one line."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.UsageError as exc:
            if isinstance(exc, (_UsageLine, click.exceptions.NoArgsIsHelpError)):
                raise
            raise _usage_line(exc, None) from None

    def invoke(self, ctx: click.core.Context) -> Any:
        """Parse and run a command; a usage error is one line."""
        try:
            return super().invoke(ctx)
        except click.exceptions.UsageError as exc:
            if isinstance(exc, (_UsageLine, click.exceptions.NoArgsIsHelpError)):
                raise
            raise _usage_line(exc, ctx) from None


app = typer.Typer(
    cls=_Group,
    name="factcheck",
    help=(
        "Ask questions of a folder of news articles and get answers whose every quote "
        "is verified against the source file (file, line, character span).\n\n"
        'Start with: factcheck ask "Who said 5 were killed?" (ingests ./seeds on first use).'
    ),
    no_args_is_help=True,
    # typer's own completion: --install-completion / --show-completion for bash, zsh, fish.
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Exit codes (documented in the README): 0 done, 1 a user error (one line on stderr),
# 2 a usage error or an unexpected failure, 3 `check --fail-on` matched a verdict.
EXIT_VERDICT = 3
VERDICTS = ("supported", "refuted", "conflicting", "not_enough_info")


@dataclass
class _Output:
    """What the global options ask of every command's stderr chatter."""

    quiet: bool = False  # no progress, no informational lines (warnings and errors stay)
    verbose: bool = False  # where the store is, which mode ran, how long it took


_OUT = _Output()


def _version(value: bool) -> None:
    if value:
        from assistant import __version__

        typer.echo(f"factcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_version,
            is_eager=True,
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("-q", "--quiet", help="No progress or informational lines on stderr."),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "-v", "--verbose", help="Also say on stderr which store and mode ran, and how long."
        ),
    ] = False,
) -> None:
    """Global options; the commands follow."""
    if quiet and verbose:
        _fail("choose --quiet or --verbose, not both", 2)
    _OUT.quiet, _OUT.verbose = quiet, verbose


def _safe(text: object, *, one_line: bool = False) -> str:
    """Text from articles, file names or a model, with nothing a terminal would act on."""
    return terminal_text(str(text), one_line=one_line)


def _echo(message: str = "", err: bool = False) -> None:
    """typer.echo for lines that may hold file names or article text (made safe)."""
    typer.echo(_safe(message), err=err)


def _info(message: str) -> None:
    """An informational line on stderr, unless --quiet."""
    if not _OUT.quiet:
        _echo(message, err=True)


def _detail(message: str) -> None:
    """A line on stderr only with --verbose."""
    if _OUT.verbose:
        _echo(message, err=True)


class ModeChoice(StrEnum):
    """Answer modes offered on the command line."""

    auto = "auto"
    extractive = "extractive"
    llm = "llm"


ModeOpt = Annotated[
    ModeChoice | None,
    typer.Option(
        "--mode",
        metavar="MODE",
        help=(
            "auto (default: llm when OPENAI_API_KEY or OPENAI_BASE_URL is set, else "
            "extractive), extractive (rules, no model) or llm."
        ),
        show_default=False,
    ),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        metavar="DIR",
        help=(
            "Store folder (or FACTCHECK_STORE; default: ./vectorstore if present, else a "
            "per-user folder; `factcheck info` shows which)."
        ),
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help="Only articles published on or after DATE (2026-03-14); undated ones are left out.",
        show_default=False,
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until",
        metavar="DATE",
        help="Only articles published on or before DATE; undated ones are left out.",
        show_default=False,
    ),
]
OutletOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--outlet",
        metavar="NAME",
        help=(
            "Only articles whose outlet (or, for a file naming none, author) contains NAME, "
            "in any case; repeat for several."
        ),
        show_default=False,
    ),
]
ChromaOpt = Annotated[
    str | None,
    typer.Option(
        "--chroma-url",
        metavar="URL",
        help="Keep vectors in this Chroma server (http://host:port; or FACTCHECK_CHROMA_URL).",
        show_default=False,
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        metavar="NAME",
        help="Chat model for LLM mode (default: FACTCHECK_LLM_MODEL).",
        show_default=False,
    ),
]


def _mode(choice: ModeChoice | None) -> Mode | None:
    return cast("Mode", choice.value) if choice else None


def _filter(since: str | None, until: str | None, outlets: list[str] | None) -> Any:
    """The --since/--until/--outlet options as a source filter (None when none is given)."""
    if since is None and until is None and not outlets:
        return None
    from assistant.index.filters import SourceFilter

    return SourceFilter.parse(since, until, outlets or ())


def _require_text(value: str | None, what: str) -> None:
    """Refuse an argument that holds bytes which are not UTF-8.

    Python hands such bytes over as lone surrogates (U+DC80-U+DCFF); they could not be
    embedded, searched or printed, so they are named here instead of crashing later.

    Raises:
        InputError: ``value`` holds non-UTF-8 bytes.
    """
    if value is None:
        return
    bad = sorted({ch for ch in value if "\udc80" <= ch <= "\udcff"})
    if bad:
        shown = ", ".join(f"\\x{ord(ch) - 0xDC00:02x}" for ch in bad[:3])
        raise InputError(
            f"the {what} is not UTF-8 text (it holds the bytes {shown}): type it again "
            "in a UTF-8 terminal, or pass it with '-' on stdin"
        )


def _notices(result: Any) -> None:
    for notice in getattr(result, "notices", []):
        _info(f"notice: {notice}")


# -- plumbing -----------------------------------------------------------------------


def _debug() -> bool:
    # Read before settings exist, so a broken setting can still be debugged.
    return os.environ.get("FACTCHECK_DEBUG", "").strip().lower() in ("1", "true", "yes")


def _fail(message: str, code: int = 1) -> NoReturn:
    first_line = " ".join(str(message).split())
    typer.echo(f"error: {_safe(first_line, one_line=True)}", err=True)
    raise typer.Exit(code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn any failure into one line on stderr and a non-zero exit."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except FactCheckError as exc:
        # A server may echo the key in its error text: redact before anything is shown.
        from assistant.settings import redact, redacted_traceback

        if _debug():
            typer.echo(redacted_traceback(exc), err=True, nl=False)
            raise typer.Exit(1) from None
        _fail(redact(str(exc)))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:
        # The reader went away (`factcheck claims --csv | head`): not an error.
        _silence_stdout()
        raise typer.Exit(0) from None
    except Exception as exc:
        from assistant.settings import redact, redacted_traceback

        if _debug():
            typer.echo(redacted_traceback(exc), err=True, nl=False)
            raise typer.Exit(2) from None
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            errs = exc.errors()
            where = ".".join(str(p) for p in errs[0]["loc"]) if errs else "settings"
            msg = errs[0]["msg"] if errs else str(exc)
            _fail(f"invalid setting {where}: {msg} (see the README's Configuration section)")
        _fail(
            redact(
                f"unexpected {type(exc).__name__}: {exc} (set FACTCHECK_DEBUG=1 for the traceback)"
            ),
            2,
        )


def _settings(**overrides: Any) -> Settings:
    from assistant.settings import Settings

    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def _console(err: bool = False) -> Console:
    from rich.console import Console

    console = Console(stderr=err, highlight=False)
    # In a terminal rich wraps at word boundaries to the window's width (COLUMNS when
    # set). Into a pipe or file nothing is wrapped: each quote stays on one line, so it
    # can be grepped and pasted as it stands in the source.
    console.soft_wrap = not console.is_terminal
    # rich's own handler exits 1 when the reader goes away; that is not an error here.
    console.on_broken_pipe = _closed_pipe  # type: ignore[method-assign]
    return console


def _closed_pipe() -> None:
    _silence_stdout()
    raise typer.Exit(0)


def _print_indented(console: Console, text: Any, indent: int) -> None:
    """Print ``text`` with every line, including wrapped ones, indented."""
    from rich.text import Text

    if isinstance(text, str):
        text = Text(_safe(text))
    if console.soft_wrap:
        # Each line of a quote indented, so no line of an article can pass for a
        # citation line ("[2] file:line") of ours.
        for line in text.split("\n"):
            console.print(Text(" " * indent).append(line))
        return
    # Wrapped here, not by rich's Padding, which pads every line with trailing spaces.
    for line in text.wrap(console, max(20, console.width - indent)):
        line.rstrip()
        console.print(Text(" " * indent).append(line))


def _print_json(data: Any) -> None:
    # The exact text, as written; on a stream that cannot hold it (PYTHONIOENCODING=ascii)
    # as \uXXXX escapes, which decode to the same text.
    sys.stdout.write(json.dumps(data, ensure_ascii=not _unicode_stdout(), indent=2) + "\n")


def _warn_skip(path: Path, reason: str) -> None:
    typer.echo(
        f"warning: skipped {_safe(path, one_line=True)}: {_safe(reason, one_line=True)}",
        err=True,
    )


def _warn_fetch(url: str, reason: str) -> None:
    typer.echo(
        f"warning: could not fetch {_safe(url, one_line=True)}: {_safe(reason, one_line=True)}",
        err=True,
    )


def _run_ingest(
    fc: FactCheck,
    paths: list[Path] | None,
    rebuild: bool,
    quiet: bool,
    urls: list[str] | None = None,
    fetch_dir: Path | None = None,
) -> Any:
    """Ingest with a progress bar on stderr (hidden when stderr is not a terminal).

    One bar shows files read, then one chunks embedded, each with its rate and elapsed
    time; their last state stays on screen.
    URLs are fetched first, each saved file named on stderr.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            unit = task.fields.get("unit", "chunks")
            return Text(f"{speed:,.1f} {unit}/s" if speed else "", style="dim")

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=_console(err=True),
        disable=quiet or _OUT.quiet or not sys.stderr.isatty(),
    ) as progress:
        # Reading (web pages, PDFs) can take minutes before the first chunk is embedded:
        # the first bar moves file by file from the start.
        reading = progress.add_task("Reading files", total=None, unit="files")
        task = progress.add_task("Embedding chunks", total=None, visible=False)

        def embedding(n: int) -> None:
            progress.update(task, total=n, visible=True)

        return fc.ingest(
            paths,
            rebuild=rebuild,
            on_skip=_warn_skip,
            on_read=lambda done, found: progress.update(reading, completed=done, total=found),
            on_total=embedding,
            on_progress=lambda n: progress.advance(task, n),
            on_wait=lambda: _echo(
                "Another ingest is writing to this store: waiting for it to finish...", err=True
            ),
            urls=urls or (),
            fetch_dir=fetch_dir,
            on_fetched=None
            if quiet
            else lambda f: _info(
                f"Fetched {_safe(f.url, one_line=True)} -> {_safe(f.path, one_line=True)}"
            ),
            on_fetch_error=_warn_fetch,
        )


def _ensure_store(fc: FactCheck, quiet: bool) -> None:
    """On first use, ingest the default corpus so `ask` works out of the box."""
    if fc.needs_first_ingest():
        if not (quiet or _OUT.quiet):
            _echo(
                f"No store at {fc.settings.store} yet: ingesting {fc.settings.corpus}/ first.",
                err=True,
            )
        report = _run_ingest(fc, None, rebuild=False, quiet=quiet)
        if not (quiet or _OUT.quiet):
            _echo(report.summary(), err=True)
    _detail(f"store: {fc.settings.chroma_url or fc.settings.store} ({fc.settings.store_origin})")


# -- the warm process (factcheck warm) ---------------------------------------------------

_ARGV: list[str] = []  # the command line as given, sent to a warm process as it stands
# Set only inside a warm process (assistant.warm_server): the store it serves, and the
# FactChecks it keeps loaded, one per combination of settings and filter.
_WARM_STORE: Path | None = None
_WARM_LOADED: dict[str, FactCheck] = {}


class WarmDecline(BaseException):
    """A warm process cannot run this command (another store); the sender runs it itself.

    A BaseException, so the one-line error handling lets it through untouched.
    """


def warm_serving(store: Path) -> None:
    """Mark this process as the warm process of ``store`` (see :mod:`assistant.warm_server`)."""
    global _WARM_STORE
    _WARM_STORE = store


def warm_forget() -> None:
    """Drop the loaded FactChecks: the store changed, so they are reopened on next use."""
    _WARM_LOADED.clear()


def _factcheck(settings: Settings, source_filter: Any = None) -> FactCheck:
    """The FactCheck for a command: new, or in a warm process the one already loaded.

    Raises:
        WarmDecline: in a warm process, the settings name a store it does not serve.
    """
    from assistant.app import FactCheck

    if _WARM_STORE is None:
        return FactCheck(settings, source_filter=source_filter)
    store = Path(settings.store).expanduser().resolve()
    if settings.chroma_url or store != _WARM_STORE or not (store / "chroma.sqlite3").exists():
        raise WarmDecline("another store")
    from assistant.warm import secret_hash

    secrets = [s.get_secret_value() for s in (settings.openai_api_key, settings.chroma_token) if s]
    # model_dump_json masks secrets, so their hashes tell two keys apart.
    key = "\0".join(
        [settings.model_dump_json(), repr(source_filter), *(secret_hash(s) for s in secrets)]
    )
    if key not in _WARM_LOADED:
        if len(_WARM_LOADED) >= 8:  # bounded: a few option combinations stay loaded
            _WARM_LOADED.pop(next(iter(_WARM_LOADED)))
        _WARM_LOADED[key] = FactCheck(settings, source_filter=source_filter)
    return _WARM_LOADED[key]


def _via_warm(store: Path | None, chroma_url: str | None) -> None:
    """Answer through the store's warm process when one runs (then exit), else return.

    The warm process runs this same command line and hands back its output byte for
    byte and its exit code; when there is none, or it declines, nothing was printed
    and the command goes on in this process.
    """
    if _WARM_STORE is not None:
        return  # this is the warm process
    from assistant.warm import run_remote

    root = click.globals.get_current_context().find_root()
    command = root.meta.get(_COMMAND_KEY) or ""
    result = run_remote(command, list(_ARGV), root.info_name or "factcheck", store, chroma_url)
    if result is None:
        return
    code, out, err = result
    sys.stderr.flush()
    sys.stderr.buffer.write(err)
    sys.stderr.flush()
    sys.stdout.flush()
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    raise typer.Exit(code)


def _guard(fn: Callable[[], T]) -> T:
    with _user_errors():
        return fn()
    raise AssertionError("unreachable")  # pragma: no cover


# -- rendering ------------------------------------------------------------------------


def _highlight(quote: str, match_terms: frozenset[str]) -> Any:
    from rich.text import Text

    from assistant.index.terms import tokens

    quote = _safe(quote)  # before tokenising, so the highlighted spans fit what is shown
    text = Text(quote)
    for tok in tokens(quote):
        if tok.term in match_terms:
            text.stylize("bold yellow", tok.start, tok.end)
    return text


def _citation_head(c: Any) -> Any:
    """Render "[n] Outlet, date  file:line (p. N)", the way every command shows a quote's place.

    Who published the article and when come first where its file says (a reader asks
    "who said so?" before "which file?"); the file and line stay, so the quote can be
    found. A file that names no outlet shows "[n] file:line" as before.
    """
    from rich.text import Text

    head = Text(f"[{c.id}] ", style="bold cyan")
    who = ", ".join(p for p in (getattr(c, "publisher", ""), getattr(c, "published", "")) if p)
    if who:
        head.append(_safe(who, one_line=True), style="bold cyan")
        head.append("  ")
    head.append(
        f"{_safe(c.source, one_line=True)}:{c.line}", style="cyan" if not who else "dim cyan"
    )
    if getattr(c, "page", None):
        head.append(f" (p. {c.page})", style="dim cyan")
    return head


def _render_asked(answer: Answer) -> None:
    """An answer under its question, for many questions in one run."""
    from rich.text import Text

    _console().print(Text(f"Q: {_safe(answer.question, one_line=True)}", style="bold underline"))
    _render_answer(answer)


def _render_answer(answer: Answer) -> None:
    from rich.text import Text

    console = _console()
    style = "italic" if answer.abstained else "bold"
    console.print(Text(_safe(answer.answer), style=style))
    if answer.citations:
        console.print()
    for c in answer.citations:
        head = _citation_head(c)
        head.append(f"  chars {c.start}-{c.end}  {_safe(c.title, one_line=True)}", style="dim")
        console.print(head)
        _print_indented(console, _highlight(c.quote, answer.match_terms), 4)
    for r in answer.rejected_citations:
        console.print(Text(f"(rejected quote: {_safe(r.reason, one_line=True)})", style="dim red"))


# -- commands ---------------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help=(
                "Files, folders or http(s) URLs. Reads .txt, .md, .html/.htm (saved web "
                "pages), .pdf and .docx (default: ./seeds)."
            ),
            show_default=False,
            metavar="PATH|URL",
        ),
    ] = None,
    urls_file: Annotated[
        Path | None,
        typer.Option(
            "--urls",
            metavar="FILE",
            help="Fetch and ingest the URLs in FILE, one a line ('#' starts a comment).",
        ),
    ] = None,
    fetch_dir: Annotated[
        Path | None,
        typer.Option(
            "--fetch-dir",
            metavar="DIR",
            help=(
                "Where fetched pages are saved, one folder per site (default: "
                "FACTCHECK_FETCH_DIR, else a folder in the per-user data folder)."
            ),
        ),
    ] = None,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="Drop the store first (after changing embedding model)."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Ingest articles into the store: only new or changed files are embedded.

    Web pages keep their article text only (no menus, cookie banners or related links),
    with outlet, author and date from the page's metadata; PDFs keep their pages; a
    URL is fetched, saved to disk, and ingested from there. A changed file's old
    passages are replaced and a file removed from an ingested folder loses its
    passages, so nothing stale is ever cited. Every file found is ingested or named
    in a warning with the reason.
    """

    def run() -> None:
        from assistant.app import FactCheck
        from assistant.index.fetch import is_url, read_url_list

        urls = [p for p in paths or [] if is_url(p)]
        files = [Path(p) for p in paths or [] if not is_url(p)]
        if urls_file is not None:
            urls += read_url_list(urls_file)
        fc = FactCheck(_settings(store=store, chroma_url=chroma_url))
        report = _run_ingest(
            fc, files or None, rebuild, quiet=as_json, urls=urls, fetch_dir=fetch_dir
        )
        if as_json:
            from assistant.contracts import ingest_json

            _print_json(ingest_json(report, fc))
        else:
            _echo(report.summary())

    _guard(run)


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help="Words or a question to search for.", metavar="QUERY")
    ],
    k: Annotated[
        int, typer.Option("-k", "--k", min=1, max=100, metavar="N", help="How many passages.")
    ] = 5,
    since: SinceOpt = None,
    until: UntilOpt = None,
    outlet: OutletOpt = None,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the passages that best match QUERY (hybrid: vectors + BM25 keywords)."""

    def run() -> None:
        _via_warm(store, chroma_url)
        from assistant.index.retrieval import check_question

        _require_text(query, "query")
        check_question(query)
        fc = _factcheck(
            _settings(store=store, chroma_url=chroma_url),
            source_filter=_filter(since, until, outlet),
        )
        _ensure_store(fc, quiet=as_json)
        hits, notes = fc.search_checked(query, k)
        for note in notes:
            _info(f"notice: {note}")
        if as_json:
            from assistant.contracts import search_json

            _print_json(search_json(query, hits))
            return
        from rich.text import Text

        from assistant.index.terms import terms

        console = _console()
        match = frozenset(terms(query))
        if not hits:
            console.print("No passages found.")
        for i, h in enumerate(hits, start=1):
            head = Text(f"{i}. ", style="bold")
            c = h.chunk
            who = ", ".join(p for p in (c.outlet or c.author, c.published) if p)
            if who:
                head.append(f"{_safe(who, one_line=True)}  ", style="bold cyan")
            head.append(f"{_safe(c.source, one_line=True)}:{c.line}", style="cyan")
            if c.page:
                head.append(f" (p. {c.page})", style="dim cyan")
            head.append(
                f"  score {h.score:.4f}  {_safe(h.chunk.title, one_line=True)}", style="dim"
            )
            console.print(head)
            _print_indented(console, _highlight(" ".join(h.chunk.text.split()), match), 3)

    _guard(run)


JsonlOpt = Annotated[
    bool,
    typer.Option(
        "--jsonl", help="Print one JSON object per line (the --json shape); best with '-'."
    ),
]


# A line of stdin is read in pieces of at most this many bytes. A question or claim may
# be 2,000 characters (at most 4 bytes each in UTF-8), with room for spaces around it; a
# longer line is reported and skipped, never held whole (a 200 MB line once took 824 MB
# and was written back in full).
STDIN_PIECE = 16 * 1024
_SHOWN_START = 40  # characters of an over-long line shown, to say which one it was


@dataclass(frozen=True)
class _OverLong:
    """A stdin line too long to be one question or claim: reported in place, never held."""

    number: int
    start: str  # its first characters
    chars: int | None  # its length, when it was short enough to read whole
    size: int  # its length in bytes

    def message(self, key: str) -> str:
        from assistant.index.retrieval import MAX_QUESTION_CHARS

        length = f"{self.chars:,} characters" if self.chars is not None else f"{self.size:,} bytes"
        return (
            f"stdin line {self.number}: the {key} is {length} long; the limit is "
            f"{MAX_QUESTION_CHARS:,} characters: ask about one thing at a time (it starts "
            f"“{self.start}…”)"
        )


def _stdin_lines() -> Iterator[str | _OverLong]:
    """Non-blank lines of stdin, stripped, for `ask -` and `check -`.

    Memory stays bounded whatever a line's length: each is read in pieces of
    :data:`STDIN_PIECE` bytes, and the rest of an over-long line is read past, not kept.
    """
    from assistant.index.retrieval import MAX_QUESTION_CHARS

    if sys.stdin.isatty():
        _info("Reading one per line from stdin; end with Ctrl-D.")
    stream = sys.stdin.buffer
    number = 0
    while raw := stream.readline(STDIN_PIECE):
        number += 1
        if len(raw) == STDIN_PIECE and not raw.endswith(b"\n"):
            size = len(raw)
            while rest := stream.readline(STDIN_PIECE):
                size += len(rest)
                if rest.endswith(b"\n"):
                    break
            start = raw[: 4 * _SHOWN_START].decode("utf-8", "replace").strip()
            yield _OverLong(number, start[:_SHOWN_START], None, size)
            continue
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise FactCheckError(f"stdin line {number} is not UTF-8 text") from None
        if len(line) > MAX_QUESTION_CHARS:
            yield _OverLong(number, line[:_SHOWN_START], len(line), len(raw))
        elif line:
            yield line


def _write_jsonl(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=not _unicode_stdout()) + "\n")
    sys.stdout.flush()  # a reader of the stream sees each answer as soon as it is ready


def _for_each(
    items: Iterator[str | _OverLong] | list[str],
    run_one: Callable[[str], Any],
    key: str,
    as_json: bool,
    as_jsonl: bool,
    render: Callable[[Any], None],
) -> list[Any]:
    """Run one question or claim after another in this process, printing as they finish.

    A bad line (too long, say) prints an error and an ``{key, "error"}`` object in its
    place, so the output stays aligned with the input; the run goes on and ends with exit
    code 1. An over-long line is named there by its first characters, not written back.
    Store or model failures stop the run: what was printed so far stays.
    """
    from assistant.errors import InputError

    results: list[Any] = []
    collected: list[dict[str, Any]] = []
    failed = 0
    first = True
    for item in items:
        try:
            if isinstance(item, _OverLong):
                text = f"{item.start}…"
                raise InputError(item.message(key))
            text = item
            result = run_one(text)
        except InputError as exc:
            failed += 1
            typer.echo(f"error: {_safe(' '.join(str(exc).split()), one_line=True)}", err=True)
            if as_jsonl:
                _write_jsonl({key: text, "error": str(exc)})
            elif as_json:
                collected.append({key: text, "error": str(exc)})
            continue
        _notices(result)
        results.append(result)
        if as_jsonl:
            _write_jsonl(result.to_json())
        elif as_json:
            collected.append(result.to_json())
        else:
            if not first:
                typer.echo()
            first = False
            render(result)
    if as_json:
        _print_json(collected)
    if failed:
        raise typer.Exit(1)
    return results


@app.command()
def ask(
    question: Annotated[
        str,
        typer.Argument(
            help="A question in plain English, or '-' to read questions from stdin, one per line.",
            metavar="QUESTION",
        ),
    ],
    mode: Annotated[
        ModeChoice | None,
        typer.Option(
            "--mode",
            metavar="MODE",
            help=(
                "auto (default: llm when OPENAI_API_KEY or OPENAI_BASE_URL is set, else "
                "extractive), extractive (no model: quotes the best sentences) or llm."
            ),
            show_default=False,
        ),
    ] = None,
    k: Annotated[
        int | None,
        typer.Option("-k", "--k", min=1, max=50, metavar="N", help="Passages to retrieve."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            metavar="NAME",
            help="Chat model for LLM answers (default: FACTCHECK_LLM_MODEL).",
            show_default=False,
        ),
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    outlet: OutletOpt = None,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    as_json: JsonOpt = False,
    as_jsonl: JsonlOpt = False,
) -> None:
    """Answer QUESTION from the articles, citing file:line and the verbatim quote.

    Every quote is checked against its source file before it is shown; the answer says
    "The articles do not say." when nothing relevant enough is found. With a model
    configured (OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible server), the answer
    is written by the model and its quotes are verified the same way.

    With '-', questions are read from stdin, one per line, and answered in one process
    (much faster than one process per question); --jsonl prints one answer per line.
    """

    def run() -> None:
        import time

        many = question == "-"
        if not many:  # a warm process cannot read this process's stdin
            _via_warm(store, chroma_url)
        from assistant.index.retrieval import check_question

        if not many:
            _require_text(question, "question")
            check_question(question)
        fc = _factcheck(
            _settings(store=store, k=k, llm_model=model, chroma_url=chroma_url),
            source_filter=_filter(since, until, outlet),
        )
        _ensure_store(fc, quiet=as_json or as_jsonl)
        if many:
            # Questions about the same articles retrieve the same sentences again.
            fc = fc.with_sentence_cache()
        chosen = _mode(mode)
        _detail(f"mode: {fc.resolve_mode(chosen)}")

        def one(text: str) -> Answer:
            t0 = time.perf_counter()
            answer = fc.ask(text, chosen)
            _detail(f"answered in {time.perf_counter() - t0:.2f} s")
            return answer

        if many:
            _for_each(_stdin_lines(), one, "question", as_json, as_jsonl, _render_asked)
        else:
            _one(one(question), as_json, as_jsonl, _render_answer)

    _guard(run)


def _one(result: Any, as_json: bool, as_jsonl: bool, render: Callable[[Any], None]) -> None:
    _notices(result)
    if as_jsonl:
        _write_jsonl(result.to_json())
    elif as_json:
        _print_json(result.to_json())
    else:
        render(result)


@app.command()
def claims(
    since: SinceOpt = None,
    until: UntilOpt = None,
    outlet: OutletOpt = None,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    mode: ModeOpt = None,
    model: ModelOpt = None,
    by_date: Annotated[
        bool,
        typer.Option(
            "--by-date",
            help="Order each quantity's claims by publication date, to see how a figure changed.",
        ),
    ] = False,
    as_json: JsonOpt = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print CSV: one row per claim and citation.")
    ] = False,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            metavar="FILE",
            help="Write a self-contained HTML page (table and chart, no external links) here.",
        ),
    ] = None,
) -> None:
    """List every quantitative claim: figure, hedge, what it counts, who said it, where.

    Claims about the same quantity (killed, wounded, casualties, attackers, ...) are
    grouped, so conflicting figures stand side by side; the same claim in several
    articles is one row with all its citations. Every quote is verified.
    """

    def run() -> None:
        from assistant.app import FactCheck

        fc = FactCheck(
            _settings(store=store, llm_model=model, chroma_url=chroma_url),
            source_filter=_filter(since, until, outlet),
        )
        _ensure_store(fc, quiet=as_json or as_csv)
        table = fc.claims(mode.value if mode else None)
        if by_date:
            table = table.by_date()
        _notices(table)
        if html is not None:
            from assistant import __version__
            from assistant.web.report import claims_html

            _write_report(html, claims_html(table, __version__))
            _info(f"Wrote {html} ({plural(len(table.claims), 'claim')}).")
            if not (as_json or as_csv):
                return
        if as_json:
            _print_json(table.to_json())
            return
        if as_csv:
            _print_claims_csv(table)
            return
        _render_claims(table)

    _guard(run)


def _print_claims_csv(table: Any) -> None:
    import csv

    writer = csv.writer(sys.stdout)
    writer.writerow(
        ["claim", "figure", "low", "high", "hedge", "what", "who", "via",
         "citation", "source", "line", "start", "end", "quote",
         "outlet", "author", "published", "url", "page", "kind", "unit", "counts"]
    )  # fmt: skip
    # Cells of article or model text cannot start a spreadsheet formula (csv_cell puts a
    # ' before =, +, -, @). The numbers (claim, low, high, citation, line, start, end)
    # are computed here and stay numbers, a negative low or high included.
    t = csv_cell
    for i, claim in enumerate(table.claims, start=1):
        row = claim.to_json()
        for c in claim.citations:
            writer.writerow(
                [i, t(claim.figure), row["low"], row["high"], t(claim.hedge), t(claim.what),
                 t(claim.who), t(claim.via), c.id, t(c.source), c.line, c.start, c.end,
                 t(c.quote), t(c.outlet), t(c.author), c.published, t(c.url), c.page or "",
                 claim.kind, t(claim.unit), t(row["counts"])]
            )  # fmt: skip


def _render_claims(table: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    console = _console()
    if not table.claims:
        console.print("No quantitative claims found.")
        return

    def cell(value: str | None) -> Text:
        # A Text, not a str: rich would read "[sic]" or "[/x]" in a str as markup.
        return Text(_safe(value, one_line=True) if value else "-")

    for what, members in table.groups:
        # A quantity with a unit names its kind in its group: "fund (money)".
        grid = Table(
            title=Text(f"{_safe(what, one_line=True)} ({plural(len(members), 'claim')})"),
            title_justify="left",
            expand=False,
        )
        dated = any(table.claims[i].published or table.claims[i].publishers for i in members)
        for col in ("figure", "who", "via", *(("published by", "date") if dated else ()), "cited"):
            grid.add_column(col, overflow="fold")
        for i in members:
            claim = table.claims[i]
            cited = "".join(f"[{c.id}]" for c in claim.citations)
            where = (cell(", ".join(claim.publishers)), cell(claim.published)) if dated else ()
            grid.add_row(cell(claim.figure), cell(claim.who), cell(claim.via), *where, Text(cited))
        console.print(grid)
    console.print()
    seen: set[int] = set()
    for claim in table.claims:
        for c in claim.citations:
            if c.id in seen:
                continue
            seen.add(c.id)
            head = _citation_head(c)
            console.print(head, Text(_safe(c.quote)))


@app.command()
def summary(
    topic: Annotated[
        str | None,
        typer.Argument(help="Summarise what the articles say about this.", metavar="TOPIC"),
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    outlet: OutletOpt = None,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    mode: ModeOpt = None,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
    md: Annotated[
        Path | None,
        typer.Option(
            "--md", metavar="FILE", help="Write a Markdown report (summary, claims, sources) here."
        ),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            metavar="FILE",
            help=(
                "Write a self-contained HTML report (summary, claim table and chart, every "
                "cited passage; no external links) to mail or archive."
            ),
        ),
    ] = None,
) -> None:
    """A cited summary of the articles (or of TOPIC): every sentence cites its source.

    At most 30 sentences, however large the corpus: every distinct figure is kept
    (claims of the same figure share a sentence), it says where sources disagree and
    what it left out, and quotes the key attributed statements. Every quote is verified.
    """

    def run() -> None:
        from assistant import __version__
        from assistant.app import FactCheck
        from assistant.markdown import to_markdown

        _require_text(topic, "topic")
        fc = FactCheck(
            _settings(store=store, llm_model=model, chroma_url=chroma_url),
            source_filter=_filter(since, until, outlet),
        )
        _ensure_store(fc, quiet=as_json)
        result = fc.summary(topic, mode.value if mode else None)
        _notices(result)
        for dropped in result.dropped:
            _echo(f"notice: dropped (no citation verified): {dropped}", err=True)
        if md is not None:
            try:
                md.write_text(to_markdown(result, __version__), encoding="utf-8")
            except OSError as exc:
                raise FactCheckError(f"cannot write {md}: {exc.strerror or exc}") from exc
            _echo(f"Wrote {md} ({len(result.sentences)} sentences).", err=True)
        if html is not None:
            from assistant.web.report import summary_html

            _write_report(html, summary_html(result, __version__))
            _echo(f"Wrote {html} ({plural(len(result.sentences), 'sentence')}).", err=True)
        if as_json:
            _print_json(result.to_json())
        elif md is None and html is None:
            from rich.text import Text

            console = _console()
            for sentence in result.sentences:
                console.print(Text(f"- {_safe(sentence.text)}"))
            console.print()
            for c in result.citations():
                head = _citation_head(c)
                console.print(head, Text(_safe(c.quote)))

    _guard(run)


def _write_report(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FactCheckError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _render_check(result: Any) -> None:
    from rich.text import Text

    console = _console()
    style = {"supported": "bold green", "refuted": "bold red", "conflicting": "bold yellow"}
    console.print(Text(result.verdict, style=style.get(result.verdict, "bold")))
    console.print(Text(_safe(result.explanation)))
    if result.citations:
        console.print()
    for c in result.citations:
        console.print(_citation_head(c))
        _print_indented(console, c.quote, 4)


def _render_checked(result: Any) -> None:
    """A verdict under its claim, for many claims in one run."""
    from rich.text import Text

    _console().print(Text(f"Claim: {_safe(result.claim, one_line=True)}", style="bold underline"))
    _render_check(result)


def _parse_fail_on(value: str | None) -> set[str]:
    if not value:
        return set()
    wanted = {v.strip().lower() for v in value.split(",") if v.strip()}
    unknown = sorted(wanted - set(VERDICTS))
    if unknown:
        raise typer.BadParameter(
            f"unknown verdict {', '.join(unknown)}; choose from {', '.join(VERDICTS)}",
            param_hint="--fail-on",
        )
    return wanted


@app.command()
def check(
    claim: Annotated[
        str,
        typer.Argument(
            help="A claim to check against the articles, or '-' to read claims from stdin.",
            metavar="CLAIM",
        ),
    ],
    since: SinceOpt = None,
    until: UntilOpt = None,
    outlet: OutletOpt = None,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    mode: ModeOpt = None,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
    as_jsonl: JsonlOpt = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="VERDICTS",
            help=(
                "Exit with code 3 when a verdict is one of these (comma-separated: "
                "supported, refuted, conflicting, not_enough_info), e.g. refuted,conflicting."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check CLAIM: supported, refuted, conflicting or not_enough_info, with citations.

    When the claim names its source ("Russia's Defense Ministry confirmed ..."), only
    what that source said decides; other sources' figures are shown but do not.

    Exit codes: 0 checked, 1 an error, 3 a verdict named by --fail-on (with '-': any
    claim's verdict), so a script can gate on it.
    """
    failing = _parse_fail_on(fail_on)

    def run() -> list[Any]:
        many = claim == "-"
        if not many:  # a warm process cannot read this process's stdin
            _via_warm(store, chroma_url)
        from assistant.index.retrieval import check_question

        if not many:
            _require_text(claim, "claim")
            check_question(claim)
        fc = _factcheck(
            _settings(store=store, llm_model=model, chroma_url=chroma_url),
            source_filter=_filter(since, until, outlet),
        )
        _ensure_store(fc, quiet=as_json or as_jsonl)
        chosen = _mode(mode)

        def one(text: str) -> Any:
            return fc.check(text, chosen)

        if many:
            return _for_each(_stdin_lines(), one, "claim", as_json, as_jsonl, _render_checked)
        result = one(claim)
        _one(result, as_json, as_jsonl, _render_check)
        return [result]

    results = _guard(run)
    if any(r.verdict in failing for r in results):
        raise typer.Exit(EXIT_VERDICT)


@app.command()
def info(
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Where the store is and what it holds: backend, embedding model, files, chunks.

    The store is --store or FACTCHECK_STORE when set, else ./vectorstore when the current
    folder has one, else a per-user data folder, so every folder finds the same store.
    """

    def run() -> None:
        from assistant.app import FactCheck
        from assistant.contracts import info_json

        fc = FactCheck(_settings(store=store, chroma_url=chroma_url))
        about = fc.info()
        data = info_json(fc, about)
        configured = data["configured_embedding_model"]
        if as_json:
            _print_json(data)
            return
        from rich.text import Text

        console = _console()
        rows = [
            ("store", f"{about.location} ({fc.settings.store_origin})"),
            ("backend", "Chroma server" if about.backend == "server" else "local folder"),
        ]
        if about.problem:
            rows.append(("problem", about.problem))
        elif not about.exists:
            rows.append(("contents", "nothing yet: run `factcheck ingest FOLDER`"))
        else:
            model = about.embedding_model or "unknown"
            if about.embedding_model != configured:
                model += f" (configured: {configured}; re-ingest with --rebuild to switch)"
            rows += [
                ("embedding model", model),
                ("contents", f"{plural(about.files, 'file')}, {plural(about.chunks, 'chunk')}"),
                ("folders", ", ".join(about.folders) or "-"),
                ("last ingest", about.last_ingest or "unknown"),
            ]
            if about.unfinished_ingest:
                rows.append(
                    (
                        "unfinished",
                        "the last ingest did not finish (interrupted, or still running): "
                        f"{about.complete_files:,} of {plural(about.files, 'file')} complete; "
                        "run `factcheck ingest` on its folders to finish",
                    )
                )
        for name, value in rows:
            line = Text(f"{name + ':':<17}", style="bold")
            console.print(line.append(Text(_safe(value, one_line=True))))

    _guard(run)


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="Address to listen on. Anything but 127.0.0.1/localhost serves the articles "
            "to the network (allowed, with a warning).",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, metavar="N", help="Port (0: any free one).")
    ] = 8765,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            metavar="NAME",
            help="Also answer to this host name (repeatable; or FACTCHECK_ALLOW_HOSTS). "
            "Requests naming any other host than this machine are refused (DNS rebinding).",
        ),
    ] = None,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    model: ModelOpt = None,
) -> None:
    """A local web page over the store: ask, claims (with a chart), check, summary, articles.

    Each citation opens its article with the quoted span highlighted. The page is
    read-only (ingest with `factcheck ingest`), uses no script, and has a JSON API
    (/api/ask?q=..., /api/check, /api/claims, /api/summary, /api/search, /api/info) that
    returns what the matching command prints with --json. Stop it with Ctrl-C.
    """

    def run() -> None:
        from assistant.app import FactCheck
        from assistant.web import serve as serve_pages

        fc = FactCheck(_settings(store=store, llm_model=model, chroma_url=chroma_url))
        _ensure_store(fc, quiet=False)
        _info("Loading the models and the corpus (a few seconds)...")
        serve_pages(
            fc.settings,
            host,
            port,
            lambda url: _info(f"Serving on {url} (Ctrl-C to stop)"),
            factcheck=fc,
            on_warning=lambda line: _echo(line, err=True),
            allow_hosts=allow_host or (),
        )

    _guard(run)


@app.command()
def warm(
    store: StoreOpt = None,
    idle: Annotated[
        float,
        typer.Option(
            "--idle",
            min=0.01,
            max=24 * 60,
            metavar="MINUTES",
            help="Stop after this many minutes without a request.",
        ),
    ] = 15.0,
    stop: Annotated[
        bool, typer.Option("--stop", help="Stop the store's warm process instead.")
    ] = False,
    status: Annotated[
        bool, typer.Option("--status", help="Say whether one runs for the store, and stop there.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Keep the store loaded in a background process, so commands answer in a fraction of the time.

    `ask`, `check` and `search` on this store then answer through it (same output,
    same verified quotes) instead of loading the models in each new process. It reloads
    after an ingest, is ignored when the code or settings it cannot reproduce differ,
    and stops after --idle minutes without a request.
    """

    def run() -> None:
        from assistant import warm as client

        if stop and status:
            raise InputError("choose --stop or --status, not both")
        settings = _settings(store=store)
        if settings.chroma_url:
            raise InputError("warm serves a local store folder, not a Chroma server")
        resolved = Path(settings.store).expanduser().resolve()
        folder = client.runtime_dir(create=not (stop or status))
        path = client.socket_path(resolved, folder)
        if path is None and not (stop or status):
            raise FactCheckError("no private folder for the warm process's socket")
        about: dict[str, Any] | None = None
        if path is not None:
            with contextlib.suppress(client.Unavailable):
                about = client.request(path, {"op": "ping"})
        if stop:
            if about is not None and path is not None:
                with contextlib.suppress(client.Unavailable):
                    client.request(path, {"op": "stop"})
            _report_warm(resolved, about, as_json, "stopped" if about else "not running")
            return
        if status or about is not None:
            _report_warm(resolved, about, as_json, "running" if about else "not running")
            return
        if not (resolved / "chroma.sqlite3").exists():
            raise InputError(f"no store at {resolved} yet: run `factcheck ingest FOLDER` first")
        if client.guess_store(store, None) != resolved:
            _info("warning: commands may not find this store's warm process; pass them --store")
        assert path is not None
        _info("Loading the models and the store (a few seconds)...")
        about = _start_warm(resolved, idle, path)
        _report_warm(resolved, about, as_json, "started")

    _guard(run)


def _start_warm(store: Path, idle: float, path: Path) -> dict[str, Any]:
    """Start the warm process detached and wait until it answers.

    Raises:
        FactCheckError: it stopped before listening (its error is the message).
    """
    import subprocess
    import tempfile
    import time

    from assistant import warm as client

    command = [sys.executable, "-m", "assistant.warm_server", "--store", str(store)]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [*command, "--idle", repr(idle)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # not stopped by the terminal's Ctrl-C or hang-up
        )
        while True:
            if path.exists():
                with contextlib.suppress(client.Unavailable):
                    return client.request(path, {"op": "ping"})
            if proc.poll() is not None:
                log.seek(0)
                lines = log.read().decode("utf-8", "replace").strip().splitlines()
                why = lines[-1].removeprefix("error: ") if lines else f"exit code {proc.returncode}"
                raise FactCheckError(f"the warm process stopped: {why}")
            time.sleep(0.05)


def _report_warm(store: Path, about: dict[str, Any] | None, as_json: bool, state: str) -> None:
    if as_json:
        _print_json(
            {
                "store": str(store),
                "state": state,
                "running": state in ("running", "started"),
                "pid": about.get("pid") if about else None,
                "idle_minutes": about.get("idle_minutes") if about else None,
                "served": about.get("served") if about else None,
            }
        )
        return
    shown = _safe(store, one_line=True)
    if state == "not running":
        _echo(f"No warm process for {shown}.")
    elif state == "stopped":
        _echo(f"Stopped the warm process for {shown}.")
    else:
        assert about is not None
        minutes = float(about.get("idle_minutes") or 0)
        _echo(
            f"Warm process {'started' if state == 'started' else 'running'} for {shown} "
            f"(pid {about.get('pid')}); it stops after {minutes:g} minutes without a request."
        )


@app.command()
def mcp(
    allow_ingest: Annotated[
        list[Path] | None,
        typer.Option(
            "--allow-ingest",
            metavar="FOLDER",
            help="Offer an `ingest` tool that may read only inside FOLDER (repeatable). "
            "Without it the server only reads the store.",
        ),
    ] = None,
    store: StoreOpt = None,
    chroma_url: ChromaOpt = None,
    model: ModelOpt = None,
) -> None:
    """A Model Context Protocol server over stdio, for agents (Claude Desktop, any MCP client).

    Tools: ask, check, search, claims, summary, info, articles (and ingest with
    --allow-ingest); each returns what the matching command prints with --json, citations
    verified as everywhere. Articles are resources (article://ID). The client starts this
    command; see the README for a configuration example. Stop it by closing its stdin.
    """

    def run() -> None:
        from assistant.mcp_server import serve as serve_mcp

        for folder in allow_ingest or []:
            if not folder.expanduser().is_dir():
                raise InputError(f"--allow-ingest {folder}: no such folder")
        serve_mcp(
            _settings(store=store, llm_model=model, chroma_url=chroma_url),
            allow_ingest=allow_ingest or (),
        )

    _guard(run)


def main() -> None:
    """Console-script entry point.

    A reader that goes away early (`factcheck search x | head -1`) is not an error:
    whatever is left unwritten is dropped and the exit code is 0.
    """
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - typer always exits
        code = 0
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        code = 0
    # typer (like click) exits 1 on EPIPE, after wrapping stdout in PacifyFlushWrapper.
    if _PIPE_CLOSED or type(sys.stdout).__name__ == "PacifyFlushWrapper":
        code = 0
    sys.exit(code)


_PIPE_CLOSED = False


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    global _PIPE_CLOSED
    _PIPE_CLOSED = True
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    main()
