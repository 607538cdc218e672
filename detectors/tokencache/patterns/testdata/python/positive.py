import functools
from functools import lru_cache, cache, cached_property

import requests

TOKEN_URL = "https://idp.example.com/oauth2/token"


@functools.lru_cache(maxsize=1)  # want: code/token-cache-outlives-ttl
def get_access_token():
    r = requests.post(TOKEN_URL, data={"grant_type": "client_credentials"})
    return r.json()["access_token"]


@cache  # want: code/token-cache-outlives-ttl
def installation_token(app_id, installation_id):
    # GitHub App installation tokens always expire after one hour.
    return requests.post(f"https://api.github.com/app/installations/{installation_id}/access_tokens").json()["token"]


class Client:
    @cached_property  # want: code/token-cache-outlives-ttl
    def bearer_token(self):
        return fetch_token()


_cached_token = None


def get_token():
    global _cached_token
    if _cached_token is None:
        _cached_token = fetch_token()  # want: code/token-cache-outlives-ttl
    return _cached_token


SA_TOKEN = open("/var/run/secrets/kubernetes.io/serviceaccount/token").read().strip()  # want: code/token-cache-outlives-ttl

ACCESS_TOKEN = fetch_access_token()  # want: code/token-cache-outlives-ttl


class InstallationClient:
    """An API client made once at start-up and shared: its token lives as long."""

    def __init__(self, app_id):
        self.app_id = app_id
        self._access_token = None

    def access_token(self):
        if self._access_token is None:
            self._access_token = requests.post(TOKEN_URL, data={"app": self.app_id}).json()["token"]  # want: code/token-cache-outlives-ttl
        return self._access_token

    def headers(self):
        return {"Authorization": f"Bearer {self.access_token()}"}


class Session:
    def __init__(self):
        self.bearer = None

    async def get_bearer(self):
        if self.bearer:
            return self.bearer
        self.bearer = await self._login()  # want: code/token-cache-outlives-ttl
        return self.bearer
