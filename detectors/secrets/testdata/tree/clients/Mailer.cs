using System.Net;

class Mailer {
    void Send(SmtpClient smtp) {
        smtp.Credentials = new NetworkCredential("alerts@example.com", "{{gen:password}}");  // want: secret/code-basic-auth-password
        smtp.Credentials = new NetworkCredential(user, password);
    }
}
