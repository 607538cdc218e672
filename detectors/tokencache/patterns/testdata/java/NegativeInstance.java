package example;

public class NegativeInstance {
    private String accessToken;
    private String tokenHeader;

    public void setAccessToken(String accessToken) {
        if (this.accessToken == null) {
            this.accessToken = accessToken;
        }
    }

    String header(Request request) {
        if (tokenHeader == null) {
            tokenHeader = request.getHeader("X-Token-Header");
        }
        return tokenHeader;
    }
}

class RetryingClient {
    private String accessToken;

    String token() {
        if (accessToken == null) {
            accessToken = oauth.fetchAccessToken();
        }
        return accessToken;
    }

    void onUnauthorized() {
        accessToken = null;
    }
}
