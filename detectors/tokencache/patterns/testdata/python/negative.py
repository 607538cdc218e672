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
