#!/bin/sh
set -eu
git clone --mirror https://mirror-bot:{{gen:token32}}@git.example.internal/platform/api.git  # want: secret/url-credentials
git push --mirror "https://${MIRROR_USER}:${MIRROR_TOKEN}@github.com/acme/api.git"
