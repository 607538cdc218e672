import os

DB_URL = "mysql://seed:{{gen:password}}@mysql.internal:3306/app"  # want: secret/connection-url-password
OPENAI_API_KEY = "{{gen:openai-key}}"  # want: secret/openai-api-key
INSTALL_TOKEN = "{{gen:github-app}}"  # want: secret/github-app-token
GITLAB_TOKEN = "{{gen:gitlab-pat}}"  # want: secret/gitlab-pat

password = os.environ["SEED_PASSWORD"]
api_key = os.getenv("API_KEY", "")
TEMPLATE = "postgresql://%(user)s:%(password)s@%(host)s/%(db)s"
