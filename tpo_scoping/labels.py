"""How the workbench names its keys to people: domains, modules, statuses, sites, competencies.

Analyses key everything by short identifiers (``healthcare``, ``hipaa_privacy``,
``never_completed``, the site ``all``); the apps, charts and the brief show these names instead.

Examples
--------
>>> domain_label("healthcare"), module_title("hipaa_privacy"), site_label("all")
('Healthcare (US HIPAA)', 'HIPAA Privacy Rule training', 'whole team')
>>> words("systems_navigation")
'systems navigation'
"""

from __future__ import annotations

from tpo_scoping.reference import load_reference

WHOLE_TEAM = "whole team"
"""The name of the rows the analyses key ``site == "all"`` (every site together)."""

ALL_MODULES = "all modules"
"""The name of the compliance rows keyed ``module == "all"``."""

STATUS_LABELS = {
    "current": "current",
    "expiring_30": "expires in 0–30 days",
    "expiring_60": "expires in 31–60 days",
    "expiring_90": "expires in 61–90 days",
    "overdue": "overdue",
    "never_completed": "never completed",
    "not_yet_due": "not yet due (new hire)",
}
"""Certificate statuses in words (see :mod:`tpo_scoping.needs.compliance`)."""


def words(key: object) -> str:
    """A key as words: underscores become spaces."""
    return str(key).replace("_", " ")


def domain_label(key: str) -> str:
    """How the compliance catalogue names a domain (the key itself if it has no label).

    >>> domain_label("not_in_the_catalogue")
    'not_in_the_catalogue'
    """
    domain = load_reference("compliance_catalogue")["domains"].get(key) or {}
    return str(domain.get("label", key))


def module_title(key: object) -> str:
    """A compliance module by its catalogue title; one the catalogue lacks, as words.

    >>> module_title("house_rules"), module_title("all")
    ('house rules', 'all modules')
    """
    if key == "all":
        return ALL_MODULES
    module = load_reference("compliance_catalogue")["modules"].get(str(key)) or {}
    return str(module.get("title", words(key)))


def site_label(site: object) -> str:
    """A site's name, with the whole-team rows (``all``) named as such."""
    return WHOLE_TEAM if site == "all" else str(site)
