"""Which mapping reads a file: the one asked for, a saved one or a built-in preset whose
headers the file has, else our guess from the column names we know."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import Company, ImportMapping
from .columns import KINDS
from .errors import ImportRejected, RowError
from .headers import detect_kind, kind_from_word
from .mapping import Mapping, guess, resolve, signature
from .presets import PRESETS, preset_for


@dataclass
class Layout:
    mapping: Mapping
    positions: dict[str, int]
    ignored: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    source: str = ""  # "" (our guess), "preset", "saved"


def saved_mapping(company: Company, headers: list[str]) -> Mapping | None:
    """The company's saved mapping for this header set, the latest saved first."""
    found = (
        ImportMapping.objects.for_company(company)
        .filter(signature=signature(headers))
        .order_by("-updated")
        .first()
    )
    return Mapping.from_json(found.spec, name=found.name) if found else None


def named_mapping(company: Company, name: str, filename: str) -> tuple[Mapping, str]:
    saved = ImportMapping.objects.for_company(company).filter(name=name).first()
    if saved is not None:
        return Mapping.from_json(saved.spec, name=saved.name), "saved"
    if name in PRESETS:
        return PRESETS[name].mapping(), "preset"
    known = ", ".join(
        [*PRESETS, *ImportMapping.objects.for_company(company).values_list("name", flat=True)]
    )
    raise ImportRejected(
        [
            RowError(
                None, "", _("modèle inconnu : %(n)s (connus : %(k)s)") % {"n": name, "k": known}
            )
        ],
        filename,
    )


def choose(
    company: Company,
    headers: list[str],
    filename: str,
    *,
    kind: str | None = None,
    mapping: Mapping | None = None,
    preset: str | None = None,
    header_line: int = 1,
) -> Layout:
    source = "given" if mapping is not None else ""
    if mapping is None and preset:
        mapping, source = named_mapping(company, preset, filename)
    if mapping is None:
        mapping = saved_mapping(company, headers)
        source = "saved" if mapping else ""
    if mapping is None and (found := preset_for(headers)) is not None:
        mapping, source = found.mapping(), "preset"
    if mapping is None:
        mapping = guess(_resolve_kind(kind, headers, filename, header_line), headers)
    positions, ignored, errors = resolve(mapping, headers)
    return Layout(mapping, positions, ignored, errors, source)


def _resolve_kind(kind, headers, filename, header_line: int = 1) -> str:
    if kind:
        resolved = kind if kind in KINDS else kind_from_word(kind)
        if resolved is None:
            raise ImportRejected(
                [RowError(None, "", _("type inconnu : %(k)s") % {"k": kind})], filename
            )
        return resolved
    detected = detect_kind(headers, filename)
    if detected is None:
        raise ImportRejected(
            [
                RowError(
                    header_line,
                    "",
                    _(
                        "impossible de savoir si ce fichier contient des clients, factures, devis ou règlements : précisez le type"
                    ),
                )
            ],
            filename,
            mappable=True,
        )
    return detected


def save_mapping(
    company: Company, name: str, headers: list[str], mapping: Mapping
) -> ImportMapping:
    """Remember a mapping under a name, for the files of this header set."""
    saved, _created = ImportMapping.objects.update_or_create(
        company=company,
        name=name,
        defaults={"signature": signature(headers), "headers": headers, "spec": mapping.to_json()},
    )
    return saved


def mapping_note(result) -> str:
    """Which mapping read the file, to say so (empty when our own column names did)."""
    if not result.mapping_name:
        return ""
    if result.mapping_source == "preset" and result.mapping_name in PRESETS:
        return _("Lu avec le modèle intégré « %(n)s » : %(l)s.") % {
            "n": result.mapping_name,
            "l": PRESETS[result.mapping_name].label,
        }
    return _("Lu avec la correspondance enregistrée « %(n)s ».") % {"n": result.mapping_name}


def error_lines(errors) -> int:
    """How many lines of the file the errors name (one error may list several lines)."""
    lines = set()
    for error in errors:
        if error.line:
            lines.add(error.line)
        lines.update(error.lines)
    return len(lines)
