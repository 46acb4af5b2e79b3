"""The report's command-line options: --lang, --title and clientalytics --version."""

import pytest

from clientalytics import __version__, cli


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"clientalytics {__version__}"


@pytest.mark.parametrize(("argv", "lang", "title"), [
    ([], None, None),
    (["--lang", "ru", "--title", "ООО Вектор"], "ru", "ООО Вектор"),
    (["--lang", "en"], "en", None),
])  # fmt: skip
def test_lang_and_title_reach_the_report(tmp_path, monkeypatch, argv, lang, title):
    seen = {}

    def fake_write_report(base, path, **options):
        seen.update(options)
        return []

    monkeypatch.setattr("clientalytics.report.write_report", fake_write_report)
    out = tmp_path / "r.html"
    assert cli.main(["report", "--output", str(out), "--quiet", *argv]) == 0
    assert seen["lang"] == lang and seen["title"] == title


def test_an_unknown_language_is_refused(capsys):
    with pytest.raises(SystemExit):
        cli.main(["report", "--lang", "de"])
    assert "invalid choice: 'de'" in capsys.readouterr().err
