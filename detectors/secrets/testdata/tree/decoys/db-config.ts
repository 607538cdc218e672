const env = process.env;

export const db2 = {
  database: env.SEQ_DB2_DB || 'testdb',
  username: env.SEQ_DB2_USER || 'db2inst1',
  password: env.SEQ_DB2_PW || env.SEQ_PW,
  apiKey: env.ANALYTICS_API_KEY,
};
