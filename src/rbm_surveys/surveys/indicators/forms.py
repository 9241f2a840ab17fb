"""The project's four perception-survey questionnaires, as data, and their XLSForm writer.

Wording is the project's own, informed by the SDG metadata and the Washington Group Short Set
(see ``docs/indicators.md`` for sources). All four modules share one respondent core (place,
sex, age, household income, displacement status, WG-SS); each adds its own items. Labels come
in English, French and Spanish (``label::English (en)`` …), which KoBoToolbox and ODK read as
translations. The forms live in the package so that ``rbm demo`` can write them after a
non-editable install; ``questionnaires/build_forms.py`` writes the committed copies.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["LANGUAGES", "MODULES", "write_form", "write_all_forms", "form_rows"]

LANGUAGES = ("English (en)", "French (fr)", "Spanish (es)")
VERSION = "2026.1"

def _dont_know_refused(list_name: str, dont_know: bool = True) -> list[tuple[str, ...]]:
    """The non-answer choices closing a list: the codes cleaning turns into missing reasons."""
    rows = [(list_name, "dont_know", "Don't know", "Ne sait pas", "No sabe")] if dont_know else []
    return rows + [(list_name, "refused", "Prefers not to answer", "Préfère ne pas répondre",
                    "Prefiere no responder")]


# (list_name, name, en, fr, es)
_CHOICES: list[tuple[str, str, str, str, str]] = [
    ("city", "capital", "Capital district", "District de la capitale", "Distrito capital"),
    ("city", "port", "Port city", "Ville portuaire", "Ciudad portuaria"),
    ("city", "hill", "Hill town", "Ville des collines", "Ciudad de las colinas"),
    ("area", "urban", "Urban", "Urbain", "Urbano"),
    ("area", "rural", "Rural", "Rural", "Rural"),
    ("sex", "female", "Female", "Femme", "Mujer"),
    ("sex", "male", "Male", "Homme", "Hombre"),
    ("displacement", "host", "Host community member", "Membre de la communauté hôte",
     "Miembro de la comunidad de acogida"),
    ("displacement", "migrant", "Migrant", "Migrant", "Migrante"),
    ("displacement", "refugee", "Refugee or asylum seeker", "Réfugié ou demandeur d'asile",
     "Refugiado o solicitante de asilo"),
    ("displacement", "idp", "Internally displaced", "Déplacé interne", "Desplazado interno"),
    ("displacement", "returnee", "Returnee", "Rapatrié", "Retornado"),
    ("wg", "no_difficulty", "No difficulty", "Aucune difficulté", "Ninguna dificultad"),
    ("wg", "some_difficulty", "Some difficulty", "Quelques difficultés", "Alguna dificultad"),
    ("wg", "lot_of_difficulty", "A lot of difficulty", "Beaucoup de difficultés",
     "Mucha dificultad"),
    ("wg", "cannot_do", "Cannot do it at all", "Ne peut pas du tout", "No puede hacerlo"),
    *_dont_know_refused("wg"),
    ("tenure_type", "owner", "Owner", "Propriétaire", "Propietario"),
    ("tenure_type", "tenant", "Tenant", "Locataire", "Inquilino"),
    ("tenure_type", "informal", "Lives there without a formal agreement",
     "Y vit sans accord formel", "Vive allí sin acuerdo formal"),
    ("tenure_type", "other", "Other arrangement", "Autre arrangement", "Otro arreglo"),
    ("likely", "very_likely", "Very likely", "Très probable", "Muy probable"),
    ("likely", "somewhat_likely", "Somewhat likely", "Assez probable", "Algo probable"),
    ("likely", "unlikely", "Unlikely", "Peu probable", "Poco probable"),
    ("likely", "very_unlikely", "Very unlikely", "Très peu probable", "Muy poco probable"),
    *_dont_know_refused("likely"),
    ("yesno", "yes", "Yes", "Oui", "Sí"),
    ("yesno", "no", "No", "Non", "No"),
    *_dont_know_refused("yesno"),
    ("safe", "very_safe", "Very safe", "Très en sécurité", "Muy seguro/a"),
    ("safe", "safe", "Safe", "En sécurité", "Seguro/a"),
    ("safe", "unsafe", "Unsafe", "Pas en sécurité", "Inseguro/a"),
    ("safe", "very_unsafe", "Very unsafe", "Pas du tout en sécurité", "Muy inseguro/a"),
    ("safe", "never_alone", "Never goes out alone after dark",
     "Ne sort jamais seul·e après la tombée de la nuit", "Nunca sale solo/a de noche"),
    *_dont_know_refused("safe"),
    ("place", "home", "At home or someone else's home", "Au domicile ou chez quelqu'un",
     "En casa propia o ajena"),
    ("place", "street", "Street, square or market", "Rue, place ou marché",
     "Calle, plaza o mercado"),
    ("place", "transport", "Public transport or its stops", "Transports publics ou arrêts",
     "Transporte público o paradas"),
    ("place", "work_school", "Workplace or place of study", "Lieu de travail ou d'études",
     "Lugar de trabajo o estudio"),
    ("place", "park", "Park or other open public space", "Parc ou autre espace public ouvert",
     "Parque u otro espacio público abierto"),
    ("place", "other", "Somewhere else", "Ailleurs", "Otro lugar"),
    *_dont_know_refused("place", dont_know=False),
    ("say", "not_at_all", "Not at all", "Pas du tout", "Nada"),
    ("say", "very_little", "Very little", "Très peu", "Muy poco"),
    ("say", "some", "Some", "Un peu", "Algo"),
    ("say", "a_lot", "A lot", "Beaucoup", "Mucho"),
    ("say", "great_deal", "A great deal", "Énormément", "Muchísimo"),
    *_dont_know_refused("say"),
    ("agree", "strongly_disagree", "Strongly disagree", "Pas du tout d'accord",
     "Muy en desacuerdo"),
    ("agree", "disagree", "Disagree", "Pas d'accord", "En desacuerdo"),
    ("agree", "agree", "Agree", "D'accord", "De acuerdo"),
    ("agree", "strongly_agree", "Strongly agree", "Tout à fait d'accord", "Muy de acuerdo"),
    *_dont_know_refused("agree"),
]

# (type, name, en, fr, es, relevant, constraint)
_Q = tuple[str, str, str, str, str, str, str]

_CORE: list[_Q] = [
    ("start", "start", "", "", "", "", ""),
    ("end", "end", "", "", "", "", ""),
    ("integer", "ea", "Enumeration area code (enumerator)", "Code de la zone de dénombrement "
     "(enquêteur)", "Código del área de empadronamiento (encuestador)", "", ". > 0"),
    ("select_one city", "city", "City", "Ville", "Ciudad", "", ""),
    ("select_one area", "area", "Type of area", "Type de zone", "Tipo de zona", "", ""),
    ("text", "respondent_name", "Respondent's first name (kept apart, never analysed)",
     "Prénom de la personne interrogée (conservé à part, jamais analysé)",
     "Nombre de la persona entrevistada (se guarda aparte, nunca se analiza)", "", ""),
    ("text", "phone", "Phone number for quality call-backs", "Téléphone pour les rappels "
     "qualité", "Teléfono para llamadas de control", "", ""),
    ("select_one sex", "sex", "Sex of the respondent", "Sexe de la personne interrogée",
     "Sexo de la persona entrevistada", "", ""),
    ("integer", "age", "How old are you, in completed years?", "Quel âge avez-vous, en années "
     "révolues ?", "¿Cuántos años cumplidos tiene?", "", ". >= 15 and . <= 110"),
    ("decimal", "hh_income", "Roughly how much money did your household receive from all "
     "sources last month? (local currency; leave empty if unknown)",
     "Environ combien d'argent votre ménage a-t-il reçu de toutes sources le mois dernier ? "
     "(monnaie locale ; vide si inconnu)",
     "¿Aproximadamente cuánto dinero recibió su hogar de todas las fuentes el mes pasado? "
     "(moneda local; vacío si no sabe)", "", ". >= 0"),
    ("select_one displacement", "displacement", "Which best describes you?",
     "Laquelle de ces situations vous décrit le mieux ?", "¿Cuál le describe mejor?", "", ""),
    ("begin_group", "wgss", "Difficulties because of a health problem",
     "Difficultés dues à un problème de santé", "Dificultades debidas a un problema de salud",
     "", ""),
    ("select_one wg", "wg_seeing", "Do you have difficulty seeing, even if wearing glasses?",
     "Avez-vous des difficultés à voir, même avec des lunettes ?",
     "¿Tiene dificultad para ver, incluso usando anteojos?", "", ""),
    ("select_one wg", "wg_hearing", "Do you have difficulty hearing, even if using a hearing "
     "aid?", "Avez-vous des difficultés à entendre, même avec un appareil auditif ?",
     "¿Tiene dificultad para oír, incluso usando un audífono?", "", ""),
    ("select_one wg", "wg_walking", "Do you have difficulty walking or climbing steps?",
     "Avez-vous des difficultés à marcher ou à monter des marches ?",
     "¿Tiene dificultad para caminar o subir escalones?", "", ""),
    ("select_one wg", "wg_remembering", "Do you have difficulty remembering or concentrating?",
     "Avez-vous des difficultés à vous souvenir ou à vous concentrer ?",
     "¿Tiene dificultad para recordar o concentrarse?", "", ""),
    ("select_one wg", "wg_selfcare", "Do you have difficulty with self-care, such as washing "
     "all over or dressing?", "Avez-vous des difficultés à prendre soin de vous, comme vous "
     "laver entièrement ou vous habiller ?", "¿Tiene dificultad para cuidarse, como lavarse "
     "entero o vestirse?", "", ""),
    ("select_one wg", "wg_communicating", "Using your usual language, do you have difficulty "
     "communicating, for example understanding or being understood?",
     "En utilisant votre langue habituelle, avez-vous des difficultés à communiquer, par "
     "exemple à comprendre ou à être compris·e ?", "Usando su idioma habitual, ¿tiene "
     "dificultad para comunicarse, por ejemplo entender o ser entendido/a?", "", ""),
    ("end_group", "", "", "", "", "", ""),
]

_MODULE_ITEMS: dict[str, tuple[str, list[_Q]]] = {
    "tenure": ("Tenure security", [
        ("select_one tenure_type", "tenure_type", "Under what arrangement do you live in your "
         "home?", "À quel titre occupez-vous votre logement ?",
         "¿Bajo qué acuerdo vive en su vivienda?", "", ""),
        ("select_one likely", "tenure_loss_5y", "In the next five years, how likely is it that "
         "you could lose the right to use your home, or part of it, against your will?",
         "Dans les cinq prochaines années, quelle est la probabilité que vous perdiez contre "
         "votre gré le droit d'utiliser votre logement, ou une partie de celui-ci ?",
         "En los próximos cinco años, ¿qué tan probable es que pierda contra su voluntad el "
         "derecho a usar su vivienda, o parte de ella?", "", ""),
        ("select_one yesno", "tenure_bequeath", "Do you have the right to leave your home to "
         "someone when you die?", "Avez-vous le droit de léguer votre logement à quelqu'un "
         "après votre décès ?", "¿Tiene derecho a dejar su vivienda en herencia?", "", ""),
    ]),
    "safety": ("Safety in public space", [
        ("select_one safe", "safe_night", "How safe do you feel walking alone in your "
         "neighbourhood after dark?", "À quel point vous sentez-vous en sécurité lorsque vous "
         "marchez seul·e dans votre quartier la nuit ?", "¿Qué tan seguro/a se siente "
         "caminando solo/a por su barrio de noche?", "", ""),
        ("select_one yesno", "harass_sexual_12m", "In the last 12 months, has anyone made "
         "unwanted sexual comments, gestures or contact towards you in a public place?",
         "Au cours des 12 derniers mois, quelqu'un vous a-t-il adressé des commentaires, "
         "gestes ou contacts sexuels non désirés dans un lieu public ?",
         "En los últimos 12 meses, ¿alguien le hizo comentarios, gestos o contactos sexuales "
         "no deseados en un lugar público?", "", ""),
        ("select_one yesno", "harass_physical_12m", "In the last 12 months, has anyone "
         "threatened, pushed or intimidated you in a public place (not sexually)?",
         "Au cours des 12 derniers mois, quelqu'un vous a-t-il menacé·e, bousculé·e ou "
         "intimidé·e dans un lieu public (hors contexte sexuel) ?",
         "En los últimos 12 meses, ¿alguien le amenazó, empujó o intimidó en un lugar público "
         "(de forma no sexual)?", "", ""),
        ("select_one place", "harass_place", "Where did the most recent of these incidents "
         "happen?", "Où l'incident le plus récent a-t-il eu lieu ?",
         "¿Dónde ocurrió el incidente más reciente?",
         "${harass_sexual_12m} = 'yes' or ${harass_physical_12m} = 'yes'", ""),
    ]),
    "participation": ("Inclusive decision-making", [
        ("select_one say", "say_in_govt", "How much does the political system in this country "
         "allow people like you to have a say in what the government does?",
         "Dans quelle mesure le système politique de ce pays permet-il à des personnes comme "
         "vous d'avoir leur mot à dire sur ce que fait le gouvernement ?",
         "¿En qué medida el sistema político de este país permite que personas como usted "
         "opinen sobre lo que hace el gobierno?", "", ""),
        ("select_one say", "influence_politics", "And how much does it allow people like you "
         "to have an influence on politics?", "Et dans quelle mesure permet-il à des personnes "
         "comme vous d'avoir une influence sur la politique ?", "¿Y en qué medida permite que "
         "personas como usted influyan en la política?", "", ""),
    ]),
    "disability": ("Disability and equal access", [
        ("select_one agree", "access_public_space", "People with disabilities can use the "
         "streets, parks and squares of this city on an equal basis with others.",
         "Les personnes handicapées peuvent utiliser les rues, parcs et places de cette ville "
         "sur un pied d'égalité avec les autres.", "Las personas con discapacidad pueden usar "
         "las calles, parques y plazas de esta ciudad en igualdad de condiciones.", "", ""),
        ("select_one agree", "access_services", "People with disabilities can reach and use "
         "public offices, clinics and transport in this city on an equal basis with others.",
         "Les personnes handicapées peuvent accéder aux bureaux publics, dispensaires et "
         "transports de cette ville sur un pied d'égalité avec les autres.",
         "Las personas con discapacidad pueden acceder a oficinas públicas, centros de salud y "
         "transporte de esta ciudad en igualdad de condiciones.", "", ""),
    ]),
}

MODULES = tuple(_MODULE_ITEMS)

#: Household roster of the disability module: one row per household member (the respondent
#: included), with the Washington Group Short Set asked for members aged 5 or over. The
#: member's ``sex`` and WG items reuse the main sheet's names (XLSForm allows it: each
#: table has its own); ``member_age`` has its own name because a ``relevant`` refers to it.
ROSTER = "hh_members"
_ROSTER_ITEMS: list[_Q] = [
    ("begin_repeat", ROSTER, "Household members (everyone who usually lives here)",
     "Membres du ménage (toutes les personnes qui y vivent habituellement)",
     "Miembros del hogar (todas las personas que viven habitualmente aquí)", "", ""),
    ("select_one sex", "sex", "Sex of the member", "Sexe du membre", "Sexo del miembro", "", ""),
    ("integer", "member_age", "Age of the member, in completed years",
     "Âge du membre, en années révolues", "Edad del miembro, en años cumplidos", "",
     ". >= 0 and . <= 110"),
    *[(typ, name, en, fr, es, "${member_age} >= 5", "")
      for typ, name, en, fr, es, _, _ in _CORE if name.startswith("wg_")],
    ("end_repeat", "", "", "", "", "", ""),
]

#: Choice lists each module uses (so a form carries only its own lists).
_CORE_LISTS = ("city", "area", "sex", "displacement", "wg")
_MODULE_LISTS = {"tenure": ("tenure_type", "likely", "yesno"), "safety": ("safe", "yesno", "place"),
                 "participation": ("say",), "disability": ("agree",)}


def form_rows(module: str) -> tuple[list[_Q], list[tuple[str, str, str, str, str]]]:
    """Survey rows and choice rows of one module's form."""
    if module not in _MODULE_ITEMS:
        from rbm_surveys.errors import UsageError

        raise UsageError(f"unknown questionnaire module {module!r}",
                         hint=f"use one of {', '.join(MODULES)}")
    title, items = _MODULE_ITEMS[module]
    survey = _CORE[:2] + [("begin_group", "core", "About you", "À propos de vous",
                           "Sobre usted", "", "")] + _CORE[2:] + [("end_group", "", "", "", "",
                                                                   "", "")]
    survey += [("begin_group", module, title, title, title, "", "")] + items
    survey += [("end_group", "", "", "", "", "", "")]
    if module == "disability":
        survey += _ROSTER_ITEMS
    lists = _CORE_LISTS + _MODULE_LISTS[module]
    choices = [c for c in _CHOICES if c[0] in lists]
    return survey, choices


def write_form(module: str, path: str | Path) -> Path:
    """Write one module as an XLSForm (``survey``, ``choices``, ``settings`` sheets)."""
    from openpyxl import Workbook

    survey, choices = form_rows(module)
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", *(f"label::{lang}" for lang in LANGUAGES), "relevant",
               "constraint", "required"])
    for typ, name, en, fr, es, relevant, constraint in survey:
        required = "yes" if typ.startswith("select_one") or typ == "integer" else ""
        ws.append([typ, name, en, fr, es, relevant, constraint, required])
    wc = wb.create_sheet("choices")
    wc.append(["list_name", "name", *(f"label::{lang}" for lang in LANGUAGES)])
    for row in choices:
        wc.append(list(row))
    st = wb.create_sheet("settings")
    st.append(["form_title", "form_id", "version", "default_language"])
    st.append([f"Urban perception survey: {_MODULE_ITEMS[module][0]}", f"rbm_{module}",
               VERSION, LANGUAGES[0]])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_all_forms(folder: str | Path) -> dict[str, Path]:
    """Write the four forms as ``<folder>/<module>.xlsx``."""
    return {m: write_form(m, Path(folder) / f"{m}.xlsx") for m in MODULES}
