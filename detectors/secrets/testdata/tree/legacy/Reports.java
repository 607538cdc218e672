package com.acme.reports;

import java.sql.Connection;
import java.sql.DriverManager;

public class Reports {
    Connection open() throws Exception {
        return DriverManager.getConnection("jdbc:mysql://db.acme.internal/reports", "reports", "{{gen:password}}"); // want: secret/db-connect-password
    }

    Connection openFromEnv() throws Exception {
        return DriverManager.getConnection(System.getenv("DB_URL"), System.getenv("DB_USER"), System.getenv("DB_PASS"));
    }
}
