"""Reading and validating a scenario file (``../shared/docs/scenario-format.md``, format 1).

The whole file is checked before anything touches the database, so that an invalid file
writes nothing; every problem names the line of the file it is on. YAML is read as PyYAML reads
it (YAML 1.1), with a loader that remembers the line of every mapping, key and list item.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

import yaml

from kindzicht.core.clock import AMSTERDAM
from kindzicht.people.bsn import is_valid_bsn, normalise_bsn
from kindzicht.people.sectors import SECTORS

# --------------------------------------------------------------------------------------------
# YAML with line numbers


class LineDict(dict):
    """A mapping that remembers its own line and the line of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that remembers its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class LineLoader(yaml.SafeLoader):
    """PyYAML's safe loader (YAML 1.1) that records where every mapping and list starts."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError as exc:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    "found an unhashable key", key_node.start_mark) from exc
            if key in result:
                raise _DuplicateKey(None, None, f"duplicate key {key!r}", key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=deep)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        result = LineList(self.construct_object(child, deep=deep) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result

    def _construct_map_deep(self, node: yaml.MappingNode) -> LineDict:
        return self.construct_mapping(node, deep=True)

    def _construct_seq_deep(self, node: yaml.SequenceNode) -> LineList:
        return self.construct_sequence(node, deep=True)


LineLoader.add_constructor("tag:yaml.org,2002:map", LineLoader._construct_map_deep)
LineLoader.add_constructor("tag:yaml.org,2002:seq", LineLoader._construct_seq_deep)


# --------------------------------------------------------------------------------------------
# The validated scenario


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    message: str

    def format(self, path: str | Path) -> str:
        return f"{path}:{self.line}: {self.message}"


class ScenarioError(Exception):
    """The file is not a valid scenario; ``problems`` name each line and what is wrong."""

    def __init__(self, path: str | Path, problems: list[Problem]):
        self.path = str(path)
        self.problems = sorted(problems)
        super().__init__("\n".join(p.format(self.path) for p in self.problems))

    def lines(self) -> list[str]:
        return [p.format(self.path) for p in self.problems]


@dataclass
class OrganisationSpec:
    key: str
    line: int
    sector: str
    name: str


@dataclass
class PersonSpec:
    key: str
    line: int
    birth_date: date
    name: str = ""
    bsn: str | None = None

    @property
    def given_name(self) -> str:
        return self.name.split(" ", 1)[0] if self.name else ""

    @property
    def family_name(self) -> str:
        parts = self.name.split(" ", 1)
        return parts[1].strip() if len(parts) > 1 else ""


@dataclass
class RelationSpec:
    line: int
    person: str
    kind: str
    other: str


@dataclass
class HouseholdSpec:
    key: str
    line: int
    members: list[str]
    municipality: str
    postcode: str


@dataclass
class Action:
    """One timeline entry. ``fields`` are the action's keys as written (``at`` replaced by the
    moment it is applied at, answers normalised to booleans), handed to the action handler."""

    index: int
    line: int
    do: str
    by: str
    day: date
    at_given: date | datetime
    moment: datetime
    fields: dict[str, Any]

    @property
    def explicit_time(self) -> bool:
        return isinstance(self.at_given, datetime)

    def at_text(self) -> str:
        if isinstance(self.at_given, datetime):
            return self.moment.astimezone(AMSTERDAM).isoformat()
        return self.day.isoformat()


@dataclass
class ExpectFinding:
    line: int
    code: str
    child: str
    by: date | None = None


@dataclass
class ExpectNoFinding:
    line: int
    code: str
    child: str | None = None


@dataclass
class ExpectRefused:
    line: int
    at: date
    do: str
    by: str | None = None
    person: str | None = None
    child: str | None = None


@dataclass
class ExpectMatch:
    line: int
    level: str
    people: list[str]
    organisations: list[str]
    by: date | None = None


@dataclass
class Expect:
    line: int
    findings: list[ExpectFinding] = field(default_factory=list)
    no_findings: list[ExpectNoFinding] = field(default_factory=list)
    refused: list[ExpectRefused] = field(default_factory=list)
    matches: list[ExpectMatch] = field(default_factory=list)


@dataclass
class Scenario:
    path: str
    format: int
    title: str
    mode: str
    start: date
    end: date
    organisations: dict[str, OrganisationSpec]
    people: dict[str, PersonSpec]
    relations: list[RelationSpec]
    households: dict[str, HouseholdSpec]
    timeline: list[Action]
    expect: Expect | None
    #: (kind, key) -> line of the action or entry that defines it (person, ref, goal …)
    definitions: dict[tuple[str, str], int] = field(default_factory=dict)


class ActionSpecLike(Protocol):
    required: frozenset[str]
    optional: frozenset[str]


# --------------------------------------------------------------------------------------------
# The contract's vocabulary (format 1 is frozen; extensions are added compatibly)

TOP_KEYS = {"format", "title", "start", "mode", "end", "organisations", "people", "relations",
            "households", "timeline", "expect"}
ORG_KEYS = {"sector", "name"}
PERSON_KEYS = {"birth_date", "name", "bsn"}
HOUSEHOLD_KEYS = {"members", "municipality", "postcode"}
MODES = ("reconstruct", "live")
RELATIONS = ("parent_of", "partner_of", "guardian_of")
CODES = ("P1", "P2", "P3", "P4", "V1", "V2", "K1", "K2", "K3", "K4", "K5", "R1", "R2", "R3",
         "C1", "C2", "C3", "C4", "C5")
BASE_FIELDS = frozenset({"at", "by", "do"})

CONCERN_KINDS = ("niet_pluis", "observation", "disclosure", "second_hand", "non_professional")
ENUMS: dict[tuple[str | None, str], tuple[str, ...]] = {
    ("concern", "kind"): CONCERN_KINDS,
    ("request", "kind"): ("investigation", "supervision_order", "supervision_extension"),
    ("calamity", "kind"): ("death", "serious_abuse", "sexual_abuse", "long_absence", "other"),
    ("consult", "with"): ("colleague", "safe_at_home"),
    ("talk", "with"): ("parents", "child"),
    ("decline_report", "reason"): ("not_own_observation", "no_grounds", "other"),
    ("take_responsibility", "basis"): ("voluntary", "supervision_order", "guardianship",
                                       "investigation", "coordination"),
    ("share", "basis"): ("consent", "legal_duty", "meldrecht"),
    (None, "outcome"): ("report", "organise_help", "no_concern"),
    (None, "safety"): ("safe", "conditionally_safe", "unsafe"),
    (None, "risk"): ("low", "moderate", "high", "very_high"),
    (None, "event"): ("moved", "new_partner", "partner_left", "job_loss",
                      "mental_health_admission", "mental_health_treatment", "addiction", "birth",
                      "school_change", "gp_change", "detention_release", "eviction",
                      "separation"),
    ("goal", "status"): ("met", "missed", "postponed"),
    (None, "decision"): ("investigation_declined", "no_measure", "measure_requested",
                         "supervision_granted", "supervision_rejected", "extension_granted",
                         "extension_rejected", "supervision_ended"),
}
FACTOR_DOMAINS = ("child", "parent", "family", "context")
TEXT_FIELDS = {"service", "text", "source", "on_behalf_of", "contact", "agreements", "help",
               "topic", "reasons", "aftercare", "name", "reason"}
BOOL_FIELDS = {"intensive", "own_observation"}
#: ``as:`` of these actions names an object of this kind
REF_KINDS = {"concern": "concern", "handover": "handover"}
#: exactly one of these fields must be given
ONE_OF = {"life_event": ("person", "household"), "plan": ("child", "household")}
ANSWER_KEYS = ("q1", "q2", "q3", "q4", "q5")
_POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")
_FACTOR_CODE = re.compile(r"^[a-z][a-z0-9_]*$")

PLAIN_DATE_TIME = time(12, 0)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {value!r} (YAML 1.1 reads yes/no/on/off as booleans; quote it)"
    if isinstance(value, int | float):
        return f"the number {value!r} (quote codes and keys)"
    if value is None:
        return "nothing"
    if isinstance(value, datetime | date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def parse_when(value: Any) -> tuple[date, datetime | None] | None:
    """A date or an ISO 8601 datetime (without offset: Europe/Amsterdam) -> (local day,
    moment or None for a plain date)."""
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value, None
    elif isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text), None
        except ValueError:
            pass
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=AMSTERDAM)
    return moment.astimezone(AMSTERDAM).date(), moment


def parse_day(value: Any) -> date | None:
    """A plain date (a date field: birth dates, due dates, start and end)."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


# --------------------------------------------------------------------------------------------
# Validation


class _Checker:
    def __init__(self, path: str, specs: Mapping[str, ActionSpecLike]):
        self.path = path
        self.specs = specs
        self.problems: list[Problem] = []
        self.orgs: dict[str, OrganisationSpec] = {}
        self.people: dict[str, PersonSpec] = {}
        self.households: dict[str, HouseholdSpec] = {}
        # what the timeline has defined so far: key -> line
        self.known_people: dict[str, int] = {}
        self.refs: dict[str, tuple[str, int]] = {}
        self.goals: dict[str, int] = {}
        # defined anywhere in the file (for "defined later at line N" hints and for expect)
        self.all_people: dict[str, int] = {}
        self.all_refs: dict[str, tuple[str, int]] = {}
        self.all_goals: dict[str, int] = {}
        self.definitions: dict[tuple[str, str], int] = {}
        self.bsns: dict[str, str] = {}  # BSN -> person key: unique in the file

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    # -- helpers -----------------------------------------------------------------------------
    def mapping(self, value: Any, line: int, what: str) -> LineDict | None:
        if value is None:
            return None
        if not isinstance(value, LineDict):
            self.problem(line, f"{what} must be a mapping, not {_type_name(value)}")
            return None
        return value

    def key_str(self, key: Any, line: int, what: str) -> bool:
        if not isinstance(key, str) or not key:
            self.problem(line, f"{what} key must be a name, not {_type_name(key)}")
            return False
        return True

    def unknown_keys(self, m: LineDict, allowed: set[str] | frozenset[str], what: str) -> None:
        for key in m:
            if key not in allowed:
                self.problem(m.line_of(key), f"unknown key {key!r} in {what}; allowed: "
                             f"{', '.join(sorted(allowed))}")

    def text(self, value: Any, line: int, name: str) -> None:
        if not isinstance(value, str):
            self.problem(line, f"{name} must be text, not {_type_name(value)}")

    def enum(self, value: Any, line: int, name: str, allowed: tuple[str, ...]) -> bool:
        if not isinstance(value, str) or value not in allowed:
            self.problem(line, f"{name} must be one of {', '.join(allowed)}; got "
                         f"{_type_name(value)}")
            return False
        return True

    def org_ref(self, value: Any, line: int, name: str) -> None:
        if not isinstance(value, str) or value not in self.orgs:
            self.problem(line, f"{name}: {_type_name(value)} is not an organisation of this "
                         f"scenario" + self._known(self.orgs))

    def person_ref(self, value: Any, line: int, name: str, *, anywhere: bool = False) -> None:
        known = self.all_people if anywhere else self.known_people
        if isinstance(value, str) and value in known:
            return
        hint = ""
        if isinstance(value, str) and value in self.all_people:
            hint = f" yet (add_person introduces it at line {self.all_people[value]})"
        self.problem(line, f"{name}: {_type_name(value)} is not a defined person{hint}"
                     + ("" if hint else self._known(known)))

    def household_ref(self, value: Any, line: int, name: str) -> None:
        if not isinstance(value, str) or value not in self.households:
            self.problem(line, f"{name}: {_type_name(value)} is not a household of this "
                         f"scenario" + self._known(self.households))

    @staticmethod
    def _known(keys: Mapping[str, Any]) -> str:
        return f" (known: {', '.join(keys)})" if keys else ""

    # -- top level ---------------------------------------------------------------------------
    def scenario(self, root: Any) -> Scenario | None:
        if not isinstance(root, LineDict):
            self.problem(getattr(root, "line", 1), "a scenario file is a YAML mapping with "
                         "format, title, start, organisations, people and timeline")
            return None
        self.unknown_keys(root, TOP_KEYS, "the scenario")
        fmt = root.get("format")
        if "format" not in root:
            self.problem(root.line, "format is missing (this reader knows format: 1)")
        elif type(fmt) is not int or fmt != 1:
            self.problem(root.line_of("format"), f"format must be 1, not {_type_name(fmt)}")
        title = root.get("title", Path(self.path).stem)
        if not isinstance(title, str):
            self.problem(root.line_of("title"), f"title must be text, not {_type_name(title)}")
            title = str(title)
        mode = root.get("mode", "reconstruct")
        if not self.enum(mode, root.line_of("mode"), "mode", MODES):
            mode = "reconstruct"
        start = parse_day(root.get("start"))
        if "start" not in root:
            self.problem(root.line, "start is missing (the date the simulated clock starts)")
        elif start is None:
            self.problem(root.line_of("start"), f"start must be a date (YYYY-MM-DD), not "
                         f"{_type_name(root.get('start'))}")
        end: date | None = None
        if "end" in root:
            end = parse_day(root["end"])
            if end is None:
                self.problem(root.line_of("end"), f"end must be a date (YYYY-MM-DD), not "
                             f"{_type_name(root['end'])}")
            elif start and end < start:
                self.problem(root.line_of("end"), f"end {end} lies before start {start}")

        self.organisations(root.get("organisations"), root.line_of("organisations"))
        self.persons(root.get("people"), root.line_of("people"), start)
        relations = self.relations(root.get("relations"), root.line_of("relations"))
        self.household_specs(root.get("households"), root.line_of("households"))
        if "timeline" not in root:
            self.problem(root.line, "timeline is missing")
        self._prescan(root.get("timeline"))
        timeline = self.timeline(root.get("timeline"), root.line_of("timeline"), start, end)
        if end is None:
            last = timeline[-1].day if timeline else start
            end = last + timedelta(days=60) if last else None
        expect = None
        if root.get("expect") is not None:
            expect = self.expect(root["expect"], root.line_of("expect"), timeline)
        if self.problems or start is None or end is None:
            return None
        return Scenario(path=self.path, format=1, title=title, mode=mode, start=start, end=end,
                        organisations=self.orgs, people=self.people, relations=relations,
                        households=self.households, timeline=timeline, expect=expect,
                        definitions=self.definitions)

    def organisations(self, value: Any, line: int) -> None:
        m = self.mapping(value, line, "organisations")
        if not m:
            return
        for key, spec in m.items():
            kline = m.line_of(key)
            if not self.key_str(key, kline, "an organisation"):
                continue
            o = self.mapping(spec, kline, f"organisation {key!r}")
            if o is None:
                self.problem(kline, f"organisation {key!r} needs at least a sector")
                continue
            self.unknown_keys(o, ORG_KEYS, f"organisation {key!r}")
            sector = o.get("sector")
            if "sector" not in o:
                self.problem(o.line, f"organisation {key!r} has no sector")
            elif sector not in SECTORS:
                self.problem(o.line_of("sector"), f"unknown sector {_type_name(sector)}; use one "
                             f"of: {', '.join(SECTORS)}")
            name = o.get("name", "")
            if not isinstance(name, str):
                self.problem(o.line_of("name"), f"name must be text, not {_type_name(name)}")
                name = ""
            elif len(name) > 200:
                self.problem(o.line_of("name"), "an organisation's name is at most 200 characters")
            self.orgs[key] = OrganisationSpec(key, kline, str(sector), name.strip())

    def persons(self, value: Any, line: int, start: date | None) -> None:
        m = self.mapping(value, line, "people")
        if not m:
            return
        bsns = self.bsns
        for key, spec in m.items():
            kline = m.line_of(key)
            if not self.key_str(key, kline, "a person"):
                continue
            p = self.mapping(spec, kline, f"person {key!r}")
            if p is None:
                self.problem(kline, f"person {key!r} needs at least a birth_date")
                continue
            self.unknown_keys(p, PERSON_KEYS, f"person {key!r}")
            birth = self.birth_date(p, f"person {key!r}")
            if birth and start and birth > start:
                self.problem(p.line_of("birth_date"), f"{key} is born after the scenario's start "
                             f"({start}); a person born later enters with add_person")
            name = self.person_name(p)
            bsn = self.bsn(p, key, bsns)
            self.people[key] = PersonSpec(key, kline, birth or date.min, name, bsn)
            self.known_people[key] = kline
            self.all_people[key] = kline
            self.definitions[("person", key)] = kline

    def birth_date(self, p: LineDict, what: str) -> date | None:
        if "birth_date" not in p:
            self.problem(p.line, f"{what} has no birth_date")
            return None
        birth = parse_day(p["birth_date"])
        if birth is None:
            self.problem(p.line_of("birth_date"), f"birth_date must be a date (YYYY-MM-DD), not "
                         f"{_type_name(p['birth_date'])}")
        elif birth < date(1900, 1, 1):
            self.problem(p.line_of("birth_date"), "birth_date lies before 1900")
        return birth

    def person_name(self, p: LineDict) -> str:
        name = p.get("name", "")
        if not isinstance(name, str):
            self.problem(p.line_of("name"), f"name must be text, not {_type_name(name)}")
            return ""
        name = " ".join(name.split())
        if len(name) > 240 or any(ord(c) < 32 for c in name):
            self.problem(p.line_of("name"), "a name is at most 120 printable characters")
        return name

    def bsn(self, p: LineDict, key: str, seen: dict[str, str]) -> str | None:
        if "bsn" not in p:
            return None
        raw = p["bsn"]
        line = p.line_of("bsn")
        if isinstance(raw, int) and not isinstance(raw, bool) and len(str(raw)) == 9:
            raw = str(raw)
        if not isinstance(raw, str):
            self.problem(line, f"bsn must be quoted text of nine digits, not {_type_name(raw)}")
            return None
        value = normalise_bsn(raw)
        if not is_valid_bsn(value):
            self.problem(line, f"invalid BSN {raw!r}: it fails the 11-proef")
            return None
        if value in seen:
            self.problem(line, f"BSN {raw!r} is also the BSN of {seen[value]}")
        seen[value] = key
        return value

    def relations(self, value: Any, line: int) -> list[RelationSpec]:
        out: list[RelationSpec] = []
        if value is None:
            return out
        if not isinstance(value, LineList):
            self.problem(line, f"relations must be a list of [a, relation, b], not "
                         f"{_type_name(value)}")
            return out
        for i, item in enumerate(value):
            iline = value.line_of(i)
            if not isinstance(item, list) or len(item) != 3:
                self.problem(iline, "a relation is a list [a, relation, b], e.g. "
                             "[sanne, parent_of, mila]")
                continue
            a, kind, b = item
            ok = True
            for who in (a, b):
                if not (isinstance(who, str) and who in self.people):
                    ok = False
                    hint = (" (relations name people of `people:`; a person added later gets "
                            "`parents:` on add_person)" if isinstance(who, str) else "")
                    self.problem(iline, f"relation: {_type_name(who)} is not a defined person"
                                 + hint)
            if not self.enum(kind, iline, "relation", RELATIONS):
                ok = False
            if ok and a == b:
                self.problem(iline, "a person cannot be related to themselves")
                ok = False
            if ok and kind in ("parent_of", "guardian_of") and (
                    self.people[b].birth_date <= self.people[a].birth_date):
                self.problem(iline, f"{a} cannot be {kind.replace('_', ' ')} {b}: a parent or "
                             "guardian must be older than the child")
                ok = False
            if ok:
                out.append(RelationSpec(iline, a, kind, b))
        return out

    def household_specs(self, value: Any, line: int) -> None:
        m = self.mapping(value, line, "households")
        if not m:
            return
        for key, spec in m.items():
            kline = m.line_of(key)
            if not self.key_str(key, kline, "a household"):
                continue
            h = self.mapping(spec, kline, f"household {key!r}")
            if h is None:
                self.problem(kline, f"household {key!r} needs members, municipality and postcode")
                continue
            self.unknown_keys(h, HOUSEHOLD_KEYS, f"household {key!r}")
            members: list[str] = []
            raw = h.get("members")
            if not isinstance(raw, list) or not raw:
                self.problem(h.line_of("members"), f"household {key!r} needs members: a list of "
                             "person keys")
            else:
                for j, who in enumerate(raw):
                    mline = raw.line_of(j) if isinstance(raw, LineList) else h.line_of("members")
                    if isinstance(who, str) and who in self.people:
                        if who in members:
                            self.problem(mline, f"{who} is listed twice")
                        members.append(who)
                    else:
                        self.problem(mline, f"household member {_type_name(who)} is not a "
                                     f"defined person" + self._known(self.people))
            code = self.municipality(h, f"household {key!r}")
            postcode = self.postcode(h, f"household {key!r}")
            self.households[key] = HouseholdSpec(key, kline, members, code, postcode)

    def municipality(self, m: LineDict, what: str) -> str:
        if "municipality" not in m:
            self.problem(m.line, f"{what} needs a municipality (CBS code, quoted: \"0344\")")
            return ""
        code = m["municipality"]
        if not (isinstance(code, str) and len(code) == 4 and code.isdigit()):
            self.problem(m.line_of("municipality"), "municipality must be a quoted four-digit "
                         f"CBS code such as \"0344\", not {_type_name(code)}")
            return ""
        return code

    def postcode(self, m: LineDict, what: str) -> str:
        if "postcode" not in m:
            self.problem(m.line, f"{what} needs a postcode")
            return ""
        pc = m["postcode"]
        if not (isinstance(pc, str) and _POSTCODE.match(pc.strip())):
            self.problem(m.line_of("postcode"), f"postcode must look like \"3511AB\", not "
                         f"{_type_name(pc)}")
            return ""
        return pc.replace(" ", "").upper()

    # -- timeline ----------------------------------------------------------------------------
    def _prescan(self, value: Any) -> None:
        """Where add_person, `as:` and plan goals define keys, for 'defined later' hints."""
        if not isinstance(value, list):
            return
        for item in value:
            if not isinstance(item, LineDict):
                continue
            if item.get("do") == "add_person" and isinstance(item.get("person"), str):
                self.all_people.setdefault(item["person"], item.line)
            if isinstance(item.get("as"), str):
                kind = REF_KINDS.get(str(item.get("do")), "ref")
                self.all_refs.setdefault(item["as"], (kind, item.line))
            if item.get("do") == "plan" and isinstance(item.get("goals"), list):
                for g in item["goals"]:
                    if isinstance(g, dict) and isinstance(g.get("key"), str):
                        self.all_goals.setdefault(g["key"], item.line)

    def timeline(self, value: Any, line: int, start: date | None, end: date | None
                 ) -> list[Action]:
        actions: list[Action] = []
        if value is None:
            return actions
        if not isinstance(value, LineList):
            self.problem(line, f"timeline must be a list of actions, not {_type_name(value)}")
            return actions
        last_day: date | None = None
        last_moment: datetime | None = None
        last_line = 0
        for i, item in enumerate(value):
            iline = value.line_of(i)
            if not isinstance(item, LineDict):
                self.problem(iline, f"an action must be a mapping with at, by and do, not "
                             f"{_type_name(item)}")
                continue
            when = self.when(item, start, end)
            if when is not None:
                day, moment = when
                if last_day is not None and day < last_day:
                    self.problem(item.line_of("at"), f"dates out of order: {day} comes after "
                                 f"{last_day} (line {last_line}); `at` may never go back")
                elif moment is not None and last_moment is not None and moment < last_moment:
                    self.problem(item.line_of("at"), f"dates out of order: {item['at']} is "
                                 f"before the time of line {last_line}; `at` may never go back")
                else:
                    last_day, last_line = day, item.line
                    if moment is not None:
                        last_moment = moment
            action = self.action(i, item, when)
            if action is not None:
                actions.append(action)
        _assign_moments(actions)
        return actions

    def when(self, item: LineDict, start: date | None, end: date | None
             ) -> tuple[date, datetime | None] | None:
        if "at" not in item:
            self.problem(item.line, "action has no `at` (a date or an ISO 8601 datetime)")
            return None
        when = parse_when(item["at"])
        if when is None:
            self.problem(item.line_of("at"), f"at must be a date or an ISO 8601 datetime, not "
                         f"{_type_name(item['at'])}")
            return None
        if start and when[0] < start:
            self.problem(item.line_of("at"), f"{when[0]} lies before the scenario's start "
                         f"({start})")
        if end and when[0] > end:
            self.problem(item.line_of("at"), f"{when[0]} lies after the scenario's end ({end})")
        return when

    def action(self, index: int, item: LineDict, when: tuple[date, datetime | None] | None
               ) -> Action | None:
        ok = when is not None
        do = item.get("do")
        spec = self.specs.get(do) if isinstance(do, str) else None
        if "do" not in item:
            self.problem(item.line, "action has no `do`")
            ok = False
        elif spec is None:
            close = difflib.get_close_matches(str(do), list(self.specs), n=1)
            hint = (f"did you mean {close[0]}?" if close
                    else f"the actions are: {', '.join(sorted(self.specs))}")
            self.problem(item.line_of("do"), f"unknown do {_type_name(do)}; {hint}")
            ok = False
        if "by" not in item:
            self.problem(item.line, "action has no `by` (the acting organisation's key)")
            ok = False
        else:
            before = len(self.problems)
            self.org_ref(item["by"], item.line_of("by"), "by")
            ok = ok and len(self.problems) == before
        if spec is None:
            return None
        assert isinstance(do, str)
        allowed = BASE_FIELDS | spec.required | spec.optional
        self.unknown_keys(item, allowed, f"action {do!r}")
        for name in sorted(spec.required - item.keys()):
            self.problem(item.line, f"{do} needs {name}")
        group = ONE_OF.get(do)
        if group and all(g in allowed for g in group):
            given = [g for g in group if g in item]
            if len(given) != 1:
                self.problem(item.line, f"{do} needs exactly one of {' or '.join(group)}")
        before = len(self.problems)
        fields: dict[str, Any] = {}
        for name, value in item.items():
            if name in ("at", "do", "by") or name not in allowed:
                continue
            fields[name] = self.field(do, name, value, item, when[0] if when else None)
        if do == "goal" and item.get("status") == "postponed" and "due" not in item and (
                "due" in allowed):
            self.problem(item.line, "a postponed goal needs its new due date")
        self.define(do, item, fields)
        if not ok or len(self.problems) != before:
            return None
        assert when is not None
        day, moment = when
        fields = {"at": moment or day, "by": item["by"], "do": do, **fields}
        return Action(index=index, line=item.line, do=do, by=item["by"], day=day,
                      at_given=moment or day, moment=moment or _noon(day), fields=fields)

    def define(self, do: str, item: LineDict, fields: dict[str, Any]) -> None:
        """Keys an action introduces become usable by the actions after it."""
        key = item.get("as")
        if isinstance(key, str) and key:
            self.refs[key] = (REF_KINDS.get(do, "ref"), item.line)
            self.definitions[(REF_KINDS.get(do, "ref"), key)] = item.line
        if do == "add_person" and isinstance(item.get("person"), str):
            self.known_people.setdefault(item["person"], item.line)
            self.definitions.setdefault(("person", item["person"]), item.line)
        if do == "plan":
            for g in fields.get("goals") or []:
                if isinstance(g, dict) and isinstance(g.get("key"), str):
                    self.goals[g["key"]] = item.line
                    self.definitions[("goal", g["key"])] = item.line

    def field(self, do: str, name: str, value: Any, item: LineDict, day: date | None) -> Any:
        line = item.line_of(name)
        enum = ENUMS.get((do, name)) or ENUMS.get((None, name))
        if name == "person" and do == "add_person":
            if not isinstance(value, str) or not value:
                self.problem(line, f"person must be a new person key, not {_type_name(value)}")
            elif value in self.known_people:
                self.problem(line, f"person {value!r} already exists (line "
                             f"{self.known_people[value]}); add_person introduces a new key")
        elif name in ("person", "child"):
            self.person_ref(value, line, name)
        elif name == "parents":
            if not isinstance(value, list):
                self.problem(line, f"parents must be a list of person keys, not "
                             f"{_type_name(value)}")
            else:
                for who in value:
                    self.person_ref(who, line, "parents")
        elif name == "household":
            self.household_ref(value, line, name)
        elif name in ("to", "owner"):
            self.org_ref(value, line, name)
        elif name in ("concern", "handover"):
            self.ref(value, line, name)
        elif name == "goal":
            if not (isinstance(value, str) and value in self.goals):
                later = (f" yet (a plan defines it at line {self.all_goals[value]})"
                         if isinstance(value, str) and value in self.all_goals else "")
                self.problem(line, f"goal {_type_name(value)} is not a goal of a plan{later}")
        elif name == "as":
            if not isinstance(value, str) or not value:
                self.problem(line, f"as must be a key, not {_type_name(value)}")
            elif value in self.refs:
                self.problem(line, f"key {value!r} is already used (line {self.refs[value][1]})")
        elif enum is not None:
            self.enum(value, line, name, enum)
        elif name in BOOL_FIELDS:
            if not isinstance(value, bool):
                self.problem(line, f"{name} must be true or false, not {_type_name(value)}")
        elif name in TEXT_FIELDS:
            self.text(value, line, name)
        elif name == "answers":
            return self.answers(value, line)
        elif name == "factors":
            self.factors(do, value, line)
        elif name == "municipality":
            return self.municipality(item, do)
        elif name == "postcode":
            return self.postcode(item, do)
        elif name == "birth_date":
            birth = self.birth_date(item, do)
            if birth and day and birth > day:
                self.problem(line, f"birth_date {birth} lies after the action's date {day}")
            return birth
        elif name == "due":
            due = parse_day(value)
            if due is None:
                self.problem(line, f"due must be a date (YYYY-MM-DD), not {_type_name(value)}")
            return due
        elif name == "goals":
            return self.goal_list(value, line)
        elif name == "bsn":
            return self.bsn(item, str(item.get("person")), self.bsns)
        return value

    def ref(self, value: Any, line: int, name: str) -> None:
        if isinstance(value, str) and value in self.refs:
            kind, dline = self.refs[value]
            if kind != name:
                self.problem(line, f"{name}: {value!r} names a {kind} (line {dline}), not a "
                             f"{name}")
            return
        later = ""
        if isinstance(value, str) and value in self.all_refs:
            later = f" yet (it is defined at line {self.all_refs[value][1]})"
        self.problem(line, f"{name}: {_type_name(value)} is not defined{later}; name a {name} "
                     f"created earlier with `as:`")

    def answers(self, value: Any, line: int) -> dict[str, bool]:
        out: dict[str, bool] = {}
        if not isinstance(value, LineDict) or not value:
            self.problem(line, "answers must be a mapping {q1: yes, …, q5: no}")
            return out
        for key, answer in value.items():
            aline = value.line_of(key)
            if key not in ANSWER_KEYS:
                self.problem(aline, f"unknown question {_type_name(key)}; the afwegingskader "
                             "has q1 … q5")
                continue
            if isinstance(answer, bool):
                out[key] = answer
            elif isinstance(answer, str) and answer.strip().lower() in ("yes", "no"):
                out[key] = answer.strip().lower() == "yes"
            else:
                self.problem(aline, f"{key} must be yes or no, not {_type_name(answer)}")
        return out

    def factors(self, do: str, value: Any, line: int) -> None:
        if not isinstance(value, list):
            self.problem(line, f"factors must be a list, not {_type_name(value)}")
            return
        for j, f in enumerate(value):
            fline = value.line_of(j) if isinstance(value, LineList) else line
            if do == "assess":
                if not isinstance(f, LineDict):
                    self.problem(fline, "a factor is a mapping {domain, code, owner (optional)}")
                    continue
                self.unknown_keys(f, {"domain", "code", "owner"}, "a factor")
                if "domain" not in f or "code" not in f:
                    self.problem(f.line, "a factor needs domain and code")
                if "domain" in f:
                    self.enum(f["domain"], f.line_of("domain"), "domain", FACTOR_DOMAINS)
                if "code" in f:
                    self.factor_code(f["code"], f.line_of("code"))
                if "owner" in f:
                    self.org_ref(f["owner"], f.line_of("owner"), "owner")
            else:
                self.factor_code(f, fline)
        if do == "assess":
            codes = [f.get("code") for f in value if isinstance(f, dict)]
            dupes = {c for c in codes if isinstance(c, str) and codes.count(c) > 1}
            if dupes:
                self.problem(line, f"factor {', '.join(sorted(dupes))} is listed twice")

    def factor_code(self, value: Any, line: int) -> None:
        if not (isinstance(value, str) and _FACTOR_CODE.match(value)):
            self.problem(line, f"a factor code is a lowercase code such as debts, not "
                         f"{_type_name(value)}")

    def goal_list(self, value: Any, line: int) -> Any:
        if not isinstance(value, list):
            self.problem(line, f"goals must be a list of {{key, text, due, owner}}, not "
                         f"{_type_name(value)}")
            return value
        keys: set[str] = set()
        out = []
        for j, g in enumerate(value):
            gline = value.line_of(j) if isinstance(value, LineList) else line
            if not isinstance(g, LineDict):
                self.problem(gline, "a goal is a mapping {key, text, due, owner}")
                continue
            self.unknown_keys(g, {"key", "text", "due", "owner"}, "a goal")
            for need in ("key", "text", "due", "owner"):
                if need not in g:
                    self.problem(g.line, f"a goal needs {need}")
            key = g.get("key")
            if "key" in g:
                if not isinstance(key, str) or not key:
                    self.problem(g.line_of("key"), f"a goal's key must be a name, not "
                                 f"{_type_name(key)}")
                elif key in keys:
                    self.problem(g.line_of("key"), f"goal key {key!r} is used twice in this plan")
                else:
                    keys.add(key)
            if "text" in g:
                self.text(g["text"], g.line_of("text"), "text")
            due = parse_day(g.get("due"))
            if "due" in g and due is None:
                self.problem(g.line_of("due"), f"due must be a date (YYYY-MM-DD), not "
                             f"{_type_name(g['due'])}")
            if "owner" in g:
                self.org_ref(g["owner"], g.line_of("owner"), "owner")
            copy = LineDict(g)
            copy.line, copy.key_lines = g.line, g.key_lines
            if due is not None:
                copy["due"] = due
            out.append(copy)
        return out

    # -- expect ------------------------------------------------------------------------------
    def expect(self, value: Any, line: int, timeline: list[Action]) -> Expect | None:
        m = self.mapping(value, line, "expect")
        if m is None:
            return None
        self.unknown_keys(m, {"findings", "no_findings", "refused", "matches"}, "expect")
        out = Expect(line=m.line)
        for item, iline in self._items(m, "findings"):
            e = self._expect_map(item, iline, {"code", "child", "by"}, {"code", "child"})
            if e is None:
                continue
            self.code(e.get("code"), e.line_of("code"))
            self.person_ref(e.get("child"), e.line_of("child"), "child", anywhere=True)
            by = self.by_day(e)
            out.findings.append(ExpectFinding(e.line, str(e.get("code")), str(e.get("child")), by))
        for item, iline in self._items(m, "no_findings"):
            if isinstance(item, str):
                self.code(item, iline)
                out.no_findings.append(ExpectNoFinding(iline, item))
                continue
            e = self._expect_map(item, iline, {"code", "child"}, {"code"})
            if e is None:
                continue
            self.code(e.get("code"), e.line_of("code"))
            child = e.get("child")
            if "child" in e:
                self.person_ref(child, e.line_of("child"), "child", anywhere=True)
            out.no_findings.append(ExpectNoFinding(e.line, str(e.get("code")),
                                                   str(child) if child is not None else None))
        for item, iline in self._items(m, "refused"):
            e = self._expect_map(item, iline, {"at", "do", "by", "person", "child"}, {"at", "do"})
            if e is None:
                continue
            when = parse_when(e.get("at"))
            if when is None and "at" in e:
                self.problem(e.line_of("at"), f"at must be a date, not {_type_name(e['at'])}")
            if "do" in e and e["do"] not in self.specs:
                self.problem(e.line_of("do"), f"unknown do {_type_name(e['do'])}")
            if "by" in e:
                self.org_ref(e["by"], e.line_of("by"), "by")
            for name in ("person", "child"):
                if name in e:
                    self.person_ref(e[name], e.line_of(name), name, anywhere=True)
            if when is None:
                continue
            r = ExpectRefused(e.line, when[0], str(e.get("do")), e.get("by"), e.get("person"),
                              e.get("child"))
            hits = matching_actions(r, timeline)
            if not hits:
                self.problem(e.line, f"no action of the timeline is {r.do} on {r.at}"
                             + _refused_detail(r))
            elif len(hits) > 1:
                self.problem(e.line, f"{len(hits)} actions match (lines "
                             f"{', '.join(str(a.line) for a in hits)}); add by, person or child "
                             "to tell them apart")
            out.refused.append(r)
        for item, iline in self._items(m, "matches"):
            e = self._expect_map(item, iline, {"level", "people", "organisations", "by"},
                                 {"level"})
            if e is None:
                continue
            self.enum(e.get("level"), e.line_of("level"), "level", ("child", "family"))
            people = self._key_list(e, "people")
            for who in people:
                self.person_ref(who, e.line_of("people"), "people", anywhere=True)
            orgs = self._key_list(e, "organisations")
            for org in orgs:
                self.org_ref(org, e.line_of("organisations"), "organisations")
            out.matches.append(ExpectMatch(e.line, str(e.get("level")), [str(p) for p in people],
                                           [str(o) for o in orgs], self.by_day(e)))
        return out

    def _items(self, m: LineDict, name: str) -> list[tuple[Any, int]]:
        if name not in m or m[name] is None:
            return []
        value = m[name]
        if not isinstance(value, LineList):
            self.problem(m.line_of(name), f"expect {name} must be a list, not "
                         f"{_type_name(value)}")
            return []
        return [(item, value.line_of(i)) for i, item in enumerate(value)]

    def _expect_map(self, item: Any, line: int, allowed: set[str], required: set[str]
                    ) -> LineDict | None:
        if not isinstance(item, LineDict):
            self.problem(line, f"an expect entry must be a mapping with "
                         f"{', '.join(sorted(required))}, not {_type_name(item)}")
            return None
        self.unknown_keys(item, allowed, "an expect entry")
        for need in sorted(required - item.keys()):
            self.problem(item.line, f"an expect entry needs {need}")
        return item

    def _key_list(self, e: LineDict, name: str) -> list[Any]:
        value = e.get(name, [])
        if not isinstance(value, list):
            self.problem(e.line_of(name), f"{name} must be a list of keys")
            return []
        return list(value)

    def code(self, value: Any, line: int) -> None:
        if value not in CODES:
            self.problem(line, f"unknown finding code {_type_name(value)}; the codes are "
                         f"{', '.join(CODES)}")

    def by_day(self, e: LineDict) -> date | None:
        if "by" not in e:
            return None
        when = parse_when(e["by"])
        if when is None:
            self.problem(e.line_of("by"), f"by must be a date, not {_type_name(e['by'])}")
            return None
        return when[0]


def _refused_detail(r: ExpectRefused) -> str:
    parts = [f"{k} {v}" for k, v in (("by", r.by), ("person", r.person), ("child", r.child)) if v]
    return f" ({', '.join(parts)})" if parts else ""


def matching_actions(r: ExpectRefused, actions: list[Any]) -> list[Any]:
    """The actions an ``expect: refused`` entry names: same day and ``do``, and the same
    ``by``/``person``/``child`` where the entry gives them. Works on loader actions and on
    action results alike (both have ``day``, ``do``, ``by`` and ``fields``)."""
    out = []
    for a in actions:
        if a.day != r.at or a.do != r.do:
            continue
        if r.by is not None and a.by != r.by:
            continue
        if r.person is not None and a.fields.get("person") != r.person:
            continue
        if r.child is not None and a.fields.get("child") != r.child:
            continue
        out.append(a)
    return out


def _noon(day: date) -> datetime:
    return datetime.combine(day, PLAIN_DATE_TIME, tzinfo=AMSTERDAM)


def _assign_moments(actions: list[Action]) -> None:
    """The clock time a plain-date action is applied at: noon, but never before the action
    before it on that day and never after a later explicit time on that day, so the simulated
    clock never goes back."""
    for i, a in enumerate(actions):
        if a.explicit_time:
            continue
        lo = actions[i - 1].moment if i and actions[i - 1].day == a.day else None
        hi = next((b.moment for b in actions[i + 1:] if b.day == a.day and b.explicit_time),
                  None)
        moment = _noon(a.day)
        if lo is not None and moment < lo:
            moment = lo
        if hi is not None and moment > hi:
            moment = hi
        a.moment = moment
        a.fields["at"] = a.day


def default_specs() -> Mapping[str, ActionSpecLike]:
    from .actions import ACTIONS

    return ACTIONS


def parse(text: str, path: str | Path = "<scenario>",
          specs: Mapping[str, ActionSpecLike] | None = None) -> Scenario:
    """Validate a scenario's text completely; raise :class:`ScenarioError` naming every
    problem's line, or return the scenario ready to run."""
    path = str(path)
    try:
        root = yaml.load(text, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        # an unclosed bracket or quote is where it was opened (context), not where the
        # parser gave up
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else 1
        msg = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != mark.line:
            msg += f" (at line {exc.problem_mark.line + 1})"
        raise ScenarioError(path, [Problem(line, f"invalid YAML: {msg}")]) from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(path, [Problem(1, f"invalid YAML: {exc}")]) from exc
    checker = _Checker(path, specs if specs is not None else default_specs())
    scenario = checker.scenario(root)
    if checker.problems or scenario is None:
        raise ScenarioError(path, checker.problems or [Problem(1, "not a scenario")])
    return scenario


def load(path: str | Path, specs: Mapping[str, ActionSpecLike] | None = None) -> Scenario:
    """Read and validate the scenario file at ``path`` (see :func:`parse`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path, [Problem(1, f"cannot read the file: {exc}")]) from exc
    return parse(text, path, specs)
