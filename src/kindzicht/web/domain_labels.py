"""Dutch labels defined elsewhere as plain strings (safety.factors.LABELS_NL), marked here
so that makemessages extracts them for the English translation. A test keeps this list in step
with the source."""

from django.utils.translation import gettext_noop

DOMAIN_LABELS = [
    gettext_noop("ontwikkelingsachterstand"),
    gettext_noop("gedragsproblemen"),
    gettext_noop("seksueel grensoverschrijdend gedrag"),
    gettext_noop("schoolverzuim"),
    gettext_noop("onverklaard letsel"),
    gettext_noop("beperking"),
    gettext_noop("vroeggeboorte"),
    gettext_noop("psychische problemen ouder"),
    gettext_noop("verslaving ouder"),
    gettext_noop("licht verstandelijke beperking ouder"),
    gettext_noop("justitieel verleden ouder"),
    gettext_noop("zedendelict ouder"),
    gettext_noop("ouder zelf mishandeld als kind"),
    gettext_noop("ouder wijst hulp af"),
    gettext_noop("huiselijk geweld"),
    gettext_noop("nieuwe partner"),
    gettext_noop("overbelaste ouder"),
    gettext_noop("broer of zus uit huis geplaatst"),
    gettext_noop("vechtscheiding"),
    gettext_noop("sociaal isolement"),
    gettext_noop("schulden"),
    gettext_noop("woonproblemen"),
    gettext_noop("werkloosheid"),
    gettext_noop("migratiestress"),
    gettext_noop("vaak verhuisd"),
]
