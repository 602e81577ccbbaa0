"""Templates stay readable: no line longer than djLint's max_line_length (pyproject.toml).

djLint's linter (`make lint`) does not measure lines, and its formatter is not used, so this test
keeps the limit. Break a long line where a newline cannot show on the page: between a tag's
attributes, at a space that is already there, or between block elements and table cells. Chinese
text has no spaces, and a newline between two characters renders as one, so run-on text is split
with an empty template comment, which renders nothing:

    …完成投资{{ s.completed|yi1 }}亿元。{% comment %}
    {% endcomment %}占年度计划的…
"""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def max_line_length() -> int:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return int(settings["tool"]["djlint"]["max_line_length"])


def test_no_template_line_is_longer_than_the_limit():
    limit = max_line_length()
    too_long = [
        f"{path.relative_to(ROOT)}:{number}: {len(line)} characters"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > limit
    ]
    assert not too_long, f"template lines over {limit} characters:\n" + "\n".join(too_long)
