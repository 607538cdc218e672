"""Posts build results to the team's Discord and Google Chat."""
import os

import discord
import requests

WEBHOOK = "{{gen:discord-webhook}}"  # want: secret/discord-webhook-url
CHAT = "{{gen:google-chat-webhook}}"  # want: secret/google-chat-webhook
DOCS = "https://discord.com/api/webhooks/{webhook.id}/{webhook.token}"

client = discord.Client(intents=discord.Intents.default())


def post(text):
    requests.post(WEBHOOK, json={"content": text}, timeout=10)


if __name__ == "__main__":
    client.run("{{gen:discord-bot-token}}")  # want: secret/discord-bot-token
    client.run(os.environ["DISCORD_TOKEN"])
