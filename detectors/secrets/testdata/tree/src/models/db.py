"""Database engines for the reporting jobs."""
import os

from sqlalchemy import create_engine

orders = create_engine("postgresql+psycopg2://orders:{{gen:password}}@db.acme.internal:5432/orders")  # want: secret/connection-url-password
accounts = create_engine("mysql+pymysql://accounts:{{gen:password}}@mysql.acme.internal/accounts")  # want: secret/connection-url-password
geo = "postgis://geo:{{gen:at-password}}@gis.acme.internal:5434/geo"  # want: secret/connection-url-password
warehouse = create_engine("snowflake://etl:{{gen:password}}@acme-xy12345/analytics")  # want: secret/connection-url-password
from_env = create_engine(os.environ["DATABASE_URL"])
template = "postgresql+psycopg2://{user}:{password}@{host}/{db}"
telemetry = "mqtts://sensor:{{gen:password}}@broker.acme.internal:8883"  # want: secret/connection-url-password
