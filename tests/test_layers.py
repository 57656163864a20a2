"""The layers of eventsapp, checked on its import graph: purity holds transitively (STYLE section 13).

The graph is read from the source with `ast`. Every `import` and `from ... import` in a module is an
edge, also inside functions, except under `if TYPE_CHECKING:` (typing only, never run). As in
import-linter, importing `a.b.c` is an edge to `a.b.c` alone: a package's `__init__` only wires its
domain into the app (init_app), and nothing but the app factory imports a package itself.

- The web layer: the app factory (`eventsapp`), `eventsapp.web`, each domain's `__init__` (its
  wiring), and modules named `routes`, `*_routes`, `forms` or `cli`. Everything else is domain code.
- Domain code (services, models, queries, notifications, ...) never reaches the web layer, nor
  `flask.request`, `flask.session`, `current_user` or WTForms, however indirectly.
- The iCalendar serializer (feeds/ical.py, feeds/agenda.py) reaches no Flask package at all.
- The mail worker reaches no routes.
- The packages (and core modules) form no cycle, and the web layer's shared pieces (`eventsapp.web`)
  and the core modules depend on no domain.
"""
import ast
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("accounts", "catalogue", "feeds", "mail", "registration")  # the packages under eventsapp/ but web
FLASK_PACKAGES = ("flask", "flask_babel", "flask_limiter", "flask_login", "flask_migrate", "flask_sqlalchemy",
                  "flask_wtf")
REQUEST_STATE = {("flask", "request"), ("flask", "session"), ("flask.globals", "request"),
                 ("flask.globals", "session"), ("flask_login", "current_user"), ("flask_login.utils", "current_user")}
FORMS = {("flask_wtf", "FlaskForm"), ("flask_wtf.form", "FlaskForm")}  # and anything from wtforms


@dataclass
class ImportGraph:
    """Project modules, the project modules each imports, and what each imports from outside."""

    package: str
    packages: set[str] = field(default_factory=set)  # modules that are a package's __init__
    internal: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    external: dict[str, set[tuple[str, str | None]]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def read(cls, source_root: Path, package: str) -> "ImportGraph":
        graph = cls(package)
        files = {_module_name(path, source_root): path for path in (source_root / package).rglob("*.py")}
        graph.packages = {module for module, path in files.items() if path.name == "__init__.py"}
        for module, path in files.items():
            for target, name in _imports(path.read_text(encoding="utf-8"), module, module in graph.packages):
                if name is not None and f"{target}.{name}" in files:
                    graph.internal[module].add(f"{target}.{name}")
                elif target in files:
                    graph.internal[module].add(target)
                elif not target.startswith(package + ".") and target != package:
                    graph.external[module].add((target, name))
            graph.internal.setdefault(module, set())
        return graph

    def reachable(self, start: str) -> dict[str, list[str]]:
        """Every module `start` imports, directly or not, with one import chain leading to it."""
        chains = {start: [start]}
        todo = [start]
        while todo:
            module = todo.pop()
            for target in sorted(self.internal[module]):
                if target not in chains:
                    chains[target] = [*chains[module], target]
                    todo.append(target)
        return chains

    def external_reached(self, start: str) -> dict[tuple[str, str | None], list[str]]:
        return {imported: chain for module, chain in self.reachable(start).items()
                for imported in self.external[module]}

    def is_web(self, module: str) -> bool:
        parts = module.split(".")
        last = parts[-1]
        return (module in self.packages or parts[1:2] == ["web"] or last in ("routes", "forms", "cli")
                or last.endswith("_routes"))

    def component(self, module: str) -> str:
        """The package a module belongs to (eventsapp.catalogue), or the core module itself (eventsapp.site)."""
        return ".".join(module.split(".")[:2])


def _module_name(path: Path, source_root: Path) -> str:
    parts = list(path.relative_to(source_root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: str, module: str, is_package: bool):
    """(module, name) for each `from module import name`, (module, None) for each `import module`."""
    package = module if is_package else module.rpartition(".")[0]
    for node in _nodes_run_at_import_or_call(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield base, alias.name
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "flask":
            yield "flask", node.attr  # `import flask` then `flask.request`


def _nodes_run_at_import_or_call(tree: ast.AST):
    """All nodes but those under `if TYPE_CHECKING:`."""
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        yield node
        todo.extend(ast.iter_child_nodes(node))


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the directed graph, as [a, b, ..., a], or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                return [*stack[stack.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = "done"
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def component_edges(graph: ImportGraph) -> dict[str, set[str]]:
    """Imports between packages and core modules; the app factory, which wires them all, left out."""
    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.internal.items():
        if module == graph.package:
            continue
        for target in targets:
            source, destination = graph.component(module), graph.component(target)
            if source != destination and destination != graph.package:
                edges[source].add(destination)
    return edges


# --- The checks, as functions of a graph, so the tests below can also show that they catch things ---

def web_layer_reached_from_domain_code(graph: ImportGraph) -> list[str]:
    problems = []
    for module in sorted(graph.internal):
        if graph.is_web(module):
            continue
        for target, chain in sorted(graph.reachable(module).items()):
            if graph.is_web(target):
                problems.append(f"{module} reaches the web layer: {' → '.join(chain)}")
        for imported, chain in sorted(graph.external_reached(module).items(), key=str):
            if imported in REQUEST_STATE | FORMS or imported[0].split(".")[0] == "wtforms":
                problems.append(f"{module} reaches {'.'.join(filter(None, imported))}: {' → '.join(chain)}")
    return problems


def flask_reached_from(graph: ImportGraph, modules: tuple[str, ...]) -> list[str]:
    return [f"{module} reaches {imported[0]}: {' → '.join(chain)}"
            for module in modules
            for imported, chain in sorted(graph.external_reached(module).items(), key=str)
            if imported[0].split(".")[0] in FLASK_PACKAGES]


def routes_reached_from(graph: ImportGraph, modules: tuple[str, ...]) -> list[str]:
    return [f"{module} reaches routes: {' → '.join(chain)}"
            for module in modules for target, chain in sorted(graph.reachable(module).items())
            if target.rpartition(".")[2].endswith("routes")]


def domains_reached_from_shared_layers(graph: ImportGraph, domains: set[str]) -> list[str]:
    """What domains build on (the web layer's shared pieces, core modules) must not build on a domain."""
    edges = component_edges(graph)
    shared = {target for domain in domains for target in edges.get(domain, ())} - domains
    return [f"{source} imports the domain {target}" for source in sorted(shared)
            for target in sorted(edges.get(source, set()) & domains)]


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    return ImportGraph.read(PROJECT_ROOT, "eventsapp")


def test_domain_code_never_reaches_the_web_layer_or_the_request(graph):
    assert "eventsapp.catalogue.services" in graph.internal and not graph.is_web("eventsapp.catalogue.services")
    assert web_layer_reached_from_domain_code(graph) == []


def test_the_calendar_serializer_reaches_no_flask_package(graph):
    assert flask_reached_from(graph, ("eventsapp.feeds.ical", "eventsapp.feeds.agenda")) == []


def test_the_mail_worker_reaches_no_routes(graph):
    assert routes_reached_from(graph, ("eventsapp.mail.worker", "eventsapp.mail.cli")) == []


def test_packages_form_no_cycle(graph):
    assert find_cycle(component_edges(graph)) is None


def test_core_modules_and_the_shared_web_layer_depend_on_no_domain(graph):
    shared = {target for domain in DOMAINS for target in component_edges(graph)[f"eventsapp.{domain}"]}
    assert {"eventsapp.web", "eventsapp.errors", "eventsapp.extensions", "eventsapp.site"} <= shared
    assert domains_reached_from_shared_layers(graph, {f"eventsapp.{domain}" for domain in DOMAINS}) == []


# --- The checker itself catches what it must (a check that cannot fail is no check) ---------------

def write_package(root: Path, files: dict[str, str]) -> ImportGraph:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return ImportGraph.read(root, "app")


CLEAN = {
    "app/__init__.py": "from . import shop\n",
    "app/helpers.py": "from flask import current_app\n",
    "app/shop/__init__.py": "from .routes import blueprint\n",
    "app/shop/routes.py": "from flask import request\nfrom . import services\n",
    "app/shop/services.py": "from typing import TYPE_CHECKING\nfrom ..helpers import current_app\n"
                            "if TYPE_CHECKING:\n    from .routes import blueprint\n",
    "app/shop/ical.py": "import icalendar\n",
    "app/mail/__init__.py": "",
    "app/mail/worker.py": "from ..shop import services\n",
}


def test_the_checker_passes_a_clean_package(tmp_path):
    graph = write_package(tmp_path, CLEAN)
    assert web_layer_reached_from_domain_code(graph) == []
    assert flask_reached_from(graph, ("app.shop.ical",)) == []
    assert routes_reached_from(graph, ("app.mail.worker",)) == []
    assert find_cycle(component_edges(graph)) is None


@pytest.mark.parametrize("module, source, found", [
    ("app/helpers.py", "from flask import request\n", "app.shop.services reaches flask.request"),
    ("app/helpers.py", "def later():\n    from flask_login import current_user\n",
     "app.shop.services reaches flask_login.current_user"),
    ("app/helpers.py", "import flask\nflask.session.clear()\n", "app.shop.services reaches flask.session"),
    ("app/helpers.py", "from .shop.routes import blueprint\n", "app.shop.services reaches the web layer"),
    ("app/shop/services.py", "from wtforms import Form\n", "app.shop.services reaches wtforms"),
])
def test_the_checker_finds_the_request_reached_indirectly(tmp_path, module, source, found):
    graph = write_package(tmp_path, {**CLEAN, module: source})
    problems = web_layer_reached_from_domain_code(graph)
    assert any(problem.startswith(found) for problem in problems), problems


def test_the_checker_finds_flask_behind_the_serializer_and_routes_behind_the_worker(tmp_path):
    graph = write_package(tmp_path, {**CLEAN, "app/shop/ical.py": "from .services import current_app\n",
                                     "app/mail/worker.py": "from ..shop import routes\n"})
    assert flask_reached_from(graph, ("app.shop.ical",)) == [
        "app.shop.ical reaches flask: app.shop.ical → app.shop.services → app.helpers"]
    assert routes_reached_from(graph, ("app.mail.worker",)) == [
        "app.mail.worker reaches routes: app.mail.worker → app.shop.routes"]


def test_the_checker_finds_a_cycle_between_packages(tmp_path):
    graph = write_package(tmp_path, {**CLEAN, "app/shop/ical.py": "from ..mail import worker\n"})
    assert find_cycle(component_edges(graph)) == ["app.mail", "app.shop", "app.mail"]


def test_tests_share_helpers_through_helper_modules_and_fixtures_only():
    """A test module that imports another test module (or a conftest) runs that module's tests'
    setup twice and hides which fixtures a test really uses: shared code lives in helpers modules."""
    graph = ImportGraph.read(PROJECT_ROOT, "tests")
    importing_tests = [f"{module} imports {target}" for module, targets in sorted(graph.internal.items())
                       for target in sorted(targets)
                       if target.rpartition(".")[2].startswith("test_") or target.endswith("conftest")]
    assert "tests.feeds.test_ical" in graph.internal and importing_tests == []
