using System.Net.Http;
using System.Threading.Tasks;

namespace Example
{
    public class GraphClient
    {
        private static string _accessToken;
        private static readonly string BootstrapToken = AuthHelper.GetAccessToken(); // want: code/token-cache-outlives-ttl
        private string? installationToken;

        public async Task<string> TokenAsync()
        {
            if (_accessToken == null)
            {
                _accessToken = await AuthHelper.GetAccessTokenAsync(); // want: code/token-cache-outlives-ttl
            }
            return _accessToken;
        }

        public async Task<string> InstallationAsync()
        {
            installationToken ??= await _app.CreateInstallationTokenAsync(42); // want: code/token-cache-outlives-ttl
            return installationToken;
        }
    }
}
