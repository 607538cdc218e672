// A token name that is only ever cleared, and a static token from the environment.
let authToken: string | undefined = process.env.API_TOKEN;

export function logout(): void {
  authToken = undefined;
}

export function header(): Record<string, string> {
  return authToken ? { Authorization: `Bearer ${authToken}` } : {};
}
