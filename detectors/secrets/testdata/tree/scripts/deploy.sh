#!/bin/sh
# Deploys the API: a curl command continued over several lines, its
# credentials on the fourth.
set -eu
echo "deploying"
curl \
  -X POST \
  -H "Content-Type: application/json" \
  -u "{{gen:user-pass}}" \
  https://api.internal.example/v1/deploy
