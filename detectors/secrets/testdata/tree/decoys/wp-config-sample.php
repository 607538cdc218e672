<?php
define( 'DB_NAME', 'database_name_here' );
define( 'DB_PASSWORD', 'password_here' );
define( 'DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD') );
define( 'AUTH_KEY',         'put your unique phrase here' );
define( 'SECURE_AUTH_KEY',  'put your unique phrase here' );
$password = $_POST['password'];
$pwd = getcwd();
$passed = 'yes';
