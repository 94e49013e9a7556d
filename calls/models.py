"""911 calls imported from the dispatch (CAD) system, placed in sectors and counted per month."""
