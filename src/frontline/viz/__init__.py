"""Viz and exports: ACLED-compatible CSV, GeoJSON, GeoParquet, offline maps and the run report."""
from frontline.viz.export import (ACLED_COLUMNS, EXPORT_COLUMNS, WRITERS, events_frame, events_geodataframe,
                                  events_geojson, write_claims_csv, write_events_csv, write_events_geojson,
                                  write_events_geoparquet)
from frontline.viz.maps import write_map_html, write_map_png
from frontline.viz.report import write_report

__all__ = ["ACLED_COLUMNS", "EXPORT_COLUMNS", "WRITERS", "events_frame", "events_geodataframe", "events_geojson",
           "write_claims_csv", "write_events_csv", "write_events_geojson", "write_events_geoparquet",
           "write_map_html", "write_map_png", "write_report"]
