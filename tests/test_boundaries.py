"""Import boundaries: the core never loads the CLI toolkit, the CLI nothing heavy; layers hold."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_core_does_not_import_typer_or_rich():
    loaded = _modules_after(
        "import assistant.app, assistant.reasoning.answer, assistant.index.retrieval, "
        "assistant.index.store, assistant.index.ingest, assistant.eval, "
        "assistant.index.schema, assistant.index.connection, assistant.index.folder, "
        "assistant.index.faults, assistant.index.info, "
        "assistant.reasoning.citations, assistant.reasoning.shortanswer, assistant.llm.chat, "
        "assistant.llm.model, assistant.llm.bounds, assistant.llm.faults, "
        "assistant.llm.structured, assistant.llm.quotes, assistant.llm.markers, assistant.llm.tasks"
    )
    assert "typer" not in loaded and "rich" not in loaded


def test_cli_start_up_imports_nothing_heavy():
    loaded = _modules_after("import assistant.cli")
    for heavy in (
        "chromadb",
        "langchain_core",
        "onnxruntime",
        "numpy",
        "Stemmer",
        "sqlite3",
        "spacy",
        "mcp",
        "starlette",
    ):
        assert heavy not in loaded, heavy


def test_answering_does_not_import_langchains_retriever_machinery():
    # It costs about 0.35 s a process (its tracers import langsmith); only the LangChain
    # wrapper needs it, and that is imported when asked for.
    loaded = _modules_after(
        "import assistant.app, assistant.reasoning.answer, assistant.index.retrieval, "
        "assistant.reasoning.check, assistant.reasoning.shortanswer"
    )
    assert "langchain_core.retrievers" not in loaded
    assert "langsmith" not in loaded
    wrapper = _modules_after("from assistant.index.retrieval import HybridRetriever")
    assert "langchain_core.retrievers" in wrapper


def test_answering_with_the_local_model_does_not_import_langchain():
    # LangChain's Embeddings base class alone costs about 0.15 s a process (its callback
    # machinery); the pipeline uses the plain encoder, LangChain code the subclass.
    loaded = _modules_after(
        "import assistant.app, assistant.reasoning.answer, assistant.index.ingest, "
        "assistant.reasoning.check, assistant.reasoning.shortanswer\n"
        "from assistant.index.embeddings import make_embedder\n"
        "from assistant.settings import Settings\n"
        "make_embedder(Settings()).embed_query('Who won?')"
    )
    assert not {m for m in loaded if m.startswith("langchain")}
    wrapper = _modules_after("from assistant.index.embeddings import LocalMiniLMEmbeddings")
    assert "langchain_core.embeddings" in wrapper


# -- layering, read from the source: data flows down, and no module imports itself back ---

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
DOORS = (
    "assistant.cli",
    "assistant.web",
    "assistant.mcp_server",
    "assistant.app",
    "assistant.eval",
)


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py")}


def _project_modules(node: ast.AST) -> set[str]:
    """The project modules an import statement loads (``from m import x`` counts as m)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom):
        assert not node.level, "the project imports absolutely"
        names = [f"{node.module}.{a.name}" for a in node.names] + [str(node.module)]
    else:
        return set()
    found = set()
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name.startswith("assistant."):
            found.add(name)
    return found


def _imports(module: str, *, at_load: bool) -> set[str]:
    """What ``module`` imports: anywhere in it, or only when it is loaded (``at_load``).

    At load means the module's own top level, outside ``if TYPE_CHECKING:`` blocks.
    """
    tree = ast.parse(MODULES[module].read_text("utf-8"))
    if not at_load:
        return {m for node in ast.walk(tree) for m in _project_modules(node)} - {module}
    found: set[str] = set()
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending += node.orelse
        elif isinstance(node, ast.If | ast.Try):
            pending += [*node.body, *node.orelse]
        else:
            found |= _project_modules(node)
    return found - {module}


def test_the_index_imports_neither_reasoning_nor_the_model_nor_the_doors():
    for module in (m for m in MODULES if m.startswith("assistant.index")):
        layers = ("assistant.reasoning", "assistant.llm", *DOORS)
        above = {m for m in _imports(module, at_load=False) if m.startswith(layers)}
        assert not above, f"{module} imports {sorted(above)}"


def test_the_model_path_does_not_import_the_doors():
    for module in (m for m in MODULES if m.startswith("assistant.llm")):
        doors = {m for m in _imports(module, at_load=False) if m.startswith(DOORS)}
        assert not doors, f"{module} imports {sorted(doors)}"


def test_no_import_cycle_when_modules_load():
    graph = {m: _imports(m, at_load=True) for m in MODULES}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
