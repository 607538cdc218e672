android {
    signingConfigs {
        create("release") {
            storePassword = "{{gen:password}}"  // want: secret/gradle-password
            keyPassword = providers.gradleProperty("keyPassword").get()
        }
    }
}
publishing.repositories.maven {
    credentials {
        username = "ci"
        password = System.getenv("MAVEN_PASSWORD")
    }
}
