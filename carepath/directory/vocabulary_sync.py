"""Load the carepath vocabulary into the directory as an HSDS taxonomy (used by migrations)."""

from typing import Any

from . import vocabulary

DESCRIPTION = {
    "en": "The Carepath vocabulary for early-childhood mental health services: service types, concerns, "
    "delivery, tiers of care, sectors, populations, referral, cost and typical wait.",
    "fr": "Le vocabulaire Carepath des services de santé mentale de la petite enfance : types de services, "
    "préoccupations, modes de prestation, niveaux de soins, secteurs, populations, accès, coût et attente habituelle.",
}


def sync(taxonomy_model: Any, term_model: Any) -> int:
    """Create or update the carepath taxonomy and every term; returns how many terms there are."""
    vocab = vocabulary.load()
    taxonomy_model.objects.update_or_create(
        id=vocabulary.TAXONOMY_ID,
        defaults={
            "name": vocabulary.TAXONOMY_NAME,
            "name_en": vocabulary.TAXONOMY_NAME,
            "name_fr": vocabulary.TAXONOMY_NAME,
            "description": DESCRIPTION["en"],
            "description_en": DESCRIPTION["en"],
            "description_fr": DESCRIPTION["fr"],
            "version": "1",
        },
    )
    for term in vocab.terms.values():
        term_model.objects.update_or_create(
            id=term.id,
            defaults={
                "code": term.code,
                "name": term.en,
                "name_en": term.en,
                "name_fr": term.fr,
                "description": term.en,
                "description_en": term.en,
                "description_fr": term.fr,
                "parent_id": vocabulary.term_id(term.parent_code) if term.parent_code else None,
                "taxonomy": vocabulary.TAXONOMY_NAME,
                "taxonomy_detail_id": vocabulary.TAXONOMY_ID,
            },
        )
    return len(vocab.terms)
