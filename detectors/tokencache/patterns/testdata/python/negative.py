import os
import time
from functools import lru_cache

from cachetools import TTLCache, cached

TOKEN_URL = "https://idp.example.com/oauth2/token"
API_TOKEN = os.environ["API_TOKEN"]


@lru_cache(maxsize=None)
def token_url(tenant):
    return f"https://login.example.com/{tenant}/oauth2/token"


@lru_cache
def parse_token(raw):
    return raw.split(".")


@cached(cache=TTLCache(maxsize=1, ttl=3000))
def get_access_token():
    return fetch_token()


_token = None
_expires_at = 0.0


def current_token():
    global _token, _expires_at
    if _token is None or time.time() > _expires_at - 60:
        body = fetch_token_response()
        _token = body["access_token"]
        _expires_at = time.time() + body["expires_in"]
    return _token


def reset():
    global _token
    _token = None


class ExpiringClient:
    def __init__(self):
        self._token = None
        self._expires_at = 0

    def token(self):
        if self._token is None or time.time() > self._expires_at - 60:
            body = fetch_token_response()
            self._token = body["access_token"]
            self._expires_at = time.time() + body["expires_in"]
        return self._token


class RetryOn401Client:
    """Drops its token when the API says it expired and fetches a new one."""

    def __init__(self):
        self._token = None

    def token(self):
        if self._token is None:
            self._token = fetch_token()
        return self._token

    def on_unauthorized(self):
        self._token = None


class Api:
    def __init__(self):
        self._token_client = None
        self.auth_token = fetch_token()  # eager, in the constructor

    @property
    def token_client(self):
        if self._token_client is None:
            self._token_client = TokenClient(self)  # a sub-client, not a token
        return self._token_client

    def set_token(self, token):
        if self.auth_token != token:
            self.auth_token = token
        return self.auth_token
