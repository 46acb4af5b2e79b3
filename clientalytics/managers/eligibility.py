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


def _text(frame: pd.DataFrame, col: str | None) -> pd.Series | None:
    if col is None or col not in frame.columns:
        return None
    return frame[col].astype("string")


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
    c_ids = clients["client_id"].astype(str).to_numpy()
    m_ids = managers["manager_id"].astype(str).to_numpy()
    reason = pd.DataFrame("", index=pd.Index(c_ids, name="client_id"), columns=m_ids)

    def mark(mask: pd.DataFrame, label: str) -> None:
        fill = mask & (reason == "")
        reason[fill] = label

    if match_region:
        c_reg, m_reg = _text(clients, "region"), _text(managers, "region")
        if c_reg is not None and m_reg is not None:
            cr = c_reg.to_numpy(dtype=object)
            mr = m_reg.to_numpy(dtype=object)
            mask = pd.DataFrame(
                [[_clash(a, b) for b in mr] for a in cr], index=reason.index, columns=m_ids
            )
            mark(mask, "region")
    if type_col is not None:
        c_typ, m_spec = _text(clients, type_col), _text(managers, "specialisation")
        if m_spec is not None and c_typ is not None:
            ct = c_typ.to_numpy(dtype=object)
            ms = m_spec.to_numpy(dtype=object)
            mask = pd.DataFrame(
                [[_clash(a, b) for b in ms] for a in ct], index=reason.index, columns=m_ids
            )
            mark(mask, "specialisation")
    if stage_col is not None:
        c_stage, m_role = _text(clients, stage_col), _text(managers, "role")
        if c_stage is not None and m_role is not None:
            cs = c_stage.to_numpy(dtype=object)
            mr = m_role.to_numpy(dtype=object)
            mask = pd.DataFrame(
                [[_role_clash(s, r, rules) for r in mr] for s in cs],
                index=reason.index,
                columns=m_ids,
            )
            mark(mask, "role")
    return reason == "", reason


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _clash(client_value: object, manager_value: object) -> bool:
    if _missing(client_value) or _missing(manager_value):
        return False
    return str(client_value) != str(manager_value)


def _role_clash(
    stage: object, role: object, rules: Mapping[str, frozenset[str] | set[str]]
) -> bool:
    if _missing(stage) or _missing(role):
        return False
    allowed = rules.get(str(stage))
    return allowed is not None and str(role) not in allowed
