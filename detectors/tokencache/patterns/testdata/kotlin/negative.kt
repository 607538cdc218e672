package example

import java.time.Instant

object Endpoints {
    val tokenUrl by lazy { config.getString("auth.token-url") }
}

class ExpiringClient(private val auth: AuthApi) {
    private var accessToken: String? = null
    private var expiresAt: Instant = Instant.EPOCH

    fun token(): String {
        if (accessToken == null || Instant.now().isAfter(expiresAt.minusSeconds(60))) {
            val t = auth.fetchAccessToken()
            accessToken = t.value
            expiresAt = t.expiresAt
        }
        return accessToken!!
    }
}
