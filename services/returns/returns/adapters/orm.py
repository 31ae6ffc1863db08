"""Tables of the returns database."""

from sqlalchemy import MetaData

metadata = MetaData()
