import requests
from requests.auth import HTTPBasicAuth

HEADERS = {"Authorization": "Bearer {{gen:token32}}"}  # want: secret/authorization-bearer-token
LEGACY = {"Authorization": "Basic {{gen:basic-auth-b64}}"}  # want: secret/authorization-basic-credentials


def fetch(url):
    return requests.get(url, auth=("svc-reports", "{{gen:password}}"))  # want: secret/code-basic-auth-password


def fetch_again(url):
    return requests.get(url, auth=HTTPBasicAuth("svc-reports", "{{gen:password}}"))  # want: secret/code-basic-auth-password


# Not secrets: values from the environment, a variable, a sample's word.
def fetch_env(url, token, user, password):
    requests.get(url, headers={"Authorization": "Bearer " + token})
    requests.get(url, headers={"Authorization": f"Bearer {token}"})
    requests.get(url, auth=(user, password))
    requests.get(url, auth=("jesse", "password1"))
    requests.get(url, headers={"Authorization": "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="})
    requests.get(url, headers={"Authorization": "Basic notabase64token"})
    requests.get(url, headers={"Authorization": "Basic Q0xJRU5UX0lEOkNMSUVOVF9TRUNSRVQ="})
    requests.get(url, auth=("stanleyjobson", "wrongpassword"))
