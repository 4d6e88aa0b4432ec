"""`cnnquiz db upgrade` migrates the configured database and says where it is now."""

from __future__ import annotations

from typer.testing import CliRunner

from adapters.cli import app


def test_db_upgrade_then_current(database_url: str) -> None:
    runner = CliRunner()
    before = runner.invoke(app, ["db", "current", "--url", database_url])
    assert before.exit_code == 0 and "empty" in before.output
    done = runner.invoke(app, ["db", "upgrade", "--url", database_url])
    assert done.exit_code == 0, done.output
    after = runner.invoke(app, ["db", "current", "--url", database_url])
    assert after.output.strip() in done.output


def test_db_upgrade_reports_an_unreachable_database_without_its_password() -> None:
    result = CliRunner().invoke(
        app, ["db", "upgrade", "--url", "postgresql://bot:s3cret@127.0.0.1:1/quiz"]
    )
    assert result.exit_code == 1
    assert "Cannot use the database" in result.output and "s3cret" not in result.output
