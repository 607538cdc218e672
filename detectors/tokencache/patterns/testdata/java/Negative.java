package example;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

public class Negative {
    private static final String TOKEN_HEADER = "Authorization";
    private static final String TOKEN_URL = "https://idp.example.com/oauth2/token";

    private final Cache<String, String> tokenCache = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(50))
            .maximumSize(100)
            .build();

    private final Cache<String, byte[]> thumbnails = Caffeine.newBuilder().maximumSize(500).build();

    private String token;
    private java.time.Instant tokenExpiry;

    public synchronized String token() {
        if (token == null || java.time.Instant.now().isAfter(tokenExpiry.minusSeconds(60))) {
            token = requestAccessToken();
        }
        return token;
    }
}
