package example;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.LoadingCache;
import java.util.concurrent.TimeUnit;

public class Positive {
    private static String accessToken;

    private static final String SA_TOKEN = readFile("/var/run/secrets/kubernetes.io/serviceaccount/token"); // want: code/token-cache-outlives-ttl

    private static final String INSTALLATION_TOKEN = fetchInstallationToken(); // want: code/token-cache-outlives-ttl

    private final Cache<String, String> tokenCache = Caffeine.newBuilder() // want: code/token-cache-outlives-ttl
            .maximumSize(100)
            .build();

    private final LoadingCache<String, String> credentialsCache = CacheBuilder.newBuilder() // want: code/token-cache-outlives-ttl
            .expireAfterAccess(10, TimeUnit.MINUTES)
            .build(loader);

    public static synchronized String getAccessToken() {
        if (accessToken == null) {
            accessToken = requestAccessToken(); // want: code/token-cache-outlives-ttl
        }
        return accessToken;
    }
}
