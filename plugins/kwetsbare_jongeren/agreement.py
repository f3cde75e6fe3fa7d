"""The agreement this instrument offers: the responsibility matrix, its rule, and its form inside the agreement.

The matrix has one row per task (a region setting) and one column per party;
a cell is empty, "uitvoerend" or "eindverantwoordelijk". Rule: every task has
exactly one eindverantwoordelijke party before the approach can be put to
the parties. The agreement carries the matrix as one structured text term,
one line per task ("Nazorg: eindverantwoordelijk MC19; uitvoerend GM0344, 25LH"),
which the template's check holds to the same rule, so an approach that breaks
it cannot be drafted, sent or signed; the region page reads the signed
matrix back from that term.
"""
from __future__ import annotations

from core.plugin_api import AgreementTemplate, AgreementTerm, _, lazy_gettext, number

from .models import ROLE_ACCOUNTABLE, ROLE_EXECUTING, ROLES

TERM = "verantwoordelijkheden"
TEMPLATE_KEY = "aanpak"

Matrix = dict[str, dict[str, str]]  # task -> {party identifier: role}


def problems(tasks: list[str], matrix: Matrix, names: dict[str, str] | None = None) -> dict[str, str]:
    """{task: Dutch message} for every task without exactly one eindverantwoordelijke party."""
    names = names or {}
    out = {}
    for task in tasks:
        accountable = [p for p, role in matrix.get(task, {}).items() if role == ROLE_ACCOUNTABLE]
        if not accountable:
            out[task] = f"taak '{task}' heeft geen eindverantwoordelijke partij; wijs er precies één aan"
        elif len(accountable) > 1:
            who = ", ".join(names.get(p, p) for p in sorted(accountable))
            out[task] = (f"taak '{task}' heeft {len(accountable)} eindverantwoordelijke partijen ({who}); "
                         "er mag er precies één zijn")
    return out


def explain(tasks: list[str], matrix: Matrix, names: dict[str, str] | None = None,
            labels: dict | None = None) -> dict[str, str]:
    """problems() in the reader's language, for the page: {task: message}; `labels` names the tasks."""
    names, labels = names or {}, labels or {}
    out = {}
    for task in problems(tasks, matrix, names):
        accountable = sorted(p for p, role in matrix.get(task, {}).items() if role == ROLE_ACCOUNTABLE)
        if not accountable:
            out[task] = _("taak '%(task)s' heeft geen eindverantwoordelijke partij; wijs er precies één aan",
                          task=labels.get(task, task))
        else:
            out[task] = _("taak '%(task)s' heeft %(number)s eindverantwoordelijke partijen (%(parties)s); er mag er "
                          "precies één zijn", task=labels.get(task, task), number=number(len(accountable)),
                          parties=", ".join(names.get(p, p) for p in accountable))
    return out


def to_term(tasks: list[str], matrix: Matrix) -> str:
    """The canonical text of the matrix for the agreement term."""
    lines = []
    for task in tasks:
        cells = matrix.get(task, {})
        parts = []
        for role in (ROLE_ACCOUNTABLE, ROLE_EXECUTING):
            ids = sorted(p for p, r in cells.items() if r == role)
            if ids:
                parts.append(f"{role} {', '.join(ids)}")
        lines.append(f"{task}: {'; '.join(parts)}")
    return "\n".join(lines)


def parse_term(text: str) -> tuple[list[str], Matrix]:
    """Read the term back; raises ValueError with a Dutch message naming the line."""
    tasks: list[str] = []
    matrix: Matrix = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        task, sep, rest = line.rpartition(":")
        task = task.strip()
        if not sep or not task:
            raise ValueError(f"regel {number} mist 'taak: rol partijen' (zoals 'Nazorg: eindverantwoordelijk MC19')")
        if task in matrix:
            raise ValueError(f"regel {number}: taak '{task}' staat er twee keer in")
        tasks.append(task)
        cells: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in rest.split(";"))):
            role, _, ids = part.partition(" ")
            if role not in ROLES:
                raise ValueError(f"regel {number}: '{role}' is geen rol (kies uitvoerend of eindverantwoordelijk)")
            for party in filter(None, (i.strip() for i in ids.split(","))):
                if party in cells:
                    raise ValueError(f"regel {number}: partij {party} heeft twee rollen bij '{task}'")
                cells[party] = role
        matrix[task] = cells
    if not tasks:
        raise ValueError("de matrix bevat geen taken")
    return tasks, matrix


def _check(terms: dict, context=None) -> dict[str, str]:
    """The template's check (the matrix rule; the same in every region, so the context is not needed)."""
    try:
        tasks, matrix = parse_term(terms.get(TERM) or "")
    except ValueError as exc:
        return {TERM: str(exc)}
    found = problems(tasks, matrix)
    return {TERM: "; ".join(found.values())} if found else {}


def agreement_text(region_name: str, tasks: list[str], matrix: Matrix, names: dict[str, str]) -> str:
    """The Markdown text of the approach, with the matrix as a table."""
    parties = sorted({p for cells in matrix.values() for p in cells}, key=lambda p: names.get(p, p))
    lines = [
        f"# Regionale aanpak jongeren in een kwetsbare positie, {region_name}",
        "",
        "De ondergetekende partijen spreken af wie wat doet, zodat geen jongere tussen wal en schip valt, "
        "in het bijzonder bij de overgang van pro, vso en vo naar mbo of werk en van school naar werk. "
        "Per taak is precies één partij eindverantwoordelijk.",
        "",
        "| Taak | " + " | ".join(names.get(p, p) for p in parties) + " |",
        "|---|" + "---|" * len(parties),
    ]
    for task in tasks:
        cells = matrix.get(task, {})
        lines.append(f"| {task} | " + " | ".join(cells.get(p, "") for p in parties) + " |")
    lines += ["", "Het platform bevat over deze jongeren alleen geaggregeerde aantallen, nooit persoonsgegevens."]
    return "\n".join(lines)


TEMPLATE = AgreementTemplate(
    key=TEMPLATE_KEY,
    # title and text are copied into the agreement (stored, signed): they stay Dutch.
    title="Regionale aanpak kwetsbare jongeren",
    text=("# Regionale aanpak jongeren in een kwetsbare positie\n\n"
          "Stel de aanpak op via de pagina Kwetsbare jongeren > Aanpak: daar wordt de verantwoordelijkheden"
          "matrix met deze tekst in de afspraak gezet.\n"),
    description=lazy_gettext("De verantwoordelijkhedenmatrix (wie doet wat) die alle partijen ondertekenen."),
    terms=(AgreementTerm(
        TERM, lazy_gettext("Verantwoordelijkheden (één regel per taak)"), kind="text",
        hint=lazy_gettext("Zoals 'Nazorg: eindverantwoordelijk MC19; uitvoerend GM0344, 25LH'. Per taak precies "
                          "één eindverantwoordelijke partij.")),),
    check=_check,
)
