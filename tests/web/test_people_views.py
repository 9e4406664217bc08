"""The issue-2 screens through the Django test client: login required, find a person (by name
and birth date with GET, by BSN only with POST), the person page with the family as of today,
recording a death; bad input gives a form error and writes nothing; reads are audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.people.models import Person

from .conftest import INVALID_BSN, VALID_BSN, involve, logged_in, years_ago

pytestmark = pytest.mark.django_db

PAGES = [
    ("web:home", {}), ("web:person_search", {}), ("web:my_children", {}), ("web:tasks", {}),
]


@pytest.mark.parametrize("name,kwargs", PAGES)
def test_pages_require_login(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_person_pages_require_login(client, family):
    for name in ("web:person", "web:person_death", "web:handover_offer",
                 "web:involvement_end", "web:decision_record"):
        response = client.get(reverse(name, kwargs={"pk": family.child.pk}))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("web:login"))


def test_login_page_is_dutch_and_logs_in(client, pro):
    page = client.get(reverse("web:login"))
    assert page.status_code == 200
    assert 'lang="nl"' in page.content.decode()
    assert "Inloggen" in page.content.decode()
    response = client.post(reverse("web:login"), {"username": pro.username,
                                                   "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == reverse("web:home")


def test_home_shows_organisation_and_role(web, pro):
    html = web.get(reverse("web:home")).content.decode()
    assert "Jeugdhulp Utrecht" in html
    assert "Professional" in html
    assert 'href="#inhoud"' in html  # skip link
    assert "<main" in html and "<nav" in html and "<header" in html


def test_language_switch_to_english(web):
    response = web.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = web.get(reverse("web:home")).content.decode()
    assert 'lang="en"' in html
    assert "Find a person" in html
    assert "Persoon zoeken" not in html


def test_dutch_even_when_the_browser_asks_for_english(web):
    html = web.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="nl"' in html and "Persoon zoeken" in html


def test_search_by_name_and_birth_date(web, family):
    url = reverse("web:person_search")
    response = web.get(url, {"name": "lotte visser",
                             "birth_date": family.child.birth_date.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("web:person", kwargs={"pk": family.child.pk}) in html
    assert "Daan" not in html  # another birth date
    entry = AuditEntry.objects.filter(kind="read", action="person_searched").latest("id")
    assert entry.person_ids == [family.child.pk]


def test_search_with_a_future_birth_date_is_a_form_error(web, family):
    before = AuditEntry.objects.count()
    response = web.get(reverse("web:person_search"),
                       {"name": "Lotte", "birth_date": "2999-01-01"})
    assert response.status_code == 200
    assert "Deze datum ligt in de toekomst." in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_search_by_bsn_only_by_post_and_never_in_a_url(web, family):
    url = reverse("web:person_search_bsn")
    assert web.get(url, {"bsn": VALID_BSN}).status_code == 405
    response = web.post(url, {"bsn": VALID_BSN})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:person", kwargs={"pk": family.child.pk})
    assert VALID_BSN not in response["Location"]
    # The search form itself posts the BSN: it is never a GET parameter.
    html = web.get(reverse("web:person_search")).content.decode()
    assert f'<form method="post" action="{url}"' in html


def test_invalid_bsn_is_a_form_error_and_reads_nothing(web, family):
    before = AuditEntry.objects.count()
    response = web.post(reverse("web:person_search_bsn"), {"bsn": INVALID_BSN})
    assert response.status_code == 400
    assert "elfproef" in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_unknown_bsn_says_so(web, family):
    response = web.post(reverse("web:person_search_bsn"), {"bsn": "123456782"})
    assert response.status_code == 400
    assert "Er is geen persoon met dit BSN bekend." in response.content.decode()


def test_person_page_shows_the_blended_family_of_today_and_masks_the_bsn(web, pro, family):
    involve(pro, family.child)
    response = web.get(reverse("web:person", kwargs={"pk": family.child.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert VALID_BSN not in html
    assert "••••••333" in html
    for person, role in ((family.mother, "ouder"), (family.father, "ouder"),
                         (family.partner, "stiefouder"), (family.full_sibling, "broer of zus"),
                         (family.half_sibling, "broer of zus")):
        row = html.split(f'href="/personen/{person.pk}/"')[1].split("</tr>")[0]
        assert f"<td>{role}</td>" in row, (person.name, row)
    assert "Eva" not in html  # the half-sibling's mother is not this child's family
    assert "3511AB" in html and "Utrecht" in html
    assert "8 jaar" in html


def test_person_page_read_is_audited_with_everyone_shown(web, pro, family):
    involve(pro, family.child)
    web.get(reverse("web:person", kwargs={"pk": family.child.pk}))
    entry = AuditEntry.objects.filter(kind="read", action="person_viewed").latest("id")
    assert entry.actor_id == pro.pk and entry.organisation_id == pro.organisation_id
    assert entry.purpose == "view_person"
    assert {family.child.pk, family.mother.pk, family.partner.pk,
            family.half_sibling.pk} <= set(entry.person_ids)


def test_record_death(web, pro, family):
    involve(pro, family.child)  # the father is in reach as the child's family
    url = reverse("web:person_death", kwargs={"pk": family.father.pk})
    response = web.post(url, {"on": years_ago(0, days=2).isoformat(), "confirm": "on"})
    assert response.status_code == 302
    family.father.refresh_from_db()
    assert family.father.death_date == years_ago(0, days=2)
    assert DomainEvent.objects.filter(type="person_died").count() == 1


@pytest.mark.parametrize("data,message", [
    ({"on": "2999-01-01", "confirm": "on"}, "Deze datum ligt in de toekomst."),
    ({"on": "", "confirm": "on"}, "Dit veld is vereist."),
    ({"on": "1950-01-01", "confirm": "on"}, "De datum van overlijden ligt vóór de geboortedatum."),
])
def test_bad_death_date_is_a_form_error_and_writes_nothing(web, pro, family, data,
                                                           message):
    involve(pro, family.child)
    events = DomainEvent.objects.count()
    writes = AuditEntry.objects.filter(kind="write").count()
    response = web.post(reverse("web:person_death", kwargs={"pk": family.child.pk}), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Person.objects.get(pk=family.child.pk).death_date is None
    assert DomainEvent.objects.count() == events
    assert AuditEntry.objects.filter(kind="write").count() == writes


def test_municipality_officer_sees_no_person_data(make_org, make_pro, family):
    gemeente = make_org("Gemeente Utrecht", sector="municipality")
    officer = logged_in(make_pro(gemeente, role="municipality_officer"))
    response = officer.get(reverse("web:person", kwargs={"pk": family.child.pk}))
    assert response.status_code == 403
    assert "Lotte" not in response.content.decode()


def test_no_address_on_any_page_carries_the_bsn(web, family):
    """Walk the pages a search by BSN leads to: no link, form action or redirect holds it."""
    import re

    pages = [web.post(reverse("web:person_search_bsn"), {"bsn": VALID_BSN}, follow=True)]
    pages.append(web.post(reverse("web:person_search_bsn"), {"bsn": "123456782"}))
    for response in pages:
        for url, _status in getattr(response, "redirect_chain", []):
            assert VALID_BSN not in url
        html = response.content.decode()
        addresses = re.findall(r'(?:href|action|src)="([^"]*)"', html)
        assert addresses and not [a for a in addresses if VALID_BSN in a or "123456782" in a]


def test_a_person_outside_reach_shows_identity_and_offers_break_the_glass(web, family):
    before = AuditEntry.objects.filter(kind="read").count()
    response = web.get(reverse("web:person", kwargs={"pk": family.child.pk}))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Buiten uw bereik" in html and "Lotte Visser" in html
    assert "Dossier openbreken" in html
    # identity only: no family, no addresses, nothing read
    assert "Anouk" not in html and "3511AB" not in html
    assert AuditEntry.objects.filter(kind="read").count() == before
