"""Tables of the consult database."""

from sqlalchemy import MetaData

metadata = MetaData()
