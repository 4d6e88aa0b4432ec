"""`cnnquiz drop ...` manages schedules in the database the bot reads."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from adapters.cli import drops_cmd


def _cli() -> typer.Typer:
    root = typer.Typer()
    drops_cmd.register(root)

    @root.command("noop")
    def noop() -> None:  # a second command keeps `drop` a sub-command
        """Nothing."""

    return root


def test_cli_sets_lists_pauses_and_reports_bad_input(database_url: str) -> None:
    cli, runner = _cli(), CliRunner()
    where = ["--platform", "discord", "--workspace", "g1", "--url", database_url]
    made = runner.invoke(
        cli,
        ["drop", "set", *where, "--channel", "c1", "--time", "09:00", "--tz", "Europe/Berlin"],
    )
    bad = runner.invoke(
        cli, ["drop", "set", *where, "--channel", "c2", "--time", "9pm", "--tz", "Europe/Berlin"]
    )
    bad_zone = runner.invoke(
        cli, ["drop", "set", *where, "--channel", "c2", "--time", "09:00", "--tz", "Berlin"]
    )
    listed = runner.invoke(cli, ["drop", "list", *where])
    queued = runner.invoke(cli, ["drop", "now", *where, "--channel", "c1"])
    paused = runner.invoke(cli, ["drop", "off", *where, "--channel", "c1"])
    after = runner.invoke(cli, ["drop", "list", *where])
    assert made.exit_code == 0 and "09:00 Europe/Berlin" in made.output
    assert bad.exit_code == 1 and "e.g. 09:30" in bad.output
    assert bad_zone.exit_code == 1 and "like Europe/Berlin" in bad_zone.output
    assert "c1" in listed.output and "mon-fri" in listed.output and "active" in listed.output
    assert "c2" not in listed.output
    assert queued.exit_code == 0 and "Queued" in queued.output
    assert paused.exit_code == 0 and "Paused" in paused.output
    assert "paused" in after.output


def test_cli_refuses_an_unknown_platform_instead_of_storing_a_dead_schedule(
    database_url: str,
) -> None:
    cli, runner = _cli(), CliRunner()
    args = ["--channel", "c1", "--time", "09:00", "--tz", "Europe/Berlin", "--url", database_url]
    typo = runner.invoke(cli, ["drop", "set", "--platform", "slak", "--workspace", "T1", *args])
    blank = runner.invoke(cli, ["drop", "set", "--platform", "slack", "--workspace", " ", *args])
    listed = runner.invoke(
        cli, ["drop", "list", "--platform", "Slack", "--workspace", "T1", "--url", database_url]
    )
    assert typo.exit_code == 2 and "Use --platform discord or slack" in typo.output
    assert blank.exit_code == 2 and "--workspace T0123" in blank.output
    assert listed.exit_code == 0 and "No drop schedules" in listed.output
