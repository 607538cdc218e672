package example

object GitHubAuth {
    val installationToken: String by lazy { // want: code/token-cache-outlives-ttl
        appClient.createInstallationToken(installationId).token
    }

    val bearer by lazy { fetchAccessToken() } // want: code/token-cache-outlives-ttl
}

class ApiClient(private val auth: AuthApi) {
    @Volatile private var accessToken: String? = null

    fun token(): String {
        if (accessToken == null) {
            accessToken = auth.fetchAccessToken() // want: code/token-cache-outlives-ttl
        }
        return accessToken!!
    }
}
