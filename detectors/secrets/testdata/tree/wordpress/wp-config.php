<?php
/** The base configuration for WordPress */
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp_admin' );
define( 'DB_PASSWORD', '{{gen:password}}' ); // want: secret/wordpress-db-password
define( 'DB_HOST', 'db.internal' );

define( 'AUTH_KEY',         '{{gen:wp-salt}}' ); // want: secret/wordpress-secret-key
define( 'SECURE_AUTH_KEY',  '{{gen:wp-salt}}' ); // want: secret/wordpress-secret-key
define( 'NONCE_SALT',       '{{gen:wp-salt}}' ); // want: secret/wordpress-secret-key

$table_prefix = 'wp_';
