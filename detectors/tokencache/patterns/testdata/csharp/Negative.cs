using System;
using System.Threading.Tasks;

namespace Example
{
    public class ExpiringClient
    {
        private static string _accessToken;
        private static DateTimeOffset _expiresOn;

        public async Task<string> TokenAsync()
        {
            if (_accessToken == null || DateTimeOffset.UtcNow > _expiresOn.AddMinutes(-1))
            {
                var result = await AuthHelper.GetAccessTokenAsync();
                _accessToken = result.Token;
                _expiresOn = result.ExpiresOn;
            }
            return _accessToken;
        }
    }

    public class Settings
    {
        private const string TokenHeader = "Authorization";
        private static readonly string TokenUrl = "https://login.example.com/oauth2/v2.0/token";
        private string _token;

        public void SetToken(string token)
        {
            if (_token == null)
            {
                _token = token;
            }
        }

        public string Build()
        {
            string token = GetAccessToken(); // a local: fetched per call
            return token;
        }
    }

    public class RetryingClient
    {
        private string _token;

        public async Task<string> Token()
        {
            if (_token == null)
            {
                _token = await FetchTokenAsync();
            }
            return _token;
        }

        public void OnUnauthorized()
        {
            _token = null;
        }
    }
}
