"""ETL jobs that build the Lanzarote / IWF portals warehouse from data/ and official exports."""
import os

# numpy asks Linux for transparent huge pages on every array of 4 MB or more; where the kernel then
# compacts memory to find them (THP "madvise", this project's machines), a fresh 80 MB buffer stalled a
# statistics import for 0.5-0.9 s at random. Without them the same buffer costs 0.04 s. numpy reads the
# variable when it is first imported, so it is set here, before any job imports it (the caller's own
# setting wins).
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
