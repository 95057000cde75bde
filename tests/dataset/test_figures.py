"""Every figure of the graph, checked against the note through the live SPARQL endpoint.

Each row was read against the note: what the figure is about, what it measures, its period, its value
(a point value, or a bound / a range in schema:minValue and schema:maxValue), its unit or currency,
its qualifier(s), the section of the note and the verbatim French quote. The table covers every
figure the graph holds, so a figure added or removed without being checked here fails the suite.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import pytest

from talentkg.config import load_config
from talentkg.source_text import note_text, quote_found
from sparql_helpers import select  # noqa: F401 - a pytest fixture


class F(NamedTuple):
    iri: str
    about: str
    indicator: str
    period: str
    value: str | tuple[str | None, str | None]  # "135", or (min, max) with None for an open side
    unit: str
    qualifiers: str  # space-separated, sorted
    section: str
    quote: str


#: The ISO code a figure in "dollars" with no country is presumed to be in (tkg:presumedCurrency).
PRESUMED = {
    "pif-salary": "USD", "smithsonian-herbarium-savings": "USD",
    "cfa-donation-google": "USD", "cfa-donation-knight-foundation": "USD",
    "cfa-donation-chan-zuckerberg-initiative": "USD", "cfa-government-subsidy-2017": "USD",
    "cfa-external-contributions-2017": "USD", "cfa-budget-2017": "USD",
    "cfa-programme-spending-2017": "USD", "cfa-salary-spending-2017": "USD",
    "dta-apprenticeship-cost": "AUD", "dta-cadetship-cost": "AUD", "dta-graduate-cost": "AUD",
    "cfcan-funding-announced": "CAD", "cfcan-budget-2017": "CAD", "cfcan-salary": "CAD",
}
#: Conversions the note states itself: figure -> its equivalent in euros.
EQUIVALENTS = {"pif-salary": "pif-salary-eur", "dta-cost-range": "dta-cost-range-eur", "cfcan-salary": "cfcan-salary-eur"}
CURRENCY_UNITS = {"unit:EUR": "EUR", "unit:USD": "USD", "unit:AUD": "AUD", "unit:CAD": "CAD"}

FIGURES = [
    # --- Presidential Innovation Fellows ---
    F("pif-agencies-helped", "tkgr:pif", "ind:agencies-helped", "period:2019-05", '35', "unit:organisation", "qual:exact", "src:pif-historique",
        '135 fellows, 35 agences gouvernementales aidées.'),
    F("pif-alumni-joined-government", "tkgr:pif", "ind:alumni-joined-government", "period:2012-2018", '46', "unit:person", "qual:exact", "src:pif-suites",
        "122 personnes ont réalisé un fellowship, et 46 d'entre eux ont rejoint à long terme une agence gouvernementale"),
    F("pif-call-interval", "tkgr:pif", "ind:call-interval", "period:2019-05", '6', "unit:month", "qual:approximately", "src:pif-projets",
        'Les appels à projets sont lancés par les administrations tous les 6 mois environ.'),
    F("pif-cohort-2019-h1-size", "tkgr:pif-cohort-2019-h1", "ind:cohort-size", "period:2019-H1", '17', "unit:person", "qual:exact", "src:pif-recrutement",
        '17 fellows pour la cohorte du premier semestre 2019'),
    F("pif-cohort-size", "tkgr:pif", "ind:cohort-size", "period:2019-05", '20', "unit:person", "qual:approximately", "src:pif-historique",
        "l'équivalent d'une promotion d'une vingtaine de personnes qui démarre à des dates variables"),
    F("pif-fellows-completed", "tkgr:pif", "ind:fellows-completed", "period:2012-2018", '122', "unit:person", "qual:exact", "src:pif-suites",
        'De 2012 à 2018, 122 personnes ont réalisé un fellowship'),
    F("pif-fellows-per-year", "tkgr:pif", "ind:fellows-per-year", "period:2019-05", ('15', '20'), "unit:person", "qual:average qual:range", "src:pif-recrutement",
        "Le nombre de fellows recrutés varie d'une cohorte à l'autre, en moyenne entre 15 et 20 par an"),
    F("pif-fellows-total", "tkgr:pif", "ind:fellows-total", "period:2019-05", '135', "unit:person", "qual:exact", "src:pif-historique",
        '135 fellows, 35 agences gouvernementales aidées.'),
    F("pif-max-placement-duration", "tkgr:pif", "ind:max-placement-duration", "period:2019-05", (None, '4'), "unit:year", "qual:at-most", "src:pif-projets",
        'ces contrats peuvent être renouvelés par accord mutuel pour une durée maximale de 4 ans'),
    F("pif-placement-duration", "tkgr:pif", "ind:placement-duration", "period:2019-05", '12', "unit:month", "qual:exact", "src:pif-projets",
        'Les fellowships sont prévus pour une durée de 12 mois'),
    F("pif-required-experience", "tkgr:pif", "ind:required-experience", "period:2019-05", ('10', None), "unit:year", "qual:at-least", "src:pif-recrutement",
        "un minimum de 10 ans d'expérience dans le domaine"),
    F("pif-salary", "tkgr:pif", "ind:annual-salary", "period:2019-05", ('134789', '164200'), "unit:dollar-unspecified", "qual:range", "src:pif-recrutement",
        "s'échelonnent entre 134,789$ à 164,200$ annuel (entre 120 170 et 146 390 euros)"),
    F("pif-salary-eur", "tkgr:pif", "ind:annual-salary", "period:2019-05", ('120170', '146390'), "unit:EUR", "qual:range", "src:pif-recrutement",
        '(entre 120 170 et 146 390 euros)'),
    F("pif-staff-count", "tkgr:pif", "ind:staff-count", "period:2019-05", '3', "unit:person", "qual:exact", "src:pif-historique",
        'Le programme est actuellement géré par une équipe de 3 personnes'),
    # --- PIF: Smithsonian herbarium ---
    F("smithsonian-herbarium-contributions", "tkgr:smithsonian-herbarium", "ind:contributions", "period:2019-05", '18000', "unit:item", "qual:exact", "src:pif-realisations",
        '18 000 contributions'),
    F("smithsonian-herbarium-items", "tkgr:smithsonian-herbarium", "ind:items-made-accessible", "period:2019-05", ('137000000', None), "unit:item", "qual:more-than", "src:pif-realisations",
        "Rendre accessible plus de 137 millions de pièces présentes à l'herboristerie du Smithsonian Institute"),
    F("smithsonian-herbarium-savings", "tkgr:smithsonian-herbarium", "ind:cost-savings", "period:2019-05", '6000000', "unit:dollar-unspecified", "qual:exact", "src:pif-realisations",
        '6 millions de dollars économisés'),
    F("smithsonian-herbarium-volunteers", "tkgr:smithsonian-herbarium", "ind:volunteers", "period:2019-05", ('1400', None), "unit:person", "qual:more-than", "src:pif-realisations",
        'Plus de 1 400 volontaires'),
    # --- Code for America ---
    F("cfa-brigade-volunteers-2018", "tkgr:cfa-brigades", "ind:volunteers", "period:2018", '25000', "unit:person", "qual:nearly", "src:cfa-realisations",
        'près de 25 000 volontaires dans les Brigades en 2018, ce qui représente un grand vivier de fellows potentiels'),
    F("cfa-brigades-count", "tkgr:cfa-brigades", "ind:brigades", "period:2019-05", '73', "unit:item", "qual:exact", "src:cfa-recrutement",
        'Les Brigades sont des équipes présentes dans un grand nombre de villes américaines (73 brigades).'),
    F("cfa-budget-2017", "tkgr:code-for-america-programme", "ind:annual-budget", "period:2017", '16000000', "unit:dollar-unspecified", "qual:approximately", "src:cfa-moyens",
        "Le budget total de l'année 2017 se chiffre aux alentours de 16 millions de dollars"),
    F("cfa-cohort-2018-cities", "tkgr:cfa-community-fellowship-cohort-2018", "ind:cities-count", "period:2018", '4', "unit:item", "qual:exact", "src:cfa-recrutement",
        'En 2018, les fellows étaient en équipe de 2 dans 4 villes américaines (Asheville, Austin, Honolulu et San Jose).'),
    F("cfa-cohort-2018-fellows-per-team", "tkgr:cfa-community-fellowship-cohort-2018", "ind:fellows-per-team", "period:2018", '2', "unit:person", "qual:exact", "src:cfa-recrutement",
        'En 2018, les fellows étaient en équipe de 2'),
    F("cfa-donation-chan-zuckerberg-initiative", "tkgr:cfa-role-chan-zuckerberg-initiative", "ind:donation-amount", "period:2019-05", ('1000000', None), "unit:dollar-unspecified", "qual:more-than", "src:cfa-moyens",
        'Parmi les donateurs à hauteur de plus de 1 million de dollars se trouvent par exemple Google, la Knight Foundation, la Chan-Zuckerberg Initiative.'),
    F("cfa-donation-google", "tkgr:cfa-role-google", "ind:donation-amount", "period:2019-05", ('1000000', None), "unit:dollar-unspecified", "qual:more-than", "src:cfa-moyens",
        'Parmi les donateurs à hauteur de plus de 1 million de dollars se trouvent par exemple Google'),
    F("cfa-donation-knight-foundation", "tkgr:cfa-role-knight-foundation", "ind:donation-amount", "period:2019-05", ('1000000', None), "unit:dollar-unspecified", "qual:more-than", "src:cfa-moyens",
        'Parmi les donateurs à hauteur de plus de 1 million de dollars se trouvent par exemple Google, la Knight Foundation'),
    F("cfa-external-contributions-2017", "tkgr:code-for-america-programme", "ind:external-contributions", "period:2017", '14000000', "unit:dollar-unspecified", "qual:exact", "src:cfa-moyens",
        '(sur les 14 millions de dollars de contributions externes)'),
    F("cfa-fellows-2011", "tkgr:cfa-community-fellowship", "ind:fellows-per-year", "period:2011", '19', "unit:person", "qual:exact", "src:cfa-recrutement",
        'Le nombre de fellows par année est très variable : (2011 : 19'),
    F("cfa-fellows-2012", "tkgr:cfa-community-fellowship", "ind:fellows-per-year", "period:2012", '22', "unit:person", "qual:exact", "src:cfa-recrutement",
        'Le nombre de fellows par année est très variable : […] 2012 : 22'),
    F("cfa-fellows-2013", "tkgr:cfa-community-fellowship", "ind:fellows-per-year", "period:2013", '23', "unit:person", "qual:exact", "src:cfa-recrutement",
        'Le nombre de fellows par année est très variable : […] 2013 : 23'),
    F("cfa-fellows-2014", "tkgr:cfa-community-fellowship", "ind:fellows-per-year", "period:2014", '25', "unit:person", "qual:exact", "src:cfa-recrutement",
        'Le nombre de fellows par année est très variable : […] 2014 : 25'),
    F("cfa-fellows-2015", "tkgr:cfa-community-fellowship", "ind:fellows-per-year", "period:2015", '24', "unit:person", "qual:exact", "src:cfa-recrutement",
        'Le nombre de fellows par année est très variable : […] 2015 : 24'),
    F("cfa-fellows-2016", "tkgr:cfa-community-fellowship", "ind:fellows-per-year", "period:2016", '17', "unit:person", "qual:exact", "src:cfa-recrutement",
        'Le nombre de fellows par année est très variable : […] 2016 : 17'),
    F("cfa-fellows-2017", "tkgr:cfa-community-fellowship", "ind:fellows-per-year", "period:2017", '8', "unit:person", "qual:exact", "src:cfa-recrutement",
        'Le nombre de fellows par année est très variable : […] 2017 : 8'),
    F("cfa-fellows-2018", "tkgr:cfa-community-fellowship", "ind:fellows-per-year", "period:2018", '8', "unit:person", "qual:exact", "src:cfa-recrutement",
        'Le nombre de fellows par année est très variable : […] 2018 : 8).'),
    F("cfa-fellowship-acceptance-rate", "tkgr:cfa-community-fellowship", "ind:acceptance-rate", "period:2019-05", ('0.05', '0.10'), "unit:ratio", "qual:range", "src:cfa-recrutement",
        'Seuls 5 à 10% des candidats sont reçus.'),
    F("cfa-fellowship-placement-duration", "tkgr:cfa-community-fellowship", "ind:placement-duration", "period:2019-05", '6', "unit:month", "qual:exact", "src:cfa-recrutement",
        'Les projets durent 6 mois'),
    F("cfa-government-subsidy-2017", "tkgr:cfa-role-government", "ind:government-subsidy", "period:2017", '1500000', "unit:dollar-unspecified", "qual:exact", "src:cfa-moyens",
        'Le gouvernement subventionne également le programme pour 1,5 million de dollars en 2017 (sur les 14 millions de dollars de contributions externes).'),
    F("cfa-people-helped", "tkgr:code-for-america-programme", "ind:people-helped", "period:2019-05", '500000', "unit:person", "qual:nearly", "src:cfa-realisations",
        "Près de 500 000 personnes ont été aidées via différents programmes d'aide alimentaires par exemple."),
    F("cfa-programme-spending-2017", "tkgr:code-for-america-programme", "ind:programme-spending", "period:2017", '11000000', "unit:dollar-unspecified", "qual:exact", "src:cfa-moyens",
        'dont 11 millions de dollars sont dirigés vers les programmes'),
    F("cfa-project-domain-count", "tkgr:code-for-america-programme", "ind:project-domain-count", "period:2019-05", '3', "unit:item", "qual:exact", "src:cfa-projets",
        "Les projets sont sélectionnés sur la base de l'impact potentiel sur les citoyens, dans 3 domaines précis : le système judiciaire, la sécurité sociale, et la formation de la population active."),
    F("cfa-salary-spending-2017", "tkgr:code-for-america-programme", "ind:salary-spending", "period:2017", '7000000', "unit:dollar-unspecified", "qual:exact", "src:cfa-moyens",
        'dont 11 millions de dollars sont dirigés vers les programmes (7 millions de dollars pour les salaires)'),
    F("cfa-staff-count", "tkgr:code-for-america-programme", "ind:staff-count", "period:2019-05", '60', "unit:person", "qual:exact", "src:cfa-historique",
        "L'équipe est aujourd'hui composée de 60 personnes"),
    F("cfa-staff-development", "tkgr:code-for-america-programme", "ind:staff-by-function", "period:2019-05", '5', "unit:person", "qual:exact", "src:cfa-historique",
        '5 personnes pour le développement'),
    F("cfa-staff-hr-finance", "tkgr:code-for-america-programme", "ind:staff-by-function", "period:2019-05", '4', "unit:person", "qual:exact", "src:cfa-historique",
        '4 personnes dans la gestion RH et finance'),
    F("cfa-staff-leadership", "tkgr:code-for-america-programme", "ind:staff-by-function", "period:2019-05", '3', "unit:person", "qual:exact", "src:cfa-historique",
        '3 personnes dans la direction du programme dont sa fondatrice Jennifer Pahlka'),
    F("cfa-staff-marketing-communication", "tkgr:code-for-america-programme", "ind:staff-by-function", "period:2019-05", '5', "unit:person", "qual:exact", "src:cfa-historique",
        '5 personnes au marketing et à la communication'),
    F("cfa-staff-national-team-supervision", "tkgr:code-for-america-programme", "ind:staff-by-function", "period:2019-05", '5', "unit:person", "qual:exact", "src:cfa-historique",
        "5 personnes pour l'encadrement national des équipes"),
    F("cfa-staff-product-technology", "tkgr:code-for-america-programme", "ind:staff-by-function", "period:2019-05", '27', "unit:person", "qual:exact", "src:cfa-historique",
        '27 personnes responsables des produits et de la technologie'),
    F("cfa-staff-programme-management", "tkgr:code-for-america-programme", "ind:staff-by-function", "period:2019-05", '9', "unit:person", "qual:exact", "src:cfa-historique",
        '9 personnes en gestion sur les différents programmes'),
    # --- Code for America: Clear My Record ---
    F("clear-my-record-people-concerned", "tkgr:clear-my-record", "ind:people-concerned", "period:2019-05", '1', "unit:person", "qual:approximately", "src:cfa-projets",
        'des américains condamnés par le passé (cela représente environ 1 américain sur 3)'),
    F("clear-my-record-procedures-2018", "tkgr:clear-my-record", "ind:procedures-launched", "period:2018", '10000', "unit:item", "qual:exact", "src:cfa-projets",
        'Un outil manuel a permis de lancer 10 000 procédures en 2018'),
    F("clear-my-record-procedures-target", "tkgr:clear-my-record", "ind:procedures-launched", "period:2019-05", '250000', "unit:item", "qual:target", "src:cfa-projets",
        "un nouvel outil automatique a pour objectif d'arriver à 250 000 procédures dans certaines villes pilotes"),
    F("clear-my-record-reference-population", "tkgr:clear-my-record", "ind:reference-population", "period:2019-05", '3', "unit:person", "qual:approximately", "src:cfa-projets",
        '(cela représente environ 1 américain sur 3)'),
    # --- Code for America: GetCalFresh ---
    F("getcalfresh-counties", "tkgr:getcalfresh", "ind:counties-using-tool", "period:2019-05", '37', "unit:item", "qual:exact", "src:cfa-projets",
        'est utilisé dans 37 comtés'),
    F("getcalfresh-eligible-non-applicants", "tkgr:getcalfresh", "ind:eligible-non-applicants", "period:2019-05", '10000000', "unit:person", "qual:nearly", "src:cfa-projets",
        "Près de 10 millions de californiens sont éligibles à ce programme mais n'en font pas la demande."),
    F("getcalfresh-enrolment-time-before", "tkgr:getcalfresh", "ind:enrolment-time-before", "period:2019-05", '45', "unit:minute", "qual:exact", "src:cfa-projets",
        "L'assistant digital développé a permis de réduire la procédure d'inscription de 45 à 8 minutes"),
    F("getcalfresh-enrolment-time-with-tool", "tkgr:getcalfresh", "ind:enrolment-time-with-tool", "period:2019-05", '8', "unit:minute", "qual:exact", "src:cfa-projets",
        "L'assistant digital développé a permis de réduire la procédure d'inscription de 45 à 8 minutes"),
    F("getcalfresh-new-enrolments-per-month", "tkgr:getcalfresh", "ind:new-enrolments-per-month", "period:2019-05", '20000', "unit:person", "qual:nearly", "src:cfa-projets",
        'voit près de 20 000 nouvelles inscriptions chaque mois'),
    F("getcalfresh-new-enrolments-total", "tkgr:getcalfresh", "ind:new-enrolments-total", "period:2019-05", '390000', "unit:person", "qual:exact", "src:cfa-projets",
        'pour un total de 390 000 personnes nouvellement inscrites'),
    # --- DTA Digital Emerging Talents Programs ---
    F("dta-apprenticeship-age", "tkgr:dta-apprenticeship", "ind:participant-age", "period:2019-05", ('15', '17'), "unit:year", "qual:range", "src:dta-recrutement",
        'des personnes terminant le lycée (entre 15 et 17 ans)'),
    F("dta-apprenticeship-cost", "tkgr:dta-apprenticeship", "ind:cost-per-participant", "period:2019-05", '8500', "unit:dollar-unspecified", "qual:approximately", "src:dta-recrutement",
        'le coût approximatif par agence par participant est de 8 500 dollars'),
    F("dta-apprenticeship-success-rate", "tkgr:dta-apprenticeship", "ind:success-rate", "period:2019-05", '0.94', "unit:ratio", "qual:exact", "src:dta-recrutement",
        'Sur les deux dernières cohortes, le taux de réussite de ce programme est de 94% et le coût approximatif par agence par participant est de 8 500 dollars.'),
    F("dta-cadetship-cost", "tkgr:dta-cadetship", "ind:cost-per-participant", "period:2019-05", '8000', "unit:dollar-unspecified", "qual:approximately", "src:dta-recrutement",
        'le coût approximatif par agence par participant est de 8 000 dollars'),
    F("dta-cadetship-required-study", "tkgr:dta-cadetship", "ind:required-university-study", "period:2019-05", ('1', None), "unit:year", "qual:at-least", "src:dta-recrutement",
        "est destiné aux étudiants à l'université depuis au moins un an (en licence ou master)"),
    F("dta-cadetship-success-rate", "tkgr:dta-cadetship", "ind:success-rate", "period:2019-05", '0.92', "unit:ratio", "qual:exact", "src:dta-recrutement",
        'Sur les deux dernières cohortes, le taux de réussite de ce programme est de 92% et le coût approximatif par agence par participant est de 8 000 dollars.'),
    F("dta-cost-range", "tkgr:dta-digital-emerging-talents", "ind:cost-per-participant", "period:2019-05", ('8500', '24000'), "unit:AUD", "qual:range", "src:dta-moyens",
        "Cependant, il est noté que les recrutements coûtent entre 8 500 et 24 000 dollars australiens par personne (de 5 345 à 15 093 euros environ) à l'année en fonction du programme dans lequel la personne est recrutée."),
    F("dta-cost-range-eur", "tkgr:dta-digital-emerging-talents", "ind:cost-per-participant", "period:2019-05", ('5345', '15093'), "unit:EUR", "qual:approximately qual:range", "src:dta-moyens",
        '(de 5 345 à 15 093 euros environ)'),
    F("dta-current-participants", "tkgr:dta-digital-emerging-talents", "ind:current-participants", "period:2019-05", '206', "unit:person", "qual:exact", "src:dta-realisations",
        'Il y a actuellement 206 participants à ces différents programmes dans 22 agences différentes.'),
    F("dta-graduate-cost", "tkgr:dta-graduate", "ind:cost-per-participant", "period:2019-05", '24000', "unit:dollar-unspecified", "qual:approximately", "src:dta-recrutement",
        'le coût approximatif par agence par participant est de 24 000 dollars'),
    F("dta-graduate-max-years-since-degree", "tkgr:dta-graduate", "ind:max-years-since-graduation", "period:2019-05", (None, '7'), "unit:year", "qual:less-than", "src:dta-recrutement",
        'qui ont obtenu ce diplôme depuis moins de 7 ans'),
    F("dta-graduate-success-rate", "tkgr:dta-graduate", "ind:success-rate", "period:2019-05", '0.94', "unit:ratio", "qual:exact", "src:dta-recrutement",
        'Sur les deux dernières cohortes, le taux de réussite de ce programme est de 94% et le coût approximatif par agence par participant est de 24 000 dollars.'),
    F("dta-host-agencies", "tkgr:dta-digital-emerging-talents", "ind:host-agencies", "period:2019-05", '22', "unit:organisation", "qual:exact", "src:dta-realisations",
        'Il y a actuellement 206 participants à ces différents programmes dans 22 agences différentes.'),
    F("dta-participants-total", "tkgr:dta-digital-emerging-talents", "ind:participants-total", "period:2007-2019", '1300', "unit:person", "qual:nearly", "src:dta-realisations",
        "Près de 1300 personnes ont participé depuis 2007 à l'un de ces trois programmes."),
    F("dta-programme-count", "tkgr:dta-digital-emerging-talents", "ind:programme-count", "period:2019-05", '3', "unit:item", "qual:exact", "src:dta-historique",
        "Les « Digital Emerging Talents Programs » rassemblent 3 programmes de recrutement de profils numériques dans l'administration australienne."),
    F("dta-public-sector-retention", "tkgr:dta-digital-emerging-talents", "ind:public-sector-retention", "period:2019-05", ('0.70', None), "unit:ratio", "qual:more-than", "src:dta-realisations",
        'Plus de 70% des participants à ces programmes restent dans le secteur public.'),
    F("dta-selection-phase-count", "tkgr:dta-digital-emerging-talents", "ind:selection-phase-count", "period:2019-05", '3', "unit:item", "qual:exact", "src:dta-recrutement",
        "La sélection s'opère en 3 phases : sur dossier, puis avec un entretien RH et enfin un entretien dans l'administration d'accueil."),
    F("dta-staff-count", "tkgr:dta-digital-emerging-talents", "ind:staff-count", "period:2019-05", ('3', None), "unit:person", "qual:at-least", "src:dta-historique",
        "L'équipe est composée d'au moins 3 personnes."),
    # --- Code for Australia ---
    F("cfaus-biodiversity-sharing-speed-gain", "tkgr:code-for-australia-programme", "ind:information-sharing-speed-gain", "period:2019-05", '225', "unit:percent-change", "qual:exact", "src:cfaus-realisations",
        "améliorer la vitesse de partage d'informations sur la biodiversité de 225% ..."),
    F("cfaus-current-fellows", "tkgr:cfaus-fellowship", "ind:current-participants", "period:2019-05", '8', "unit:person", "qual:exact", "src:cfaus-recrutement",
        'Code For Australia accueille actuellement 8 Fellows dans 3 administrations.'),
    F("cfaus-current-host-administrations", "tkgr:cfaus-fellowship", "ind:current-host-administrations", "period:2019-05", '3', "unit:organisation", "qual:exact", "src:cfaus-recrutement",
        'Code For Australia accueille actuellement 8 Fellows dans 3 administrations.'),
    F("cfaus-fellowship-phases", "tkgr:cfaus-fellowship", "ind:fellowship-phases", "period:2019-05", '3', "unit:item", "qual:exact", "src:cfaus-recrutement",
        "sont divisés en 3 phases : identifier les situations problématiques, le recrutement et l'intégration nécessaires, puis l'approche design et enfin la création d'outils."),
    F("cfaus-lead-time-before-start", "tkgr:cfaus-fellowship", "ind:lead-time-before-start", "period:2019-05", '6', "unit:week", "qual:exact", "src:cfaus-specificites",
        "Le site annonce qu'il existe un délai de 6 semaines entre la signature des documents entre Code for Australia et l'administration, avant le début du défi."),
    F("cfaus-legal-aid-hours-saved", "tkgr:cfaus-project-legal-aid", "ind:work-hours-saved-per-week", "period:2019-05", '30', "unit:hour", "qual:exact", "src:cfaus-realisations",
        "économiser 30 heures de travail par semaine à l'équipe de la Victoria Legal Aid"),
    F("cfaus-placement-duration", "tkgr:cfaus-fellowship", "ind:placement-duration", "period:2019-05", ('6', '12'), "unit:month", "qual:range", "src:cfaus-recrutement",
        'Les fellowships ont une durée de de 6 à 12 mois'),
    F("cfaus-sandpit-duration", "tkgr:cfaus-sandpit", "ind:training-duration", "period:2019-05", '6', "unit:week", "qual:exact", "src:cfaus-autres-outils",
        'sur une période de 6 semaines'),
    F("cfaus-staff-count", "tkgr:code-for-australia-programme", "ind:staff-count", "period:2019-05", '17', "unit:person", "qual:exact", "src:cfaus-historique",
        "L'équipe actuelle est composée de 17 personnes"),
    F("cfaus-staff-facilitators", "tkgr:code-for-australia-programme", "ind:staff-by-function", "period:2019-05", '5', "unit:person", "qual:exact", "src:cfaus-historique",
        '5 personnes « facilitateurs » sur les programmes'),
    F("cfaus-staff-management-committee", "tkgr:code-for-australia-programme", "ind:staff-by-function", "period:2019-05", '5', "unit:person", "qual:exact", "src:cfaus-historique",
        '5 personnes dans le Comité de Direction'),
    F("cfaus-staff-marketing-management", "tkgr:code-for-australia-programme", "ind:staff-by-function", "period:2019-05", '2', "unit:person", "qual:exact", "src:cfaus-historique",
        '2 personnes pour la partie marketing et direction'),
    F("cfaus-tech-for-non-tech-duration", "tkgr:cfaus-tech-for-non-tech", "ind:training-duration", "period:2019-05", '1', "unit:day", "qual:exact", "src:cfaus-autres-outils",
        'Atelier sur une journée'),
    # --- Code for Canada ---
    F("cfcan-board-members", "tkgr:code-for-canada", "ind:board-members", "period:2019-05", '7', "unit:person", "qual:exact", "src:cfcan-historique",
        "7 membres du Conseil d'Administration"),
    F("cfcan-budget-2017", "tkgr:code-for-canada-programme", "ind:annual-budget", "period:2017", '500000', "unit:dollar-unspecified", "qual:approximately", "src:cfcan-moyens",
        "Code for Canada fonctionnait en 2017 (année de lancement) avec un budget d'environ 500 000 dollars."),
    F("cfcan-cohort-2019-applicants", "tkgr:cfcan-cohort-2019", "ind:applicants", "period:2019", '334', "unit:person", "qual:exact", "src:cfcan-recrutement",
        '12 recrutements de fellows sont prévus en 2019, pour 334 candidats.'),
    F("cfcan-cohort-2019-planned-recruitments", "tkgr:cfcan-cohort-2019", "ind:planned-recruitments", "period:2019", '12', "unit:person", "qual:planned", "src:cfcan-recrutement",
        '12 recrutements de fellows sont prévus en 2019, pour 334 candidats.'),
    F("cfcan-fellows-2017", "tkgr:cfcan-fellowship", "ind:fellows-per-year", "period:2017", '6', "unit:person", "qual:exact", "src:cfcan-historique",
        '6 Fellows 2017'),
    F("cfcan-fellows-2018", "tkgr:cfcan-fellowship", "ind:fellows-per-year", "period:2018", '9', "unit:person", "qual:exact", "src:cfcan-historique",
        '9 Fellows Code for Canada 2018'),
    F("cfcan-fellows-per-team", "tkgr:cfcan-fellowship", "ind:fellows-per-team", "period:2019-05", '3', "unit:person", "qual:exact", "src:cfcan-projets",
        "Les fellowships sont composés d'équipe de 3 personnes avec des compétences interdisciplinaires (développement Web, design UX, gestion de produits)."),
    F("cfcan-fellows-per-year", "tkgr:cfcan-fellowship", "ind:fellows-per-year", "period:2019-05", (None, '10'), "unit:person", "qual:less-than", "src:cfcan-recrutement",
        "Peu de recrutements en nombre, puisqu'il y a moins d'une dizaine de fellows par année."),
    F("cfcan-funding-announced", "tkgr:code-for-canada-programme", "ind:funding-commitment", "period:2019-05", '950000', "unit:dollar-unspecified", "qual:exact", "src:cfcan-moyens",
        "La province de l'Ontario et la Direction du Budget Canadienne ont par exemple annoncé des versements de 950 000 dollars à l'organisation sur plusieurs années."),
    F("cfcan-other-programmes", "tkgr:code-for-canada-programme", "ind:programme-count", "period:2019-05", '2', "unit:item", "qual:exact", "src:cfcan-specificites",
        'Code For Canada est également responsable de deux autres programmes'),
    F("cfcan-placement-duration", "tkgr:cfcan-fellowship", "ind:placement-duration", "period:2019-05", '10', "unit:month", "qual:exact", "src:cfcan-projets",
        'Programme qui permet à des profils techniques de venir collaborer 10 mois avec des agents publics'),
    F("cfcan-project-types", "tkgr:code-for-canada-programme", "ind:project-types", "period:2019-05", '3', "unit:item", "qual:exact", "src:cfcan-projets",
        '3 types de projets sont mis en place :'),
    F("cfcan-salary", "tkgr:cfcan-fellowship", "ind:annual-salary", "period:2019-05", '75000', "unit:dollar-unspecified", "qual:exact", "src:cfcan-recrutement",
        'La rémunération des fellows est de 75 000 dollars par an (environ 50 000 euros par an).'),
    F("cfcan-salary-eur", "tkgr:cfcan-fellowship", "ind:annual-salary", "period:2019-05", '50000', "unit:EUR", "qual:approximately", "src:cfcan-recrutement",
        '(environ 50 000 euros par an)'),
    F("cfcan-staff-count", "tkgr:code-for-canada-programme", "ind:staff-count", "period:2019-05", '6', "unit:person", "qual:exact", "src:cfcan-historique",
        '6 employés pour gérer le programme'),
    # --- Team Digitale ---
    F("team-digitale-alumni-members", "tkgr:team-digitale-programme", "ind:alumni-members", "period:2019-05", '18', "unit:person", "qual:exact", "src:team-digitale-historique",
        'elle est actuellement composée de 28 membres sur ses différents programmes (18 membres alumni)'),
    F("team-digitale-extension-2018", "tkgr:team-digitale-programme", "ind:extension-duration", "period:2018", '1', "unit:year", "qual:exact", "src:team-digitale-historique",
        'puis prolongée pour un an en 2018'),
    F("team-digitale-initial-duration", "tkgr:team-digitale-programme", "ind:initial-duration", "period:2016", '2', "unit:year", "qual:exact", "src:team-digitale-historique",
        'Equipe créée en 2016, au départ pour une durée de 2 ans'),
    F("team-digitale-principles", "tkgr:team-digitale-programme", "ind:guiding-principles", "period:2019-05", '10', "unit:item", "qual:exact", "src:team-digitale-bonnes-pratiques",
        "Parmi une liste de 10 principes qui guident l'action de Team Digitale Italia"),
    F("team-digitale-programmes-covered", "tkgr:team-digitale-programme", "ind:programmes-covered", "period:2019-05", '2', "unit:item", "qual:exact", "src:team-digitale-projets",
        'les deux programmes qui nous concernent plus particulièrement sont Developers Italia et Designers Italia'),
    F("team-digitale-salary-budget-2019", "tkgr:team-digitale-programme", "ind:salary-spending", "period:2019", '1970000', "unit:EUR", "qual:exact", "src:team-digitale-moyens",
        "Le budget total alloué aux salaires des membres de l'équipe est de 1 970 000 euros pour l'année 2019"),
    F("team-digitale-staff-count", "tkgr:team-digitale-programme", "ind:staff-count", "period:2019-05", '28', "unit:person", "qual:exact", "src:team-digitale-historique",
        'elle est actuellement composée de 28 membres sur ses différents programmes'),
    # --- Team Digitale: Developers Italia ---
    F("developers-italia-staff-count", "tkgr:developers-italia", "ind:staff-count", "period:2019-05", '1', "unit:person", "qual:exact", "src:team-digitale-projets",
        'Developers Italia (1 personne est en charge de ce projet)'),
    # --- Team Digitale: Designers Italia ---
    F("designers-italia-staff-count", "tkgr:designers-italia", "ind:staff-count", "period:2019-05", '3', "unit:person", "qual:exact", "src:team-digitale-projets",
        'Designers Italia (3 personnes travaillent sur cette mission)'),
    # --- Prototype Fund ---
    F("prototype-fund-domain-count", "tkgr:prototype-fund", "ind:project-domain-count", "period:2019-05", '4', "unit:item", "qual:exact", "src:prototype-fund-projets",
        'Les projets se développent dans 4 domaines'),
    F("prototype-fund-grant-duration", "tkgr:prototype-fund", "ind:grant-duration", "period:2019-05", '6', "unit:month", "qual:exact", "src:prototype-fund-recrutement",
        'Ces financements sont de 47 500 euros maximum sur 6 mois par projet'),
    F("prototype-fund-grant-per-project", "tkgr:prototype-fund", "ind:grant-per-project", "period:2019-05", (None, '47500'), "unit:EUR", "qual:at-most", "src:prototype-fund-recrutement",
        'Ces financements sont de 47 500 euros maximum sur 6 mois par projet'),
    F("prototype-fund-projects-funded", "tkgr:prototype-fund", "ind:projects-funded", "period:2019-05", '81', "unit:project", "qual:exact", "src:prototype-fund-moyens",
        "81 projets ont fait l'objet de financement pour un total de 3 millions d'euros"),
    F("prototype-fund-staff-count", "tkgr:prototype-fund", "ind:staff-count", "period:2019-05", '5', "unit:person", "qual:exact", "src:prototype-fund-historique",
        "il est aujourd'hui géré par une équipe de 5 personnes"),
    F("prototype-fund-total-funding", "tkgr:prototype-fund", "ind:total-funding", "period:2019-05", '3000000', "unit:EUR", "qual:exact", "src:prototype-fund-moyens",
        "81 projets ont fait l'objet de financement pour un total de 3 millions d'euros"),
    # --- The note ---
    F("note-initiatives-in-sample", "tkgr:note", "ind:initiatives-in-sample", "period:2019-05", '8', "unit:item", "qual:exact", "src:introduction",
        "Un échantillon de huit initiatives a été retenu dans différents pays dont l'Allemagne, le Canada, l'Italie et les Etats-Unis."),
]


def test_the_table_holds_every_figure_of_the_graph(select):
    rows = select("SELECT ?o WHERE { ?o a tkg:Observation }")
    assert sorted(r["o"][len("tkgr:"):] for r in rows) == sorted(f.iri for f in FIGURES)
    assert len(FIGURES) >= 40


@pytest.mark.parametrize("figure", FIGURES, ids=[f.iri for f in FIGURES])
def test_figure_matches_the_note(select, figure):
    rows = select(f"""
        SELECT ?about ?indicator ?period ?value ?low ?high ?unit ?currency ?presumed ?section ?quote WHERE {{
            tkgr:{figure.iri} a tkg:Observation ; tkg:refEntity ?about ; tkg:indicator ?indicator ;
                sdmxd:refPeriod ?period ; sdmxa:unitMeasure ?unit ; prov:wasDerivedFrom ?section ; tkg:quote ?quote .
            OPTIONAL {{ tkgr:{figure.iri} sdmxm:obsValue ?value }}
            OPTIONAL {{ tkgr:{figure.iri} schema:minValue ?low }}
            OPTIONAL {{ tkgr:{figure.iri} schema:maxValue ?high }}
            OPTIONAL {{ tkgr:{figure.iri} schema:currency ?currency }}
            OPTIONAL {{ tkgr:{figure.iri} tkg:presumedCurrency ?presumed }}
        }}""")
    assert len(rows) == 1, rows  # one of each: no second period, unit, section or quote
    row = rows[0]
    assert row["about"] == figure.about
    assert row["indicator"] == figure.indicator
    assert row["period"] == figure.period
    assert row["unit"] == figure.unit
    assert row["section"] == figure.section
    assert row["quote"] == figure.quote
    if isinstance(figure.value, str):
        assert (row.get("value"), row.get("low"), row.get("high")) == (Decimal(figure.value), None, None)
    else:
        low, high = figure.value
        assert row.get("value") is None
        assert row.get("low") == (Decimal(low) if low is not None else None)
        assert row.get("high") == (Decimal(high) if high is not None else None)
    assert row.get("currency") == CURRENCY_UNITS.get(figure.unit)
    assert row.get("presumed") == PRESUMED.get(figure.iri)
    qualifiers = select(f"SELECT ?q WHERE {{ tkgr:{figure.iri} tkg:valueQualifier ?q }}")
    assert sorted(r["q"] for r in qualifiers) == figure.qualifiers.split()


@pytest.mark.parametrize("figure", FIGURES, ids=[f.iri for f in FIGURES])
def test_expected_quote_is_verbatim_in_the_note(figure):
    """The table's own quotes are copied from the note (markup aside), so the checks above are against the note."""
    assert quote_found(figure.quote, note_text(load_config({}).note_path))


def test_stated_equivalents_are_the_notes_own(select):
    rows = select("SELECT ?a ?b WHERE { ?a tkg:statedEquivalent ?b }")
    assert {(r["a"][5:], r["b"][5:]) for r in rows} == set(EQUIVALENTS.items())
    for original, euros in EQUIVALENTS.items():
        same = select(f"""SELECT ?x WHERE {{ tkgr:{original} tkg:indicator ?i ; sdmxd:refPeriod ?p ; tkg:refEntity ?r .
                                             tkgr:{euros} tkg:indicator ?i ; sdmxd:refPeriod ?p ; tkg:refEntity ?r ;
                                                 sdmxa:unitMeasure unit:EUR ; schema:currency ?x }}""")
        assert [r["x"] for r in same] == ["EUR"]


def test_amounts_in_unnamed_dollars_are_flagged(select):
    rows = select("""SELECT ?o WHERE { ?o sdmxa:unitMeasure unit:dollar-unspecified .
                      FILTER NOT EXISTS { ?c a tkg:DataConflict ; tkg:conflictType conflict:unspecified-currency ; tkg:involves ?o } }""")
    assert rows == []
    flagged = select("SELECT ?o WHERE { ?o sdmxa:unitMeasure unit:dollar-unspecified }")
    assert {r["o"][5:] for r in flagged} == set(PRESUMED)


def test_code_for_america_fellows_series_2011_2018(select):
    rows = select("""SELECT ?year ?n WHERE {
        ?o tkg:refEntity tkgr:cfa-community-fellowship ; tkg:indicator ind:fellows-per-year ;
           sdmxd:refPeriod ?p ; sdmxm:obsValue ?n ; tkg:valueQualifier qual:exact ; sdmxa:unitMeasure unit:person .
        ?p tkg:startYear ?year ; tkg:endYear ?year } ORDER BY ?year""")
    series = {int(r["year"]): int(r["n"]) for r in rows}
    assert series == {2011: 19, 2012: 22, 2013: 23, 2014: 25, 2015: 24, 2016: 17, 2017: 8, 2018: 8}


def test_breakdowns_and_shares_are_links_not_computed_values(select):
    lines = select("""SELECT ?total ?n WHERE { ?line tkg:breakdownOf ?total ; sdmxm:obsValue ?n }""")
    by_total: dict[str, list[int]] = {}
    for r in lines:
        by_total.setdefault(r["total"], []).append(int(r["n"]))
    assert sorted(by_total["tkgr:cfa-staff-count"]) == [3, 4, 5, 5, 5, 9, 27]  # 58, stated total 60
    assert sorted(by_total["tkgr:cfaus-staff-count"]) == [2, 5, 5]  # 12, stated total 17
    parts = select("SELECT ?part ?whole WHERE { ?part tkg:denominator ?whole }")
    assert {(r["part"], r["whole"]) for r in parts} == {
        ("tkgr:pif-alumni-joined-government", "tkgr:pif-fellows-completed"),
        ("tkgr:cfa-government-subsidy-2017", "tkgr:cfa-external-contributions-2017"),
        ("tkgr:cfa-programme-spending-2017", "tkgr:cfa-budget-2017"),
        ("tkgr:cfa-salary-spending-2017", "tkgr:cfa-programme-spending-2017"),
        ("tkgr:clear-my-record-people-concerned", "tkgr:clear-my-record-reference-population"),
        ("tkgr:cfcan-cohort-2019-planned-recruitments", "tkgr:cfcan-cohort-2019-applicants"),
    }
