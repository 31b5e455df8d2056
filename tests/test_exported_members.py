"""The public API is small, sorted and complete (after httpx's test_exported_members)."""

from __future__ import annotations

import kg


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert kg.__all__ == sorted(kg.__all__)
    for name in kg.__all__:
        assert getattr(kg, name) is not None, name


def test_unknown_attribute_raises_attribute_error() -> None:
    try:
        kg.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_import_kg_does_not_load_spacy() -> None:
    import subprocess
    import sys

    code = "import sys, kg, kg.cli; print('spacy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_public_functions_stay_functions_after_their_modules_are_imported() -> None:
    import importlib
    import inspect

    for name in kg.__all__:
        module_name = f"kg.{name}"
        try:
            importlib.import_module(module_name)
        except ImportError:
            continue
        # A submodule import sets kg.<name> to the module; public names must not collide.
        raise AssertionError(f"kg.{name} is both a public name and a submodule")
    assert inspect.isfunction(kg.enrich_corpus) and inspect.isfunction(kg.validate_graph)
