import java.net.HttpURLConnection;

class Exporter {
    void call(HttpURLConnection conn) {
        conn.setRequestProperty("Authorization", "Bearer {{gen:token32}}");  // want: secret/authorization-bearer-token
        conn.setRequestProperty("Authorization", "Bearer " + System.getenv("EXPORT_TOKEN"));
        String credential = Credentials.basic("svc-export", "{{gen:password}}");  // want: secret/code-basic-auth-password
    }
}
