"""ETL jobs that build the Lanzarote / IWF portals warehouse from data/ and official exports."""
