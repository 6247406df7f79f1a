"""Query parsing, keyword and semantic ranking, fusion, cluster collapse, facets, paging."""
