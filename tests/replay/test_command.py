"""``kindzicht replay FILE [--json]``: exit statuses, errors naming the file line, nothing
written for an invalid file, and a fresh in-memory database for the console command."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kindzicht.core.models import DomainEvent
from kindzicht.learning.management.commands.replay import replay_file
from kindzicht.people.models import Organisation, Person

REPO = Path(__file__).resolve().parents[2]
KINDZICHT = Path(sys.executable).with_name("kindzicht")

SMALL = """\
format: 1
title: "Small"
start: 2012-03-01
end: 2012-03-05
organisations:
  gi: {sector: youth_protection, name: "GI"}
people:
  mila:  {birth_date: 2009-06-01, name: "Mila"}
  sanne: {birth_date: 1985-02-01}
relations:
  - [sanne, parent_of, mila]
households:
  h1: {members: [sanne, mila], municipality: "0344", postcode: "3511AB"}
timeline:
  - {at: 2012-03-01, by: gi, do: involve, person: mila, service: "support"}
  - {at: 2012-03-02, by: gi, do: handover, child: mila, to: gi, as: h1}
expect:
  refused:
    - {at: 2012-03-02, do: handover}
"""

INVALID = {
    "unknown key": (SMALL.replace('service: "support"}', 'service: "support", colour: 1}'),
                    15, "unknown key 'colour'"),
    "unknown do": (SMALL.replace("do: involve", "do: involved"), 15, "unknown do"),
    "missing field": (SMALL.replace(', service: "support"', ""), 15, "involve needs service"),
    "undefined reference": (SMALL.replace("to: gi", "to: vt"), 16, "'vt' is not an organisation"),
    "dates out of order": (SMALL.replace("at: 2012-03-01, by", "at: 2012-03-03, by"), 16,
                           "out of order"),
    "invalid BSN": (SMALL.replace('name: "Mila"}', 'name: "Mila", bsn: "123456789"}'), 8,
                    "11-proef"),
    "bad YAML": (SMALL.replace("[sanne, parent_of, mila]", "[sanne, parent_of, mila"), 11,
                 "invalid YAML"),
}


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(INVALID), ids=list(INVALID))
def test_invalid_file_exits_2_naming_the_line_and_writes_nothing(case, tmp_path):
    text, line, message = INVALID[case]
    path = write(tmp_path, text)
    counts = (DomainEvent.objects.count(), Person.objects.count(), Organisation.objects.count())
    out, err = io.StringIO(), io.StringIO()
    assert replay_file(str(path), as_json=True, stdout=out, stderr=err) == 2
    assert out.getvalue() == ""
    first = err.getvalue().splitlines()[0]
    assert first.startswith(f"{path}:{line}: ") and message in first, err.getvalue()
    assert (DomainEvent.objects.count(), Person.objects.count(),
            Organisation.objects.count()) == counts


@pytest.mark.django_db
def test_json_output_and_exit_status_follow_expect(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert replay_file(str(write(tmp_path, SMALL)), as_json=True, stdout=out, stderr=err) == 0
    data = json.loads(out.getvalue())
    assert list(data)[:9] == ["format", "title", "start", "end", "actions", "alerts", "matches",
                              "findings", "expect"]
    assert data["actions"][0] == {"line": 15, "at": "2012-03-01", "do": "involve",
                                  "result": "ok"}
    assert data["actions"][1]["result"] == "refused" and data["actions"][1]["reason"]
    assert data["expect"] == {"passed": True, "failures": []}

    failing = SMALL.replace("{at: 2012-03-02, do: handover}", "{at: 2012-03-01, do: involve}")
    out = io.StringIO()
    assert replay_file(str(write(tmp_path, failing, "f.yaml")), as_json=False, stdout=out,
                       stderr=io.StringIO()) == 1
    assert "NIET gehaald" in out.getvalue()


@pytest.mark.skipif(not KINDZICHT.exists(), reason="the kindzicht console script is not installed")
def test_console_command_replays_on_a_fresh_in_memory_database(tmp_path):
    """The console command never touches the configured database: it replays in memory."""
    path = write(tmp_path, SMALL)
    env = {**os.environ, "KINDZICHT_DATA_DIR": str(tmp_path / "var"),
           "KINDZICHT_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    done = subprocess.run([str(KINDZICHT), "replay", str(path), "--json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["expect"]["passed"] is True
    assert not (tmp_path / "demo.sqlite3").exists()
    bad = write(tmp_path, INVALID["unknown do"][0], "bad.yaml")
    done = subprocess.run([str(KINDZICHT), "replay", str(bad)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"{bad}:15: unknown do 'involved'")
