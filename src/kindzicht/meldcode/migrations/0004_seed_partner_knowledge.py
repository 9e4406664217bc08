"""Seed the chain-partner knowledge base (ketenkaart) with a Dutch text for every sector code
of people/sectors.py, including the misconceptions the inspectorates' report names (Leren van
calamiteiten, 2.3). Administrators edit it afterwards; re-running never overwrites an edit."""

from django.db import migrations

#: Each misconception: the misconception | how it really is.
MELDCODE = ("Valt onder de Wet verplichte meldcode: bij een vermoeden van huiselijk geweld of "
            "kindermishandeling doorloopt u de vijf stappen en weegt u met het afwegingskader.")
KINDCHECK = ("Hebben cliënten de zorg voor kinderen, dan doet u de kindcheck: u gaat na of de "
             "kinderen veilig zijn en zet zo nodig de Meldcode in.")
TO_VT = "Veilig Thuis (advies en melding); de verwijsindex (signaal, alleen dát u betrokken bent)."
HANDOVER = ("Na een overdracht bent u niet meer verantwoordelijk.|De overdragende organisatie "
            "blijft verantwoordelijk tot de vervolghulp echt gestart is; pas de bevestigde start "
            "draagt de veiligheidsregie over.")
NOT_FIRST_HAND = ("Wat ik van een ander hoorde, kan ik niet melden.|Ook informatie uit tweede "
                  "hand of van familie, buren of een sporttrainer legt u vast met de bron en "
                  "neemt u mee in de Meldcode. Veilig Thuis neemt zulke meldingen gewoon aan.")
NOTHING_HAPPENS = ("Veilig Thuis doet er toch niets mee.|Elke melding krijgt binnen vijf "
                   "werkdagen een veiligheidsbeoordeling. Veilig Thuis kan onderzoek doen, "
                   "hulp afdwingen via voorwaarden en de Raad om onderzoek vragen.")
REPORT_ENDS = ("Na een melding ben ik klaar.|Melden is geen afscheid: blijf hulp bieden waar "
               "dat kan en spreek met Veilig Thuis af wie wat doet.")

KNOWLEDGE = {
    "youth_health": (
        "Ziet vrijwel elk kind van 0 tot 18 jaar: op het consultatiebureau en via de school. Kan "
        "huisbezoeken afleggen, extra contactmomenten inplannen, ouders ondersteunen en "
        "doorverwijzen naar het wijkteam of de huisarts.",
        f"{MELDCODE} Registreert zorgen in het dossier en sluit een kind dat niet op afspraken "
        "komt niet zomaar af: niet verschijnen is zelf een signaal.",
        TO_VT,
        "Als een kind niet komt, is dat de keuze van de ouders.|Herhaald niet verschijnen is "
        "een signaal. Neem contact op, ga zo nodig op huisbezoek en leg het vast.\n"
        + NOT_FIRST_HAND,
    ),
    "school": (
        "Ziet het kind dagelijks en merkt veranderingen in gedrag, verzuim, kleding of "
        "verwondingen op. De intern begeleider of zorgcoördinator kan het zorg- en adviesteam "
        "(ZAT) bijeenroepen met JGZ, wijkteam en leerplicht.",
        f"{MELDCODE} Meldt verzuim aan de leerplichtambtenaar. Een niet-pluisgevoel van een "
        "leerkracht wordt binnen een week besproken met de aandachtsfunctionaris of Veilig "
        "Thuis.",
        f"{TO_VT} De leerplichtambtenaar (verzuim).",
        "Een niet-pluisgevoel is te vaag om iets mee te doen.|Juist een niet-pluisgevoel deelt "
        "u binnen een week met een collega of Veilig Thuis; samen maakt u het concreet.\n"
        + NOT_FIRST_HAND,
    ),
    "childcare": (
        "Ziet jonge kinderen vaak meerdere dagen per week en hun ouders bij het brengen en "
        "halen. Kan gesprekken met ouders voeren en advies vragen aan Veilig Thuis.",
        f"{MELDCODE} Vermoedt u geweld of een zedendelict door een medewerker, dan geldt "
        "daarnaast de meldplicht aan de vertrouwensinspecteur.",
        TO_VT,
        "Jonge kinderen kunnen niet vertellen wat er gebeurt, dus ik weet niets zeker.|U hoeft "
        "het niet zeker te weten. De Meldcode vraagt om een vermoeden, niet om bewijs.",
    ),
    "gp": (
        "Kent vaak het hele gezin: de ouders met hun eigen problemen (GGZ, verslaving, "
        "geweld) én de kinderen. Kan doorverwijzen, consulteren en de kindcheck doen bij "
        "ouders met problemen.",
        f"{MELDCODE} De KNMG-meldcode geldt. {KINDCHECK}",
        TO_VT,
        "Mijn beroepsgeheim verbiedt me te melden.|Bij (een vermoeden van) kindermishandeling "
        "heeft u een meldrecht: u mag zonder toestemming melden bij Veilig Thuis en de "
        "informatie geven die nodig is.",
    ),
    "midwife": (
        "Ziet zwangere vrouwen en hun omgeving vóór de geboorte: verslaving, geweld, psychische "
        "problemen, een onveilige thuissituatie. Kan vroeg hulp inschakelen en zorgen "
        "overdragen aan kraamzorg en JGZ.",
        f"{MELDCODE} Draagt zorgen warm over aan kraamzorg en JGZ.",
        TO_VT,
        "Over een ongeboren kind kun je niet melden.|Veilig Thuis neemt ook zorgen over een "
        "ongeboren kind aan, en de kinderrechter kan al vóór de geboorte een "
        "ondertoezichtstelling uitspreken.",
    ),
    "maternity_care": (
        "Is in de eerste week na de geboorte dagelijks in huis en ziet hoe ouders met de baby "
        "omgaan en hoe het huishouden draait.",
        f"{MELDCODE} Draagt zorgen over aan JGZ (consultatiebureau) en de verloskundige.",
        TO_VT,
        "Na de kraamweek zijn wij niet meer betrokken, dus het is niet aan ons.|Wat u in de "
        "kraamweek ziet, draagt u over aan JGZ; een vermoeden meldt u zelf, ook als uw zorg "
        "stopt.",
    ),
    "hospital": (
        "Ziet kinderen met letsel op de spoedeisende hulp en ouders met verwondingen, "
        "intoxicaties of een psychische crisis. Heeft vaak een kindermishandelingsteam (een "
        "aandachtsfunctionaris en een forensisch arts).",
        f"{MELDCODE} Screent op de spoedeisende hulp op kindermishandeling. {KINDCHECK}",
        TO_VT,
        "Een ouder met letsel is geen zaak voor de kinderen.|Komt een ouder binnen na geweld, "
        "een intoxicatie of een suïcidepoging, vraag dan naar de kinderen: dat is de kindcheck.",
    ),
    "police": (
        "Komt bij incidenten van huiselijk geweld, kan een verdachte aanhouden en kan de "
        "burgemeester een tijdelijk huisverbod laten opleggen (tien dagen, te verlengen).",
        "Maakt bij elk incident van huiselijk geweld waarbij kinderen aanwezig zijn een "
        "zorgmelding bij Veilig Thuis, ook als er geen strafbaar feit is.",
        "Veilig Thuis (zorgmelding); het Openbaar Ministerie (strafzaak); de burgemeester "
        "(huisverbod).",
        "De politie komt alleen als er een strafbaar feit is.|Ook zonder strafbaar feit maakt "
        "de politie een zorgmelding bij Veilig Thuis als kinderen getuige zijn van geweld.",
    ),
    "district_team": (
        "Biedt of regelt vrijwillige hulp, geeft toegang tot jeugdhulp en kan de "
        "gezinsregie voeren (1 gezin, 1 plan, 1 regisseur). Neemt gezinnen over van Veilig "
        "Thuis na een melding en kan namens het college een raadsonderzoek vragen.",
        f"{MELDCODE} Houdt bij het overnemen van een gezin van Veilig Thuis de gemaakte "
        "veiligheidsafspraken in het oog en meldt terug als ze niet werken.",
        f"{TO_VT} De Raad voor de Kinderbescherming (verzoek tot onderzoek namens de gemeente).",
        "Als ouders vrijwillige hulp weigeren, kunnen we niets meer.|Dan vraagt u advies aan "
        "Veilig Thuis of vraagt u de Raad om onderzoek; weigeren van hulp is zelf een signaal.\n"
        + HANDOVER,
    ),
    "social_work": (
        "Helpt volwassenen en gezinnen bij problemen met geld, relaties, huisvesting en "
        "opvoeding, en ziet daardoor vaak de thuissituatie.",
        f"{MELDCODE} {KINDCHECK}",
        TO_VT,
        "Mijn cliënt is de volwassene; de kinderen vallen erbuiten.|Heeft uw cliënt kinderen, "
        "dan kijkt u ook naar hun veiligheid.",
    ),
    "youth_care": (
        "Biedt ambulante, dag- en residentiële hulp aan kinderen en gezinnen, in het vrijwillig "
        "kader of binnen een maatregel. Kan de veiligheidsregie houden zolang het "
        "vrijwillig kan.",
        f"{MELDCODE} Beëindigt intensieve hulp niet zonder nazorg en draagt warm over.",
        f"{TO_VT} De gemeente (toegang, beschikking); bij een maatregel de gecertificeerde "
        "instelling.",
        f"{HANDOVER}\n"
        "Zolang wij hulp bieden, hoeven we niet te melden.|Het afwegingskader zegt: bij acute "
        "of structurele onveiligheid meldt u altijd, ook als u de hulp voortzet.",
    ),
    "youth_mental_health": (
        "Behandelt psychische problemen van kinderen en jongeren, en ziet hoe ouders en kind "
        "met elkaar omgaan.",
        f"{MELDCODE} Vraagt bij een behandeling ook naar de thuissituatie.",
        TO_VT,
        "Onze behandeling gaat over het kind, niet over de thuissituatie.|Klachten van een "
        "kind kunnen door onveiligheid thuis komen; neem dat mee en gebruik de Meldcode.",
    ),
    "adult_mental_health": (
        "Behandelt volwassenen met psychische problemen, vaak ouders. Kan met de cliënt "
        "bespreken hoe het met de kinderen gaat en hulp voor het gezin regelen.",
        f"{MELDCODE} {KINDCHECK} Ook bij een opname of het einde van een behandeling denkt u "
        "aan de kinderen.",
        TO_VT,
        "Wij behandelen de volwassene; de kinderen van onze cliënten zijn niet onze zaak.|De "
        "GGZ voor volwassenen moet rekening houden met de kinderen van haar cliënten: doe de "
        "kindcheck en deel zorgen over hun veiligheid.",
    ),
    "addiction_care": (
        "Behandelt verslaving bij volwassenen en jongeren, vaak ouders. Kan de kinderen in "
        "het gezin in beeld brengen en hulp voor hen regelen.",
        f"{MELDCODE} {KINDCHECK}",
        TO_VT,
        "Een ouder die in behandeling is, is geen risico meer voor de kinderen.|Ook tijdens een "
        "behandeling, en zeker bij terugval, kijkt u naar de veiligheid van de kinderen.",
    ),
    "youth_protection": (
        "Voert de ondertoezichtstelling en de voogdij uit: een jeugdbeschermer werkt met het "
        "gezin, kan een schriftelijke aanwijzing geven en een uithuisplaatsing of verlenging "
        "vragen.",
        "Houdt de veiligheidsregie zolang de maatregel loopt en vraagt tijdig verlenging aan. "
        "Legt vast wie na het einde van de maatregel verantwoordelijk is.",
        "De kinderrechter (verlenging, uithuisplaatsing); de Raad voor de Kinderbescherming.",
        "Nu er een OTS is, hoeven wij niets meer te doen.|Andere organisaties houden hun eigen "
        "handelingsplicht: deel uw zorgen met de jeugdbeschermer en gebruik de Meldcode.\n"
        + HANDOVER,
    ),
    "safe_at_home": (
        "Geeft advies aan professionals en burgers, neemt meldingen aan, maakt binnen vijf "
        "werkdagen een veiligheidsbeoordeling, kan onderzoek doen, hulp met voorwaarden "
        "overdragen aan het wijkteam en de Raad om onderzoek vragen.",
        "Neemt elke melding aan, ook uit tweede hand, van een niet-professional of anoniem "
        "voor het gezin, en neemt de veiligheidsregie zolang de melding loopt.",
        "De Raad voor de Kinderbescherming (verzoek tot onderzoek); het wijkteam (overdracht "
        "met voorwaarden); de melder (terugkoppeling).",
        "Veilig Thuis neemt alleen meldingen aan die de melder zelf heeft waargenomen.|Veilig "
        "Thuis moet ook meldingen oppakken die niet uit eigen waarneming komen; een melding "
        "om die reden afwijzen laat het kind in de steek.\n"
        + NOTHING_HAPPENS + "\n" + REPORT_ENDS,
    ),
    "child_protection_board": (
        "Onderzoekt of een kinderbeschermingsmaatregel nodig is en vraagt die aan bij de "
        "kinderrechter (ondertoezichtstelling, gezagsbeëindiging).",
        "Onderzoekt op verzoek van Veilig Thuis, de gemeente of de gecertificeerde instelling, "
        "ook als ouders niet meewerken. Laat bij een afwijzing of 'geen maatregel' weten "
        "waarom, zodat iemand anders de veiligheidsregie expliciet neemt.",
        "De kinderrechter.",
        "De Raad onderzoekt alleen als het kind zelf signalen laat zien.|De Raad kan ook "
        "onderzoek doen bij ernstige opvoedproblemen zonder signalen bij het kind, zoals "
        "verslaving, psychiatrie of geweld van de ouders.\n"
        "Als ouders niet meewerken, kan de Raad niets.|De Raad onderzoekt ook zonder "
        "medewerking van de ouders.",
    ),
    "juvenile_court": (
        "Spreekt kinderbeschermingsmaatregelen uit, verlengt ze of wijst ze af, en beslist "
        "over een uithuisplaatsing.",
        "Beslist op verzoek van de Raad of (bij verlenging) de gecertificeerde instelling en "
        "motiveert elk besluit. Registreert geen signalen in de verwijsindex.",
        "— (beslist; de Raad en de gecertificeerde instelling leggen verantwoording af aan de "
        "kinderrechter).",
        "Als de kinderrechter een verzoek afwijst, is het kind veilig.|Een afwijzing zegt "
        "alleen dat een maatregel niet nodig of niet mogelijk is. Iemand moet daarna "
        "uitdrukkelijk de veiligheidsregie nemen.",
    ),
    "debt_counselling": (
        "Helpt gezinnen met schulden, ziet de spanning in het gezin en dreigende "
        "huisuitzetting of afsluiting van gas en licht.",
        "Neemt bij gezinnen met kinderen de kinderen mee in het plan en deelt zorgen met het "
        "wijkteam. Is de veiligheid in het geding, dan vraagt u advies aan Veilig Thuis.",
        TO_VT,
        "Schulden zijn een geldprobleem, geen zorg om het kind.|Schulden geven stress in het "
        "gezin en zijn een bekende risicofactor; kijk ook naar de kinderen.",
    ),
    "housing": (
        "Ziet overlast, verwaarlozing van de woning, huurachterstand en dreigende "
        "huisuitzetting.",
        "Zet een gezin met kinderen niet uit zonder overleg met de gemeente of het wijkteam. "
        "Zorgen over een kind meldt u bij Veilig Thuis, zoals iedere burger mag.",
        "Veilig Thuis (zorgen); de gemeente of het wijkteam (dreigende huisuitzetting).",
        "Een huisuitzetting is alleen een huurkwestie.|Een uitzetting van een gezin met "
        "kinderen raakt hun veiligheid; overleg eerst met de gemeente.",
    ),
    "attendance_officer": (
        "Handhaaft de leerplicht: kan ouders en jongeren oproepen, een proces-verbaal opmaken "
        "en de Raad inschakelen als het verzuim de ontwikkeling bedreigt.",
        f"{MELDCODE} Kijkt bij langdurig of herhaald verzuim naar de thuissituatie.",
        f"{TO_VT} De Raad voor de Kinderbescherming; het Openbaar Ministerie.",
        "Verzuim is alleen een onderwijsprobleem.|Langdurig of herhaald verzuim kan een teken "
        "van onveiligheid thuis zijn.",
    ),
    "probation": (
        "Houdt toezicht op volwassenen na een veroordeling en ziet vaak de gezinssituatie, "
        "ook na een detentie.",
        f"{MELDCODE} {KINDCHECK} Zeker bij een zedendelict of huiselijk geweld kijkt u naar "
        "de kinderen in het huishouden.",
        f"{TO_VT} Het Openbaar Ministerie en de rechter (toezicht).",
        "De kinderen van de cliënt vallen buiten ons toezicht.|Bij een cliënt die terugkeert "
        "in een gezin met kinderen weegt hun veiligheid mee.",
    ),
    "municipality": (
        "Is verantwoordelijk voor jeugdhulp en de aanpak van huiselijk geweld in de gemeente. "
        "De jeugdzorgcoördinator krijgt escalaties als niemand handelt en kan de Raad om "
        "onderzoek vragen.",
        "Houdt toezicht op de keten met geaggregeerde cijfers en regelt dat er voor elk kind "
        "iemand verantwoordelijk is. Registreert als toezichthouder geen signalen.",
        "De gemeenteraad; de inspecties.",
        "Als er een wijkteam is, is de gemeente klaar.|De gemeente blijft verantwoordelijk "
        "dat iemand handelt: escalaties komen bij de jeugdzorgcoördinator.",
    ),
}


def seed(apps, schema_editor):
    PartnerKnowledge = apps.get_model("meldcode", "PartnerKnowledge")
    for sector, (can_do, must_do, reports_to, misconceptions) in KNOWLEDGE.items():
        PartnerKnowledge.objects.get_or_create(sector=sector, defaults={
            "can_do": can_do, "must_do": must_do, "reports_to": reports_to,
            "misconceptions": misconceptions})


class Migration(migrations.Migration):

    dependencies = [
        ("meldcode", "0003_report_group_and_knowledge"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
