#!/bin/sh
# Publishes the packages after a tagged build.
set -e
dotnet nuget push bin/Release/*.nupkg --api-key {{gen:nuget-key}} --source https://api.nuget.org/v3/index.json  # want: secret/nuget-api-key
CARGO_REGISTRY_TOKEN={{gen:crates-token}} cargo publish  # want: secret/crates-io-api-token
export SF_ACCESS_TOKEN='{{gen:salesforce-token}}'  # want: secret/salesforce-access-token
ffmpeg -re -i demo.mp4 -f flv "rtmp://live.twitch.tv/app/{{gen:twitch-stream-key}}"  # want: secret/twitch-stream-key
# Not secrets: a variable and the package's own name.
dotnet nuget push bin/Release/*.nupkg --api-key "$NUGET_API_KEY"
echo "published cio-tools and oy2-cli"
newrelic deployments create --applicationId 1234567 --revision "$GIT_SHA" --apiKey {{gen:newrelic-user-key}}  # want: secret/new-relic-user-api-key
curl -X POST https://insights-collector.newrelic.com/v1/accounts/1234567/events -H "X-Insert-Key: {{gen:newrelic-insert}}" -d @events.json  # want: secret/new-relic-insert-key
