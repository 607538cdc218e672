const mongoUri = "mongodb+srv://api:{{gen:password}}@cluster0.ab1cd.mongodb.net/app?retryWrites=true"; // want: secret/connection-url-password
const amqpUrl = `amqps://worker:{{gen:word-pass}}@mq.internal:5671/jobs`; // want: secret/connection-url-password
const dbUrl = `postgres://app:${process.env.DB_PASSWORD}@db:5432/app`;
const mapsKey = "{{gen:gcp-api-key}}"; // want: secret/gcp-api-key
const exportUrl = "https://acmefiles.blob.core.windows.net/exports/report.csv?{{gen:azure-sas}}"; // want: secret/azure-sas-token

module.exports = { mongoUri, amqpUrl, dbUrl, mapsKey, exportUrl };
