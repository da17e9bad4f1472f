"""`core` imports no other Gongzhi app: not at module level, not inside a function, not under
`if TYPE_CHECKING`. Apps plug into core through their manifests (core/manifest.py,
docs/decisions/0011-app-manifests.md); relative imports stay inside core by construction."""

import ast
from pathlib import Path

import gongzhi.core

CORE = Path(gongzhi.core.__file__).parent


def _imported_modules(tree, package):
    """(line, absolute module name) for every Import / ImportFrom anywhere in `tree`, relative
    ones resolved against `package` (the parts of the module's package name)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # `from . import x` is the package itself, `..` its parent…
                base = package[: len(package) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            yield node.lineno, name
            # `from gongzhi import accounts` imports an app too.
            for alias in node.names:
                yield node.lineno, f"{name}.{alias.name}"


def _violations():
    found = []
    for path in sorted(CORE.rglob("*.py")):
        package = list(path.parent.relative_to(CORE.parent.parent).parts)  # ["gongzhi", "core", …]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for lineno, name in _imported_modules(tree, package):
            pieces = name.split(".")
            if pieces[0] == "gongzhi" and len(pieces) > 1 and pieces[1] != "core" and _is_app(pieces[1]):
                found.append(f"{path.relative_to(CORE.parent)}:{lineno} imports {name}")
    return found


def _is_app(name):
    """Is `gongzhi.<name>` one of the project's apps (a package beside core)?"""
    return (CORE.parent / name / "__init__.py").exists()


def test_core_imports_no_other_app():
    assert _violations() == []


def test_the_check_finds_an_app_import():
    """The walker sees imports inside functions and relative imports that climb out of core."""
    source = "def f():\n    from gongzhi.registry.models import Tag\n\nfrom ..accounts import scoping\n"
    tree = ast.parse(source)
    names = [name for _line, name in _imported_modules(tree, ["gongzhi", "core"])]
    assert "gongzhi.registry.models" in names
    assert "gongzhi.accounts" in names
