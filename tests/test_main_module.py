import subprocess
import sys


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clientalytics", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_python_dash_m_runs_the_command_line():
    done = _run("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: clientalytics")
    assert "report" in done.stdout


def test_python_dash_m_reports_bad_input_without_a_traceback(tmp_path):
    done = _run("report", "--data", str(tmp_path / "absent"), "--output", str(tmp_path / "r.html"))
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].startswith("clientalytics: error: data folder")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists()
