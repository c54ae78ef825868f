"""Bearer-token authentication of the API: sets the actor and their scope on the request."""

from __future__ import annotations

from ninja.security import HttpBearer

from .scope import scope_for
from .tokens import api_token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.auth_token = api_token
        request.scope = scope_for(api_token.user)
        return api_token.user


bearer = BearerToken()
