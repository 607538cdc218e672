package com.example.upload;

import com.amazonaws.auth.AWSCredentials;
import com.amazonaws.auth.BasicAWSCredentials;

// Keys passed by position: no "secret" in sight, only the id next to it.
public class S3Uploader {
    private final AWSCredentials creds = new BasicAWSCredentials("{{gen:aws-key-id}}", "{{gen:aws-secret}}"); // want: secret/aws-access-token secret/aws-secret-key-beside-id

    // A commit hash after an id is not its secret (hex stays under the entropy bar).
    private static final String AUDIT = "{{gen:aws-key-id}} {{gen:hex40}}"; // want: secret/aws-access-token
}
