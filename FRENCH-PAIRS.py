"""French for the new interface strings of the `cards` branch (service cards, listing reports), for the lead to
merge into locale/fr/LC_MESSAGES/django.po.

Keys are the English msgids exactly as `makemessages` collects them; a plural is a tuple (French singular, French
plural) under its singular msgid; a msgid with a context is keyed "context\\x04msgid", as gettext joins them.
Typography per FRENCH.md: U+00A0 before ":" and inside « », U+202F before ";" "?" "!", the apostrophe ’.

Not here: the wording of opening hours and open-now ("Du lundi au vendredi, de 8 h 30 à 17 h", "Fermé maintenant
· ouvre demain à 8 h 30"), French addresses ("Maple Bay (Ontario)  P1B 2C3") and dates ("1er décembre 2026"):
they are made in code, in carepath/directory/hours.py and reach.py, without the catalogue.
"""

NBSP = "\u00a0"
NNBSP = "\u202f"

T = {
    # The service card (carepath/navigator/templates/navigator/_service.html, _refer.html, _phone.html)
    "More about this service": "En savoir plus sur ce service",
    "Call %(number)s": "Appeler le %(number)s",
    "Text %(number)s": "Envoyer un texto au %(number)s",
    "Hours": "Heures d’ouverture",
    "a phone line for text messages\x04Text": "Texto",
    "Fax": "Télécopieur",
    "TTY": "ATS",
    "ext. %(extension)s": "poste %(extension)s",
    "Send a text": "Envoyer un texto",
    "Directions on OpenStreetMap": "Itinéraire sur OpenStreetMap",
    "Find it on OpenStreetMap": "Trouver sur OpenStreetMap",
    "Accessibility": "Accessibilité",
    "More about access": "En savoir plus sur l’accessibilité",
    "Listing checked on %(date)s.": "Fiche vérifiée le %(date)s.",
    "Report a problem with this listing": "Signaler un problème dans cette fiche",
    "How to refer": "Comment orienter",
    "Referral route": "Mode d’orientation",
    "Not stated: ask the intake contact.": f"Non précisé{NBSP}: renseignez-vous auprès du service d’accueil.",
    "Intake contact": "Personne-ressource du service d’accueil",
    # The report form and the thank-you page (carepath/communities/templates/communities/report*.html)
    "Report a problem": "Signaler un problème",
    "Listing: %(service)s": f"Fiche{NBSP}: %(service)s",
    "Tell us what is wrong with this listing. You do not need an account.": (
        "Dites-nous ce qui ne va pas dans cette fiche. Vous n’avez pas besoin de compte."
    ),
    "This form is only for mistakes in the listing. To get help for your child, contact the service. In an emergency, call 911.": (
        "Ce formulaire sert seulement à signaler une erreur dans la fiche. Pour obtenir de l’aide pour votre "
        "enfant, communiquez avec le service. En cas d’urgence, composez le 911."
    ),
    "Who will see it: %(steward)s, the community table that keeps this listing. Its facilitators check each report and correct the listing.": (
        f"Qui le verra{NBSP}: %(steward)s, la table communautaire qui tient cette fiche à jour. Les personnes "
        "animatrices de cette table vérifient chaque signalement et corrigent la fiche."
    ),
    "Who will see it: Carepath's site administrators, who keep this listing. They check each report and correct the listing.": (
        f"Qui le verra{NBSP}: les administratrices et administrateurs du site Carepath, qui tiennent cette fiche "
        "à jour. Ces personnes vérifient chaque signalement et corrigent la fiche."
    ),
    "What is wrong?": f"Qu’est-ce qui ne va pas{NNBSP}?",
    "The phone number is wrong": "Le numéro de téléphone est erroné",
    "The hours are wrong": "Les heures d’ouverture sont erronées",
    "The service has closed or moved": "Le service a fermé ou déménagé",
    "Who it is for is wrong": "Les critères d’admissibilité sont erronés",
    "Something else": "Autre chose",
    "Tell us more": "Donnez-nous des précisions",
    "For example the right phone number or hours. Up to 2,000 characters. Please write nothing about your child or your family.": (
        f"Par exemple, le bon numéro de téléphone ou les bonnes heures. Jusqu’à 2{NBSP}000 caractères. "
        "N’écrivez rien au sujet de votre enfant ou de votre famille."
    ),
    "Your email, if you would like an answer": "Votre courriel, si vous souhaitez une réponse",
    "Only the people who keep this listing see it.": "Seules les personnes qui tiennent cette fiche à jour le verront.",
    "Say what is wrong with the listing.": "Dites ce qui ne va pas dans la fiche.",
    "Send the report": "Envoyer le signalement",
    "Thank you for your report": "Merci de votre signalement",
    "Your report about “%(service)s” was sent.": f"Votre signalement au sujet de «{NBSP}%(service)s{NBSP}» a été envoyé.",
    "Nobody else sees your report. If you gave your email, they may write to you.": (
        "Personne d’autre ne voit votre signalement. Si vous avez donné votre courriel, ces personnes "
        "pourraient vous écrire."
    ),
    "Back to the service": "Retour au service",
    "All services of this community": "Tous les services de cette communauté",
    # The reports page for facilitators and site administrators (reports.html, _report.html)
    "Problems reported with listings": "Problèmes signalés dans les fiches",
    "Problems reported with listings (%(count)s open)": (
        "Problèmes signalés dans les fiches (%(count)s en attente)",
        "Problèmes signalés dans les fiches (%(count)s en attente)",
    ),
    "Problems reported with listings the site keeps": "Problèmes signalés dans les fiches que le site tient à jour",
    "What visitors said is wrong with the services this community keeps. Check each report, correct the listing, then mark the report resolved.": (
        "Les erreurs que les personnes qui consultent le site ont signalées dans les fiches des services que "
        "cette communauté tient à jour. Vérifiez chaque signalement, corrigez la fiche, puis marquez le "
        "signalement comme résolu."
    ),
    "What visitors said is wrong with the services the site keeps. Check each report, correct the listing, then mark the report resolved.": (
        "Les erreurs que les personnes qui consultent le site ont signalées dans les fiches des services que le "
        "site tient à jour. Vérifiez chaque signalement, corrigez la fiche, puis marquez le signalement comme "
        "résolu."
    ),
    "%(count)s open report": ("%(count)s signalement en attente", "%(count)s signalements en attente"),
    "No open report. Thank you for keeping the listings right.": (
        "Aucun signalement en attente. Merci de tenir les fiches à jour."
    ),
    "Recently resolved": "Résolus récemment",
    "Sent %(when)s": "Envoyé le %(when)s",
    "Language: %(language)s": f"Langue{NBSP}: %(language)s",
    "Reported from: %(community)s": f"Signalé depuis{NBSP}: %(community)s",
    'Would like an answer at <a href="mailto:%(email)s">%(email)s</a>': (
        'Souhaite une réponse à l’adresse <a href="mailto:%(email)s">%(email)s</a>'
    ),
    "No answer asked for.": "Aucune réponse demandée.",
    "Resolved %(when)s by %(who)s": "Résolu le %(when)s par %(who)s",
    "Resolved %(when)s": "Résolu le %(when)s",
    "Mark resolved": "Marquer comme résolu",
    "The report is marked resolved.": "Le signalement est marqué comme résolu.",
    "There is no such report.": "Ce signalement n’existe pas.",
    # The e-mail to the people who keep the listing (communities/email/report*.txt)
    "Carepath: a problem reported with “%(service)s”": f"Carepath{NBSP}: problème signalé, «{NBSP}%(service)s{NBSP}»",
    "Someone reported a problem with the listing “%(service)s” in Carepath.": (
        f"Une personne a signalé un problème dans la fiche «{NBSP}%(service)s{NBSP}» de Carepath."
    ),
    "What is wrong: %(kind)s": f"Ce qui ne va pas{NBSP}: %(kind)s",
    "They would like an answer at %(email)s (answering this email writes to them).": (
        "Cette personne souhaite une réponse à l’adresse %(email)s (répondre à ce courriel lui écrit)."
    ),
    "They did not ask for an answer.": "Cette personne n’a pas demandé de réponse.",
    "See the open reports and mark them resolved once the listing is right:": (
        f"Consultez les signalements en attente et marquez-les comme résolus une fois la fiche corrigée{NBSP}:"
    ),
    # The model (carepath/communities/models.py: ListingReport), read in the admin
    "listing report": "signalement",
    "listing reports": "signalements",
    "service name": "nom du service",
    "The community that keeps the listing; none: the site.": (
        f"La communauté qui tient la fiche à jour{NNBSP}; aucune{NBSP}: le site."
    ),
    "reported from": "signalé depuis",
    "The community whose page the report was sent from.": "La communauté dont la page a servi à envoyer le signalement.",
    "what is wrong": "ce qui ne va pas",
    "details": "précisions",
    "email for an answer": "courriel pour la réponse",
    "language": "langue",
    "sent": "date d’envoi",
    "resolved": "date de résolution",
    "resolved by": "résolu par",
}
