"""The member principal: a mini-program user signed in with a member access token (``Authorization: Bearer mat_…``).

Staff tokens and member tokens are both bearer tokens, told apart by their prefix; a staff route refuses a
member token (it is no staff token) and a member route refuses a staff token, so neither kind of caller can
reach the other's routes. Every member route takes :data:`CurrentMember`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from store.auth.errors import AmbiguousCredentials
from store.db import SessionDep
from store.errors import Unauthorized
from store.members import service
from store.members.models import Member, MemberToken

member_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="MemberBearer",
    description="Member access token (POST /api/v1/members/sign-in; refresh at /api/v1/members/token/refresh)",
)


@dataclass(frozen=True)
class MemberPrincipal:
    """A signed-in member, bound to the member's store."""

    member: Member
    token: MemberToken

    @property
    def store_id(self) -> int:
        return self.member.store_id

    @property
    def member_id(self) -> int:
        return self.member.id  # type: ignore[return-value]

    @property
    def label(self) -> str:
        """Stable id for idempotency scopes and logs: ``member:12``."""
        return f"member:{self.member.id}"


def _resolve(request: Request, session: Session, bearer: HTTPAuthorizationCredentials | None) -> MemberPrincipal:
    other = "x-device-key" in request.headers or "smartstore_session" in request.cookies
    if other and bearer is not None:
        raise AmbiguousCredentials("Authorization and another credential")
    if bearer is None:
        raise Unauthorized("sign in as a member: send the member access token")
    member, token = service.resolve_access(session, bearer.credentials)
    return MemberPrincipal(member=member, token=token)


def require_member(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(member_bearer)],
) -> MemberPrincipal:
    return _resolve(request, session, bearer)


CurrentMember = Annotated[MemberPrincipal, Depends(require_member)]
