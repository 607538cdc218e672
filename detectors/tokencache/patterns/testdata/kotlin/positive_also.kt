package example

class MemoClient(private val auth: AuthApi) {
    private var accessToken: String? = null

    fun token(): String = accessToken ?: auth.fetchAccessToken().also { accessToken = it } // want: code/token-cache-outlives-ttl
}
