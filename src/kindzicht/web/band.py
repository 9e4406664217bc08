"""The responsibility band: who held safety responsibility for a child over time, drawn as one
horizontal bar (server-side SVG) with a colour per organisation and every gap — open risk and
nobody responsible — in hatched red. The same segments are listed in a table beside it, which
is what a screen reader reads (the SVG is a picture of the table).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from kindzicht.continuity.models import ResponsibilityPeriod, RiskPeriod
from kindzicht.core import clock

#: Rijkshuisstijl colours with at least 3:1 contrast against white (WCAG 1.4.11); red is
#: reserved for gaps.
PALETTE = ["#007bc7", "#39870c", "#42145f", "#94710a", "#a90061", "#673327", "#777c00",
           "#01689b", "#e17000"]
GAP_COLOUR = "#b3261e"
WIDTH = 1000
BAR_TOP, BAR_HEIGHT = 8, 44
MIN_SHARE = 0.02  # a short period is still visible: at least 2 % of the band


@dataclass
class Segment:
    start: datetime
    end: datetime
    kind: str  # "held" | "gap" | "none"
    organisation_id: int | None = None
    organisation_name: str = ""
    basis: str = ""
    how: str = ""
    current: bool = False
    colour: str = ""
    x: float = 0.0
    width: float = 0.0

    @property
    def start_on(self) -> date:
        return clock.local_date(self.start)

    @property
    def end_on(self) -> date:
        return clock.local_date(self.end)

    @property
    def label(self) -> str:
        if self.kind == "held":
            return self.organisation_name
        if self.kind == "gap":
            return _("niemand verantwoordelijk")
        return _("geen open risico")


@dataclass
class Band:
    segments: list[Segment]
    legend: list[tuple[str, str]]  # (name, colour)
    has_gap: bool
    start: date
    end: date
    ticks: list[tuple[float, date]]

    @property
    def has_blank(self) -> bool:
        return any(s.kind == "none" for s in self.segments)

    @property
    def rows(self) -> list[Segment]:
        """The table rows: held periods and gaps, newest first (the time without open risk
        and without a holder is not a row)."""
        return [s for s in reversed(self.segments) if s.kind != "none"]


def responsibility_band(child_id: int, now: datetime | None = None) -> Band | None:
    """The band of one child, or None when the child never was at open risk and nobody ever
    held responsibility."""
    now = now or clock.now()
    periods = list(ResponsibilityPeriod.objects.filter(child_id=child_id)
                   .select_related("organisation").order_by("at", "id"))
    risks = list(RiskPeriod.objects.filter(child_id=child_id).order_by("at", "id"))
    if not periods and not risks:
        return None
    held = [(p.at, p.ended_at or now, p) for p in periods if p.organisation_id]
    risk_spans = [(r.at, r.closed_at or now) for r in risks]
    cuts = sorted({t for a, b, _p in held for t in (a, b)}
                  | {t for a, b in risk_spans for t in (a, b)} | {now})  # the band ends today
    segments: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if b <= a:
            continue
        mid = a + (b - a) / 2
        holder = next((p for s, e, p in held if s <= mid < e), None)
        at_risk = any(s <= mid < e for s, e in risk_spans)
        if holder is not None:
            seg = Segment(a, b, "held", holder.organisation_id, holder.organisation.name,
                          holder.get_basis_display() if holder.basis else "", holder.how,
                          current=holder.ended_at is None and b == now)
        else:
            seg = Segment(a, b, "gap" if at_risk else "none", current=b == now)
        last = segments[-1] if segments else None
        if last and last.kind == seg.kind and last.organisation_id == seg.organisation_id \
                and last.how == seg.how and last.basis == seg.basis:
            last.end, last.current = seg.end, seg.current
        else:
            segments.append(seg)
    # A holder that took over this very moment still gets its (short) segment.
    for p in periods:
        if p.organisation_id and p.ended_at is None and not any(
                s.current and s.organisation_id == p.organisation_id for s in segments):
            segments.append(Segment(p.at, now, "held", p.organisation_id, p.organisation.name,
                                    p.get_basis_display() if p.basis else "", p.how,
                                    current=True))
    if not segments:
        start = periods[0].at if periods else risks[0].at
        return Band([], [], False, clock.local_date(start), clock.local_date(now), [])
    colours: dict[int, str] = {}
    for s in segments:
        if s.kind == "held" and s.organisation_id not in colours:
            colours[s.organisation_id] = PALETTE[len(colours) % len(PALETTE)]
        s.colour = colours.get(s.organisation_id, GAP_COLOUR if s.kind == "gap" else "#f3f3f3")
    _lay_out(segments)
    names = {s.organisation_id: s.organisation_name for s in segments if s.kind == "held"}
    legend = [(names[o], c) for o, c in colours.items()]
    start, end = segments[0].start, segments[-1].end
    return Band(segments, legend, any(s.kind == "gap" for s in segments),
                clock.local_date(start), clock.local_date(end), _ticks(segments))


def _lay_out(segments: list[Segment]) -> None:
    """Widths proportional to duration, but every segment at least MIN_SHARE wide (taken
    from the segments that can spare it), so that a handover confirmed today still shows."""
    total = sum((s.end - s.start).total_seconds() for s in segments) or 1.0
    shares = [max((s.end - s.start).total_seconds() / total, 0.0) for s in segments]
    minimum = min(MIN_SHARE, 1 / len(segments))
    small = [i for i, sh in enumerate(shares) if sh < minimum]
    if small:
        need = sum(minimum - shares[i] for i in small)
        spare = sum(sh - minimum for i, sh in enumerate(shares) if i not in small)
        for i, sh in enumerate(shares):
            if i in small:
                shares[i] = minimum
            elif spare > 0:
                shares[i] = sh - (sh - minimum) * need / spare
    x = 0.0
    for s, sh in zip(segments, shares, strict=True):
        s.x, s.width = round(x, 2), round(sh * WIDTH, 2)
        x += sh * WIDTH


def _ticks(segments: list[Segment]) -> list[tuple[float, date]]:
    """Date labels at the start, the end, and at segment boundaries far enough apart."""
    marks = [(0.0, segments[0].start_on)]
    for s in segments[1:]:
        if s.x - marks[-1][0] >= 180 and WIDTH - s.x >= 180:
            marks.append((s.x, s.start_on))
    marks.append((float(WIDTH), segments[-1].end_on))
    return marks
