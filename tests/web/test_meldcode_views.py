"""The issue-5 screens through the Django test client: recording a concern, the five steps with
their deadlines, the afwegingskader's outcome shown before deciding, skipped steps, Veilig
Thuis's inbox (accept, decline with a reason, the K2 warning), the knowledge base in context,
and the Meldcode deadlines in the task list. Bad input gives a form error and writes nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from kindzicht.continuity.models import Involvement, ResponsibilityPeriod
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.meldcode import services
from kindzicht.meldcode.models import Concern, MeldcodeStep, Report
from kindzicht.rules.models import Task
from kindzicht.rules.watchdog import sweep

from .conftest import logged_in

pytestmark = pytest.mark.django_db
REPORT_ANSWERS = {"q1": "ja", "q2": "ja", "q3": "ja", "q4": "ja", "q5": "ja"}


@pytest.fixture
def school(make_org):
    return make_org("Basisschool De Regenboog", sector="school")


@pytest.fixture
def teacher(make_pro, school):
    return make_pro(school, first_name="Fatima")


@pytest.fixture
def vt(make_org):
    return make_org("Veilig Thuis Utrecht", sector="safe_at_home")


@pytest.fixture
def vt_pro(make_pro, vt):
    return make_pro(vt, first_name="Joost")


@pytest.fixture
def web_teacher(teacher):
    return logged_in(teacher)


@pytest.fixture
def concern(teacher, family):
    return services.concern_record(Actor.of(teacher), child=family.child, kind="niet_pluis",
                                   text="Lotte is stil en schrikt bij harde geluiden.")


class Writes:
    def __init__(self, *models):
        self.models = models
        self.before = self.counts()

    def counts(self):
        counts = {m.__name__: m.objects.count() for m in self.models}
        counts["events"] = DomainEvent.objects.count()
        counts["writes"] = AuditEntry.objects.filter(kind="write").count()
        return counts

    def none(self) -> bool:
        return self.counts() == self.before


def step_url(concern, step):
    return reverse("web:concern_step", kwargs={"pk": concern.pk, "step": step})


def concern_url(concern):
    return reverse("web:concern", kwargs={"pk": concern.pk})


# --- recording a concern ----------------------------------------------------------------------

def test_the_child_page_offers_to_record_a_concern(web_teacher, teacher, family):
    from .conftest import involve

    involve(teacher, family.child, service="onderwijs")
    html = web_teacher.get(reverse("web:person", kwargs={"pk": family.child.pk})).content.decode()
    assert "Zorg vastleggen (Meldcode)" in html
    assert "Zorgen van uw organisatie (Meldcode)" in html
    adult = web_teacher.get(reverse("web:person", kwargs={"pk": family.mother.pk})).content
    assert "Zorg vastleggen (Meldcode)" not in adult.decode()


def test_recording_a_non_professionals_information(web_teacher, school, family):
    response = web_teacher.post(reverse("web:concern_new", kwargs={"pk": family.child.pk}), {
        "kind": "non_professional", "source": "sporttrainer",
        "text": "De trainer zag blauwe plekken.",
        "observations": "blauwe plekken op bovenarm\n\nwil niet douchen na de training"})
    assert response.status_code == 302
    c = Concern.objects.get()
    assert response["Location"] == concern_url(c)
    assert (c.organisation, c.kind, c.source) == (school, "non_professional", "sporttrainer")
    assert c.observations == ["blauwe plekken op bovenarm", "wil niet douchen na de training"]
    html = web_teacher.get(concern_url(c)).content.decode()
    assert "informatie van een niet-professional" in html and "sporttrainer" in html
    assert "wil niet douchen na de training" in html


def test_a_non_professionals_information_without_source_is_refused(web_teacher, family):
    writes = Writes(Concern)
    response = web_teacher.post(reverse("web:concern_new", kwargs={"pk": family.child.pk}),
                                {"kind": "non_professional", "source": ""})
    assert response.status_code == 400
    assert "Noem van wie de informatie komt" in response.content.decode()
    assert writes.none()


def test_a_concern_about_an_adult_is_refused_on_the_form(web_teacher, family):
    writes = Writes(Concern)
    response = web_teacher.post(reverse("web:concern_new", kwargs={"pk": family.mother.pk}),
                                {"kind": "niet_pluis"})
    assert response.status_code == 400
    assert "gaat over een kind; Anouk Bakker is 18 jaar of ouder" in response.content.decode()
    assert writes.none()


# --- the five steps ---------------------------------------------------------------------------

def test_the_concern_page_shows_steps_deadlines_and_knowledge(web_teacher, concern):
    html = web_teacher.get(concern_url(concern)).content.decode()
    for text in ("1. signalen in kaart brengen", "2. collegiale consultatie / Veilig Thuis",
                 "3. gesprek met ouders / kind", "4. wegen met het afwegingskader",
                 "5. beslissen", "nog te doen", "volgende stap"):
        assert text in html, text
    today = clock.today()
    # K1: consult within 7 days; K3: decision within 28 days.
    assert "Niet-pluisgevoel bespreken" in html
    assert f"{(today + timedelta(days=7)).day}" in html
    assert "Besluit nemen (stap 5)" in html
    # The knowledge base in context: Veilig Thuis and the Raad, with the report's misconceptions.
    assert "niet uit eigen waarneming komen" in html
    assert "zonder signalen bij het kind" in html


def test_the_whole_flow_to_a_report(web_teacher, concern, vt):
    assert web_teacher.post(step_url(concern, "map"), {
        "observations": "stil in de klas\nschrikt bij harde geluiden"}).status_code == 302
    consult = web_teacher.get(step_url(concern, "consult")).content.decode()
    assert "Veilig Thuis" in consult and "Bekende misverstanden" in consult  # step 2 knowledge
    assert web_teacher.post(step_url(concern, "consult"),
                            {"with_whom": "colleague", "note": "met de IB"}).status_code == 302
    assert web_teacher.post(step_url(concern, "talk"),
                            {"with_whom": "parents"}).status_code == 302
    weigh = web_teacher.post(step_url(concern, "weigh"), REPORT_ANSWERS, follow=True)
    html = weigh.content.decode()
    # After saving the weighing, the outcome is shown before the professional decides.
    assert "De antwoorden leiden tot:" in html and "melden bij Veilig Thuis" in html
    assert "U beslist zelf in stap 5" in html
    decide_page = web_teacher.get(step_url(concern, "decide")).content.decode()
    assert "De antwoorden leiden tot:" in decide_page
    assert "Raad voor de Kinderbescherming" in decide_page  # step 5 knowledge
    assert "Deze stappen slaat u over" not in decide_page
    response = web_teacher.post(step_url(concern, "decide"), {"outcome": "report"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.child, report.safe_at_home, report.concern) == (concern.child, vt, concern)
    concern.refresh_from_db()
    assert concern.outcome == "report"
    steps = list(MeldcodeStep.objects.filter(concern=concern).order_by("id")
                 .values_list("step", flat=True))
    assert steps == ["map", "consult", "talk", "weigh", "decide"]
    html = web_teacher.get(concern_url(concern)).content.decode()
    assert "Melding bij Veilig Thuis Utrecht" in html and "op tijd" in html


def test_a_step_can_be_revisited(web_teacher, concern):
    web_teacher.post(step_url(concern, "consult"), {"with_whom": "colleague"})
    web_teacher.post(step_url(concern, "consult"), {"with_whom": "safe_at_home"})
    html = web_teacher.get(concern_url(concern)).content.decode()
    assert "met een collega" in html and "met Veilig Thuis (advies)" in html
    assert "Stap 2 opnieuw doen" in html
    assert MeldcodeStep.objects.filter(step="consult").count() == 2


def test_weighing_with_a_missing_answer_writes_nothing(web_teacher, concern):
    writes = Writes(MeldcodeStep)
    answers = dict(REPORT_ANSWERS)
    del answers["q3"]
    response = web_teacher.post(step_url(concern, "weigh"), answers)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Beantwoord deze vraag met ja of nee." in html
    assert 'id="id_q3_error"' in html
    assert writes.none()


def test_departing_from_the_outcome_needs_a_reason(web_teacher, concern):
    web_teacher.post(step_url(concern, "weigh"), REPORT_ANSWERS)
    writes = Writes(MeldcodeStep, Report)
    response = web_teacher.post(step_url(concern, "decide"), {"outcome": "organise_help"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reason_error"' in html
    assert "U wijkt af van de uitkomst van het afwegingskader (melden bij Veilig Thuis)" in html
    assert writes.none()
    response = web_teacher.post(step_url(concern, "decide"), {
        "outcome": "organise_help", "reason": "Ouders staan open voor hulp; start volgende week"})
    assert response.status_code == 302
    html = web_teacher.get(concern_url(concern)).content.decode()
    assert "wijkt af van de uitkomst van het afwegingskader" in html
    assert "afgeweken van het afwegingskader" in html  # the K4 deadline


def test_deciding_at_once_shows_the_skipped_steps(web_teacher, concern, vt):
    page = web_teacher.get(step_url(concern, "decide")).content.decode()
    assert "Deze stappen slaat u over als u nu beslist" in page
    assert "U heeft nog niet gewogen" in page
    assert web_teacher.post(step_url(concern, "decide"), {"outcome": "report"}).status_code == 302
    html = web_teacher.get(concern_url(concern)).content.decode()
    assert "Besloten zonder:" in html and "overgeslagen" in html
    assert "1. signalen in kaart brengen" in html


def test_a_second_decision_writes_nothing(web_teacher, concern, vt):
    web_teacher.post(step_url(concern, "decide"), {"outcome": "report"})
    writes = Writes(MeldcodeStep, Report)
    response = web_teacher.post(step_url(concern, "decide"), {"outcome": "no_concern",
                                                              "reason": "toch niet"})
    assert response.status_code == 400
    assert "al besloten" in response.content.decode()
    assert writes.none()


def test_another_organisations_concern_is_not_found(concern, make_org, make_pro):
    other = logged_in(make_pro(make_org("Jeugdhulp Utrecht")))
    assert other.get(concern_url(concern)).status_code == 404
    assert other.post(step_url(concern, "consult"),
                      {"with_whom": "colleague"}).status_code == 404
    assert other.get(reverse("web:concerns")).content.decode().count(concern.child.name) == 0


def test_my_concerns_list_shows_the_next_step(web_teacher, concern):
    html = web_teacher.get(reverse("web:concerns")).content.decode()
    assert "Lotte Visser" in html and "1. signalen in kaart brengen" in html


def test_a_coordinator_reports_on_behalf_of_a_joint_consultation(make_pro, school, family, vt):
    ib = make_pro(school, role="coordinator", first_name="Ilse")
    client = logged_in(ib)
    c = services.concern_record(Actor.of(ib), child=family.child, kind="observation")
    page = client.get(step_url(c, "decide")).content.decode()
    assert "Melden namens een overleg" in page
    client.post(step_url(c, "decide"), {"outcome": "report",
                                        "on_behalf_of_group": "ZAT De Regenboog"})
    assert Report.objects.get().on_behalf_of_group == "ZAT De Regenboog"


# --- Veilig Thuis ------------------------------------------------------------------------------

@pytest.fixture
def second_hand_report(teacher, family, vt):
    c = services.concern_record(Actor.of(teacher), child=family.child, kind="second_hand",
                                source="moeder van een klasgenoot")
    services.concern_decide(Actor.of(teacher), concern=c, outcome="report", safe_at_home=vt)
    return Report.objects.get()


def test_the_inbox_shows_the_report_and_accepting_it(vt_pro, vt, second_hand_report, family):
    client = logged_in(vt_pro)
    inbox = client.get(reverse("web:reports")).content.decode()
    assert "Nog af te handelen" in inbox and "Lotte Visser" in inbox
    assert "Basisschool De Regenboog" in inbox and "niet uit eigen waarneming" in inbox
    url = reverse("web:report", kwargs={"pk": second_hand_report.pk})
    page = client.get(url).content.decode()
    assert "De zorg achter de melding" in page and "moeder van een klasgenoot" in page
    assert "bevinding K2" in page  # the warning before declining a not-own-observation report
    assert client.get(reverse("web:report_action",
                              kwargs={"pk": second_hand_report.pk, "action": "accept"})
                      ).status_code == 405
    response = client.post(reverse("web:report_action",
                                   kwargs={"pk": second_hand_report.pk, "action": "accept"}))
    assert response.status_code == 302
    second_hand_report.refresh_from_db()
    assert second_hand_report.status == "accepted"
    assert Involvement.objects.filter(organisation=vt, person=family.child).exists()
    assert ResponsibilityPeriod.objects.get(child=family.child,
                                            ended_at__isnull=True).organisation == vt
    tasks = client.get(reverse("web:tasks")).content.decode()
    assert "Veiligheidsbeoordeling" in tasks and "Naar de melding" in tasks
    assert url in tasks


def test_a_decline_without_a_reason_writes_nothing(vt_pro, second_hand_report):
    client = logged_in(vt_pro)
    url = reverse("web:report_action", kwargs={"pk": second_hand_report.pk,
                                               "action": "decline"})
    writes = Writes(Report, Task)
    response = client.post(url, {"decline-reason": "", "decline-text": ""})
    assert response.status_code == 400 and "Kies een reden." in response.content.decode()
    response = client.post(url, {"decline-reason": "other", "decline-text": " "})
    assert response.status_code == 400
    assert "Leg uit waarom" in response.content.decode()
    assert writes.none()
    response = client.post(url, {"decline-reason": "not_own_observation"})
    assert response.status_code == 302
    second_hand_report.refresh_from_db()
    assert second_hand_report.status == "declined"


def test_only_veilig_thuis_and_the_reporter_see_a_report(second_hand_report, make_org,
                                                         make_pro, web_teacher):
    url = reverse("web:report", kwargs={"pk": second_hand_report.pk})
    page = web_teacher.get(url).content.decode()
    assert "Melding aannemen" not in page  # the reporter sees it, but cannot handle it
    other = logged_in(make_pro(make_org("Veilig Thuis Elders", sector="safe_at_home")))
    assert other.get(url).status_code == 404


# --- knowledge base and tasks ------------------------------------------------------------------

def test_the_knowledge_base_page_lists_every_sector(web_teacher):
    from kindzicht.people.sectors import SECTORS

    html = web_teacher.get(reverse("web:knowledge")).content.decode()
    for label in SECTORS.values():
        assert str(label) in html.replace("&#x27;", "'")


def test_the_handover_offer_shows_the_knowledge_base(web, family, pro):
    from kindzicht.continuity.services import involvement_start

    involvement_start(Actor.of(pro), person=family.child, service="ambulante hulp")
    html = web.get(reverse("web:handover_offer", kwargs={"pk": family.child.pk})).content.decode()
    assert "Wat kan de ontvanger? (ketenkaart)" in html
    assert "blijft verantwoordelijk tot de vervolghulp echt gestart is" in html


def test_the_meldcode_deadline_in_the_task_list_links_to_the_concern(web_teacher, concern):
    # A niet-pluis feeling opens risk; no consult: the watchdog reminds, then alerts (K1).
    sweep(clock.today() + timedelta(days=6))
    html = web_teacher.get(reverse("web:tasks")).content.decode()
    assert "K1" in html and "Herinnering" in html
    assert f'href="{concern_url(concern)}"' in html and "Naar de zorg" in html


def test_the_concern_page_in_english(web_teacher, concern):
    web_teacher.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    html = web_teacher.get(concern_url(concern)).content.decode()
    for english in ("The five steps of the Meldcode", "Deadlines", "still to do",
                    "Record step 1", "Known misconceptions"):
        assert english in html, english
    assert "De vijf stappen van de Meldcode" not in html


@pytest.mark.parametrize("code, key, target", [
    ("K1", "concern:7", "/zorgen/7/"), ("K3", "concern:7", "/zorgen/7/"),
    ("K4", "concern:7", "/zorgen/7/"), ("K3", "concern:7#coordinators", "/zorgen/7/"),
    ("K2", "report:9", "/meldingen/9/"), ("safety_assessment", "report:9", "/meldingen/9/"),
    ("C1", "gap:3", ""), ("K5", "factor:3:debts", ""),
])
def test_meldcode_tasks_lead_to_their_concern_or_report(code, key, target, school):
    from kindzicht.web.templatetags.meldcode_tags import task_target

    assert task_target(Task(code=code, key=key, organisation=school)) == target
    assert task_target(Task(code=code, key=key, organisation=None)) == ""  # a municipality


@pytest.mark.parametrize("name, kwargs", [
    ("concerns", {}), ("concern", {"pk": 1}), ("concern_new", {"pk": 1}),
    ("concern_step", {"pk": 1, "step": "weigh"}), ("reports", {}), ("report", {"pk": 1}),
    ("knowledge", {}),
])
def test_meldcode_pages_are_for_caseworkers_only(client, make_org, make_pro, name, kwargs):
    url = reverse(f"web:{name}", kwargs=kwargs)
    assert client.get(url).status_code == 302  # to the login page
    officer = make_pro(make_org("Gemeente Utrecht", sector="municipality"),
                       role="municipality_officer")
    assert logged_in(officer).get(url).status_code == 403
