"""Compliance coverage: each required module for each active employee, rolled up by site."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tpo_scoping.needs.gaps import active_at
from tpo_scoping.needs.settings import NeedsSettings
from tpo_scoping.reference import load_reference

DAYS_PER_MONTH = 365.25 / 12
"""Catalogue cadences are in months; a month is taken as 30.44 days."""

STATUSES = (
    "current",
    "expiring_30",
    "expiring_60",
    "expiring_90",
    "overdue",
    "never_completed",
    "not_yet_due",
)
"""Statuses of one required module for one employee, in display order (with default windows)."""


def required_modules(domains: tuple[str, ...] | list[str], country: str) -> list[str]:
    """Catalogue modules an employee in ``country`` needs under ``domains``.

    The modules of every listed domain, the baseline modules, and the privacy-law module of the
    country where the employee sits, each once, in that order.

    Examples
    --------
    >>> required_modules(["healthcare"], "PH")
    ['hipaa_privacy', 'hipaa_security', 'anti_harassment', 'ph_data_privacy_act']
    """
    catalogue = load_reference("compliance_catalogue")
    modules: list[str] = []
    for domain in domains:
        modules += catalogue["domains"][domain]["modules"]
    modules += catalogue["baseline"]
    country_module = catalogue["countries"].get(country)
    if country_module:
        modules.append(country_module)
    return list(dict.fromkeys(modules))


@dataclass
class ComplianceAnalysis:
    """Result of :func:`compliance_coverage`."""

    coverage: pd.DataFrame
    """Per site (or ``"all"``) × module (or ``"all"``): counts per status and coverage shares."""
    status: pd.DataFrame
    """Per active employee × required module: completion, expiry and status."""
    domains: list[str] = field(default_factory=list)
    inferred_domains: bool = False


def infer_domains(compliance: pd.DataFrame | None) -> list[str]:
    """Compliance domains whose modules appear in the data (used when there is no profile)."""
    catalogue = load_reference("compliance_catalogue")
    present = set() if compliance is None else set(compliance["module"].unique())
    found = [
        domain
        for domain, spec in catalogue["domains"].items()
        if spec["modules"] and present & set(spec["modules"])
    ]
    return found or ["general"]


def compliance_coverage(
    employees: pd.DataFrame,
    compliance: pd.DataFrame | None,
    as_of: pd.Timestamp,
    settings: NeedsSettings,
    domains: list[str] | None = None,
) -> ComplianceAnalysis:
    """Status of every required module for every active employee at ``as_of``, by site.

    Required modules come from the compliance catalogue: the modules of each domain, the
    baseline modules, and the privacy-law module of the employee's country. The latest
    completion on or before ``as_of`` counts; it expires on ``expires_on`` when the data gives
    one, otherwise ``cadence_months × 30.44`` days after completion. Statuses (exclusive):

    * ``current``: expires more than 90 days after ``as_of``;
    * ``expiring_30`` / ``expiring_60`` / ``expiring_90``: expires within 0–30, 31–60, 61–90 days;
    * ``overdue``: expired on or before ``as_of``;
    * ``never_completed``: no completion, and the hire is past the module's at-hire deadline;
    * ``not_yet_due``: no completion yet, but still within the at-hire deadline.

    ``coverage = (current + expiring) / required`` (a valid certificate today) and
    ``on_time = (current + expiring + not_yet_due) / required`` (nobody late). These are counts
    of the whole active team, not samples, so they carry no interval.

    Examples
    --------
    >>> from tpo_scoping.synthetic import SCENARIOS, generate
    >>> data = generate(SCENARIOS["growing_healthcare"], seed=3).tables
    >>> out = compliance_coverage(data["employees"], data["compliance"],
    ...                           pd.Timestamp("2026-09-30"), NeedsSettings.defaults(),
    ...                           domains=["healthcare"])
    >>> row = out.coverage.query("site == 'all' and module == 'all'").iloc[0]
    >>> bool(0.5 < row["coverage"] <= 1)
    True
    """
    catalogue = load_reference("compliance_catalogue")
    inferred = domains is None
    domains = infer_domains(compliance) if domains is None else list(domains)
    # One row per active employee and required module: the employee's row in ``employees``
    # and the module's index in ``names``, employees in order, each one's modules in order.
    active = np.flatnonzero(active_at(employees, as_of).to_numpy())
    countries = pd.Series(employees["country"].to_numpy()[active]).fillna("").astype(str)
    country_code, country_names = pd.factorize(countries)
    lists = [required_modules(domains, c) for c in country_names]
    names = list(dict.fromkeys(m for modules in lists for m in modules))
    per_country = [np.array([names.index(m) for m in modules], dtype=np.int64) for modules in lists]
    counts = np.array([len(m) for m in per_country], dtype=np.int64)[country_code]
    person = np.repeat(active, counts)
    starts = np.cumsum([0, *(len(m) for m in per_country)])[:-1]
    within = np.arange(len(person)) - np.repeat(np.cumsum(counts) - counts, counts)
    flat = np.concatenate([np.zeros(0, dtype=np.int64), *per_country])
    module = flat[np.repeat(starts[country_code], counts) + within] if len(person) else flat[:0]
    status = pd.DataFrame(
        {
            column: employees[column].to_numpy()[person]
            for column in ("employee_id", "site", "country", "hire_date")
        },
        copy=False,  # fresh arrays: no need to copy them into consolidated blocks
    )
    catalogue_modules = catalogue["modules"]
    known = pd.Series(names, dtype=object)
    status["module"] = np.asarray(names, dtype=object)[module]
    status["cadence_days"] = known.map(
        {k: round(v["cadence_months"] * DAYS_PER_MONTH) for k, v in catalogue_modules.items()}
    ).to_numpy()[module]
    status["grace_days"] = known.map(
        {k: int(v["at_hire_within_days"]) for k, v in catalogue_modules.items()}
    ).to_numpy()[module]
    if compliance is not None and len(compliance):
        latest = _latest_completions(status, compliance, as_of, employees, person, module, names)
        for column in ("completed_on", "expires_on"):
            # Left join on (employee_id, module): no completion (-1) picks the NaT appended last.
            dates = compliance[column].to_numpy(dtype="datetime64[ns]")
            status[column] = np.append(dates, np.datetime64("NaT", "ns"))[latest]
    else:
        status["completed_on"] = pd.NaT
        status["expires_on"] = pd.NaT
    cadence = pd.to_timedelta(status["cadence_days"], unit="D")
    status["expiry"] = status["expires_on"].fillna(status["completed_on"] + cadence)
    # Text columns are built from codes into a few strings (no string per row).
    has_expiry = status["expires_on"].notna().to_numpy()
    completed = status["completed_on"].notna().to_numpy()
    source = np.where(has_expiry, 0, np.where(completed, 1, 2))
    status["expiry_source"] = np.array(["expires_on", "catalogue cadence", ""], dtype=object)[
        source
    ]
    days_left = (status["expiry"] - as_of).dt.days
    tenure = (as_of - status["hire_date"]).dt.days
    windows = sorted(settings.expiring_windows)
    order = ["current", *[f"expiring_{w}" for w in windows], "overdue", "never_completed"]
    statuses = [*order, "not_yet_due"]
    label = np.zeros(len(status), dtype=np.int64)  # each row's index in ``statuses``
    for i, window in reversed(list(enumerate(windows, start=1))):
        label[(days_left <= window).to_numpy()] = i
    label[(days_left <= 0).to_numpy()] = statuses.index("overdue")
    never = ~completed
    label[never] = np.where(
        (tenure < status["grace_days"]).to_numpy()[never],
        statuses.index("not_yet_due"),
        statuses.index("never_completed"),
    )
    status["status"] = np.array(statuses, dtype=object)[label]
    status["days_left"] = days_left
    # Sites and modules in sorted order, as integer codes of the status rows, for the roll-up.
    site_code, site_names = pd.factorize(employees["site"], sort=True)
    module_rank = np.argsort(np.argsort(np.asarray(names, dtype=object), kind="stable"))
    codes = (
        (site_code[person], np.asarray(site_names, dtype=object)),
        (module_rank[module] if len(names) else module, np.sort(np.asarray(names, dtype=object))),
    )
    coverage = _roll_up(status, statuses, windows, codes, label)
    return ComplianceAnalysis(coverage, status, domains, inferred)


def _latest_completions(
    status: pd.DataFrame,
    compliance: pd.DataFrame,
    as_of: pd.Timestamp,
    employees: pd.DataFrame,
    person: np.ndarray,
    module: np.ndarray,
    names: list[str],
) -> np.ndarray:
    """Row of ``compliance`` with each status row's latest completion up to ``as_of`` (or -1).

    The latest is by ``completed_on``, and the last row of the file among the same dates, as a
    stable sort by date and ``drop_duplicates(keep="last")`` would pick. Status rows are joined
    on (employee_id, module) through integer keys: their employee's row and module index
    (``person``, ``module`` into ``names``), and the same found for each completion.
    """
    from tpo_scoping.needs.gaps import _order_by
    from tpo_scoping.needs.row_keys import lookup

    n = len(status)
    when = compliance["completed_on"].to_numpy(dtype="datetime64[ns]")
    done = np.flatnonzero(~np.isnat(when) & (when <= as_of.to_datetime64()))
    ids = pd.Index(employees["employee_id"])
    if ids.is_unique:
        by_person = lookup(ids, compliance["employee_id"].to_numpy(dtype=object)[done])
        by_module = lookup(pd.Index(names), compliance["module"].to_numpy(dtype=object)[done])
        matches = (by_person >= 0) & (by_module >= 0)  # the others match no status row
        done = done[matches]
        key = np.concatenate([person, by_person[matches]]) * max(len(names), 1)
        key += np.concatenate([module, by_module[matches]])
    else:  # duplicate IDs: join on the values themselves, as a merge would
        codes = []
        for column in ("employee_id", "module"):
            values = np.concatenate(
                [
                    status[column].to_numpy(dtype=object),
                    compliance[column].to_numpy(dtype=object)[done],
                ]
            )
            found, distinct = pd.factorize(values, use_na_sentinel=False)
            codes.append((found.astype(np.int64), len(distinct)))
        (by_person, _), (by_module, n_modules) = codes
        key = by_person * n_modules + by_module
    order = _order_by(key[n:], when[done].view(np.int64))
    ordered = key[n:][order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = ordered[1:] != ordered[:-1]
    found = pd.Index(ordered[last]).get_indexer(key[:n])
    return np.append(done[order[last]], -1)[found]  # -1 (no completion) picks the -1


def _roll_up(
    status: pd.DataFrame,
    order: list[str],
    windows: list[int],
    codes: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    label: np.ndarray,
) -> pd.DataFrame:
    """Counts per status for each site × module, each site, each module and overall.

    Rows: every site × module present (sorted), then each site (module ``"all"``), each module
    (site ``"all"``) and the total; columns: site, module, the statuses in ``order``,
    ``required``, ``coverage`` and ``on_time``. ``codes``: the (codes, sorted values) of each
    row's site and module (values that do not occur are fine); ``label``: each row's status as
    its index in ``order``.
    """
    (site, sites), (module, modules) = codes
    ok = (site >= 0) & (module >= 0)
    shape = (len(sites), len(modules), len(order))
    cell = (site[ok] * shape[1] + module[ok]) * shape[2] + label[ok]
    grid = np.bincount(cell, minlength=int(np.prod(shape))).reshape(shape).astype(np.int64)
    present = grid.sum(axis=2) > 0
    si, mi = np.nonzero(present)  # site by site, modules in order within each
    by_site = present.any(axis=1)
    by_module = present.any(axis=0)
    sites, modules = np.asarray(sites, dtype=object), np.asarray(modules, dtype=object)
    every = np.array(["all"], dtype=object)
    out = pd.DataFrame(
        {
            "site": np.concatenate(
                [sites[si], sites[by_site], np.repeat(every, by_module.sum()), every]
            ),
            "module": np.concatenate(
                [modules[mi], np.repeat(every, by_site.sum()), modules[by_module], every]
            ),
        }
    )
    counts = np.concatenate(
        [
            grid[si, mi].reshape(-1, len(order)),
            grid.sum(axis=1)[by_site],
            grid.sum(axis=0)[by_module],
            grid.sum(axis=(0, 1))[None, :],
        ]
    )
    for i, name in enumerate(order):
        out[name] = counts[:, i]
    required = counts.sum(axis=1)
    out["required"] = required
    valid = out[["current", *[f"expiring_{w}" for w in windows]]].sum(axis=1)
    share_of = out["required"].where(out["required"] > 0)
    out["coverage"] = valid / share_of
    out["on_time"] = (valid + out["not_yet_due"]) / share_of
    return out
