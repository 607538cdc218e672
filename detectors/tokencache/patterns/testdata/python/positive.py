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
