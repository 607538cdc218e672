let tokenPromise;

export function getM2MToken() {
  tokenPromise ??= fetch("https://auth.example.com/oauth/token", { method: "POST" }).then((r) => r.json()); // want: code/token-cache-outlives-ttl
  return tokenPromise;
}
