"""Analysts and their clearances, from ``$INSIGHT_HOME/config/users.yaml``."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from insight.errors import InsightError
from pipelines.vocabulary import CLASSIFICATIONS, COUNTRIES, SECRETARIAT, classification_rank


class UserError(InsightError):
    """A user that does not exist or is badly configured (a one-line message)."""


@dataclass(frozen=True)
class User:
    id: str
    country: str
    clearance: str
    roles: tuple[str, ...] = ()

    @property
    def clearance_rank(self) -> int:
        return classification_rank(self.clearance)

    @property
    def is_secretariat(self) -> bool:
        return "secretariat" in self.roles


def _user(entry: dict, where: Path) -> User:
    try:
        user = User(
            id=str(entry["id"]),
            country=str(entry["country"]).upper(),
            clearance=str(entry.get("clearance", "official")).lower(),
            roles=tuple(str(r) for r in entry.get("roles") or ()),
        )
    except (KeyError, TypeError) as exc:
        raise UserError(f"{where}: a user lacks {exc}") from None
    if user.clearance not in CLASSIFICATIONS:
        raise UserError(f"{where}: user {user.id} has unknown clearance {user.clearance!r}")
    if user.country not in COUNTRIES and user.country != SECRETARIAT:
        raise UserError(f"{where}: user {user.id} has unknown country {user.country!r}")
    if user.is_secretariat and user.country != SECRETARIAT:
        raise UserError(f"{where}: user {user.id} has role secretariat but country {user.country}, not IP")
    return user


def load_users(path: Path) -> dict[str, User]:
    if not path.exists():
        raise UserError(f"no users file at {path}: create it (see README, Configuration)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    return {u.id: u for u in (_user(e, path) for e in data.get("users") or [])}


def find_user(path: Path, user_id: str) -> User:
    users = load_users(path)
    if user_id not in users:
        raise UserError(f"unknown user {user_id!r} (users are defined in {path})")
    return users[user_id]
