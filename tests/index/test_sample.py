"""The demo's regional index to try the import with (``index.sample``): registrations on young
people who live with someone who has a signal — their families are cases, so the import makes
family matches and the retention keeps them — and two rows the check rejects."""

from __future__ import annotations

from kindzicht.index.bulk import signals_import
from kindzicht.index.sample import sample_import
from kindzicht.index.services import signal_register

from .conftest import SYSTEM


def test_the_sample_registers_who_lives_with_a_signal_and_rejects_its_two_bad_rows(orgs, fam):
    assert sample_import() is None  # no one lives with a signal yet: nothing to try
    signal_register(orgs.pro["ggz"], person=fam.mother)

    text = sample_import()
    bsns = [line.split(",")[1] for line in text.splitlines()[1:]]
    # the girl lives with her mother; the half-brother lives with his father, who has none
    assert bsns[0] == fam.girl.bsn and fam.half_brother.bsn not in bsns
    assert fam.mother.bsn not in bsns[:-2]  # has a signal already

    report = signals_import(SYSTEM, source=text, dry_run=True)
    assert [line for line, _e in report.rejected] == [report.rows, report.rows + 1]
    report = signals_import(SYSTEM, source=text, partial=True)
    assert report.imported == report.rows - 2
