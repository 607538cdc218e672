import fetch from "node-fetch";

let cachedToken: string | null = null;

export async function getToken(): Promise<string> {
  if (!cachedToken) {
    cachedToken = await requestToken(); // want: code/token-cache-outlives-ttl
  }
  return cachedToken;
}

async function requestToken(): Promise<string> {
  const res = await fetch("https://idp.example.com/oauth/token", { method: "POST" });
  const body = await res.json();
  return body.access_token;
}

const tokenCache = new Map<string, string>();

export async function tokenFor(audience: string): Promise<string> {
  const hit = tokenCache.get(audience);
  if (hit) return hit;
  const t = await requestToken();
  tokenCache.set(audience, t); // want: code/token-cache-outlives-ttl
  return t;
}

export class ApiClient {
  private accessToken: string | null = null;

  constructor(private readonly opts: { clientId: string }) {}

  async getAccessToken(): Promise<string> {
    if (!this.accessToken) {
      this.accessToken = await requestToken(); // want: code/token-cache-outlives-ttl
    }
    return this.accessToken;
  }

  private async bearer(): Promise<string> {
    return (this.#jwt ??= await requestToken()); // want: code/token-cache-outlives-ttl
  }

  #jwt?: string;
}
