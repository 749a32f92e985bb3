"""`rasa data validate` passes, and warns about nothing but known Rasa 3.6 blind spots."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

# Rasa 3.6 reports the retrieval intent `faq` as duplicated: it is listed in the domain
# and also derived from the NLU data.
DUPLICATE_FAQ = "The following duplicated intents have been found across multiple domain files: faq"
# Responses used by built-in actions (two-stage fallback), not by stories or rules.
BUILT_IN_RESPONSES = {"utter_ask_rephrase", "utter_default"}
UNUSED = re.compile(r"The utterance '(utter_[a-z_]+)' is not used in any story or rule\.")


def responses_used_outside_stories(root: Path) -> set[str]:
    """Responses that forms ask with, or custom actions utter by name."""
    domain = yaml.safe_load((root / "domain.yml").read_text())
    asked = {
        f"utter_ask_{slot}"
        for form in domain.get("forms", {}).values()
        for slot in form.get("required_slots", [])
    }
    code = "\n".join(p.read_text() for p in (root / "actions").glob("*.py"))
    by_actions = set(re.findall(r'response="(utter_[a-z_]+)"', code))
    return asked | by_actions | BUILT_IN_RESPONSES


def test_rasa_data_validate_is_clean(project_root: Path) -> None:
    result = subprocess.run(
        [
            *(sys.executable, "-m", "operations.quiet", "rasa", "data", "validate"),
            *("--domain", "domain.yml", "--data", "data"),
        ],
        cwd=project_root,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    allowed = responses_used_outside_stories(project_root)
    unexpected = []
    for warning in re.findall(r"UserWarning: (.+?)\n", output):
        unused = UNUSED.fullmatch(warning.strip())
        if warning.strip() == DUPLICATE_FAQ or (unused and unused.group(1) in allowed):
            continue
        unexpected.append(warning)
    assert not unexpected, unexpected
    assert "No story structure conflicts found." in output
