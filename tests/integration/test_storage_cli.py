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
    assert "Nothing is listening at 127.0.0.1:1" in result.output
    assert "s3cret" not in result.output


def test_db_upgrade_with_a_malformed_url_or_missing_driver_says_why_without_a_traceback() -> None:
    runner = CliRunner()
    garbage = runner.invoke(app, ["db", "upgrade", "--url", "not a url :s3cret@"])
    assert garbage.exit_code == 1, garbage.output
    assert "is not a database URL" in garbage.output and "Traceback" not in garbage.output
    assert "s3cret" not in garbage.output
    no_driver = runner.invoke(app, ["db", "current", "--url", "mysql://bot:s3cret@db/quiz"])
    assert no_driver.exit_code == 1, no_driver.output
    assert "mysql databases are not supported" in no_driver.output
    assert "s3cret" not in no_driver.output
    assert isinstance(no_driver.exception, SystemExit)
