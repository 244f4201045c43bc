"""Cached access to the reading side for the pages: the engine as a resource, query results as data.

Every query lives in dashboard/reading.py; this module only adds Streamlit's caches."""
import streamlit as st

from . import reading, warehouse
from .model import committee, country, funder, methodology, network, overview

TTL = 600


@st.cache_resource
def engine():
    """One read-only engine per process. Building the database is `python -m etl run`'s job, never the app's."""
    return warehouse.read_only_engine()


def built() -> bool:
    """Whether the warehouse has been built (asked on every run, so a page works as soon as it is)."""
    return warehouse.is_built(engine())


def _cached(fn):
    """fn(engine, ...) as a cached fn(...); named after fn so each has its own cache."""
    def wrapper(*args, **kwargs):
        return fn(engine(), *args, **kwargs)
    wrapper.__name__ = wrapper.__qualname__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return st.cache_data(ttl=TTL, show_spinner=False)(wrapper)


NAMES = ["countries", "portals", "rounds", "publication"]
globals().update({name: _cached(getattr(reading, name)) for name in NAMES})

# The reading model, one cached object per view, date and selection: what pages render.
overview = _cached(overview.overview)
profile = _cached(country.profile)
network = _cached(network.network)
committee = _cached(committee.committee)
funders = _cached(funder.funders)
funder_view = _cached(funder.funder_view)
methodology = _cached(methodology.methodology)
