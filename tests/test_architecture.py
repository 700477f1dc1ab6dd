"""The house matches its map (docs/architecture.md): no import cycle between our
packages, none between modules, and no module over 400 lines."""

import itertools
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "printing",
    "receivables",
    "dunning",
    "reminders",
    "channels",
    "banking",
    "insight",
    "web",
    "api",
    "relance",
]
MAX_LINES = 400


def _graph():
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_no_import_cycle_between_packages():
    graph = _graph()
    cycles = [
        (a, b)
        for a, b in itertools.combinations(PACKAGES, 2)
        if graph.chain_exists(importer=a, imported=b, as_packages=True)
        and graph.chain_exists(importer=b, imported=a, as_packages=True)
    ]
    assert cycles == [], "packages importing each other (directly or not): " + ", ".join(
        f"{a} ↔ {b}" for a, b in cycles
    )


def test_no_import_cycle_between_modules():
    graph = _graph()
    modules = sorted(graph.modules)
    cycles = []
    for module in modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != module and graph.chain_exists(importer=imported, imported=module):
                cycles.append(f"{module} → {imported} → … → {module}")
    assert cycles == [], "\n".join(cycles)


def test_no_module_over_400_lines_outside_migrations_and_tests():
    big = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                big.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert big == [], "split these by purpose: " + ", ".join(big)
