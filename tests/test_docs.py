"""The README stays true: every command, setting, env name and named query is documented."""

from __future__ import annotations

from dataclasses import fields

import click

from kg.cli import cli
from kg.settings import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme_and_has_help() -> None:
    for name, command in cli.commands.items():
        assert f"kg {name}" in README, f"`kg {name}` is not documented in README.md"
        assert command.help and "Example" in command.help, f"`kg {name}` needs help text with an Example"


def test_every_option_of_every_command_is_in_the_readme() -> None:
    for name, command in cli.commands.items():
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                longest = max(param.opts, key=len)
                assert longest in README, f"option {longest} of `kg {name}` is not in README.md"


def test_every_setting_and_env_name_is_in_the_readme() -> None:
    for field in fields(Settings):
        assert f"`{field.name}`" in README, f"setting {field.name} is not in README.md"
        env = field.metadata.get("env")
        if env:
            assert env in README, f"environment variable {env} is not in README.md"


def test_every_named_query_is_in_the_readme() -> None:
    from kg.query import list_named_queries

    for query in list_named_queries():
        assert f"`{query.name}`" in README, f"named query {query.name} is not in README.md"


def test_the_two_commands_are_the_makefile_targets_and_ci_calls_the_test_one() -> None:
    assert "make demo" in README and "make test" in README
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ndemo:" in makefile and "\ntest:" in makefile
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in ci.splitlines() if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert commands == ["make test"]
