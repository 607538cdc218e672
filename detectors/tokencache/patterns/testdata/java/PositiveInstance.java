package example;

import org.springframework.stereotype.Service;

@Service
public class PositiveInstance {
    private String installationToken;
    private final AppClient appClient;

    public PositiveInstance(AppClient appClient) {
        this.appClient = appClient;
    }

    String token() {
        if (installationToken == null) {
            installationToken = appClient.createInstallationToken(42L).getToken(); // want: code/token-cache-outlives-ttl
        }
        return installationToken;
    }
}
