"""Authlib's OAuth 2.0 parts bound to our tables: the client and token models it asks for, the
client-credentials grant, and the bearer-token validator (framework-agnostic; the web app
wraps them in Authlib's Flask server)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin
from authlib.oauth2.rfc6749.errors import InvalidScopeError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6750 import BearerTokenValidator
from sqlalchemy.orm import Session

from catalogue.models.base import utcnow
from insight.models.open_data import OpenDataClient, OpenDataToken
from insight.open_data.clients import check_secret, digest, find_client
from insight.open_data.scopes import join_scopes, parse_scopes, unknown_scopes

GRANT_TYPE = "client_credentials"
AUTH_METHODS = ("client_secret_basic", "client_secret_post")


@dataclass
class OAuthClient(ClientMixin):
    """A client row as Authlib's ClientMixin."""

    row: OpenDataClient

    def get_client_id(self) -> str:
        """The public client_id."""
        return self.row.client_id

    def get_default_redirect_uri(self) -> None:
        """No redirects in the client-credentials grant."""
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        """The requested scopes the client holds (all it holds when none are asked for)."""
        held = parse_scopes(self.row.scopes)
        if not scope:
            return join_scopes(held)
        return join_scopes([s for s in parse_scopes(scope) if s in held])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """No redirects."""
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        """The secret matches the stored digest and the client is not revoked."""
        return check_secret(self.row, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        """Basic or form credentials at the token endpoint."""
        return method in AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        """No authorization endpoint."""
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        """Only client credentials."""
        return grant_type == GRANT_TYPE


class OpenDataGrant(ClientCredentialsGrant):
    """Client credentials by HTTP Basic or form fields; a scope the client lacks is refused."""

    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)  # noqa: RUF012 (Authlib reads it)

    def validate_requested_scope(self) -> None:
        """Refuse unknown scopes and scopes the client does not hold (invalid_scope)."""
        requested = self.request.payload.scope
        if requested:
            held = set(parse_scopes(self.request.client.row.scopes))
            if unknown_scopes(requested) or not set(requested.split()) <= held:
                raise InvalidScopeError()
        super().validate_requested_scope()


def query_client(session: Session, client_id: str) -> OAuthClient | None:
    """The live client with this client_id as Authlib wants it, or None."""
    row = find_client(session, client_id)
    if row is None or row.revoked_at is not None:
        return None
    return OAuthClient(row)


def save_token(session: Session, token: dict, client: OAuthClient) -> OpenDataToken:
    """Store an issued token's digest, scopes and expiry (flushes)."""
    now = utcnow()
    row = OpenDataToken(
        token_hash=digest(token["access_token"]),
        client_pk=client.row.id,
        scopes=token.get("scope", "") or "",
        issued_at=now,
        expires_at=now + timedelta(seconds=int(token.get("expires_in", 3600))),
    )
    session.add(row)
    # The client's tokens that expired over a day ago go as it gets a new one (its own rows only,
    # by the client index), so the table holds about one day of tokens per client.
    session.query(OpenDataToken).filter(
        OpenDataToken.client_pk == client.row.id,
        OpenDataToken.expires_at < now - timedelta(days=1),
    ).delete(synchronize_session=False)
    session.flush()
    return row


@dataclass
class AccessToken(TokenMixin):
    """A stored token with its client, as Authlib's TokenMixin."""

    row: OpenDataToken
    client: OpenDataClient

    def check_client(self, client: ClientMixin) -> bool:
        """Whether the token belongs to that client."""
        return client.get_client_id() == self.client.client_id

    def get_scope(self) -> str:
        """The token's scopes that its client still holds (an admin's change applies at once)."""
        held = set(parse_scopes(self.client.scopes))
        return join_scopes([s for s in parse_scopes(self.row.scopes) if s in held])

    def get_expires_in(self) -> int:
        """Seconds the token was issued for."""
        return int((self.row.expires_at - self.row.issued_at).total_seconds())

    def is_expired(self) -> bool:
        """Past its expiry."""
        return self.row.expires_at <= utcnow()

    def is_revoked(self) -> bool:
        """Revoked itself, or its client is."""
        return self.row.revoked_at is not None or self.client.revoked_at is not None

    def get_user(self) -> None:
        """Client-credentials tokens act for no user."""
        return None

    def get_client(self) -> OAuthClient:
        """The client the token was issued to."""
        return OAuthClient(self.client)


def find_token(session: Session, token_string: str) -> AccessToken | None:
    """The stored token a bearer string names, with its client, or None."""
    if not token_string or len(token_string) > 200:
        return None
    row = session.query(OpenDataToken).filter_by(token_hash=digest(token_string)).one_or_none()
    if row is None:
        return None
    client = session.get(OpenDataClient, row.client_pk)
    if client is None:
        return None
    return AccessToken(row, client)


class OpenDataTokenValidator(BearerTokenValidator):
    """Bearer tokens looked up by digest through a session the caller provides."""

    def __init__(self, session_of, realm: str = "open-data") -> None:
        super().__init__(realm=realm)
        self._session_of = session_of

    def authenticate_token(self, token_string: str) -> AccessToken | None:
        """The token row behind a bearer string."""
        return find_token(self._session_of(), token_string)


def purge_expired(session: Session, before: datetime) -> int:
    """Delete tokens that expired before a moment; how many."""
    return (
        session.query(OpenDataToken)
        .filter(OpenDataToken.expires_at < before)
        .delete(synchronize_session=False)
    )
