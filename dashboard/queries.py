"""Cached access to the reading side for the pages: the engine as a resource, query results as data.

Every query lives in dashboard/reading.py; this module only adds Streamlit's caches. A view of
statistics is cached per audience scope (kind, portals, funders), never per person."""
import dataclasses

import streamlit as st

from . import reading, warehouse
from .audience import Audience
from .model import committee, country, funder, methodology, network, overview
from .model import methodology as methodology_model

TTL = 600


@st.cache_resource
def engine():
    """One read-only engine per process. Building the database is `python -m etl run`'s job, never the app's."""
    return warehouse.read_only_engine()


def built() -> bool:
    """Whether the warehouse has been built (asked on every run, so a page works as soon as it is)."""
    return warehouse.is_built(engine())


def _scope(value):
    """An Audience without its subject: the cache key is what may be seen, not who looks."""
    return dataclasses.replace(value, subject=None) if isinstance(value, Audience) else value


def _cached(fn):
    """fn(engine, ...) as a cached fn(...); named after fn so each has its own cache."""
    def wrapper(*args, **kwargs):
        return fn(engine(), *args, **kwargs)
    wrapper.__name__ = wrapper.__qualname__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    cached = st.cache_data(ttl=TTL, show_spinner=False)(wrapper)

    def call(*args, **kwargs):
        return cached(*map(_scope, args), **{k: _scope(v) for k, v in kwargs.items()})
    call.__name__ = call.__qualname__ = fn.__name__
    call.__doc__ = fn.__doc__
    return call


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


def audit_trail(audience: Audience):
    """Not cached: the trail a member of staff opens is the one written so far."""
    return methodology_model.audit_trail(engine(), audience)
