package com.acme.mail;

import java.util.Properties;
import javax.mail.*;

public class Mailer {
    private static final String SMTP_PASSWORD = "{{gen:password}}"; // want: secret/code-password
    private static final String PASSWORD_PROPERTY = "mail.smtp.password";
    private String dbPassword = "{{gen:password}}"; // want: secret/code-password

    Session session(Properties props) {
        return Session.getInstance(props, new Authenticator() {
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication("mailer@acme.io", "{{gen:password}}"); // want: secret/code-basic-auth-password
            }
        });
    }

    DataSource dataSource() {
        HikariConfig c = new HikariConfig();
        c.setUsername("app");
        c.setPassword("{{gen:password}}"); // want: secret/code-password
        c.setPassword(System.getenv("DB_PASSWORD"));
        return new HikariDataSource(c);
    }
}

class Users {
    // Spring Security's id-prefixed encodings: a hash, and {noop} plain text
    // (the password is what follows it).
    UserDetails admin = User.withUsername("reports").password("{bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG").roles("ADMIN").build();
    UserDetails ops = User.withUsername("ops").password("{noop}{{gen:password}}").roles("OPS").build(); // want: secret/code-password
    String encodedPassword = "{{gen:password}}";
    String hashedPassword = "{{gen:password}}";
}
