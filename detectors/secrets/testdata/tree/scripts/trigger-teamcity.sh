#!/bin/sh
# Queues the nightly build on TeamCity.
TC_TOKEN="{{gen:teamcity-token}}"  # want: secret/teamcity-access-token
curl -sf -X POST "https://teamcity.acme.internal/app/rest/buildQueue" \
  -H "Authorization: Bearer ${TC_TOKEN}" \
  -H "Content-Type: application/xml" \
  -d '<build><buildType id="Nightly"/></build>'
# An empty header for the docs: eyJ0eXAiOiAiVENWMiJ9.<id>.<secret>
