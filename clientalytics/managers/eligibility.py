"""Which manager may serve which client: region, specialisation and hunter / farmer role.

Seller specialisation means a client should go to a manager who covers the
client's region, who specialises in the client's type (industry, legal status,
...) and whose role fits the client's stage: hunters win prospects, new and lost
clients; farmers grow permanent and occasional ones; universal managers take
anyone. A missing value on either side (a manager with no region, a client with
no industry) never restricts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientalytics.exceptions import ValidationError
from clientalytics.schema import require

#: Manager roles allowed for each client stage (``relation_to_firm``) by default.
DEFAULT_ROLE_RULES: dict[str, frozenset[str]] = {
    "potential": frozenset({"hunter", "universal"}),
    "new": frozenset({"hunter", "universal"}),
    "lost": frozenset({"hunter", "universal"}),
    "permanent": frozenset({"farmer", "universal"}),
    "occasional": frozenset({"farmer", "universal"}),
}


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return the code of every value (-1 when missing) and the distinct values as text."""
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object).astype(str)


def _manager_text(managers: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray]:
    """Return manager values as text and whether each is missing."""
    values = managers[col].astype("string")
    missing = values.isna().to_numpy()
    return values.fillna("").to_numpy(dtype=object).astype(str), missing


@dataclass(frozen=True)
class RuleClashes:
    """Eligibility rules evaluated once per group of clients with the same rule values.

    Attributes
    ----------
    group : numpy.ndarray
        Group number of every client (row of ``clients``), ``0 .. n_groups - 1``.
    clashes : list of (str, numpy.ndarray)
        In rule order (region, specialisation, role): the rule's label and a boolean
        ``(n_groups, n_managers)`` matrix, true where the rule rules the manager out.
    n_managers : int
        Number of managers.
    """

    group: np.ndarray
    clashes: list[tuple[str, np.ndarray]]
    n_managers: int

    @property
    def n_groups(self) -> int:
        """Number of client groups."""
        return int(self.group.max()) + 1 if len(self.group) else 0

    def allowed(self) -> np.ndarray:
        """Boolean ``(n_groups, n_managers)``: the managers each group may go to."""
        allowed = np.ones((self.n_groups, self.n_managers), dtype=bool)
        for _, clash in self.clashes:
            allowed &= ~clash
        return allowed

    def reasons(self) -> np.ndarray:
        """Text ``(n_groups, n_managers)``: the first rule that rules a pair out, or ``""``."""
        reason = np.full((self.n_groups, self.n_managers), "", dtype=object)
        for label, clash in self.clashes:
            reason[clash & (reason == "")] = label
        return reason


def rule_clashes(
    clients: pd.DataFrame,
    managers: pd.DataFrame,
    *,
    match_region: bool = True,
    type_col: str | None = None,
    stage_col: str | None = "relation_to_firm",
    role_rules: Mapping[str, frozenset[str] | set[str]] | None = None,
) -> RuleClashes:
    """Evaluate the eligibility rules per group of clients sharing the same rule values.

    Parameters and raised errors as for :func:`eligibility`. The work and memory grow
    with the number of distinct (region, type, stage) combinations times the number
    of managers, not with clients times managers.

    Returns
    -------
    RuleClashes
    """
    for frame, name, key in (
        (clients, "clients", "client_id"),
        (managers, "managers", "manager_id"),
    ):
        require(frame, name, [key])
        dup = frame[key][frame[key].duplicated()]
        if len(dup):
            raise ValidationError(
                f"{name}: column {key!r} has {len(dup)} repeated value(s), e.g. "
                f"{dup.astype(str).unique()[:3].tolist()}"
            )
    if type_col is not None:
        require(clients, "clients", [type_col], hint="type_col names a client column")
    rules = DEFAULT_ROLE_RULES if role_rules is None else role_rules
    n, k = len(clients), len(managers)
    # (label, client column, manager column, clash of one distinct client value with
    # every manager value)
    checks: list[tuple[str, str, str]] = []
    if match_region:
        checks.append(("region", "region", "region"))
    if type_col is not None:
        checks.append(("specialisation", type_col, "specialisation"))
    if stage_col is not None:
        checks.append(("role", stage_col, "role"))
    per_rule: list[tuple[str, np.ndarray, np.ndarray]] = []
    for label, c_col, m_col in checks:
        if c_col not in clients.columns or m_col not in managers.columns:
            continue
        codes, uniques = _codes(clients[c_col])
        m_values, m_missing = _manager_text(managers, m_col)
        table = np.zeros((len(uniques) + 1, k), dtype=bool)  # last row: missing value
        for u, value in enumerate(uniques):
            if label == "role":
                allowed_roles = rules.get(value)
                if allowed_roles is None:
                    continue
                inside = np.isin(m_values, np.array(sorted(map(str, allowed_roles)), dtype=str))
                table[u] = ~inside & ~m_missing
            else:
                table[u] = (m_values != value) & ~m_missing
        per_rule.append((label, np.where(codes < 0, len(uniques), codes), table))
    if not per_rule:
        return RuleClashes(np.zeros(n, dtype=np.int64), [], k)
    keys = np.stack([codes for _, codes, _ in per_rule], axis=1)
    distinct, group = np.unique(keys, axis=0, return_inverse=True)
    clashes = [(label, table[distinct[:, r]]) for r, (label, _, table) in enumerate(per_rule)]
    return RuleClashes(np.asarray(group, dtype=np.int64).reshape(-1), clashes, k)


def eligibility(
    clients: pd.DataFrame,
    managers: pd.DataFrame,
    *,
    match_region: bool = True,
    type_col: str | None = None,
    stage_col: str | None = "relation_to_firm",
    role_rules: Mapping[str, frozenset[str] | set[str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decide which managers may serve each client, and why not.

    Parameters
    ----------
    clients : pandas.DataFrame
        Clients with ``client_id`` and, when used, ``region``, ``type_col`` and
        ``stage_col``.
    managers : pandas.DataFrame
        Managers with ``manager_id`` and, when used, ``region``, ``specialisation``
        and ``role``.
    match_region : bool
        Require the manager's region to equal the client's.
    type_col : str, optional
        Client column compared with the managers' ``specialisation`` (e.g.
        ``"industry"``); ``None`` ignores specialisation.
    stage_col : str, optional
        Client column giving its stage, mapped to allowed roles by ``role_rules``;
        ``None`` ignores roles.
    role_rules : mapping, optional
        Allowed manager roles per stage value; defaults to
        :data:`DEFAULT_ROLE_RULES`. Stages not listed allow every role.

    Returns
    -------
    allowed : pandas.DataFrame
        Boolean, index ``client_id``, one column per ``manager_id``.
    reason : pandas.DataFrame
        Same shape; the first rule that makes a pair ineligible (``"region"``,
        ``"specialisation"``, ``"role"``), empty string when eligible.

    Raises
    ------
    ValidationError
        Missing id columns or repeated ids.
    """
    rules = rule_clashes(
        clients,
        managers,
        match_region=match_region,
        type_col=type_col,
        stage_col=stage_col,
        role_rules=role_rules,
    )
    c_ids = clients["client_id"].astype(str).to_numpy()
    m_ids = managers["manager_id"].astype(str).to_numpy()
    reason = pd.DataFrame(
        rules.reasons()[rules.group], index=pd.Index(c_ids, name="client_id"), columns=m_ids
    )
    return reason == "", reason
