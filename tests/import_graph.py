"""A package's import graph, read from its source with `ast`, and the layer checks run on it
(used by tests/test_layers.py, which also checks what an import really loads at run time).

What importing and using a module runs, as Python does it:
- every `import` / `from ... import` in the module, also inside functions (they run when called),
  except under `if TYPE_CHECKING:` (typing only);
- `import flask as f` then `f.request`, or `import flask.globals` then `flask.globals.request`,
  count as importing `request` from `flask` / `flask.globals`; `from x import *` as importing all;
- importing `a.b.c` first runs the packages `a` and `a.b`, but only their top level: the functions
  of a package's `__init__` (e.g. its init_app, which imports the pages) do not run.
"""
import ast
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

FLASK_PACKAGES = ("flask", "flask_babel", "flask_limiter", "flask_login", "flask_migrate", "flask_sqlalchemy",
                  "flask_wtf")
REQUEST_STATE = {("flask", "request"), ("flask", "session"), ("flask.globals", "request"),
                 ("flask.globals", "session"), ("flask_login", "current_user"), ("flask_login.utils", "current_user")}
FORMS = {("flask_wtf", "FlaskForm"), ("flask_wtf.form", "FlaskForm")}  # and anything from wtforms


@dataclass(frozen=True)
class Import:
    target: str  # the module imported from, ours or not
    name: str | None  # `from target import name`; None for `import target`
    at_top: bool  # runs when the importing module is imported, not only when a function of it is called


@dataclass
class ImportGraph:
    package: str
    packages: set[str] = field(default_factory=set)  # modules that are a package's __init__
    imports: dict[str, list[Import]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def read(cls, source_root: Path, package: str) -> "ImportGraph":
        graph = cls(package)
        files = {_module_name(path, source_root): path for path in (source_root / package).rglob("*.py")
                 if "node_modules" not in path.parts}
        graph.packages = {module for module, path in files.items() if path.name == "__init__.py"}
        for module, path in files.items():
            graph.imports[module] = []
            for imported in _imports(path.read_text(encoding="utf-8"), module, module in graph.packages):
                submodule = f"{imported.target}.{imported.name}"
                if imported.name is not None and submodule in files:  # `from . import services`
                    imported = Import(submodule, None, imported.at_top)
                graph.imports[module].append(imported)
        return graph

    def is_ours(self, module: str) -> bool:
        return module in self.imports

    def internal(self, module: str) -> set[str]:
        return {i.target for i in self.imports[module] if self.is_ours(i.target)}

    def reachable(self, start: str) -> dict[str, list[str]]:
        """Every module of ours that importing and using `start` may run, with one chain leading to it."""
        return self._walk(start)[0]

    def external_reached(self, start: str) -> dict[tuple[str, str | None], list[str]]:
        """What `start` imports from outside, directly or through modules of ours, with a chain to it."""
        chains, run_whole = self._walk(start)
        found: dict[tuple[str, str | None], list[str]] = {}
        for module in sorted(chains):
            for imported in self.imports[module]:
                if not self.is_ours(imported.target) and (module in run_whole or imported.at_top):
                    found.setdefault((imported.target, imported.name), chains[module])
        return found

    def _walk(self, start: str) -> tuple[dict[str, list[str]], set[str]]:
        """(a chain to each module reached, the modules whose functions may run too, not only their top)."""
        chains: dict[str, list[str]] = {}
        seen: set[tuple[str, bool]] = set()
        todo: deque[tuple[str, bool, list[str]]] = deque([(start, True, [start])])
        todo.extend((parent, False, [start, parent]) for parent in self._parents(start))
        while todo:
            module, whole, chain = todo.popleft()
            if (module, whole) in seen or (module, True) in seen:
                continue
            seen.add((module, whole))
            chains.setdefault(module, chain)
            for imported in self.imports[module]:
                if self.is_ours(imported.target) and (whole or imported.at_top):
                    # what a module only imported runs is its top level: it calls nothing further
                    todo.append((imported.target, whole, [*chain, imported.target]))
                    todo.extend((parent, False, [*chain, parent]) for parent in self._parents(imported.target))
        return chains, {module for module, whole in seen if whole}

    def _parents(self, module: str) -> list[str]:
        parts = module.split(".")
        return [".".join(parts[:end]) for end in range(1, len(parts)) if ".".join(parts[:end]) in self.packages]

    def is_web(self, module: str) -> bool:
        """The web layer: routes, forms, the shared web package and the JSON API (eventsapp/api)."""
        parts = module.split(".")
        return parts[1:2] in (["web"], ["api"]) or parts[-1] in ("routes", "forms") or parts[-1].endswith("_routes")

    def is_domain_code(self, module: str) -> bool:
        """Everything but the web layer, the CLI and the wiring (a package's __init__, the app factory)."""
        return not (self.is_web(module) or module in self.packages or module.rpartition(".")[2] == "cli")

    def component(self, module: str) -> str:
        """The package a module belongs to (eventsapp.catalogue), or the core module itself (eventsapp.site)."""
        return ".".join(module.split(".")[:2])


def _module_name(path: Path, source_root: Path) -> str:
    parts = list(path.relative_to(source_root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: str, module: str, is_package: bool) -> list[Import]:
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    nodes = list(_nodes_that_run(ast.parse(source)))
    aliases: dict[str, str] = {}  # a name bound by `import x.y as name` / `import x.y` → the module it means
    for node, _at_top in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.partition(".")[0]] = alias.name if alias.asname else \
                    alias.name.partition(".")[0]
    for node, at_top in nodes:
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, None, at_top) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.extend(Import(base, alias.name, at_top) for alias in node.names)
        elif isinstance(node, ast.Attribute) and (dotted := _dotted(node, aliases)):
            target, _, name = dotted.rpartition(".")  # `f.request` with `import flask as f`
            found.append(Import(target, name, at_top))
    return found


def _dotted(node: ast.Attribute, aliases: dict[str, str]) -> str | None:
    names = [node.attr]
    value = node.value
    while isinstance(value, ast.Attribute):
        names.append(value.attr)
        value = value.value
    if isinstance(value, ast.Name) and value.id in aliases:
        return ".".join([aliases[value.id], *reversed(names)])
    return None


def _nodes_that_run(tree: ast.AST):
    """(node, at_top) for every node but those under `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:`;
    at_top is False inside a function (its body runs when called, not when the module is imported)."""
    todo: list[tuple[ast.AST, bool]] = [(tree, True)]
    while todo:
        node, at_top = todo.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend((child, at_top) for child in node.orelse)
            continue
        yield node, at_top
        inside = at_top and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        todo.extend((child, inside) for child in ast.iter_child_nodes(node))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


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
    for module in graph.imports:
        if module == graph.package:
            continue
        for target in graph.internal(module):
            source, destination = graph.component(module), graph.component(target)
            if source != destination and destination != graph.package:
                edges[source].add(destination)
    return edges


# --- The checks: each returns its findings, one line each, with the import chain -----------------

def web_layer_reached_from_domain_code(graph: ImportGraph) -> list[str]:
    problems = []
    for module in sorted(m for m in graph.imports if graph.is_domain_code(m)):
        for target, chain in sorted(graph.reachable(module).items()):
            if graph.is_web(target):
                problems.append(f"{module} reaches the web layer: {' → '.join(chain)}")
        for (target, name), chain in sorted(graph.external_reached(module).items(), key=str):
            from_request_state = name == "*" and target in {module for module, _ in REQUEST_STATE}
            if (target, name) in REQUEST_STATE | FORMS or from_request_state or target.split(".")[0] == "wtforms":
                problems.append(f"{module} reaches {target}.{name or ''}: {' → '.join(chain)}".replace(".:", ":"))
    return problems


def flask_reached_from(graph: ImportGraph, modules: tuple[str, ...]) -> list[str]:
    return [f"{module} reaches {target}: {' → '.join(chain)}"
            for module in modules
            for (target, _name), chain in sorted(graph.external_reached(module).items(), key=str)
            if target.split(".")[0] in FLASK_PACKAGES]


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
