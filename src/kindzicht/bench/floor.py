"""The floor: each rule's occurrences computed by one plain, set-based SQL query per rule,
run with psycopg directly on the same tables (PostgreSQL only).

These are what the rules would cost if they were single queries: the same rows, the same
conditions (open risk on the day, the policy's default day counts, the deadlines of
findings.md). Where a rule's Python is subtler than one query (P1's "both involved since",
P4's episodes, K5's full family definition) the query follows the same definition with the
family read as parents, their partners, siblings and household members — the report prints
both occurrence counts so the difference is visible. They double as the set-based
replacements the report suggests.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from django.db import connection

from kindzicht.rules.reassessment import R1_EVENTS
from kindzicht.safety.factors import FACTORS

#: shared building blocks
_RISK = """
risk AS NOT MATERIALIZED (
  SELECT r.child_id, r."on" AS s,
         LEAST(COALESCE(r.closed_on, 'infinity'::date),
               (p.birth_date + interval '18 years')::date) AS e
  FROM continuity_riskperiod r JOIN people_person p ON p.id = r.child_id
  WHERE r."on" <= %(day)s AND (%(all)s OR r.child_id = ANY(%(scope)s))
)"""

_INVOLVED = """
involved AS NOT MATERIALIZED (  -- findings.md 'Involved': person, organisation, [s, e)
  SELECT person_id AS person, organisation_id AS org, "on" AS s, ended_on AS e
    FROM continuity_involvement
  UNION ALL SELECT person_id, organisation_id, "on", ended_on FROM refindex_signal
  UNION ALL SELECT child_id, organisation_id, "on", decided_on FROM meldcode_concern
  UNION ALL SELECT child_id, organisation_id, "on", ended_on FROM continuity_responsibilityperiod
            WHERE organisation_id IS NOT NULL
  UNION ALL SELECT child_id, receiver_id, accepted_on,
                   COALESCE(confirmed_on, declined_on, withdrawn_on)
            FROM continuity_handover WHERE accepted_on IS NOT NULL
)"""

_SPECIALIST = ", ".join(f"('{code}', '{sector}')" for code, (_d, sector) in FACTORS.items()
                        if sector)
_R1 = ", ".join(f"'{k}'" for k in R1_EVENTS)


def _plan_covers(child: str, day: str) -> str:
    """A family plan in force on ``day`` of the child, or of a household it lives in."""
    in_force = (f'pl."on" <= {day} AND (pl.replaced_on IS NULL OR pl.replaced_on > {day})')
    return (f"(EXISTS (SELECT 1 FROM plans_familyplan pl WHERE pl.child_id = {child} "
            f"AND {in_force}) OR EXISTS (SELECT 1 FROM people_householdmembership hm "
            f"JOIN plans_familyplan pl ON pl.household_id = hm.household_id "
            f"WHERE hm.person_id = {child} AND (hm.joined_on IS NULL OR hm.joined_on <= {day}) "
            f"AND (hm.left_on IS NULL OR hm.left_on > {day}) AND {in_force}))")


def _at_risk(child: str, day: str) -> str:
    return (f"EXISTS (SELECT 1 FROM risk rk WHERE rk.child_id = {child} AND rk.s <= {day} "
            f"AND {day} < rk.e)")


QUERIES: dict[str, str] = {
    "C1": f"""WITH {_RISK}
SELECT g.child_id, g.id, last.organisation_id, addr.municipality_code
FROM continuity_responsibilityperiod g
LEFT JOIN LATERAL (SELECT p.organisation_id FROM continuity_responsibilityperiod p
                   WHERE p.child_id = g.child_id AND p.organisation_id IS NOT NULL
                     AND p.at < g.at ORDER BY p.at DESC, p.id DESC LIMIT 1) last ON true
LEFT JOIN LATERAL (SELECT a.municipality_code FROM people_householdmembership m
                   JOIN people_householdaddress a ON a.household_id = m.household_id
                   WHERE m.person_id = g.child_id
                     AND (a.valid_from IS NULL OR a.valid_from <= g."on")
                   ORDER BY a.valid_from DESC NULLS LAST, a.id DESC LIMIT 1) addr ON true
WHERE g.organisation_id IS NULL AND g."on" <= %(day)s
  AND (%(all)s OR g.child_id = ANY(%(scope)s))
  AND (g.ended_on IS NULL OR g.ended_on > g."on" + 7)
  AND EXISTS (SELECT 1 FROM risk rk WHERE rk.child_id = g.child_id AND rk.s <= g."on"
              AND rk.e > g."on" + 7)""",
    "C2": """
SELECT e.person_id, e.id FROM continuity_involvementend e
WHERE e.at_open_risk AND e."on" <= %(day)s AND (%(all)s OR e.person_id = ANY(%(scope)s))
  AND (e.held_responsibility OR EXISTS (
        SELECT 1 FROM continuity_handover h
        WHERE h.child_id = e.person_id AND h.sender_id = e.organisation_id AND h.at <= e.at
          AND NOT (h.confirmed_at IS NOT NULL AND h.confirmed_at <= e.at)
          AND NOT (h.declined_on IS NOT NULL AND h.declined_on < e."on")
          AND NOT (h.withdrawn_on IS NOT NULL AND h.withdrawn_on < e."on")))""",
    "C3": f"""WITH {_RISK}
SELECT d.child_id, d.id FROM continuity_decision d
WHERE d.decision IN ('investigation_declined', 'no_measure', 'supervision_rejected',
                     'extension_rejected', 'supervision_ended')
  AND d."on" <= %(day)s AND (%(all)s OR d.child_id = ANY(%(scope)s))
  AND {_at_risk("d.child_id", 'd."on"')}
  AND NOT EXISTS (SELECT 1 FROM continuity_responsibilitytaking t
                  WHERE t.child_id = d.child_id AND t.at >= d.at AND t."on" <= d."on" + 14)
  AND NOT EXISTS (SELECT 1 FROM continuity_handover h
                  WHERE h.child_id = d.child_id AND h.moved_responsibility
                    AND h.confirmed_at >= d.at AND h.confirmed_on <= d."on" + 14)""",
    "C4": """
SELECT e.person_id, e.id FROM continuity_involvementend e
WHERE e.at_open_risk AND e.intensive AND e.aftercare = '' AND e."on" <= %(day)s
  AND (%(all)s OR e.person_id = ANY(%(scope)s))""",
    "C5": f"""WITH {_RISK}, h AS (
  SELECT * FROM continuity_handover h
  WHERE h."on" <= %(day)s AND (%(all)s OR h.child_id = ANY(%(scope)s))
    AND {_at_risk("h.child_id", 'h."on"')})
SELECT h.child_id, 'handover:' || h.id FROM h
WHERE NOT (h.confirmed_on IS NOT NULL AND h.confirmed_on <= h."on" + 30)
  AND NOT (h.declined_on IS NOT NULL AND h.declined_on <= h."on" + 30)
  AND NOT (h.withdrawn_on IS NOT NULL AND h.withdrawn_on <= h."on" + 30)
UNION ALL
SELECT h.child_id, 'declined:' || h.id FROM h
WHERE h.declined_on IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM continuity_handover o WHERE o.child_id = h.child_id
                  AND o.id <> h.id AND o."on" BETWEEN h.declined_on AND h.declined_on + 7)
  AND NOT EXISTS (SELECT 1 FROM continuity_responsibilityperiod p
                  WHERE p.child_id = h.child_id AND p.organisation_id IS NOT NULL
                    AND p.how IN ('taken', 'handover', 'transfer')
                    AND p."on" BETWEEN h.declined_on AND h.declined_on + 7)""",
    "K1": f"""WITH {_RISK}
SELECT c.child_id, c.id FROM meldcode_concern c
WHERE c.kind = 'niet_pluis' AND c."on" <= %(day)s AND (%(all)s OR c.child_id = ANY(%(scope)s))
  AND {_at_risk("c.child_id", 'c."on"')}
  AND NOT EXISTS (SELECT 1 FROM meldcode_meldcodestep s WHERE s.concern_id = c.id
                  AND s.step = 'consult' AND s."on" <= c."on" + 7)""",
    "K2": """
SELECT r.child_id, 'report:' || r.id FROM meldcode_report r
WHERE r.status = 'declined' AND r.decline_reason = 'not_own_observation'
  AND r.handled_on <= %(day)s AND (%(all)s OR r.child_id = ANY(%(scope)s))
UNION ALL
SELECT c.child_id, 'concern:' || c.id FROM meldcode_concern c
WHERE c.kind IN ('second_hand', 'non_professional') AND c.outcome = 'no_concern'
  AND c."on" <= %(day)s AND c.decided_on <= %(day)s AND (%(all)s OR c.child_id = ANY(%(scope)s))
  AND NOT EXISTS (SELECT 1 FROM meldcode_meldcodestep s WHERE s.concern_id = c.id
                  AND s.step IN ('consult', 'talk') AND s.at <= c.decided_at)""",
    "K3": f"""WITH {_RISK}
SELECT c.child_id, c.id FROM meldcode_concern c
WHERE c."on" <= %(day)s AND (%(all)s OR c.child_id = ANY(%(scope)s))
  AND NOT (c.decided_on IS NOT NULL AND c.decided_on <= c."on" + 28)
  AND {_at_risk("c.child_id", 'c."on"')}""",
    "K4": f"""WITH {_RISK}, w AS (
  SELECT DISTINCT ON (s.concern_id) s.*, c.child_id, c.decided_on, c.outcome
  FROM meldcode_meldcodestep s JOIN meldcode_concern c ON c.id = s.concern_id
  WHERE s.step = 'weigh' AND s."on" <= %(day)s AND (%(all)s OR c.child_id = ANY(%(scope)s))
    AND (c.decided_at IS NULL OR s.at <= c.decided_at)
  ORDER BY s.concern_id, s.at DESC, s.id DESC)
SELECT w.child_id, w.concern_id FROM w
WHERE (w.answers->>'q1')::boolean AND ((w.answers->>'q2')::boolean
       OR NOT (w.answers->>'q3')::boolean OR NOT (w.answers->>'q4')::boolean
       OR NOT (w.answers->>'q5')::boolean)
  AND NOT (w.decided_on IS NOT NULL AND w.decided_on <= w."on" + 7 AND w.outcome = 'report')
  AND {_at_risk("w.child_id", 'w."on"')}""",
    "K5": f"""WITH {_RISK}, {_INVOLVED},
spec(code, sector) AS (VALUES {_SPECIALIST}),
f AS (
  SELECT a.id AS assessment, a.child_id, a."on" AS t, f.code, spec.sector
  FROM safety_assessmentfactor f JOIN spec ON spec.code = f.code
  JOIN safety_assessment a ON a.id = f.assessment_id
  WHERE a."on" <= %(day)s AND (%(all)s OR a.child_id = ANY(%(scope)s))
    AND {_at_risk("a.child_id", 'a."on"')}),
family AS (  -- the child, its parents, their partners, siblings, household members on t
  SELECT DISTINCT f.assessment, m.person FROM f
  CROSS JOIN LATERAL (
    SELECT f.child_id AS person
    UNION SELECT r.person_id FROM people_relation r
      WHERE r.other_id = f.child_id AND r.kind IN ('parent_of', 'guardian_of')
        AND (r.valid_from IS NULL OR r.valid_from <= f.t)
          AND (r.valid_to IS NULL OR r.valid_to >= f.t)
    UNION SELECT CASE WHEN pr.person_id = r.person_id THEN pr.other_id ELSE pr.person_id END
      FROM people_relation r JOIN people_relation pr
        ON pr.kind = 'partner_of' AND (pr.person_id = r.person_id OR pr.other_id = r.person_id)
      WHERE r.other_id = f.child_id AND r.kind IN ('parent_of', 'guardian_of')
        AND (pr.valid_from IS NULL OR pr.valid_from <= f.t)
          AND (pr.valid_to IS NULL OR pr.valid_to >= f.t)
    UNION SELECT s.other_id FROM people_relation r JOIN people_relation s
        ON s.person_id = r.person_id AND s.kind = 'parent_of'
      WHERE r.other_id = f.child_id AND r.kind = 'parent_of'
    UNION SELECT o.person_id FROM people_householdmembership hm
      JOIN people_householdmembership o ON o.household_id = hm.household_id
      WHERE hm.person_id = f.child_id
        AND (hm.joined_on IS NULL OR hm.joined_on <= f.t)
          AND (hm.left_on IS NULL OR hm.left_on > f.t)
        AND (o.joined_on IS NULL OR o.joined_on <= f.t) AND (o.left_on IS NULL OR o.left_on > f.t)
  ) m),
-- the family's involvement once, then the test per factor: the planner estimates f at one
-- row, and with the involvement inside the NOT EXISTS it ran that union over the whole
-- population again for every factor of a scoped run (issue 3: it did not finish at 1,000,000)
family_involved AS MATERIALIZED (
  SELECT fm.assessment, o.sector, i.s, i.e FROM family fm
  JOIN involved i ON i.person = fm.person JOIN people_organisation o ON o.id = i.org)
SELECT f.child_id, f.assessment, f.code FROM f
WHERE NOT EXISTS (
  SELECT 1 FROM family_involved x
  WHERE x.assessment = f.assessment AND x.sector = f.sector
    AND x.s <= f.t + 60 AND (x.e IS NULL OR x.e > f.t))""",
    "P1": f"""WITH {_INVOLVED},
adult AS (  -- an adult service involved with an adult
  SELECT i.org, i.person, i.s, i.e FROM involved i JOIN people_organisation o ON o.id = i.org
  JOIN people_person p ON p.id = i.person
  WHERE o.sector IN ('adult_mental_health', 'addiction_care', 'probation', 'debt_counselling',
                     'social_work') AND i.s <= %(day)s
    AND p.birth_date <= (i.s - interval '18 years')::date),
kid AS (    -- a child of that adult (parent_of) or living with them
  SELECT DISTINCT a.org, a.person AS adult, a.s AS adult_s, a.e AS adult_e, c.child
  FROM adult a CROSS JOIN LATERAL (
    SELECT r.other_id AS child FROM people_relation r
      WHERE r.person_id = a.person AND r.kind IN ('parent_of', 'guardian_of')
    UNION SELECT o.person_id FROM people_householdmembership m
      JOIN people_householdmembership o ON o.household_id = m.household_id
      WHERE m.person_id = a.person AND o.person_id <> a.person) c
  WHERE (%(all)s OR c.child = ANY(%(scope)s))),
both_since AS (
  SELECT k.org, k.adult, k.adult_s, k.child, MIN(GREATEST(i.s, k.adult_s)) AS t
  FROM kid k JOIN involved i ON i.person = k.child AND i.org <> k.org
  JOIN people_person c ON c.id = k.child
  WHERE GREATEST(i.s, k.adult_s) <= %(day)s
    AND (k.adult_e IS NULL OR GREATEST(i.s, k.adult_s) < k.adult_e)
    AND (i.e IS NULL OR GREATEST(i.s, k.adult_s) < i.e)
    AND c.birth_date > (GREATEST(i.s, k.adult_s) - interval '18 years')::date
  GROUP BY k.org, k.adult, k.adult_s, k.child)
SELECT b.child, b.org, b.adult, b.t FROM both_since b
WHERE NOT EXISTS (SELECT 1 FROM refindex_signal s WHERE s.organisation_id = b.org
                  AND s.person_id = b.adult AND s."on" <= b.t + 30
                  AND (s.ended_on IS NULL OR s.ended_on >= b.t))
  AND NOT EXISTS (SELECT 1 FROM plans_share sh WHERE sh.from_organisation_id = b.org
                  AND sh.person_id IN (b.adult, b.child) AND sh."on" BETWEEN b.adult_s
                    AND b.t + 30)""",
    "P2": """
SELECT child_id, id FROM (
  SELECT c.child_id, c.id, COUNT(*) OVER (PARTITION BY c.child_id ORDER BY c."on"
         RANGE BETWEEN '180 days' PRECEDING AND CURRENT ROW) AS n
  FROM plans_cooperation c
  WHERE c.kind = 'parent_declines' AND c."on" <= %(day)s
    AND (%(all)s OR c.child_id = ANY(%(scope)s))) x
WHERE n >= 2""",
    "P3": f"""WITH {_RISK},
moments AS (  -- a goal missed, or a due date in force passed without any status
  SELECT g.id AS goal, g.plan_id, u."on" AS t FROM plans_goal g
    JOIN plans_goalupdate u ON u.goal_id = g.id
    WHERE u.status = 'missed' AND u."on" <= %(day)s
  UNION ALL
  SELECT g.id, g.plan_id, COALESCE(g.original_due, g.due) + 1 FROM plans_goal g
    WHERE g."on" <= %(day)s AND NOT EXISTS (
      SELECT 1 FROM plans_goalupdate u WHERE u.goal_id = g.id
        AND u."on" BETWEEN g."on" AND COALESCE(g.original_due, g.due))),
kids AS (
  SELECT m.goal, m.t, pl.household_id, c.child FROM moments m
  JOIN plans_familyplan pl ON pl.id = m.plan_id
  CROSS JOIN LATERAL (
    SELECT pl.child_id AS child WHERE pl.child_id IS NOT NULL
    UNION SELECT hm.person_id FROM people_householdmembership hm
      JOIN people_person p ON p.id = hm.person_id
      WHERE hm.household_id = pl.household_id AND p.birth_date > (m.t - interval '18 years')::date
  ) c
  WHERE (%(all)s OR c.child = ANY(%(scope)s)))
SELECT k.child, k.goal, k.t FROM kids k
WHERE {_at_risk("k.child", "k.t")}
  AND NOT EXISTS (SELECT 1 FROM plans_goalupdate u WHERE u.goal_id = k.goal
                  AND u.status = 'postponed' AND u."on" BETWEEN k.t AND k.t + 14)
  AND NOT EXISTS (SELECT 1 FROM plans_goal g JOIN plans_familyplan p ON p.id = g.plan_id
                  WHERE g.id <> k.goal AND g."on" BETWEEN k.t AND k.t + 14
                    AND (p.child_id = k.child OR p.household_id = k.household_id))
  AND NOT EXISTS (SELECT 1 FROM continuity_request r WHERE r.child_id = k.child
                  AND r."on" BETWEEN k.t AND k.t + 14)
  AND NOT EXISTS (SELECT 1 FROM meldcode_report r WHERE r.child_id = k.child
                  AND r."on" BETWEEN k.t AND k.t + 14)
  AND NOT EXISTS (SELECT 1 FROM continuity_handover h WHERE h.child_id = k.child
                  AND h.confirmed_on BETWEEN k.t AND k.t + 14)
  AND NOT EXISTS (SELECT 1 FROM continuity_responsibilityperiod p WHERE p.child_id = k.child
                  AND p.organisation_id IS NOT NULL AND p.how IN ('taken', 'handover', 'transfer')
                  AND p."on" BETWEEN k.t AND k.t + 14)""",
    "P4": f"""WITH {_RISK}, {_INVOLVED},
active AS (   -- organisations involved with a child at open risk today, since when
  SELECT i.person, i.org, MIN(i.s) AS s FROM involved i
  JOIN risk rk ON rk.child_id = i.person AND rk.s <= %(day)s AND %(day)s < rk.e
  WHERE i.s <= %(day)s AND (i.e IS NULL OR i.e > %(day)s)
  GROUP BY i.person, i.org),
starts AS (   -- the day the second one came, or risk opened, whichever is later
  SELECT a.person AS child, GREATEST(a.s, rk.s) AS t
  FROM (SELECT a.*, ROW_NUMBER() OVER (PARTITION BY a.person ORDER BY a.s, a.org) AS n
        FROM active a) a
  JOIN risk rk ON rk.child_id = a.person AND rk.s <= %(day)s AND %(day)s < rk.e
  WHERE a.n = 2)
SELECT s.child, s.t FROM starts s
WHERE s.t + 30 <= %(day)s AND NOT {_plan_covers("s.child", "s.t + 30")}""",
    "R1": f"""WITH {_RISK},
ev AS (
  SELECT e.id, e."on" AS t, COALESCE(e.person_id, hm.person_id) AS person
  FROM safety_lifeevent e
  LEFT JOIN people_householdmembership hm ON hm.household_id = e.household_id
    AND (hm.joined_on IS NULL OR hm.joined_on <= e."on")
      AND (hm.left_on IS NULL OR hm.left_on > e."on")
  WHERE e.kind IN ({_R1}) AND e."on" <= %(day)s),
kids AS (  -- the person if a child, their children, children living with them
  SELECT DISTINCT ev.id, ev.t, c.child FROM ev CROSS JOIN LATERAL (
    SELECT ev.person AS child
    UNION SELECT r.other_id FROM people_relation r
      WHERE r.person_id = ev.person AND r.kind IN ('parent_of', 'guardian_of')
    UNION SELECT o.person_id FROM people_householdmembership m
      JOIN people_householdmembership o ON o.household_id = m.household_id
      WHERE m.person_id = ev.person
        AND (o.joined_on IS NULL OR o.joined_on <= ev.t)
          AND (o.left_on IS NULL OR o.left_on > ev.t)) c
  WHERE (%(all)s OR c.child = ANY(%(scope)s)))
SELECT k.child, k.id FROM kids k
WHERE {_at_risk("k.child", "k.t")}
  AND NOT EXISTS (SELECT 1 FROM safety_assessment a WHERE a.child_id = k.child
                  AND a."on" BETWEEN k.t AND k.t + 14)""",
    "R2": """
WITH moves AS (
  SELECT hm.person_id AS child, e.kind, e."on" AS t, e.id FROM safety_lifeevent e
  JOIN people_householdmembership hm ON hm.household_id = e.household_id
    AND (hm.joined_on IS NULL OR hm.joined_on <= e."on")
      AND (hm.left_on IS NULL OR hm.left_on > e."on")
  JOIN people_person p ON p.id = hm.person_id
  WHERE e.kind = 'moved' AND e."on" <= %(day)s
    AND p.birth_date > (e."on" - interval '18 years')::date
  UNION ALL
  SELECT e.person_id, e.kind, e."on", e.id FROM safety_lifeevent e
  WHERE e.kind = 'school_change' AND e.person_id IS NOT NULL AND e."on" <= %(day)s),
counted AS (
  SELECT m.*, COUNT(*) OVER (PARTITION BY m.child, m.kind ORDER BY m.t
         RANGE BETWEEN '730 days' PRECEDING AND CURRENT ROW) AS n
  FROM moves m WHERE (%(all)s OR m.child = ANY(%(scope)s)))
SELECT child, id FROM counted WHERE n >= 3""",
    "R3": f"""WITH {_RISK},
a AS (
  SELECT a.*, LEAD(a."on") OVER (PARTITION BY a.child_id ORDER BY a.at, a.id) AS next_on
  FROM safety_assessment a
  WHERE a."on" <= %(day)s AND (%(all)s OR a.child_id = ANY(%(scope)s)))
SELECT a.child_id, 'unaccepted:' || a.id || ':' || f.code FROM a
JOIN safety_assessmentfactor f ON f.assessment_id = a.id
WHERE f.owner_id <> a.organisation_id
  AND NOT (a.next_on IS NOT NULL AND a.next_on <= a."on" + 14)
  AND {_at_risk("a.child_id", 'a."on"')}
  AND NOT EXISTS (SELECT 1 FROM safety_factorownership o WHERE o.child_id = a.child_id
                  AND o.code = f.code AND o.organisation_id = f.owner_id AND o.at >= a.at
                  AND o."on" <= a."on" + 14)
UNION ALL
SELECT a.child_id, 'abandoned:' || e.id || ':' || o.code FROM a
JOIN continuity_involvementend e ON e.person_id = a.child_id AND e.at >= a.at
  AND e."on" <= %(day)s AND (a.next_on IS NULL OR e."on" < a.next_on)
JOIN safety_factorownership o ON o.child_id = a.child_id AND o.organisation_id = e.organisation_id
  AND o.at <= e.at AND (o.ended_on IS NULL OR o.ended_on >= e."on")
  AND o.code IN (SELECT code FROM safety_assessmentfactor WHERE assessment_id = a.id)
WHERE {_at_risk("a.child_id", 'e."on"')}
  AND NOT EXISTS (SELECT 1 FROM continuity_handover h JOIN continuity_handoverfactor hf
                    ON hf.handover_id = h.id AND hf.accepted AND hf.code = o.code
                  WHERE h.child_id = a.child_id AND h.sender_id = e.organisation_id
                    AND h.confirmed_at <= e.at)""",
    "V1": f"""WITH {_RISK},
t AS (
  SELECT 'concern' AS kind, c.id, c.child_id, c.organisation_id, c."on" FROM meldcode_concern c
  WHERE c."on" <= %(day)s AND (c.decided_on IS NULL OR c.decided_on > c."on")
    AND (%(all)s OR c.child_id = ANY(%(scope)s))
  UNION ALL
  SELECT 'assessment', a.id, a.child_id, a.organisation_id, a."on" FROM safety_assessment a
  WHERE a."on" <= %(day)s AND a.risk IN ('moderate', 'high', 'very_high')
    AND (%(all)s OR a.child_id = ANY(%(scope)s)))
SELECT t.child_id, t.kind || ':' || t.id FROM t
WHERE {_at_risk("t.child_id", 't."on"')}
  AND NOT EXISTS (SELECT 1 FROM refindex_signal s WHERE s.person_id = t.child_id
                  AND s.organisation_id = t.organisation_id AND s."on" <= t."on" + 14
                  AND (s.ended_on IS NULL OR s.ended_on >= t."on"))""",
    "V2": f"""WITH {_RISK},
m AS (SELECT m.*, CASE WHEN LAG(m.ended_on) OVER w IS NULL AND LAG(m.id) OVER w IS NOT NULL
                        OR LAG(m.ended_on) OVER w >= m."on" THEN 0 ELSE 1 END AS starts
      FROM refindex_match m WHERE m."on" <= %(day)s AND (%(all)s OR m.child_id = ANY(%(scope)s))
      WINDOW w AS (PARTITION BY m.child_id, m.level ORDER BY m."on", m.id)),
numbered AS (SELECT m.*, SUM(starts) OVER (PARTITION BY child_id, level ORDER BY "on", id) AS ep
             FROM m),
episodes AS (SELECT child_id, level, ep, MIN("on") AS s,
                    (ARRAY_AGG(ended_on ORDER BY "on" DESC, id DESC))[1] AS e
             FROM numbered GROUP BY child_id, level, ep)
SELECT x.child_id, x.level, x.s FROM episodes x
WHERE NOT (x.e IS NOT NULL AND x.e <= x.s + 14)
  AND {_at_risk("x.child_id", "x.s + 14")}
  AND NOT EXISTS (SELECT 1 FROM continuity_responsibilitytaking t WHERE t.child_id = x.child_id
                  AND t.basis = 'coordination' AND t."on" <= x.s + 14)
  AND NOT {_plan_covers("x.child_id", "x.s + 14")}""",
}


@dataclass
class FloorRun:
    code: str
    seconds: float
    rows: int


def run(day: date, scope: set[int] | None = None, codes=None) -> list[FloorRun]:
    """Every rule's query, timed, through the psycopg connection underneath Django's."""
    connection.ensure_connection()
    raw = connection.connection
    params = {"day": day, "all": scope is None, "scope": sorted(scope or [])}
    out = []
    with raw.cursor() as cur:
        for code in codes or QUERIES:
            started = time.perf_counter()
            cur.execute(QUERIES[code], params)
            rows = cur.fetchall()
            out.append(FloorRun(code, time.perf_counter() - started, len(rows)))
    return out
