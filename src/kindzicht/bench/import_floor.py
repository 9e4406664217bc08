"""The plain-SQL floor of a bulk import: the same inserts and the same lookups as
``index.bulk.signals_import``, done directly with psycopg, set-based, in one transaction.

The issue asks for the import's ratio to "the plain SQL of the same inserts and lookups". The
first floor COPYed the signals and joined households once: a tenth of what an import must
write. This one writes, table by table, the rows the import writes for the same file:

- the signals, looked up by BSN (and checked for an active signal of the same organisation);
- one event, one event subject and one audit entry per registration, on the chain of this
  writer, its head moved once (each entry's hash a SHA-256 of its row, not chained: a chain
  cannot be computed set-based, and the import's own chaining is part of its cost);
- an informing per person informed, or an informing task;
- the families: the import's own statement (``people.family.signalled_families_statement``)
  into a temporary table, then the children locked;
- for each concerned child without open risk: a risk period and a responsibility period (the
  opener: the first organisation of the file that concerns the child, as
  ``index.bulk._openings``), its earlier claims and closed risk read, and a ``risk_opened``
  event, subject and audit entry where the opener's signal is not on the child itself;
- the matches (child and family level, ended where they grew) with their proposed
  coordinator by the default sector priority, and one notification per organisation per
  group of organisations (``index.matching._notify``);
- each row's keys checked as it is written, as the import checks them.

What it leaves out is what plain SQL cannot do: the audit hash chain, the texts of the
notifications as the service words them, sending them. PostgreSQL only (COPY); rolled back.
"""

from __future__ import annotations

import csv
import io
import time
from contextlib import nullcontext
from datetime import date, datetime, timedelta

from django.db import transaction

from kindzicht.core import clock, planning
from kindzicht.core.audit import chain_for_this_writer
from kindzicht.people.family import _years_before, signalled_families_statement

STAGE = """CREATE TEMPORARY TABLE floor_stage (line int, organisation bigint, bsn varchar(9),
  contact varchar(200), informed_on date) ON COMMIT DROP"""

#: the BSN looked up, an active signal of the same organisation looked for; ids reserved
SIGNALS_LOOKED_UP = """
CREATE TEMPORARY TABLE floor_sig ON COMMIT DROP AS
SELECT nextval('refindex_signal_id_seq') AS id, nextval('core_domainevent_id_seq') AS event_id,
       s.line, p.id AS person, s.organisation, s.contact, s.informed_on, p.birth_date,
       min(s.line) OVER (PARTITION BY s.organisation) AS org_first
FROM floor_stage s JOIN people_person p ON p.bsn = s.bsn
WHERE NOT EXISTS (SELECT 1 FROM refindex_signal x WHERE x.person_id = p.id
                  AND x.organisation_id = s.organisation AND x.ended_at IS NULL)
ORDER BY p.id"""

EVENTS = """
INSERT INTO core_domainevent (id, type, occurred_at, occurred_on, recorded_at, role,
  object_type, object_id, payload, actor_id, organisation_id)
SELECT event_id, %(type)s, %(at)s, %(day)s, %(at)s, 'system', %(object_type)s, object_id,
       payload, NULL, NULL FROM floor_ev ORDER BY event_id"""

SUBJECTS = """INSERT INTO core_eventsubject (event_id, person_id)
SELECT event_id, person FROM floor_ev ORDER BY event_id"""

AUDIT = """
INSERT INTO core_auditentry (chain, seq, recorded_at, domain_at, actor_id, organisation_id,
  role, action, kind, person_ids, object_type, object_id, event_id, purpose, prev_hash, hash)
SELECT %(chain)s, %(seq)s + row_number() OVER (ORDER BY event_id), %(at)s, %(at)s, NULL, NULL,
       'system', %(type)s, 'write', jsonb_build_array(person), %(object_type)s, object_id,
       event_id, 'bench floor', '',
       encode(sha256(convert_to(concat_ws('|', event_id, person, object_id, payload), 'UTF8')),
              'hex')
FROM floor_ev"""

SIGNALS = """
INSERT INTO refindex_signal (id, at, "on", contact, observer, expires_on, end_reason, event_id,
  organisation_id, person_id, professional_id)
SELECT id, %(at)s, %(day)s, contact, '',
       LEAST(%(expires)s, (birth_date + interval '23 years')::date), '', event_id,
       organisation, person, NULL FROM floor_sig ORDER BY id"""

INFORMINGS = """
INSERT INTO refindex_informing (at, "on", whom, outcome, reason, review_on, event_id,
  professional_id, signal_id)
SELECT %(at)s, f.informed_on, w.whom, 'informed', '', NULL, f.event_id, NULL, f.id
FROM floor_sig f CROSS JOIN LATERAL (VALUES ('person', f.birth_date <= %(twelve)s),
                                            ('parents', f.birth_date > %(sixteen)s)) w(whom, due)
WHERE f.informed_on IS NOT NULL AND w.due"""

TASKS = """
INSERT INTO rules_task (kind, code, key, municipality_code, raised_on, due_on, level, text,
  facts, evidence, status, answer, created_at, assignee_id, child_id, organisation_id)
SELECT 'task', 'index_inform', 'signal:' || f.id, '', %(day)s, %(due)s, 0,
       'Informeer de betrokkenen over het signaal in de verwijsindex op ' || p.given_name
       || ' ' || p.family_name || ', of leg vast waarom u dat uitstelt.',
       jsonb_build_array(%(day)s || ': signaal geregistreerd (import)'),
       jsonb_build_array(f.event_id), 'open', '', %(at)s, NULL, f.person, f.organisation
FROM floor_sig f JOIN people_person p ON p.id = f.person WHERE f.informed_on IS NULL"""

LOCK_CHILDREN = """
SELECT id FROM people_person WHERE id IN (SELECT b FROM floor_fam WHERE what = 'c'
                                          UNION SELECT a FROM floor_fam WHERE what = 'f')
ORDER BY id FOR UPDATE"""

#: the opener of each concerned child not at open risk: the file's first organisation that
#: concerns it; named: that organisation's signal is on the child itself
OPENINGS = """
CREATE TEMPORARY TABLE floor_open ON COMMIT DROP AS
SELECT o.child, o.opener, e.event_id, e.event_id IS NOT NULL AS named FROM (
  SELECT DISTINCT ON (c.b) c.b AS child, f.organisation AS opener
  FROM floor_fam c JOIN floor_sig f ON f.person = c.a
  WHERE c.what = 'c' AND NOT EXISTS (SELECT 1 FROM continuity_riskperiod r
                                     WHERE r.child_id = c.b AND r.closed_at IS NULL)
  ORDER BY c.b, f.org_first) o
LEFT JOIN floor_sig e ON e.person = o.child AND e.organisation = o.opener"""

#: what decides the holder: the last closed risk and the claims since (read, as the service)
HOLDERS_READ = """
SELECT o.child, max(r.closed_at), max(t.at) FROM floor_open o
LEFT JOIN continuity_riskperiod r ON r.child_id = o.child
LEFT JOIN continuity_responsibilitytaking t ON t.child_id = o.child
GROUP BY o.child"""

END_CURRENT = """
UPDATE continuity_responsibilityperiod SET ended_at = %(at)s, ended_on = %(day)s,
  end_reason = 'risk_opened'
WHERE child_id IN (SELECT child FROM floor_open) AND ended_at IS NULL"""

UNNAMED = """UPDATE floor_open SET event_id = nextval('core_domainevent_id_seq')
WHERE NOT named"""

RISK = """
INSERT INTO continuity_riskperiod (at, "on", close_reason, child_id, event_id, opened_by_id)
SELECT %(at)s, %(day)s, '', child, event_id, opener FROM floor_open ORDER BY child"""

RESPONSIBILITY = """
INSERT INTO continuity_responsibilityperiod (at, "on", basis, how, end_reason, child_id,
  event_id, organisation_id)
SELECT %(at)s, %(day)s, '', 'opened', '', child, event_id, opener FROM floor_open
ORDER BY child"""

#: per child and level, the people and organisations a match would cover
MATCH_STATE = """
CREATE TEMPORARY TABLE floor_state ON COMMIT DROP AS
WITH fam AS (SELECT DISTINCT a AS child, b AS member FROM floor_fam WHERE what = 'f'),
sig AS (SELECT f.child, f.member, s.organisation_id AS org FROM fam f
        JOIN refindex_signal s ON s.person_id = f.member AND s.ended_at IS NULL)
SELECT child, 'child' AS level, jsonb_build_array(child) AS people,
       to_jsonb(array_agg(DISTINCT org ORDER BY org)) AS orgs
FROM sig WHERE member = child GROUP BY child HAVING count(DISTINCT org) >= 2
UNION ALL
SELECT child, 'family', to_jsonb(array_agg(DISTINCT member ORDER BY member)),
       to_jsonb(array_agg(DISTINCT org ORDER BY org))
FROM sig GROUP BY child HAVING count(DISTINCT member) >= 2 AND count(DISTINCT org) >= 2"""

#: an open match that does not cover what its child's family now holds ends (a new one
#: follows); one that covers it stays
MATCHES_ENDED = """
UPDATE refindex_match m SET ended_on = %(day)s
WHERE m.ended_on IS NULL AND m.child_id IN (SELECT a FROM floor_fam WHERE what = 'f')
  AND NOT EXISTS (SELECT 1 FROM floor_state s WHERE s.child = m.child_id AND s.level = m.level
                  AND m.person_ids @> s.people AND m.organisation_ids @> s.orgs)"""

#: the new matches with their proposed coordinator, and one notification per organisation
#: per group of organisations, naming the others and how to reach them
MATCHES_NEW = """
WITH todo AS (
  SELECT s.child, s.level, s.people, s.orgs FROM floor_state s
  WHERE NOT EXISTS (SELECT 1 FROM refindex_match m WHERE m.child_id = s.child
                    AND m.level = s.level AND m.ended_on IS NULL)),
proposed AS (
  SELECT DISTINCT ON (t.child, t.level) t.child, t.level, o.id
  FROM todo t, jsonb_array_elements_text(t.orgs) x JOIN people_organisation o ON o.id = x::bigint
  ORDER BY t.child, t.level,
           array_position(%(priority)s::varchar[], o.sector::varchar) NULLS LAST, o.id),
new AS (
  INSERT INTO refindex_match (at, "on", level, person_ids, organisation_ids, ended_on,
    child_id, event_id, proposed_coordinator_id)
  SELECT %(at)s, %(day)s, t.level, t.people, t.orgs, NULL, t.child, NULL, p.id
  FROM todo t JOIN proposed p ON p.child = t.child AND p.level = t.level
  RETURNING organisation_ids, person_ids),
grp AS (
  SELECT n.organisation_ids AS orgs,
         to_jsonb(array_agg(DISTINCT p::bigint ORDER BY p::bigint)) AS people
  FROM new n, jsonb_array_elements_text(n.person_ids) p GROUP BY n.organisation_ids),
told AS (
  SELECT g.orgs, g.people, string_agg(o.name || ': ' || o.phone || ' ' || o.email, E'\\n')
         AS others
  FROM grp g, jsonb_array_elements_text(g.orgs) x JOIN people_organisation o ON o.id = x::bigint
  GROUP BY g.orgs, g.people)
INSERT INTO core_notification (kind, subject, body, person_id, created_at, sent_at, read_at,
  organisation_id, professional_id, read_by_id, mail_attempts, person_ids)
SELECT 'match', 'Match in de verwijsindex',
       'Uw signaal heeft een match. Ook betrokken:' || E'\\n' || t.others,
       (t.people ->> 0)::bigint, %(at)s, NULL, NULL, x::bigint, NULL, NULL, 0, t.people
FROM told t, jsonb_array_elements_text(t.orgs) x"""

WRITTEN = """SELECT relname, n_tup_ins FROM pg_stat_xact_user_tables
WHERE relname = ANY(%s) AND n_tup_ins > 0"""


def import_tables() -> list[str]:
    """The tables an import (and so its floor) writes to: the rows each inserted are counted
    in them, and the bench vacuums them after its rolled-back import."""
    from kindzicht.continuity.models import ResponsibilityPeriod, RiskPeriod
    from kindzicht.core.models import (
        AuditChainHead,
        AuditEntry,
        DomainEvent,
        EventSubject,
        Notification,
    )
    from kindzicht.index.models import Informing, Match, Signal
    from kindzicht.rules.models import Task

    return [m._meta.db_table for m in (Signal, Informing, Task, RiskPeriod,
                                       ResponsibilityPeriod, Match, Notification, DomainEvent,
                                       EventSubject, AuditEntry, AuditChainHead)]


def rows_written(cur, since: dict[str, int] | None = None) -> dict[str, int]:
    """The rows this transaction inserted into each of :func:`import_tables` so far (PostgreSQL's
    own count of the transaction's inserts), or since an earlier count of them (``since``: a
    test's transaction holds the population's rows too)."""
    cur.execute(WRITTEN, [import_tables()])
    since = since or {}
    return {name: n - since.get(name, 0) for name, n in cur.fetchall()
            if n > since.get(name, 0)}


def measure(conn, text: str, day: date) -> tuple[float, dict[str, float], dict[str, int]]:
    """Run the floor for an import's CSV ``text`` on the raw psycopg connection ``conn``,
    rolled back: (seconds, seconds per step, rows written per table)."""
    from kindzicht.index.bulk import ACTIVE_SIGNALLED, OPEN_MATCHED
    from kindzicht.index.policy import DEFAULT_COORDINATOR_PRIORITY, DEFAULT_INFORM_DAYS

    moment = datetime(day.year, day.month, day.day, 12, 0, tzinfo=clock.zone())
    p = {"at": moment, "day": day, "expires": date(day.year + 2, day.month, min(day.day, 28)),
         "twelve": _years_before(day, 12), "sixteen": _years_before(day, 16),
         "due": day + timedelta(days=DEFAULT_INFORM_DAYS),
         "priority": list(DEFAULT_COORDINATOR_PRIORITY), "chain": chain_for_this_writer()}
    steps: dict[str, float] = {}
    last = 0.0

    def step(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        steps[name] = now - last
        last = now

    # Django's transaction, not psycopg's: the families' planner settings take a savepoint
    # of it (core.planning)
    with transaction.atomic(), conn.cursor() as cur:
        before = rows_written(cur)
        started = last = time.perf_counter()
        # each key checked as its row is written, as the import does (core.rows
        # .checked_as_written): at the commit, PostgreSQL checks the deferred keys row by row
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute(STAGE)
        with cur.copy("COPY floor_stage (line, organisation, bsn, contact, informed_on) "
                      "FROM STDIN") as cp:
            for line, rec in enumerate(csv.DictReader(io.StringIO(text)), start=2):
                cp.write_row((line, int(rec["organisation"]), rec["bsn"], rec["contact"],
                              rec["informed_on"] or None))
        step("COPY in een staging-tabel")
        cur.execute(SIGNALS_LOOKED_UP)
        cur.execute("ANALYZE floor_sig")
        step("BSN → persoon, eigen actieve signalen gezocht")
        cur.execute("CREATE TEMPORARY TABLE floor_ev ON COMMIT DROP AS SELECT event_id, person, "
                    "id AS object_id, CASE WHEN informed_on IS NULL THEN "
                    "'{\"imported\": true, \"on_behalf\": false}'::jsonb ELSE jsonb_build_object("
                    "'imported', true, 'on_behalf', false, 'informed_on', informed_on) END "
                    "AS payload FROM floor_sig")
        _events(cur, p, "signal_registered", "refindex.signal")
        cur.execute(SIGNALS, p)
        step("signalen, gebeurtenissen, onderwerpen, auditregels")
        cur.execute(INFORMINGS, p)
        cur.execute(TASKS, p)
        step("informeringen en taken")
        cur.execute("SELECT person FROM floor_sig")
        people = {r[0] for r in cur.fetchall()}
        statement, params, whole = signalled_families_statement(
            people, day, signalled=ACTIVE_SIGNALLED, kept=OPEN_MATCHED, themselves=True)
        with planning.settings(planning.WHOLE_TABLES) if whole else nullcontext():
            cur.execute("CREATE TEMPORARY TABLE floor_fam (what, a, b) ON COMMIT DROP AS "
                        + statement, params)
        cur.execute("ANALYZE floor_fam")
        step("gezinnen (de query van de import)")
        cur.execute(LOCK_CHILDREN)
        cur.execute(OPENINGS)
        cur.execute(HOLDERS_READ)
        cur.execute(END_CURRENT, p)
        cur.execute(UNNAMED)
        cur.execute(RISK, p)
        cur.execute(RESPONSIBILITY, p)
        cur.execute("DROP TABLE floor_ev")
        cur.execute("CREATE TEMPORARY TABLE floor_ev ON COMMIT DROP AS SELECT event_id, "
                    "child AS person, NULL::bigint AS object_id, jsonb_build_object("
                    "'opened_by', opener, 'holder', opener) AS payload FROM floor_open "
                    "WHERE NOT named")
        _events(cur, p, "risk_opened", "")
        step("open risico: kinderen vergrendeld, perioden, gebeurtenissen")
        cur.execute(MATCH_STATE)
        cur.execute(MATCHES_ENDED, p)
        cur.execute(MATCHES_NEW, p)
        step("matches en berichten")
        seconds = time.perf_counter() - started
        written = rows_written(cur, since=before)
        transaction.set_rollback(True)
    return seconds, steps, written


def _events(cur, p: dict, type_: str, object_type: str) -> None:
    """``floor_ev``'s rows as events, event subjects and audit entries, the chain's head
    locked and moved once."""
    q = {**p, "type": type_, "object_type": object_type}
    cur.execute(EVENTS, q)
    cur.execute(SUBJECTS)
    cur.execute("INSERT INTO core_auditchainhead (chain, last_seq, last_hash) "
                "VALUES (%s, 0, '') ON CONFLICT DO NOTHING", [p["chain"]])
    cur.execute("SELECT last_seq FROM core_auditchainhead WHERE chain = %s FOR UPDATE",
                [p["chain"]])
    q["seq"] = cur.fetchone()[0]
    cur.execute(AUDIT, q)
    cur.execute("UPDATE core_auditchainhead SET last_seq = last_seq + (SELECT count(*) "
                "FROM floor_ev) WHERE chain = %s", [p["chain"]])

