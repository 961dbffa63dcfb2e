"""The prospect profile: what a sales engineer writes down during a discovery call.

A profile is a small YAML file, validated once at the edge into :class:`Profile`. Every problem
is reported on its own line, naming the field and the rule that was broken; implausible but legal
values (a team growing tenfold per quarter) are warnings, not errors.

Examples
--------
>>> profile = parse_profile('''
... prospect: Example Health Services
... sites: [{country: PH, fte: 38}, {country: CO, fte: 12}]
... growth: {hires_per_quarter: 20, annual_attrition: 0.30}
... compliance_domains: [healthcare]
... current_training: manager_walkthroughs
... ''')
>>> profile.total_fte
50
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tpo_scoping.errors import InputError, Problem, did_you_mean
from tpo_scoping.reference import SafeLoader, load_reference

MAX_PROFILE_BYTES = 1_000_000
"""A hand-written profile is a few hundred bytes; anything past 1 MB is not a profile."""

MAX_YAML_NODES = 20_000
"""Bound on YAML nodes, so that a hostile file cannot make the loader do unbounded work."""

MAX_YAML_DEPTH = 64
"""Bound on nested mappings and lists; a profile is four levels deep. Deeper documents are
refused before they are built, so that nothing downstream (validation, error messages)
recurses through them."""


class ProfileLoader(SafeLoader):  # type: ignore[misc,valid-type]
    """The safe YAML loader as a profile needs it: YAML 1.2 booleans, no duplicate keys.

    * Only ``true`` and ``false`` are booleans. YAML 1.1 also reads ``yes``, ``no``, ``on`` and
      ``off`` as booleans, which turns Norway's country code ``NO`` into ``False``; here such
      words stay text, and the readiness checklist still reads ``yes``/``no`` as true/false
      (pydantic accepts them for a boolean field).
    * A key given twice in one mapping is an error naming both lines; YAML would silently keep
      the last value.
    """


ProfileLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()
}
ProfileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _construct_mapping_once(loader: Any, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, Any] = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key: the safe constructor reports it
            break
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"'{key}' appears twice in one mapping (first on line {first.line + 1}); keep one",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark
    return dict(loader.construct_mapping(node, deep=True))


ProfileLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping_once)


def _not_a_boolean(value: Any) -> Any:
    """Refuse ``true``/``false`` where a number belongs (pydantic would read true as 1)."""
    if isinstance(value, bool):
        raise ValueError(f"must be a number, got {str(value).lower()}")
    return value


NotBool = BeforeValidator(_not_a_boolean)
"""Numbers in a profile: a boolean is an error, not 1 or 0 (``fte: true`` is not 1 FTE)."""


class CurrentTraining(StrEnum):
    """How the prospect trains its offshore team today."""

    manager_walkthroughs = "manager_walkthroughs"
    lms_only = "lms_only"
    internal_ld = "internal_ld"
    adhoc_vendor = "adhoc_vendor"
    catalog_licensing = "catalog_licensing"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Site(_Strict):
    """One offshore site: a country and its full-time equivalents."""

    country: str = Field(description="ISO 3166-1 alpha-2 country code, e.g. PH, CO, MX, IN.")
    fte: Annotated[int, NotBool] = Field(
        gt=0, le=1_000_000, description="Full-time equivalents at the site today."
    )
    name: str | None = Field(default=None, max_length=200, description="Optional site label.")

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in iso_countries():
            hint = did_you_mean(code, sorted(iso_countries()))
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code{hint}")
        return code

    @property
    def label(self) -> str:
        return self.name or self.country


class Growth(_Strict):
    """Planned hiring and expected attrition."""

    hires_per_quarter: Annotated[float, NotBool] = Field(
        default=0, ge=0, le=1_000_000, description="New offshore hires planned per quarter."
    )
    annual_attrition: Annotated[float, NotBool] = Field(
        default=0.0,
        ge=0,
        le=5,
        description="Share of the team that leaves per year (0.30 = 30 %). Above 1 is legal.",
    )


class Readiness(_Strict):
    """The readiness checklist from the discovery call."""

    kpis_defined: bool = Field(default=False, description="Clear performance KPIs exist today.")
    processes_stable: bool = Field(
        default=False, description="Workflows are stable, not still being defined."
    )
    named_accountable_person: bool = Field(
        default=False,
        description="The provider names one person accountable for training outcomes.",
    )
    offshore_integrated: bool = Field(
        default=False, description="Onshore staff treat offshore staff as genuine team members."
    )


class DataSource(_Strict):
    """Where the prospect's performance data is, and how its columns map to ours."""

    path: str | None = Field(
        default=None,
        description=(
            "Workbook (.xlsx), folder of CSV and workbook files, or a single CSV; relative to"
            " the profile."
        ),
    )
    mapping: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per table, canonical column name -> the prospect's column header.",
    )
    tables: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Canonical table -> the file or sheet that holds it, e.g. employees: Core Data Set"
            " (tables are otherwise recognised by their headers)."
        ),
    )
    date_order: Literal["day-first", "month-first"] | None = Field(
        default=None,
        description=(
            "How to read dates such as 03/04/2025 in every file; by default each file's own"
            " dates decide (a day above 12), and the quality report says when none does."
        ),
    )

    @field_validator("path")
    @classmethod
    def _usable_path(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("not a usable file name (it contains a null character)")
        return value

    @field_validator("mapping", "tables")
    @classmethod
    def _known_tables(cls, value: dict[str, Any]) -> dict[str, Any]:
        from tpo_scoping.data_contract import TABLES

        for table in value:
            if table not in TABLES:
                raise ValueError(
                    f"unknown table '{table}'{did_you_mean(table, list(TABLES))}"
                    f" (tables: {', '.join(TABLES)})"
                )
        return value

    @field_validator("mapping")
    @classmethod
    def _known_columns(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        from tpo_scoping.data_contract import TABLES

        for table, columns in value.items():
            known = TABLES[table].column_names
            for column in columns:
                if column not in known:
                    raise ValueError(
                        f"'{column}' is not a column of {table}{did_you_mean(column, known)}"
                        f" (columns: {', '.join(known)})"
                    )
        return value

    @property
    def dayfirst(self) -> bool | None:
        """The loader's ``dayfirst``: True, False, or None to let each file decide."""
        return None if self.date_order is None else self.date_order == "day-first"


class Profile(_Strict):
    """A prospect profile. See the README for the format."""

    prospect: str = Field(min_length=1, max_length=200, description="The prospect's name.")
    sites: list[Site] = Field(min_length=1, max_length=200)
    growth: Growth = Field(default_factory=Growth)
    compliance_domains: list[str] = Field(
        default_factory=lambda: ["general"],
        max_length=20,
        description="Keys of the packaged compliance catalogue, e.g. healthcare.",
    )
    current_training: CurrentTraining = CurrentTraining.manager_walkthroughs
    internal_ld_staff: Annotated[float, NotBool] = Field(default=0, ge=0, le=10_000)
    readiness: Readiness = Field(default_factory=Readiness)
    assumptions: dict[str, Annotated[float, NotBool]] = Field(
        default_factory=dict,
        description="Overrides of packaged default assumptions, by name.",
    )
    data: DataSource | None = None
    currency: Literal["USD"] = "USD"
    notes: str | None = Field(default=None, max_length=10_000)

    @field_validator("compliance_domains")
    @classmethod
    def _known_domains(cls, value: list[str]) -> list[str]:
        known = sorted(load_reference("compliance_catalogue")["domains"])
        out = []
        for item in value:
            key = str(item).strip().lower()
            if key not in known:
                raise ValueError(
                    f"unknown compliance domain '{item}'{did_you_mean(key, known)}"
                    f" (known: {', '.join(known)})"
                )
            if key not in out:
                out.append(key)
        return out

    @model_validator(mode="after")
    def _unique_sites(self) -> Profile:
        labels = [s.label for s in self.sites]
        dupes = sorted({x for x in labels if labels.count(x) > 1})
        if dupes:
            raise ValueError(
                f"sites: {', '.join(dupes)} listed more than once; give each a distinct `name`"
            )
        return self

    @property
    def total_fte(self) -> int:
        """Offshore FTEs across all sites today."""
        return sum(site.fte for site in self.sites)

    @property
    def countries(self) -> list[str]:
        return sorted({site.country for site in self.sites})

    @property
    def regulated(self) -> bool:
        """True when any listed domain is other than ``general``."""
        return any(d != "general" for d in self.compliance_domains)


def plausibility_warnings(profile: Profile) -> list[str]:
    """Warnings for values that are legal but unusual enough to double-check on the call."""
    warnings = []
    fte = profile.total_fte
    if profile.growth.hires_per_quarter > 10 * fte:
        warnings.append(
            f"growth.hires_per_quarter: {profile.growth.hires_per_quarter:g} hires per quarter is"
            f" more than 10x today's team of {fte} FTE; check the figure"
        )
    if profile.growth.annual_attrition > 1:
        warnings.append(
            f"growth.annual_attrition: {profile.growth.annual_attrition:.0%} a year means the"
            " whole team turns over within a year; check the figure"
        )
    if fte > 20_000:
        warnings.append(
            f"sites: {fte} FTE is far larger than a typical offshore team; check the figures"
        )
    if profile.internal_ld_staff > fte:
        warnings.append("internal_ld_staff: more L&D staff than offshore FTEs; check the figure")
    if profile.current_training == "internal_ld" and profile.internal_ld_staff == 0:
        warnings.append(
            "internal_ld_staff: training today is an internal L&D team, but its size is 0, so"
            " today's practice is costed with no trainers' salaries; give the team's size"
        )
    from tpo_scoping.assumptions import override_warnings

    warnings += override_warnings(profile.assumptions)
    return warnings


# --------------------------------------------------------------------------------------------
# Loading


def load_profile(path: str | Path) -> Profile:
    """Read and validate a profile YAML file.

    Raises
    ------
    InputError
        With one problem per broken rule, each naming the field.
    """
    from tpo_scoping.paths import refuse_special_file

    path = Path(path)
    source = str(path)
    refuse_special_file(path, "give the profile as a YAML file")
    try:
        with path.open("rb") as handle:  # bounded: /dev/zero or a FIFO must not hang us
            raw = handle.read(MAX_PROFILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError("file not found", source=source) from None
    except IsADirectoryError:
        raise InputError("is a folder, expected a YAML file", source=source) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", source=source) from None
    except ValueError:  # the operating system refuses the name itself (a NUL character)
        raise InputError(
            "not a usable file name (it contains a null character)", source=ascii(source)
        ) from None
    profile = parse_profile(raw, source=source)
    if profile.data is not None and profile.data.path is not None:
        data_path = Path(profile.data.path)
        if not data_path.is_absolute():
            data_path = (path.parent / data_path).resolve()
        profile = profile.model_copy(
            update={"data": profile.data.model_copy(update={"path": str(data_path)})}
        )
    return profile


def parse_profile(text: str | bytes, source: str = "<profile>") -> Profile:
    """Validate a profile given as YAML text (see :func:`load_profile`)."""
    document = read_yaml_mapping(text, source=source, what="profile")
    try:
        profile = Profile.model_validate(document)
    except ValidationError as exc:
        raise InputError(_problems_from(exc), source=source) from None
    _check_assumption_names(profile, source)
    return profile


def read_yaml_mapping(text: str | bytes, source: str, what: str) -> dict[str, Any]:
    """Parse untrusted YAML into a mapping: size-bounded, no aliases, no custom tags."""
    if isinstance(text, bytes):
        if len(text) > MAX_PROFILE_BYTES:
            raise InputError(
                f"file is {len(text):,} bytes; a {what} is at most {MAX_PROFILE_BYTES:,}", source
            )
        if b"\x00" in text:
            raise InputError(f"this is a binary file, not a YAML {what}", source)
        raw = text
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                raise InputError(
                    f"not a text file; save the {what} as UTF-8 YAML", source
                ) from None
    if len(text) > MAX_PROFILE_BYTES:
        raise InputError(f"text is too long for a {what}", source)
    if not text.strip():
        raise InputError(f"the file is empty; expected a YAML {what}", source)
    try:
        depth = 0
        for nodes, event in enumerate(yaml.parse(text, Loader=ProfileLoader), 1):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise InputError(
                        f"YAML is nested too deeply (over {MAX_YAML_DEPTH} levels) for a {what}",
                        source,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.AliasEvent):
                raise InputError(
                    "YAML aliases (*name) are not allowed in a profile; write the values out",
                    source,
                )
            if nodes > MAX_YAML_NODES:
                raise InputError(
                    f"too many YAML nodes (over {MAX_YAML_NODES:,}) for a {what}", source
                )
        document = yaml.load(text, Loader=ProfileLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"{where}not valid YAML ({problem})", source) from None
    except RecursionError:
        raise InputError("YAML is nested too deeply", source) from None
    if not isinstance(document, dict):
        kind = "empty" if document is None else type(document).__name__
        raise InputError(
            f"expected a YAML mapping of fields (prospect:, sites:, …), got {kind}", source
        )
    return document


def _check_assumption_names(profile: Profile, source: str) -> None:
    if not profile.assumptions:
        return
    from tpo_scoping.assumptions import resolve_assumptions

    try:
        resolve_assumptions(profile.assumptions)
    except InputError as exc:
        raise InputError(exc.problems, source=source) from None


_PYDANTIC_RULES = {
    "extra_forbidden": "unknown field; remove it or check the spelling{hint}",
    "missing": "required field is missing",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
    "string_too_short": "must not be empty",
    "string_too_long": "is longer than {max_length} characters",
    "int_parsing": "must be a whole number, got {input!r}",
    "int_from_float": "must be a whole number, got {input!r}",
    "float_parsing": "must be a number, got {input!r}",
    "float_type": "must be a number, got {input!r}",
    "int_type": "must be a whole number, got {input!r}",
    "bool_parsing": "must be true or false, got {input!r}",
    "bool_type": "must be true or false, got {input!r}",
    "string_type": "must be text, got {input!r}",
    "list_type": "must be a list, e.g. [a, b]",
    "dict_type": "must be a mapping of name: value",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "finite_number": "must be a finite number, got {input!r}",
}


def _problems_from(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(part) for part in err["loc"]) or "profile"
        ctx = dict(err.get("ctx") or {})
        kind = err["type"]
        template = _PYDANTIC_RULES.get(kind)
        if kind == "enum":
            message = f"'{err['input']}' is not one of: {ctx.get('expected', '')}"
            options = [
                o.strip(" '") for o in str(ctx.get("expected", "")).replace(" or ", ",").split(",")
            ]
            message += did_you_mean(str(err["input"]), [o for o in options if o])
        elif kind == "extra_forbidden":
            parent = err["loc"][:-1]
            name = str(err["loc"][-1])
            hint = did_you_mean(name, _field_names_at(parent))
            message = template.format(hint=hint) if template else err["msg"]
        elif kind == "value_error":
            message = str(ctx.get("error", err["msg"]))
        elif kind == "string_type" and isinstance(err.get("input"), bool | int | float):
            # YAML read a bare word or number as a boolean or a number: quoting keeps it text.
            shown = err["input"]
            written = str(shown).lower() if isinstance(shown, bool) else str(shown)
            message = f'must be text, got {written}; put it in quotes ("{written}")'
        elif template is not None:
            shown = err.get("input")
            if isinstance(shown, str) and len(shown) > 60:
                shown = shown[:57] + "..."
            try:
                message = template.format(input=shown, **ctx)
            except (KeyError, IndexError):
                message = err["msg"]
        else:
            message = err["msg"]
        problems.append(Problem(where, message))
    return problems


def _field_names_at(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Profile
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part)) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        annotation = field.annotation
        inner = getattr(annotation, "__args__", None)
        candidates = [annotation, *(inner or [])]
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if model is None:
            return []
    return list(model.model_fields)


def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (from pycountry)."""
    return _ISO_COUNTRIES


def _load_iso() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


_ISO_COUNTRIES = _load_iso()


def profile_json_schema() -> dict[str, Any]:
    """JSON Schema of the profile, for editors' auto-completion."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tpo-scoping prospect profile"
    domains = sorted(load_reference("compliance_catalogue")["domains"])
    schema["properties"]["compliance_domains"]["items"] = {"type": "string", "enum": domains}
    return schema


def profile_to_yaml(profile: Profile) -> str:
    """Serialise a profile back to the YAML a sales engineer would write."""
    data = json.loads(profile.model_dump_json(exclude_none=True))
    if not data.get("assumptions"):
        data.pop("assumptions", None)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
