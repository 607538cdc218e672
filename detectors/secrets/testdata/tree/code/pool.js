const mysql = require('mysql2');
const nodemailer = require('nodemailer');

const pool = mysql.createPool({
  host: 'db.acme.internal',
  user: 'orders',
  password: '{{gen:password}}', // want: secret/code-password
});

const transport = nodemailer.createTransport({
  host: 'smtp.acme.io',
  auth: { user: 'orders@acme.io', pass: '{{gen:password}}' }, // want: secret/code-password
});

// Forms and validation: labels, not passwords.
const fields = { password: 'Password', confirmPassword: 'Confirm password' };
const rules = { password: 'required|min:12|confirmed' };
const input = { password: process.env.ORDERS_PASSWORD, type: 'password' };
const schema = { password: { type: 'string', minLength: 12 } };
const messages = { password: 'password.too_short', newPassword: 'auth.password-mismatch' };

// A password that happens to be base64 is the password, once.
const legacy = { user: 'reports', password: '{{gen:basic-auth-b64}}' }; // want: secret/code-password

// A validator's table of values that pass and fail: no passwords.
const isUUID = { pass: 'f47ac10b-58cc-4372-a567-0e02b3d479ab', fail: 'f47ac10b' };
const isEmail = { pass: 'orders@acme.io', fail: 'orders@' };

const { Resend } = require('resend');
const resend = new Resend('{{gen:resend-key}}'); // want: secret/resend-api-key
const fromEnv = new Resend(process.env.RESEND_API_KEY);
