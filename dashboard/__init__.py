"""The Streamlit dashboard: reads only the warehouse views, through dashboard.queries."""
