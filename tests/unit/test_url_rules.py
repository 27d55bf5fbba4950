"""Thin blueprints: each blueprint package makes its blueprint and lists all its URL
rules in one table (its __init__.py); the view modules hold plain functions and never
import the blueprint, so no module registers routes as a side effect of being imported."""

import ast
import importlib
from pathlib import Path

import pytest

import summit.blueprints

BLUEPRINTS = Path(summit.blueprints.__file__).parent
PACKAGES = sorted(p.parent.name for p in BLUEPRINTS.glob("*/__init__.py"))


def test_every_blueprint_of_the_app_is_one_package_with_a_table(app):
    assert set(app.blueprints) == set(PACKAGES)
    for name in PACKAGES:
        package = importlib.import_module(f"summit.blueprints.{name}")
        assert package.bp.name == name
        assert package.URLS, name


@pytest.mark.parametrize(
    "module",
    sorted(
        str(path.relative_to(BLUEPRINTS))
        for path in BLUEPRINTS.glob("*/*.py")
        if path.name != "__init__.py"
    ),
)
def test_view_modules_do_not_know_the_blueprint(module):
    tree = ast.parse((BLUEPRINTS / module).read_text())
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert "bp" not in imported | names
    assert "Blueprint" not in imported


@pytest.mark.parametrize("name", PACKAGES)
def test_the_url_map_is_exactly_the_table(app, name):
    package = importlib.import_module(f"summit.blueprints.{name}")
    prefix = package.bp.url_prefix or ""
    listed = sorted(
        (prefix + rule, f"{name}.{endpoint}", tuple(sorted(methods)))
        for rule, endpoint, _view, methods, *_options in package.URLS
    )
    registered = sorted(
        (rule.rule, rule.endpoint, tuple(sorted(rule.methods - {"HEAD", "OPTIONS"})))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(f"{name}.")
    )
    assert registered == listed
    for _rule, endpoint, view, _methods, *_options in package.URLS:
        assert app.view_functions[f"{name}.{endpoint}"] is view
