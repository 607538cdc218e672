package example

class RetryingClient(private val auth: AuthApi) {
    private var accessToken: String? = null

    fun token(): String = accessToken ?: auth.fetchAccessToken().also { accessToken = it }

    fun onUnauthorized() {
        accessToken = null
    }
}
