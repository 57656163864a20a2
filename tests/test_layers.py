"""The layers of eventsapp: purity holds transitively (STYLE section 13), checked twice.

On the import graph read from the source (tests/import_graph.py says exactly what counts as an
import), so a violation is named with the chain of imports that leads to it:
- domain code (everything but routes, forms, the `web` package, CLI modules and the wiring, i.e.
  packages' `__init__` and the app factory) never reaches the web layer, nor `flask.request`,
  `flask.session`, `current_user` or WTForms, however indirectly;
- the iCalendar serializer (feeds/ical.py, feeds/agenda.py) reaches no Flask package at all;
- the mail worker reaches no routes;
- packages (and core modules) form no cycle, and what the domains build on depends on no domain.

And at run time, in a fresh interpreter: importing a service, a model, a query module, the worker
or the serializer loads none of the web layer (and the serializer not even Flask).
"""
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.import_graph import (
    FLASK_PACKAGES,
    ImportGraph,
    component_edges,
    domains_reached_from_shared_layers,
    find_cycle,
    flask_reached_from,
    routes_reached_from,
    web_layer_reached_from_domain_code,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The packages under eventsapp/ but web.
DOMAINS = ("accounts", "api", "audit", "catalogue", "checkin", "companies", "dashboards", "exports", "feeds", "hosting",
           "mail", "registration")
# The packages a reporting domain reads from (plus core modules); and nothing but the app factory imports it.
READS_ONLY = {"dashboards": {"catalogue", "companies", "registration", "web"}}
PURE_CHARTS = ("eventsapp.dashboards.charts",)
SERIALIZER = ("eventsapp.feeds.ical", "eventsapp.feeds.agenda")
MAIL_WORKER = ("eventsapp.mail.worker", "eventsapp.mail.cli")


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    return ImportGraph.read(PROJECT_ROOT, "eventsapp")


def test_domain_code_never_reaches_the_web_layer_or_the_request(graph):
    assert graph.is_domain_code("eventsapp.catalogue.services") and graph.is_web("eventsapp.catalogue.routes")
    assert web_layer_reached_from_domain_code(graph) == []


def test_the_calendar_serializer_reaches_no_flask_package(graph):
    assert flask_reached_from(graph, SERIALIZER) == []


def test_the_mail_worker_reaches_no_routes(graph):
    assert routes_reached_from(graph, MAIL_WORKER) == []


def test_the_dashboards_read_the_domains_they_draw_and_nothing_imports_them(graph):
    edges = component_edges(graph)
    for package, allowed in READS_ONLY.items():
        reached = {target.split(".")[1] for target in edges[f"eventsapp.{package}"] if target in graph.packages}
        assert reached <= allowed, f"eventsapp.{package} imports {sorted(reached - allowed)}"
        importers = sorted(source for source, targets in edges.items() if f"eventsapp.{package}" in targets)
        assert importers == [], f"{importers} import eventsapp.{package}"


def test_the_charts_reach_no_flask_package(graph):
    assert flask_reached_from(graph, PURE_CHARTS) == []


def test_packages_form_no_cycle(graph):
    assert find_cycle(component_edges(graph)) is None


def test_core_modules_and_the_shared_web_layer_depend_on_no_domain(graph):
    shared = {target for domain in DOMAINS for target in component_edges(graph)[f"eventsapp.{domain}"]}
    assert {"eventsapp.web", "eventsapp.errors", "eventsapp.extensions", "eventsapp.site"} <= shared
    assert domains_reached_from_shared_layers(graph, {f"eventsapp.{domain}" for domain in DOMAINS}) == []


def loaded_by_importing(module: str) -> list[str]:
    """The modules a fresh interpreter holds after `import module`."""
    script = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            check=True, timeout=60)
    return json.loads(result.stdout)


def test_importing_domain_code_really_loads_no_web_module(graph):
    checked = [m for m in sorted(graph.imports) if graph.is_domain_code(m)
               and m.rpartition(".")[2] in ("services", "models", "queries", "worker", "ical", "agenda")]
    assert len(checked) >= 12
    with ThreadPoolExecutor(max_workers=4) as pool:  # each in a fresh interpreter, a few at a time
        loaded = dict(zip(checked, pool.map(loaded_by_importing, checked), strict=True))
    web = {module: [m for m in modules if m.startswith("eventsapp.") and graph.is_web(m)]
           for module, modules in loaded.items()}
    assert {module: found for module, found in web.items() if found} == {}


def test_importing_the_serializer_really_loads_no_flask():
    for module in SERIALIZER:
        flask = [m for m in loaded_by_importing(module) if m.split(".")[0] in FLASK_PACKAGES]
        assert flask == [], f"importing {module} loads {flask}"


# --- The checker itself catches what it must (a check that cannot fail is no check) ---------------

def write_package(root: Path, files: dict[str, str]) -> ImportGraph:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return ImportGraph.read(root, "app")


CLEAN = {
    "app/__init__.py": "from . import shop\n"
                       "def create_app():\n    from .shop import routes\n",
    "app/helpers.py": "from flask import current_app\n",
    "app/shop/__init__.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from flask import Flask\n"
                            "def init_app(app):\n    from .routes import blueprint\n",
    "app/shop/routes.py": "from flask import request\nfrom . import services\n",
    "app/shop/services.py": "import typing\nfrom ..helpers import current_app\n"
                            "if typing.TYPE_CHECKING:\n    from .routes import blueprint\n",
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
    ("app/helpers.py", "import flask as f\nf.request.args\n", "app.shop.services reaches flask.request"),
    ("app/helpers.py", "import flask.globals\nflask.globals.request\n",
     "app.shop.services reaches flask.globals.request"),
    ("app/helpers.py", "from flask import *\n", "app.shop.services reaches flask.*"),
    ("app/helpers.py", "from typing import TYPE_CHECKING\nif not TYPE_CHECKING:\n    from flask import session\n",
     "app.shop.services reaches flask.session"),
    ("app/helpers.py", "from .shop.routes import blueprint\n", "app.shop.services reaches the web layer"),
    ("app/shop/services.py", "from wtforms import Form\n", "app.shop.services reaches wtforms.Form"),
    # A package's __init__ runs when anything in it is imported: its top level must not load pages.
    ("app/shop/__init__.py", "from .routes import blueprint\n", "app.shop.services reaches the web layer"),
    ("app/__init__.py", "from .shop import routes\n", "app.helpers reaches the web layer"),
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


def test_the_checker_finds_flask_in_a_package_the_serializer_sits_in(tmp_path):
    graph = write_package(tmp_path, {**CLEAN, "app/shop/__init__.py": "from flask import Flask\n"})
    assert flask_reached_from(graph, ("app.shop.ical",)) == ["app.shop.ical reaches flask: app.shop.ical → app.shop"]


def test_the_checker_finds_a_cycle_between_packages(tmp_path):
    graph = write_package(tmp_path, {**CLEAN, "app/shop/ical.py": "from ..mail import worker\n"})
    assert find_cycle(component_edges(graph)) == ["app.mail", "app.shop", "app.mail"]


def test_tests_share_helpers_through_helper_modules_and_fixtures_only():
    """A test module that imports another test module (or a conftest) runs that module's tests'
    setup twice and hides which fixtures a test really uses: shared code lives in helpers modules."""
    graph = ImportGraph.read(PROJECT_ROOT, "tests")
    importing_tests = [f"{module} imports {target}" for module in sorted(graph.imports)
                       for target in sorted(graph.internal(module))
                       if target.rpartition(".")[2].startswith("test_") or target.endswith("conftest")]
    assert "tests.feeds.test_ical" in graph.imports and importing_tests == []
