CREATE TABLE `users` (`id` int, `login` varchar(64), `password` varchar(255), `active` tinyint);
INSERT INTO `users` VALUES
(1, 'rogers', '{{gen:bcrypt}}', 1), -- want: secret/password-hash
(2, 'mike', '{{gen:bcrypt}}', 0); -- want: secret/password-hash
