"""The processes running (and finished) on cases, as one list for managers, administrators and
process owners: filtered, sorted, paged, downloadable."""
