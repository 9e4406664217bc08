"""Tasks inside an organisation: created once per occurrence, assigned to the professional
working with the child (else the organisation's coordinators), answered on record."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from kindzicht.core import clock, prepared
from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.people.models import Organisation, Person, Professional

from .models import Task, TaskStatus


def default_assignee(organisation: Organisation | None,
                     child_id: int | None) -> Professional | None:
    if organisation is None:
        return None
    if child_id is not None:
        from kindzicht.continuity.models import Involvement

        inv = Involvement.objects.filter(organisation=organisation, person_id=child_id,
                                         ended_at__isnull=True, professional__isnull=False).first()
        if inv is not None and inv.professional and inv.professional.is_active:
            return inv.professional
    return organisation.professionals.filter(role="coordinator", is_active=True).order_by(
        "pk").first()


def task_create(*, organisation: Organisation | None, code: str, key: str,
                child: Person | None = None, text: str, kind: str = "task",
                due_in_days: int | None = None, facts: list | None = None,
                evidence: list | None = None, municipality_code: str = "",
                level: int = 0, raised_on=None,
                assignee: Professional | None = None, new_key: bool = False) -> Task | None:
    """Create a task once per (kind, code, key, recipient); a repeat is ignored (idempotent).
    ``assignee``: who gets it, when the caller knows (else the organisation's default).
    ``new_key``: the caller's key cannot exist yet (it names a row made in the same
    transaction), so no savepoint is needed to survive a repeat."""
    day = raised_on or clock.today()

    def create() -> Task:
        return prepared.insert([Task(
            kind=kind, code=code, key=key, organisation=organisation,
            municipality_code=municipality_code, child=child,
            assignee=assignee or default_assignee(organisation, child.pk if child else None),
            raised_on=day, due_on=day + timedelta(days=due_in_days) if due_in_days else None,
            text=text, facts=facts or [], evidence=evidence or [], level=level)])[0]

    if new_key:
        return create()
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        return None


def _identity(t: Task) -> tuple:
    return (t.kind, t.code, t.key, t.organisation_id, t.municipality_code or "")


def existing_identities(identities) -> set[tuple]:
    """Which of these task identities (kind, code, key, organisation, municipality) exist
    already, answered or not — the diff of a sweep against its earlier runs. On PostgreSQL one
    join against the identities as arrays, so the unique index (kind, code, key, …) answers it
    instead of a scan of every task per batch of keys (a steady nightly sweep finds nearly all
    of its 100,000 tasks there already: only the new ones should cost more)."""
    triples = sorted({(k, c, key) for k, c, key, _o, _m in identities})
    if not triples:
        return set()
    if connection.vendor == "postgresql":
        found: set[tuple] = set()
        with connection.cursor() as cur:
            for start in range(0, len(triples), 50_000):
                chunk = triples[start:start + 50_000]
                cur.execute(
                    f"SELECT t.kind, t.code, t.key, t.organisation_id, t.municipality_code "
                    f"FROM {Task._meta.db_table} t JOIN unnest(%s::text[], %s::text[], "
                    f"%s::text[]) AS w(kind, code, key) ON t.kind = w.kind "
                    f"AND t.code = w.code AND t.key = w.key",
                    [[k for k, _c, _key in chunk], [c for _k, c, _key in chunk],
                     [key for _k, _c, key in chunk]])
                found |= {(k, c, key, o, m or "") for k, c, key, o, m in cur.fetchall()}
        return found
    keys = sorted({key for _k, _c, key in triples})
    found = set()
    for start in range(0, len(keys), 2000):
        found |= {(k, c, key, o, m or "") for k, c, key, o, m in Task.objects.filter(
            key__in=keys[start:start + 2000]).values_list(
            "kind", "code", "key", "organisation_id", "municipality_code")}
    return found


def tasks_create_many(rows: list[Task], *, existing: set[tuple] | None = None) -> list[Task]:
    """Create the tasks of ``rows`` that do not exist yet — set-based: a few queries for a
    whole sweep instead of several per task. Existing ones (answered or not) are never made
    again; the unique constraints guard against a concurrent sweep. ``existing``: the
    identities the caller already looked up (:func:`existing_identities`). Returns the tasks
    made, with their ids, in the order of ``rows``."""
    wanted: dict[tuple, Task] = {}
    for row in rows:
        wanted.setdefault(_identity(row), row)
    if not wanted:
        return []
    if existing is None:
        existing = existing_identities(wanted)
    new = [row for ident, row in wanted.items() if ident not in existing]
    if not new:
        return []
    _assign_many(new)
    created_at = Task._meta.get_field("created_at")
    for row in new:
        created_at.pre_save(row, add=True)  # as bulk_create would
    if connection.vendor == "postgresql":
        return _insert_copied(new)
    Task.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    ids: dict[tuple, int] = {}
    keys = sorted({r.key for r in new})
    for start in range(0, len(keys), 2000):
        ids.update({(k, c, key, o, m or ""): pk for pk, k, c, key, o, m in Task.objects.filter(
            key__in=keys[start:start + 2000]).values_list(
            "pk", "kind", "code", "key", "organisation_id", "municipality_code")})
    return _with_ids(new, ids)


_COLUMNS = ("kind", "code", "key", "organisation_id", "municipality_code", "assignee_id",
            "child_id", "raised_on", "due_on", "level", "text", "facts", "evidence", "status",
            "answered_on", "answer", "created_at")


def _insert_copied(new: list[Task]) -> list[Task]:
    """PostgreSQL: the new tasks by COPY into a temporary table, then one INSERT … ON CONFLICT
    DO NOTHING RETURNING their ids, in the order given (a concurrent sweep that made one
    first wins, as with bulk_create). Building a statement of 17 parameters per task and
    reading every task back were most of a cold sweep's time."""
    import json

    cols = ", ".join(_COLUMNS)
    jsons = {"facts", "evidence"}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_temp.kz_new_task")
        cur.execute(f"CREATE TEMPORARY TABLE kz_new_task ON COMMIT DROP AS SELECT {cols} "
                    f"FROM {Task._meta.db_table} WITH NO DATA")
        cur.execute("ALTER TABLE kz_new_task ADD COLUMN ord integer")
        with cur.cursor.copy(f"COPY kz_new_task ({cols}, ord) FROM STDIN") as copy:
            for n, row in enumerate(new):
                copy.write_row([json.dumps(getattr(row, c)) if c in jsons else getattr(row, c)
                                for c in _COLUMNS] + [n])
        cur.execute(f"INSERT INTO {Task._meta.db_table} ({cols}) SELECT {cols} FROM kz_new_task "
                    f"ORDER BY ord ON CONFLICT DO NOTHING RETURNING id, kind, code, key, "
                    f"organisation_id, municipality_code")
        ids = {(k, c, key, o, m or ""): pk for pk, k, c, key, o, m in cur.fetchall()}
        cur.execute("DROP TABLE kz_new_task")
    return _with_ids(new, ids)


def _with_ids(new: list[Task], ids: dict[tuple, int]) -> list[Task]:
    made = []
    for row in new:
        pk = ids.get(_identity(row))
        if pk is not None:
            row.pk = pk
            row._state.adding = False
            made.append(row)
    return made


def first_coordinators(orgs) -> dict[int, int]:
    """The first active coordinator of each of ``orgs`` that has one, in one query."""
    coordinators: dict[int, int] = {}
    for org, pk in Professional.objects.filter(organisation_id__any=orgs, role="coordinator",
                                               is_active=True).order_by("pk").values_list(
            "organisation_id", "pk"):
        coordinators.setdefault(org, pk)
    return coordinators


def _assign_many(rows: list[Task]) -> None:
    """The professional working with the child (open involvement), else the organisation's
    first coordinator — as :func:`default_assignee`, in two queries for all rows."""
    from kindzicht.continuity.models import Involvement

    orgs = {r.organisation_id for r in rows if r.organisation_id and r.assignee_id is None}
    if not orgs:
        return
    children = {r.child_id for r in rows if r.child_id}
    working = {(o, p): pro for o, p, pro in Involvement.objects.filter(
        organisation_id__any=orgs, person_id__any=children, ended_at__isnull=True,
        professional__isnull=False, professional__is_active=True).values_list(
        "organisation_id", "person_id", "professional_id")}
    coordinators = first_coordinators(orgs)
    for r in rows:
        if r.organisation_id and r.assignee_id is None:
            r.assignee_id = working.get((r.organisation_id, r.child_id),
                                        coordinators.get(r.organisation_id))


def task_answer(actor: Actor, *, task: Task, status: str, answer: str = "") -> Task:
    """Answer a task: done, or not applicable with a reason — kept beside the finding."""
    if not _may_answer(actor, task):
        raise Forbidden(_("Deze taak is van een andere organisatie."), field="task")
    if status not in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE):
        raise ValidationError(_("Antwoord met done (afgehandeld) of not_applicable (niet van "
                                "toepassing)."), field="status")
    if status == TaskStatus.NOT_APPLICABLE and not answer.strip():
        raise ValidationError(_("Zeg waarom dit niet van toepassing is."), field="answer")
    if task.status != TaskStatus.OPEN:
        raise Refused(_("Deze taak is al beantwoord."), field="task")
    with transaction.atomic():
        task.status = status
        task.answer = answer.strip()
        task.answered_on = clock.today()
        task.save(update_fields=["status", "answer", "answered_on"])
        record(actor, "task_answered", subjects=[task.child_id] if task.child_id else [],
               obj=task, payload={"status": status, "code": task.code})
    return task


def _may_answer(actor: Actor, task: Task) -> bool:
    """The organisation a task is addressed to answers it; a task addressed to a
    municipality is answered by that municipality's own organisation."""
    org = actor.organisation
    if org is None:
        return False
    if task.organisation_id is not None:
        return task.organisation_id == org.pk
    return org.sector == "municipality" and org.municipality_code == task.municipality_code


def task_reassign(actor: Actor, *, task: Task, to: Professional) -> Task:
    """Cover during absence, or a leaver's cases."""
    if actor.organisation is None or task.organisation_id != actor.organisation.pk or \
            to.organisation_id != task.organisation_id:
        raise Forbidden(_("Een taak gaat alleen naar een collega van dezelfde organisatie."),
                        field="assignee")
    with transaction.atomic():
        task.assignee = to
        task.save(update_fields=["assignee"])
        record(actor, "task_reassigned", obj=task, payload={"to": to.pk})
    return task
