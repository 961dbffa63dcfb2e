"""The scoping calculator's form: the prospect's answers as fields, and back to a profile.

:class:`ProspectForm` builds the fields (name, sites, hiring, attrition, training, domains,
readiness, key cost assumptions), shows a profile in them, reads them back into a validated
:class:`~tpo_scoping.profile.Profile`, and names each wrong field in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle  # the styles are not exported

from tpo_scoping.errors import InputError
from tpo_scoping.ui.choices import TRAINING_LABELS
from tpo_scoping.ui.fields import NumberField, assumption_field
from tpo_scoping.ui.html import HtmlBlock, column, row, shared_model
from tpo_scoping.ui.shell import AppShell
from tpo_scoping.ui.sites import SitesEditor

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile

KEY_ASSUMPTIONS = (
    "tpo_fee_per_fte_tier1",
    "catalog_seat_price_monthly",
    "loaded_hourly_rate_onshore_manager",
    "mgmt_hours_per_fte_month_informal",
    "offshore_fte_monthly_cost",
)
"""The cost assumptions the calculator lets a sales engineer change on the call."""

READINESS_LABELS = {
    "kpis_defined": "Clear performance KPIs exist today",
    "processes_stable": "Workflows are stable",
    "named_accountable_person": "One person can be accountable for training outcomes",
    "offshore_integrated": "Offshore staff are treated as team members",
}


def _checkbox(label: str) -> widgets.Checkbox:
    return widgets.Checkbox(
        value=False,
        description=label,
        indent=False,
        layout=shared_model(widgets.Layout, width="auto"),
        style=shared_model(CheckboxStyle, description_width="initial"),
    )


def _bold(text: str) -> HtmlBlock:
    return HtmlBlock(f"<b style='font-size:13px'>{text}</b>")


class ProspectForm(AppShell):
    """An app whose inputs describe one prospect profile (see :meth:`profile`)."""

    def build_form(self) -> None:
        """Create the fields in ``self.controls``; call before ``AppShell.__init__``."""
        from tpo_scoping.assumptions import default_assumptions
        from tpo_scoping.reference import load_reference

        self._loading = False
        self._defaults = default_assumptions()
        catalogue = load_reference("compliance_catalogue")["domains"]
        self.controls = {
            "prospect": widgets.Text(
                value="",
                description="Prospect",
                continuous_update=False,
                layout={"width": "min(420px, 100%)"},
            ),
            "sites": SitesEditor(),
            "hires": NumberField("New hires per quarter", 0, minimum=0, maximum=1_000_000),
            "attrition": NumberField(
                "Annual attrition", 0.0, minimum=0.0, maximum=5.0, percent=True
            ),
            "internal_ld_staff": NumberField(
                "Internal L&D staff", 0, minimum=0, maximum=10_000, unit="FTE"
            ),
            "domains": {k: _checkbox(d.get("label", k)) for k, d in catalogue.items()},
            "training": widgets.Dropdown(
                options=[(label, key) for key, label in TRAINING_LABELS.items()],
                description="Training today",
                style={"description_width": "100px"},
                layout={"width": "min(420px, 100%)"},
            ),
            "readiness": {k: _checkbox(label) for k, label in READINESS_LABELS.items()},
            "assumptions": {
                name: assumption_field(self._defaults[name])
                for name in KEY_ASSUMPTIONS
                if name in self._defaults
            },
        }
        self.controls["prospect"].add_class("tpo-prospect-name")
        self._base: Profile | None = None

    def form_rows(self) -> list[widgets.Widget]:
        c = self.controls
        return [
            c["sites"],
            row([c["hires"], c["attrition"], c["internal_ld_staff"]]),
            c["training"],
            _bold("Compliance domains"),
            column(list(c["domains"].values())),
            _bold("Readiness checklist"),
            column(list(c["readiness"].values())),
            _bold("Key cost assumptions"),
            row(list(c["assumptions"].values())),
        ]

    def _number_fields(self) -> list[NumberField]:
        c = self.controls
        return [c["hires"], c["attrition"], c["internal_ld_staff"], *c["assumptions"].values()]

    def _observe_inputs(self, handler: Callable[[Any], None]) -> None:
        c = self.controls
        c["prospect"].observe(handler, names="value")
        c["sites"].observe(handler, names="changed")
        for field in self._number_fields():
            field.observe(handler, names=["value", "valid"])
        for box in (*c["domains"].values(), *c["readiness"].values()):
            box.observe(handler, names="value")
        c["training"].observe(handler, names="value")

    def set_profile(self, profile: Profile) -> None:
        """Show a profile in the fields (without recomputing for every field)."""
        c = self.controls
        self._loading = True
        try:
            c["prospect"].value = profile.prospect
            c["sites"].set_sites(profile.sites)
            c["hires"].set(profile.growth.hires_per_quarter)
            c["attrition"].set(profile.growth.annual_attrition)
            c["internal_ld_staff"].set(profile.internal_ld_staff)
            for key, box in c["domains"].items():
                box.value = key in profile.compliance_domains
            c["training"].value = str(profile.current_training.value)
            for key, box in c["readiness"].items():
                box.value = bool(getattr(profile.readiness, key))
            for name, field in c["assumptions"].items():
                field.set(profile.assumptions.get(name, self._defaults[name].value))
        finally:
            self._loading = False
        self._base = profile

    def clear_form(self) -> None:
        """Empty fields for a new prospect: no name, one blank site, defaults elsewhere."""
        c = self.controls
        self._loading = True
        try:
            c["prospect"].value = ""
            c["sites"].set_sites([])
            c["sites"].add_site()
            for field in (c["hires"], c["attrition"], c["internal_ld_staff"]):
                field.set(0)
            for box in (*c["domains"].values(), *c["readiness"].values()):
                box.value = False
            c["training"].value = next(iter(TRAINING_LABELS))
            for name, field in c["assumptions"].items():
                field.set(self._defaults[name].value)
        finally:
            self._loading = False
        self._base = None

    def field_problems(self) -> list[str]:
        """Each wrong field, named in words (sites counted from 1)."""
        c = self.controls
        problems = c["sites"].problems()
        problems += [f.error for f in self._number_fields() if not f.valid and f.error]
        if not c["sites"].value:
            problems.append("Sites: add a site with its country and FTE")
        return problems

    def profile(self) -> Profile:
        """The profile the fields describe; raises InputError naming the wrong field."""

        bad = self.field_problems()
        if bad:
            raise InputError("\n".join(bad))
        c = self.controls
        overrides = dict(self._base.assumptions) if self._base is not None else {}
        for name, field in c["assumptions"].items():
            if name in overrides or abs(float(field.value) - self._defaults[name].value) > 1e-12:
                overrides[name] = float(field.value)
        fields: dict[str, Any] = {
            "prospect": c["prospect"].value.strip() or "Prospect",
            "sites": c["sites"].value,
            "growth": {
                "hires_per_quarter": float(c["hires"].value),
                "annual_attrition": float(c["attrition"].value),
            },
            "compliance_domains": [k for k, box in c["domains"].items() if box.value]
            or ["general"],
            "current_training": c["training"].value,
            "internal_ld_staff": float(c["internal_ld_staff"].value),
            "readiness": {k: bool(box.value) for k, box in c["readiness"].items()},
            "assumptions": overrides,
        }
        if self._base is not None and self._base.notes:
            fields["notes"] = self._base.notes
        return _validated(fields)


def _validated(fields: dict[str, Any]) -> Profile:
    """The profile, validated as a profile file would be (the same messages)."""
    import yaml

    from tpo_scoping.profile import parse_profile

    return parse_profile(yaml.safe_dump(fields, sort_keys=False), source="the form")


def field_name(problem: str) -> str:
    """The field a problem line is about, as a phrase.

    >>> field_name("Site 2: Country: 'XX' is not a country we know"), field_name("Sites: add one")
    ('Site 2, country', 'Sites')
    """
    parts = problem.split(": ")[:-1] or [problem]
    tail = [p if p.isupper() else p[:1].lower() + p[1:] for p in parts[1:]]
    return ", ".join([parts[0], *tail])
