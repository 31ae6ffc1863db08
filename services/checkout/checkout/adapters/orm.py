"""Tables of the checkout database."""

from sqlalchemy import MetaData

metadata = MetaData()
