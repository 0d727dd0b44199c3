"""Who may reach which page: log-in and role checks shared by the blueprints."""

from __future__ import annotations

from functools import wraps

from flask import abort, request
from flask_login import current_user, login_required

from catalogue.ingest.service import Actor
from catalogue.models import Role
from catalogue.services.audit import Operator

PARTNER_ROLES = (Role.PARTNER.value, Role.ADMIN.value)


def current_actor() -> Actor:
    """The logged-in user as the services see an actor."""
    return Actor(
        user_id=current_user.id, role=Role(current_user.role), provider_id=current_user.provider_id
    )


def current_operator() -> Operator:
    """The logged-in member of staff as the audited services see an operator."""
    return Operator(
        user_id=current_user.id, role=Role(current_user.role), ip=request.remote_addr or "unknown"
    )


def roles_required(*roles: str):
    """Only logged-in users with one of these roles; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


partner_required = roles_required(*PARTNER_ROLES)
