class ManagementClient {
  constructor(options) {
    this._options = options;
    this._token = null;
  }

  get refreshTokens() {
    return (this._refreshTokens ??= new RefreshTokensClient(this._options));
  }

  async token() {
    if (!this._token) {
      this._token = await this._options.fetchToken();
    }
    return this._token;
  }

  async request(path) {
    const res = await fetch(path, { headers: { authorization: `Bearer ${await this.token()}` } });
    if (res.status === 401) {
      this._token = null; // fetched again on the next call
    }
    return res;
  }
}

module.exports = { ManagementClient };
