"""Tables of the catalog database."""

from sqlalchemy import MetaData

metadata = MetaData()
