"""Competency gaps by role × site × competency, site differences, and ranked priorities."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tpo_scoping.labels import pct, words
from tpo_scoping.needs.settings import NeedsSettings

GAP_COLUMNS = [
    "role",
    "site",
    "competency",
    "n",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "share_below_pass",
    "below_pass",
    "headcount",
    "gap",
    "weight",
    "priority",
    "site_diff",
    "site_d",
    "site_p_adj",
]


@dataclass
class GapAnalysis:
    """Result of :func:`competency_gaps`: one row per cell, and the site comparisons."""

    gaps: pd.DataFrame
    site_tests: pd.DataFrame
    scores: pd.DataFrame
    """The latest score per active employee and competency, with role and site (for baselines)."""
    notes: list[str] = field(default_factory=list)
    """Which sites the site comparisons left out, in words."""


def active_at(employees: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Mask of employees hired on or before ``as_of`` and not yet gone by then."""
    exit_ = employees["exit_date"]
    return (employees["hire_date"] <= as_of) & (exit_.isna() | (exit_ > as_of))


def competency_gaps(
    assessments: pd.DataFrame,
    employees: pd.DataFrame,
    as_of: pd.Timestamp,
    settings: NeedsSettings,
) -> GapAnalysis:
    """Mean score, CI, share below the pass mark, gap to target and priority per cell.

    Each active employee's latest score per competency (taken on or before ``as_of``) counts
    once. Per role × site × competency cell:

    * ``mean`` with a Student-t interval, ``mean ± t(1-α/2, n-1) · sd / √n``;
    * ``share_below_pass``: share of scores under the pass mark;
    * ``gap = target_proficiency - mean`` (positive when below target);
    * ``priority = max(gap, 0) × share_below_pass × headcount × weight``: the points missing,
      times the number of people estimated below the pass mark (``headcount`` is the cell's
      active headcount, assessed or not), times the competency's business weight.

    Site differences: per competency, each site against all other sites (roles pooled), Welch's
    t-test with Cohen's d (pooled SD); p-values adjusted with Holm's method across every test
    (:func:`holm`). A site with fewer than ``min_test_group_size`` assessed
    people in a competency is not tested (no p-value; its scores still count among the
    "other sites" of the rest), and a note says so.

    Examples
    --------
    >>> from tpo_scoping.synthetic import SCENARIOS, generate
    >>> data = generate(SCENARIOS["growing_healthcare"], seed=3).tables
    >>> result = competency_gaps(data["assessments"], data["employees"],
    ...                          pd.Timestamp("2026-09-30"), NeedsSettings.defaults())
    >>> top = result.gaps.iloc[0]
    >>> (top["site"], top["competency"])
    ('Manila', 'hipaa_privacy')
    """
    from scipy import stats

    from tpo_scoping.needs.row_keys import codes, employee_positions, group_sums, recode

    is_active = active_at(employees, as_of).to_numpy()
    pos = employee_positions(assessments, employees)
    when = assessments["assessed_on"].to_numpy(dtype="datetime64[ns]")
    use = (pos >= 0) & (when <= as_of.to_datetime64())
    use[use] = is_active[pos[use]]
    pos, when = pos[use], when[use]
    comp_code, comps = codes(assessments["competency"].to_numpy()[use])
    # The latest score per employee and competency: sort by (key, date), keep each key's last.
    key = pos * max(len(comps), 1) + comp_code
    order = _order_by(key, when.view(np.int64))
    last = np.ones(len(order), dtype=bool)
    last[:-1] = key[order][1:] != key[order][:-1]
    pick = np.flatnonzero(use)[order[last]]
    pos = pos[order[last]]
    scores = pd.DataFrame(
        {
            "employee_id": assessments["employee_id"].to_numpy()[pick],
            "competency": comps[comp_code[order[last]]],
            "score": assessments["score"].to_numpy(dtype=float)[pick],
            "assessed_on": assessments["assessed_on"].to_numpy()[pick],
            "role": employees["role"].to_numpy()[pos],
            "site": employees["site"].to_numpy()[pos],
        },
        copy=False,  # fresh arrays: no need to copy them into consolidated blocks
    )
    if scores.empty:
        return GapAnalysis(pd.DataFrame(columns=GAP_COLUMNS), _empty_tests(), scores)
    # Cells by integer keys (role, site from the employees table; competency codes).
    role_of, roles = codes(employees["role"])
    site_of, sites = codes(employees["site"])
    n_r, n_s, n_c = len(roles), len(sites), len(comps)
    cell = (role_of[pos] * n_s + site_of[pos]) * n_c + comp_code[order[last]]
    score = scores["score"].to_numpy(dtype=float)
    count, total, squares = group_sums(cell, n_r * n_s * n_c, score)
    below = np.bincount(cell, weights=score < settings.pass_mark, minlength=n_r * n_s * n_c)
    present = np.flatnonzero(count > 0)
    ri, rest = np.divmod(present, n_s * n_c)
    si, ci = np.divmod(rest, n_c)
    n = count[present]
    mean = total[present] / n
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.maximum(squares[present] - n * mean**2, 0) / (n - 1)
    sd = np.where(n > 1, np.sqrt(var), np.nan)
    headcount = np.bincount(role_of[is_active] * n_s + site_of[is_active], minlength=n_r * n_s)[
        ri * n_s + si
    ]
    cells = pd.DataFrame(
        {
            "role": roles[ri],
            "site": sites[si],
            "competency": comps[ci],
            "n": n.astype(int),
            "mean": mean,
            "sd": sd,
            "share_below_pass": below[present] / n,
            "headcount": headcount,
        }
    ).sort_values(["role", "site", "competency"], kind="stable")
    se = cells["sd"].to_numpy() / np.sqrt(cells["n"].to_numpy(dtype=float))
    n_cells = cells["n"].to_numpy(dtype=float)
    ok = n_cells >= max(2, settings.min_group_size)
    tcrit = np.full(len(n_cells), np.nan)
    tcrit[ok] = stats.t.ppf(0.5 + settings.confidence / 2, n_cells[ok] - 1)
    cells["ci_low"] = cells["mean"] - tcrit * se
    cells["ci_high"] = cells["mean"] + tcrit * se
    cells["below_pass"] = cells["share_below_pass"] * cells["headcount"]
    cells["gap"] = settings.target_proficiency - cells["mean"]
    weights = {c: settings.weight_for(c) for c in cells["competency"].unique()}
    cells["weight"] = cells["competency"].map(weights).astype(float)
    cells["priority"] = cells["gap"].clip(lower=0) * cells["below_pass"] * cells["weight"]
    # Site tests from the integer codes at hand (numbered as site_differences would number them).
    tests = _site_tests(
        *recode(comp_code[order[last]], comps),
        *recode(site_of[pos], sites),
        score,
        settings,
    )
    notes = _untested_note(tests, settings)
    if not tests.empty:
        cells = cells.merge(
            tests[["site", "competency", "diff", "cohens_d", "p_adj"]].rename(
                columns={"diff": "site_diff", "cohens_d": "site_d", "p_adj": "site_p_adj"}
            ),
            on=["site", "competency"],
            how="left",
        )
    else:
        cells["site_diff"] = np.nan
        cells["site_d"] = np.nan
        cells["site_p_adj"] = np.nan
    cells = cells.sort_values(["priority", "gap"], ascending=False, kind="stable")
    return GapAnalysis(cells[GAP_COLUMNS].reset_index(drop=True), tests, scores, notes)


def _untested_note(tests: pd.DataFrame, settings: NeedsSettings) -> list[str]:
    """A note naming the sites left out of the site comparisons for being too small."""
    small = tests[tests["n"] < settings.min_test_group_size]
    if small.empty:
        return []
    sites = sorted({str(s) for s in small["site"]})
    listed = ", ".join(sites[:10]) + (", …" if len(sites) > 10 else "")
    return [
        f"site comparisons of scores: {len(sites)} site{'s' if len(sites) > 1 else ''} with"
        f" fewer than {settings.min_test_group_size} assessed people in a competency ({listed})"
        " not tested for it"
    ]


def _empty_tests() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "competency",
            "site",
            "n",
            "mean",
            "others_n",
            "others_mean",
            "diff",
            "cohens_d",
            "t",
            "df",
            "p",
            "p_adj",
            "significant",
        ]
    )


def _order_by(key: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Row order by ``key``, then ``when`` (int64), then position: ``np.lexsort((when, key))``.

    One stable sort of a combined key (``when`` replaced by its rank) where it fits in 64 bits;
    much faster than lexsort on data that arrives nearly sorted.
    """
    if len(key) == 0:
        return np.zeros(0, dtype=np.intp)
    rank, distinct = pd.factorize(when, sort=True)
    low = int(key.min())
    if (int(key.max()) - low + 1) * max(len(distinct), 1) >= 2**62:
        return np.lexsort((when, key))
    return np.argsort((key - low) * len(distinct) + rank, kind="stable")


def site_differences(scores: pd.DataFrame, settings: NeedsSettings) -> pd.DataFrame:
    """Each site against the other sites, per competency: Welch t, Cohen's d, Holm-adjusted p.

    ``cohens_d = (mean_site - mean_others) / s_pooled`` with
    ``s_pooled² = ((n1-1)s1² + (n2-1)s2²) / (n1+n2-2)``.
    """
    from tpo_scoping.needs.row_keys import codes

    return _site_tests(
        *codes(scores["competency"]),
        *codes(scores["site"]),
        scores["score"].to_numpy(dtype=float),
        settings,
    )


def _site_tests(
    comp_code: np.ndarray,
    comps: np.ndarray,
    site_code: np.ndarray,
    sites: np.ndarray,
    value: np.ndarray,
    settings: NeedsSettings,
) -> pd.DataFrame:
    """:func:`site_differences` from integer codes of each score's competency and site."""
    from scipy import stats

    from tpo_scoping.needs.row_keys import group_sums

    if len(sites) < 2:
        return _empty_tests()
    n_s = len(sites)
    cnt, tot, sq = group_sums(comp_code * n_s + site_code, len(comps) * n_s, value)
    # Cells competency by competency, sites in order within each; only those with scores.
    present = np.flatnonzero(cnt > 0)
    ci, si = np.divmod(present, n_s)
    all_n = cnt.reshape(-1, n_s).sum(axis=1)[ci]
    all_total = tot.reshape(-1, n_s).sum(axis=1)[ci]
    all_sq = sq.reshape(-1, n_s).sum(axis=1)[ci]
    by_site = {"n": cnt[present], "total": tot[present], "sq": sq[present]}
    n1 = by_site["n"].astype(float)
    m1 = by_site["total"] / n1
    v1 = (by_site["sq"] - n1 * m1**2) / np.maximum(n1 - 1, 1)
    n2 = all_n - n1
    with np.errstate(divide="ignore", invalid="ignore"):
        m2 = (all_total - by_site["total"]) / n2
        v2 = (all_sq - by_site["sq"] - n2 * m2**2) / np.maximum(n2 - 1, 1)
        v1, v2 = np.maximum(v1, 0), np.maximum(v2, 0)
        se2 = v1 / n1 + v2 / n2
        t = (m1 - m2) / np.sqrt(se2)
        df = se2**2 / (
            (v1 / n1) ** 2 / np.maximum(n1 - 1, 1) + (v2 / n2) ** 2 / np.maximum(n2 - 1, 1)
        )
        pooled = np.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / np.maximum(n1 + n2 - 2, 1))
        d = (m1 - m2) / pooled
    # No test from a group too small for one person not to decide it: no t, df or p at all.
    testable = (n1 >= settings.min_test_group_size) & (n2 >= settings.min_test_group_size)
    t, df = np.where(testable, t, np.nan), np.where(testable, df, np.nan)
    p = 2 * stats.t.sf(np.abs(t), df)
    out = pd.DataFrame(
        {
            "competency": np.asarray(comps, dtype=object)[ci],
            "site": np.asarray(sites, dtype=object)[si],
        }
    )
    out["n"] = n1.astype(int)
    out["mean"] = m1
    out["others_n"] = n2.astype(int)
    out["others_mean"] = m2
    out["diff"] = m1 - m2
    out["cohens_d"] = d
    out["t"] = t
    out["df"] = df
    out["p"] = p
    testable &= np.isfinite(p)
    p_adj = np.full(len(p), np.nan)
    if testable.any():
        p_adj[testable] = holm(p[testable])
    out["p_adj"] = p_adj
    out["significant"] = np.nan_to_num(p_adj, nan=1.0) < settings.alpha
    return out.sort_values("p_adj", kind="stable").reset_index(drop=True)


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values, as statsmodels' ``multipletests(p, method="holm")``.

    With the ``m`` p-values sorted ascending, ``p_adj(i) = max_{j ≤ i} min(1, (m − j + 1) p(j))``.
    Kept by hand because ``multipletests`` runs a full garbage collection on every call, which
    cost 35 ms of CPU in the 10,000-employee benchmark (against 2.9x–3.05x of pandas' read time,
    target 3x); ``tests/test_needs.py`` checks it against the library.

    Examples
    --------
    >>> holm(np.array([0.01, 0.04, 0.03])).round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    stepped = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(stepped)
    return adjusted


def need_summary(row: pd.Series, settings: NeedsSettings) -> str:
    """One plain sentence about a competency cell, with its uncertainty.

    Examples
    --------
    >>> row = pd.Series({"role": "agent", "site": "Manila", "competency": "hipaa_privacy",
    ...     "n": 20, "mean": 63.0, "ci_low": 59.0, "ci_high": 67.0, "share_below_pass": 0.7,
    ...     "headcount": 25, "gap": 17.0, "site_diff": -15.0, "site_d": -1.6, "site_p_adj": 0.0001})
    >>> need_summary(row, NeedsSettings.defaults())[:60]
    'Manila agents: hipaa privacy averages 63 (95 % CI 59–67) aga'
    """
    name = words(row["competency"])
    level = f"{row['mean']:.0f}"
    if pd.notna(row.get("ci_low")):
        level += f" ({pct(settings.confidence)} CI {row['ci_low']:.0f}–{row['ci_high']:.0f})"
    text = (
        f"{row['site']} {words(row['role'])}s: {name} averages {level} against a"
        f" target of {settings.target_proficiency:.0f}; {pct(row['share_below_pass'])} of"
        f" {int(row['n'])} assessed are below the pass mark of {settings.pass_mark:.0f}"
        f" (about {row['share_below_pass'] * row['headcount']:.0f} of {int(row['headcount'])}"
        " people)."
    )
    p_adj = row.get("site_p_adj")
    if p_adj is not None and pd.notna(p_adj) and p_adj < settings.alpha and row["site_diff"] < 0:
        shown = "< 0.001" if p_adj < 0.001 else f"= {p_adj:.3f}"
        text += (
            f" {row['site']} scores {abs(row['site_diff']):.1f} points below the other"
            f" sites (Cohen's d = {row['site_d']:.2f}, Holm-adjusted p {shown})."
        )
    return text
