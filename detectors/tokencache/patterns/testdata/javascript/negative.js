let cachedToken = null;
let expiresAt = 0;

async function getToken() {
  if (!cachedToken || Date.now() > expiresAt - 60_000) {
    const body = await fetch("https://idp.example.com/oauth/token").then((r) => r.json());
    cachedToken = body.access_token;
    expiresAt = Date.now() + body.expires_in * 1000;
  }
  return cachedToken;
}

module.exports = { getToken };
