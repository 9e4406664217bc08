"""Dutch names of the domain event types and audit actions, for the people who read the log
rather than write code: a parent's inzage export (``privacy.inzage``) and the admin's
filters of events and audit entries (``core.admin``). A code without a name here is shown as
it is."""

ACTION_NL = {
    "person_viewed": "persoonsgegevens", "person_searched": "zoeken op naam",
    "person_searched_by_bsn": "zoeken op BSN", "family_read": "gezin",
    "household_read": "huishouden", "involvement_read": "betrokkenheid",
    "continuity_read": "zorgcontinuïteit", "responsibility_read": "veiligheidsregie",
    "concern_viewed": "zorg", "concerns_listed": "lijst van zorgen",
    "report_viewed": "melding", "reports_listed": "lijst van meldingen",
    "assessments_read": "taxaties", "risk_history_read": "risicohistorie",
    "life_events_read": "gebeurtenissen", "plan_viewed": "gezinsplan",
    "cooperation_viewed": "samenwerking met ouders", "shares_viewed": "gedeelde informatie",
    "children_listed": "lijst van kinderen", "handover_viewed": "overdracht",
    "handovers_listed": "lijst van overdrachten", "task_viewed": "taak",
    "tasks_listed": "lijst van taken", "index_family_viewed": "verwijsindex (gezin)",
    "index_own_signals_listed": "signalen in de verwijsindex",
    "index_matches_listed": "matches in de verwijsindex",
    "inzage_export": "inzage (dit overzicht)", "inzage_request_read": "inzageverzoek",
    "inzage_requests_listed": "lijst van inzageverzoeken",
    "privacy_person_found": "gezocht voor een privacyverzoek",
    "privacy_person_read": "persoonsgegevens voor een privacyverzoek",
    "signals_import_checked": "controle bij een import in de verwijsindex",
}
EVENT_NL = {
    "person_created": "persoon vastgelegd", "person_rectified": "persoonsgegeven gecorrigeerd",
    "rectification_refused": "correctieverzoek geweigerd", "person_died": "overlijden vastgelegd",
    "relation_added": "relatie vastgelegd", "relation_ended": "relatie beëindigd",
    "household_created": "huishouden vastgelegd", "household_joined": "lid van huishouden",
    "household_left": "huishouden verlaten", "household_moved": "verhuizing vastgelegd",
    "involvement_started": "betrokkenheid gestart", "involvement_ended": "betrokkenheid beëindigd",
    "signal_registered": "signaal in de verwijsindex", "signal_ended": "signaal beëindigd",
    "signal_renewed": "signaal verlengd", "concern_recorded": "zorg vastgelegd",
    "concern_decided": "besluit over een zorg", "report_made": "melding bij Veilig Thuis",
    "report_accepted": "melding aangenomen", "report_declined": "melding afgewezen",
    "assessment_recorded": "veiligheidstaxatie vastgelegd", "plan_made": "gezinsplan gemaakt",
    "goal_added": "doel toegevoegd", "goal_updated": "doel bijgewerkt",
    "request_made": "verzoek gedaan", "decision_recorded": "besluit vastgelegd",
    "risk_opened": "zorgperiode (risico) geopend", "risk_closed": "zorgperiode gesloten",
    "responsibility_taken": "regie genomen", "handover_offered": "overdracht aangeboden",
    "handover_accepted": "overdracht geaccepteerd", "handover_confirmed": "overdracht gestart",
    "inzage_requested": "inzageverzoek ontvangen", "inzage_exported": "inzage verstrekt",
    "task_answered": "taak beantwoord", "entry_corrected": "vastlegging gecorrigeerd",
}
