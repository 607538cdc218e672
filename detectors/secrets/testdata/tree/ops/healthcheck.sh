#!/bin/sh
# The status page still has its factory login.
curl -fsS https://admin:admin@status.acme-corp.io/health  # want: secret/url-credentials
