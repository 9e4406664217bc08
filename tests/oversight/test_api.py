"""The FG's API: the access log filtered and paged, findings, a report over a period, a review;
only the FG; problem+json naming the field; every call audited."""

from __future__ import annotations

from datetime import date

import pytest
from auth_support import verified_login
from django.test import Client

from kindzicht.core import clock
from kindzicht.core.models import AuditEntry
from kindzicht.oversight.models import Finding

from .conftest import DAY, at, read


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(at(12, date(2026, 3, 20))):
        yield


def api(user) -> Client:
    """The FG needs a second factor, so HTTP Basic is refused: a verified session instead."""
    client = Client()
    verified_login(client, user)
    return client


@pytest.fixture
def reads(make_org, make_pro, make_person):
    pro = make_pro(make_org("Jeugdhulp"))
    child = make_person("Lotte", family="Visser", born=date(2017, 4, 2))
    for hour in (9, 10, 11):
        read(pro, [child.pk], moment=at(hour), purpose="api")
    return pro, child


def test_the_access_log_is_filtered_paged_and_audited(fg, reads):
    pro, child = reads
    r = api(fg).get("/api/v1/access-log", {"period_from": DAY.isoformat(),
                                           "period_to": DAY.isoformat(), "actor": pro.pk,
                                           "page_size": 2})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["count"], body["page"], body["pages"]) == (3, 1, 2)
    first = body["results"][0]
    assert first["actor_id"] == pro.pk and first["organisation"] == "Jeugdhulp"
    assert first["persons"] == [{"id": child.pk, "name": f"{child.name} (2017-04-02, "
                                 f"#{child.pk})"}]
    assert [e["at"] for e in body["results"]] == sorted(
        [e["at"] for e in body["results"]], reverse=True)
    by_name = api(fg).get("/api/v1/access-log", {"family_name": "Visser",
                                                 "birth_date": "2017-04-02",
                                                 "kind": "read", "action": "person_viewed"})
    assert by_name.json()["count"] == 3
    audited = AuditEntry.objects.filter(action="access_log_viewed", actor_id=fg.pk)
    assert audited.count() == 2 and audited.first().person_ids == [child.pk]


def test_bad_filters_are_problems_naming_the_field(fg, reads):
    r = api(fg).get("/api/v1/access-log", {"family_name": "Visser"})
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    assert r.json()["invalidParams"][0]["name"] == "birth_date"
    r = api(fg).get("/api/v1/access-log", {"kind": "peek"})
    assert r.status_code == 400 and r.json()["invalidParams"][0]["name"] == "kind"


def test_only_the_fg(make_pro, municipality, reads):
    pro, _ = reads
    for user in (pro, make_pro(municipality, role="admin"),
                 make_pro(municipality, role="municipality_officer")):
        assert api(user).get("/api/v1/access-log").status_code == 403
        assert api(user).post("/api/v1/unusual-access-reports", {},
                              content_type="application/json").status_code == 403
    assert Client().get("/api/v1/unusual-access-findings").status_code == 401


def test_report_list_and_review(fg, reads):
    pro, child = reads
    c = api(fg)
    made = c.post("/api/v1/unusual-access-reports", {"period_from": DAY.isoformat(),
                                                     "period_to": DAY.isoformat()},
                  content_type="application/json")
    assert made.status_code == 201, made.content
    [finding] = made.json()
    assert finding["rule"] == "outside_involvement" and finding["person_ids"] == [child.pk]
    assert finding["figures"]["reads"] == 3 and finding["facts"]
    again = c.post("/api/v1/unusual-access-reports", {"period_from": DAY.isoformat(),
                                                      "period_to": DAY.isoformat()},
                   content_type="application/json")
    assert again.status_code == 201 and again.json() == []
    listed = c.get("/api/v1/unusual-access-findings").json()
    assert [f["id"] for f in listed] == [finding["id"]]
    url = f"/api/v1/unusual-access-findings/{finding['id']}/review"
    empty = c.post(url, {"note": " "}, content_type="application/json")
    assert empty.status_code == 400 and empty.json()["invalidParams"][0]["name"] == "note"
    done = c.post(url, {"note": "Vervanging tijdens ziekte; in orde."},
                  content_type="application/json")
    assert done.status_code == 200 and done.json()["reviewed_at"]
    twice = c.post(url, {"note": "nog eens"}, content_type="application/json")
    assert twice.status_code == 409
    assert Finding.objects.get().review_note == "Vervanging tijdens ziekte; in orde."
    assert c.get("/api/v1/unusual-access-findings").json() == []
    assert c.get("/api/v1/unusual-access-findings/999999").status_code == 404
