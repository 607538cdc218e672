"""Lists the users of the Okta org for the nightly access review."""
import os

import requests

ORG = "https://acme.okta.com"
SESSION = requests.Session()
SESSION.headers["Authorization"] = "SSWS {{gen:okta-token}}"  # want: secret/okta-ssws-token
# The documented way: from the environment.
ENV_HEADERS = {"Authorization": "SSWS " + os.environ["OKTA_API_TOKEN"]}
EXAMPLE = "Authorization: SSWS ${api_token}"


def users():
    return SESSION.get(ORG + "/api/v1/users", timeout=30).json()
