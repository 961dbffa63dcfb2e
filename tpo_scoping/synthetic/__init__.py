"""Seeded generator of synthetic prospects with planted, known effects.

Each :class:`Scenario` describes a prospect (sites, roles, growth, compliance domains) and the
effects planted in its data, so that tests can check the analyses recover them:

* a competency gap: one site scores ``gap_points`` lower on one competency;
* a learning curve: productivity approaches a plateau exponentially and reaches 90 % of it after
  ``weeks_to_proficiency`` weeks of tenure, per role;
* early attrition: each site has a planted 90-day retention (one site much lower);
* certificates: a share of one site's compliance modules is overdue, some expiring soon, some
  never completed;
* training impact: a refresher course raises productivity by ``impact_points`` for the
  tenured staff who took it; an onboarding course (``onboarding_course``) is taken by new hires
  ``onboarding_days`` after their start and raises productivity by ``onboarding_points``
  (none by default: their improvement is ramp-up, which the impact analysis must not credit).

Generated data is a dict of canonical tables (see :mod:`tpo_scoping.data_contract`) plus a
profile dict whose FTE counts are the active headcount in the data at ``as_of``.

Examples
--------
>>> dataset = generate(SCENARIOS["growing_healthcare"], seed=7)
>>> sorted(dataset.tables)
['assessments', 'compliance', 'employees', 'metrics', 'training']
>>> dataset.profile["prospect"]
'Example Health Services'
"""

from tpo_scoping.synthetic.files import write_dataset, write_samples, write_tables
from tpo_scoping.synthetic.prospect import SampleDataset, generate, person_name, site_hazards
from tpo_scoping.synthetic.scenarios import (
    DEFAULT_SEED,
    LEARNING_CURVE_START,
    SCENARIOS,
    RoleSpec,
    Scenario,
    SiteSpec,
    planted_truth,
    scaled,
)

__all__ = [
    "DEFAULT_SEED",
    "LEARNING_CURVE_START",
    "SCENARIOS",
    "RoleSpec",
    "SampleDataset",
    "Scenario",
    "SiteSpec",
    "generate",
    "person_name",
    "planted_truth",
    "scaled",
    "site_hazards",
    "write_dataset",
    "write_samples",
    "write_tables",
]
