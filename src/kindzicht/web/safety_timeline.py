"""The child's risk history as one picture (server-side SVG): where the child lived (a band per
municipality), which organisations were involved when (a lane each), the assessments (a mark
per assessment, coloured by the safety decision) and the life events in the family (ticks).
The tables on the same page carry the same facts for screen readers; the SVG is their picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from kindzicht.safety.reads import RiskHistory

WIDTH = 1000
LEFT = 230  # room for the lane labels
RIGHT = 980  # the plot ends here: room for the last mark and its label
LANE = 26
SAFETY_COLOURS = {"safe": "#2e6b0a", "conditionally_safe": "#94710a", "unsafe": "#b3261e"}
WHAT_COLOURS = {"involvement": "#007bc7", "responsibility": "#42145f", "signal": "#e17000",
                "concern": "#a90061"}
#: Municipalities: earthy colours, apart from the organisations' blues and purples (each at
#: least 3:1 against white, WCAG 1.4.11).
PLACE_COLOURS = ["#39870c", "#673327", "#777c00", "#94710a", "#275937", "#8b4a6a"]


@dataclass
class Bar:
    x: float
    width: float
    colour: str
    title: str
    #: within the 20-pixel lane: involvement and concerns fill it; responsibility is a strip
    #: along its foot and a signal one along its head, so that overlapping facts stay visible
    dy: int = 0
    height: int = 20


@dataclass
class Lane:
    label: str
    y: int
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Mark:
    x: float
    y: int
    colour: str
    label: str
    title: str


@dataclass
class Timeline:
    height: int
    start: date
    end: date
    lanes: list[Lane]
    marks: list[Mark]
    ticks: list[tuple[float, str]]
    events: list[Mark]
    description: str
    legend: list[tuple[str, list[tuple[str, str]]]]  # (group, [(name, colour)])


def risk_timeline(history: RiskHistory) -> Timeline | None:
    from kindzicht.safety.life_events import life_event_label
    from kindzicht.safety.models import RiskLevel, Safety

    days = [history.child.birth_date if not history.addresses else None]
    days += [a.valid_from for a in history.addresses]
    days += [o.start for o in history.organisations]
    days += [e.on for e in history.life_events]
    days += [on for on, _name in history.assessors]
    known = [d for d in days if d]
    if not known:
        return None
    start, end = min(known), history.today
    if end <= start:
        end = start + timedelta(days=1)
    span = (end - start).days or 1

    def x(day: date | None) -> float:
        day = day or end
        return round(LEFT + (RIGHT - LEFT) * max(0, min(span, (day - start).days)) / span, 2)

    lanes: list[Lane] = []
    # Integer y coordinates: a localised float ("30,0") is no SVG number.
    y = 10
    place = Lane(_("Woonplaats"), y)
    colours: dict[str, str] = {}
    for a in history.addresses:
        colour = colours.setdefault(a.municipality_code,
                                    PLACE_COLOURS[len(colours) % len(PLACE_COLOURS)])
        left = x(a.valid_from or start)
        place.bars.append(Bar(left, max(2.0, x(a.valid_to) - left), colour,
                              f"{a.municipality or a.municipality_code} {a.postcode}"))
    lanes.append(place)
    by_org: dict[int, Lane] = {}
    for o in history.organisations:
        lane = by_org.get(o.organisation.pk)
        if lane is None:
            y += LANE
            lane = by_org[o.organisation.pk] = Lane(o.organisation.name, y)
            lanes.append(lane)
        left = x(o.start)
        dy, height = {"responsibility": (12, 8), "signal": (0, 6)}.get(o.what, (0, 20))
        lane.bars.append(Bar(left, max(3.0, x(o.end) - left), WHAT_COLOURS[o.what],
                             f"{o.organisation.name}: {what_labels()[o.what]}", dy, height))
        lane.bars.sort(key=lambda b: -b.height)  # strips drawn over the full bars
    y += LANE + 10
    marks: list[Mark] = []
    safety_names, risk_names = dict(Safety.choices), dict(RiskLevel.choices)
    mark_y = y
    for on, _name in history.assessors:
        marks.append(Mark(x(on), mark_y, "#545454", "", f"{on:%d-%m-%Y}: {_name}"))
    if history.assessments is not None:
        marks = [Mark(x(a.on), mark_y, SAFETY_COLOURS[a.safety], str(risk_names[a.risk]),
                      f"{a.on:%d-%m-%Y} {a.organisation.name}: {safety_names[a.safety]}, "
                      f"{_('risico')} {risk_names[a.risk]}") for a in history.assessments]
    y += LANE + 6
    events = [Mark(x(e.on), y, "#1a1a1a", "", f"{e.on:%d-%m-%Y}: {life_event_label(e.kind)}")
              for e in history.life_events]
    y += LANE
    ticks = [(float(LEFT), f"{start:%d-%m-%Y}")]
    for year in range(start.year + 1, end.year + 1):
        tx = x(date(year, 1, 1))
        if tx - ticks[-1][0] >= 90 and RIGHT - tx >= 90:
            ticks.append((tx, str(year)))
    ticks.append((float(RIGHT), f"{end:%d-%m-%Y}"))
    municipality_legend = [(a.municipality or a.municipality_code, colours[a.municipality_code])
                           for a in _unique(history.addresses)]
    legend = [(_("Woonplaats"), municipality_legend),
              (_("Organisaties"), [(str(what_labels()[k]), c) for k, c in WHAT_COLOURS.items()])]
    if history.assessments is not None:
        legend.append((_("Risicotaxaties"),
                       [(str(safety_names[k]), c) for k, c in SAFETY_COLOURS.items()]))
    description = _("Van %(start)s tot vandaag: %(places)s; %(orgs)s organisaties; "
                    "%(n)s risicotaxaties; %(events)s gebeurtenissen in het gezin.") % {
        "start": f"{start:%d-%m-%Y}",
        "places": ", ".join(name for name, _c in municipality_legend) or "—",
        "orgs": len(by_org), "n": len(history.assessors), "events": len(history.life_events)}
    return Timeline(height=y + 28, start=start, end=end, lanes=lanes, marks=marks, ticks=ticks,
                    events=events, description=description, legend=legend)


def _unique(addresses):
    seen = set()
    for a in addresses:
        if a.municipality_code not in seen:
            seen.add(a.municipality_code)
            yield a


def what_labels() -> dict[str, str]:
    return {"involvement": _("betrokkenheid"), "responsibility": _("veiligheidsregie"),
            "signal": _("signaal in de verwijsindex"), "concern": _("zorg (Meldcode)")}
